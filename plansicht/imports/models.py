"""A plan import handed to the task worker (a large file): the file's bytes until it is done,
how far reading has come, and what the import found. The import itself writes its history
events through ``services.imports``; a job is only the office's view of where it stands."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plansicht import clock
from plansicht.plan.models import Programme


class ImportJob(models.Model):
    WAITING, READING, IMPORTING, DONE, FAILED = "waiting", "reading", "importing", "done", "failed"
    STATES = [
        (WAITING, _("waiting for the task worker")),
        (READING, _("reading the file")),
        (IMPORTING, _("checking and importing")),
        (DONE, _("done")),
        (FAILED, _("failed")),
    ]
    RUNNING = (WAITING, READING, IMPORTING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="import_jobs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"), default=b"")  # emptied once nothing needs it
    sha256 = models.CharField(max_length=64)
    reason = models.TextField(_("reason"), blank=True, default="")
    dry_run = models.BooleanField(_("dry run"))
    checked = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # the dry run an applying job follows
    state = models.CharField(_("state"), max_length=20, choices=STATES, default=WAITING)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    # What the import found: counts, notices, problems and events (ImportResult.as_data).
    result = models.JSONField(null=True, blank=True)
    created = models.DateTimeField(default=clock.now)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.name} ({self.get_state_display()})"

    @property
    def running(self) -> bool:
        return self.state in self.RUNNING
