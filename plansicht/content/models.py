"""Pages whose text the site's administrators keep (in Django's admin), one per language."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageQuerySet(models.QuerySet):
    def for_language(self, key, language):
        """The page in ``language``, else in German, the site's first language."""
        pages = {p.language: p for p in self.filter(key=key, language__in=[language, "de"])}
        return pages.get(language) or pages.get("de")


class Page(models.Model):
    IMPRINT = "imprint"
    ACCESSIBILITY = "accessibility"
    EASY_LANGUAGE = "easy-language"
    SIGN_LANGUAGE = "sign-language"
    KEYS = [
        (IMPRINT, _("imprint")),
        (ACCESSIBILITY, _("accessibility statement")),
        # BITV 2.0 § 4: an explanation of the site in easy language and in sign language.
        (EASY_LANGUAGE, _("easy language")),
        (SIGN_LANGUAGE, _("sign language")),
    ]

    key = models.CharField(_("page"), max_length=30, choices=KEYS)
    language = models.CharField(
        _("language"), max_length=5, choices=[("de", "Deutsch"), ("en", "English")]
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text. An empty line starts a new paragraph; web and mail addresses become links."
        ),
    )
    updated_on = models.DateField(_("last reviewed"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["key", "language"]
        verbose_name = _("site text")
        verbose_name_plural = _("site texts")
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="page_unique")]

    def __str__(self):
        return f"{self.get_key_display()} ({self.language})"
