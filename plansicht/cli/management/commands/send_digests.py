"""Hand each participant's daily digest to the task worker. Run it once a day (see README)."""

from django.core.management.base import BaseCommand, no_translations

from plansicht.notify.models import Notice
from plansicht.notify.tasks import digest


class Command(BaseCommand):
    help = (
        "Enqueue one digest mail for every participant who chose the daily digest and has "
        "notices not yet sent; the task worker (manage.py db_worker) sends them."
    )

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, **options):
        users = Notice.objects.filter(sent=None).values_list("user_id", flat=True).distinct()
        count = 0
        for user_id in users.order_by("user_id"):
            digest.enqueue(user_id)
            count += 1
        self.stdout.write(f"Enqueued {count} digest(s).")
