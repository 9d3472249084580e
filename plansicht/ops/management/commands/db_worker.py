"""django_tasks_db's ``db_worker``, beating while it runs (plansicht/ops/heartbeat.py).

This app stands before django_tasks_db in INSTALLED_APPS, so ``manage.py db_worker`` is this
command; its options are the package's."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from plansicht.ops.heartbeat import Heart


class Command(DatabaseWorkerCommand):
    help = "Run the task worker (django_tasks_db's db_worker) and record its heartbeat for /healthz"

    def handle(self, *args, **options):
        reloading = options["reload"] and not options["batch"]
        # With --reload the first process only watches the files; the child it starts works.
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)
        heart = Heart(options["worker_id"])
        heart.start()
        try:
            return super().handle(*args, **options)
        finally:
            heart.stop()
