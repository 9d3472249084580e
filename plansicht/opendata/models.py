from django.db import models
from django.utils.translation import gettext_lazy as _

from plansicht.plan.models import Programme


class OpenDataFile(models.Model):
    """A built open data file of a programme, as the portal serves it. Rebuilt (all of a
    programme's files at once) on the first request after the forecast was stored again or
    the day changed: ``built_from`` names the stored forecast and the day it was built for."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="open_data_files"
    )
    name = models.CharField(_("file name"), max_length=100)
    data = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    built_at = models.DateTimeField(_("built at"))
    built_from = models.CharField(_("built from"), max_length=100)

    class Meta:
        verbose_name = _("open data file")
        verbose_name_plural = _("open data files")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="open_data_file_unique")
        ]

    def __str__(self):
        return f"{self.programme_id}/{self.name}"
