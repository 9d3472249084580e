"""The task worker's heartbeat, read by /healthz.

django_tasks_db records a worker's id only on the tasks it claims, so a healthy worker with
an empty queue leaves no trace: it cannot tell "idle" from "gone". So our ``db_worker`` (the
package's command, extended in ``plansicht/ops/management/commands/db_worker.py``; same name,
same options, so ``make demo``, the systemd unit and the compose file need nothing new) beats:
it writes its row in ``WorkerBeat`` once when it starts, then every ``BEAT_SECONDS`` from a
small background thread, with its own database connection, closed after each beat.

The thread beats while a long task runs (a large import, a report), which is right: the
worker is alive. Its limit: a worker stuck for ever inside one task still beats; the task's
own state in the office (a job that never finishes) shows that case.

A beat also deletes the rows of workers silent for a day, so restarts do not pile up rows;
the beating worker's own row is fresh, so at least one row remains once any worker has run.
"""

import os
import socket
import threading
from datetime import timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerBeat

BEAT_SECONDS = 30
FORGET_AFTER = timedelta(days=1)


def beat(worker_id: str, started_at=None) -> None:
    """Record that the worker ``worker_id`` is alive now."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": socket.gethostname()[:255], "pid": os.getpid(), "last_beat": now},
        create_defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "last_beat": now,
            "started_at": started_at or now,
        },
    )
    WorkerBeat.objects.filter(last_beat__lt=now - FORGET_AFTER).delete()


def worker_state(stale_after: timedelta) -> tuple[str, WorkerBeat | None]:
    """ "ok" if some worker beat within ``stale_after``, "stale" if the newest beat is older,
    "absent" if no worker ever beat; with the newest beat."""
    newest = WorkerBeat.objects.order_by("-last_beat").first()
    if newest is None:
        return "absent", None
    if timezone.now() - newest.last_beat > stale_after:
        return "stale", newest
    return "ok", newest


class Heart:
    """Beats for one worker: once at once, then every ``interval`` seconds until stopped."""

    def __init__(self, worker_id: str, interval: float = BEAT_SECONDS):
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def start(self) -> None:
        beat(self.worker_id, self.started_at)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                close_old_connections()
                beat(self.worker_id, self.started_at)
            except Exception:  # a database hiccup: the next beat tries again
                import logging

                logging.getLogger("plansicht.ops").exception("The worker's heartbeat failed")
            finally:
                connection.close()
