"""The task worker's heartbeat: one row per running worker, its time renewed while it runs."""

from django.db import models


class WorkerBeat(models.Model):
    """The last sign of life of one task worker process (``manage.py db_worker``)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_beat = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_beat"]

    def __str__(self):
        return f"{self.worker_id} on {self.host} (pid {self.pid})"
