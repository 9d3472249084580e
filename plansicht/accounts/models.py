"""Organisations (a city, a city company) and their units, which lead measures and staff users."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Unit(models.Model):
    """An organisational unit: a department, a staff unit, a city company."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="units", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_name_unique")
        ]

    def __str__(self):
        return self.name


class StaffRole(models.Model):
    """What a staff user may do in the office for the programmes of one organisation, and the
    unit they work in there."""

    ADMIN = "admin"
    EDITOR = "editor"
    UNIT_EDITOR = "unit_editor"
    FINANCE = "finance"
    HR = "hr"
    VIEWER = "viewer"
    ROLES = [
        (ADMIN, _("administrator")),
        (EDITOR, _("editor for the whole programme")),
        (UNIT_EDITOR, _("editor for the measures of one unit")),
        (FINANCE, _("finance officer")),
        (HR, _("HR officer")),
        (VIEWER, _("read-only viewer")),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=ROLES)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("unit"),
        help_text=_(
            "The unit the person works in: the history names it with every change they make. "
            "An editor of one unit may change that unit's measures."
        ),
    )

    moderator = models.BooleanField(
        _("moderator"),
        default=False,
        help_text=_(
            "May release, hide and show again questions, statements and comments of the "
            "organisation's programmes (administrators may too)."
        ),
    )

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="staff_role_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"
