"""Notices waiting for a participant's daily digest. Single mails are sent at once and leave
no row; a digest collects these and marks them sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    url = models.CharField(_("address"), max_length=500)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["user", "sent"], name="notice_unsent")]

    def __str__(self):
        return self.subject
