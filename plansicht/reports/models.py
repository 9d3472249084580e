"""Issued reports: frozen. Issuing a report stores its files, the content they were made from
(``content.as_data``) and the version of Plansicht, each file with its SHA-256 checksum; an
issued report never changes, even when the plan does. Issuing again makes a new version.
Written only through ``plansicht.services.reports``."""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plansicht.plan.models import Programme

# The kinds of report; the public ones are on the portal once issued, the others only if the
# office issues them as public.
KINDS = [
    ("funder", _("funder status report")),
    ("proof", _("proof of use")),
    ("council", _("council information report")),
    ("change-request", _("change request")),
    ("drawdown", _("drawdown request")),
    ("public", _("public progress report")),
]
PUBLIC_KINDS = ("council", "public")
FORMATS = [("pdf", "PDF"), ("docx", "DOCX"), ("odt", "ODT")]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class IssuedReportQuerySet(models.QuerySet):
    def public(self):
        return self.filter(public=True)


class IssuedReport(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS)
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)  # an interim proof's
    language = models.CharField(_("language"), max_length=5)
    cut_off = models.DateField(_("cut-off date"))
    issue_date = models.DateField(_("issue date"))
    number = models.PositiveIntegerField(_("version"))  # 1, 2, … per programme, kind and year
    public = models.BooleanField(_("public"), default=False)
    title = models.CharField(_("title"), max_length=300)
    data = models.JSONField(_("content"))  # content.as_data of the report, as issued
    data_sha256 = models.CharField(_("checksum of the content"), max_length=64)
    plansicht_version = models.CharField(_("Plansicht version"), max_length=40)
    issued_by = models.CharField(_("issued by"), max_length=200)

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-number"]
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "year", "language", "number"],
                name="report_version_once",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.number})"


class IssuedFile(models.Model):
    report = models.ForeignKey(IssuedReport, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(_("format"), max_length=5, choices=FORMATS)
    file = models.FileField(_("file"), upload_to="reports/%Y/")
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)

    class Meta:
        ordering = ["format"]
        constraints = [
            models.UniqueConstraint(fields=["report", "format"], name="report_format_once")
        ]

    def __str__(self):
        return f"{self.report} {self.format}"

    def intact(self) -> bool:
        """Whether the stored file still has the checksum it was issued with."""
        with self.file.open("rb") as f:
            return sha256(f.read()) == self.sha256


class ChangeRequest(models.Model):
    """A change request (Änderungsantrag) to the funder: made when the office issues a
    ``change-request`` report, then followed through its status (drafted → sent → approved or
    rejected). Plan versions and council decisions can point to the one they rest on.
    Written only through ``plansicht.services.reports``."""

    DRAFTED, SENT, APPROVED, REJECTED = "drafted", "sent", "approved", "rejected"
    STATUSES = [
        (DRAFTED, pgettext_lazy("change request", "drafted")),
        (SENT, pgettext_lazy("change request", "sent")),
        (APPROVED, pgettext_lazy("change request", "approved")),
        (REJECTED, pgettext_lazy("change request", "rejected")),
    ]
    # The status each may move on to; nothing moves back.
    NEXT = {DRAFTED: (SENT,), SENT: (APPROVED, REJECTED), APPROVED: (), REJECTED: ()}
    PREFIX = "ÄA-"  # ÄA-1, ÄA-2, … per programme

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="change_requests"
    )
    number = models.PositiveIntegerField(_("number"))  # 1, 2, … per programme
    code = models.CharField(_("code"), max_length=20)
    date = models.DateField(_("date"))  # the issue date of its report
    status = models.CharField(_("status"), max_length=20, choices=STATUSES, default=DRAFTED)
    status_on = models.DateField(_("status since"))
    note = models.TextField(_("internal note"), blank=True, default="")
    issued_report = models.ForeignKey(
        IssuedReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_requests",
        verbose_name=_("issued report"),
    )
    # Bumped by every change; an office form carries the version it was opened at.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="change_request_once"),
            models.UniqueConstraint(fields=["programme", "code"], name="change_request_code"),
        ]

    def __str__(self):
        return self.code

    @classmethod
    def next_number(cls, programme) -> int:
        """The number the programme's next change request gets: one more than the last."""
        last = cls.objects.filter(programme=programme).aggregate(n=models.Max("number"))["n"]
        return (last or 0) + 1

    @classmethod
    def code_of(cls, number: int) -> str:
        return f"{cls.PREFIX}{number}"

    @property
    def next_statuses(self) -> tuple:
        return self.NEXT.get(self.status, ())
