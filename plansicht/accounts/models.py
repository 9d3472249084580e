"""Organisations (a city, a city company) and their units, which lead measures and staff users."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DL_BY_DE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    # Open data: what the DCAT-AP.de catalogue and the IATI file say about the publisher.
    ags = models.CharField(
        _("municipality key (AGS)"),
        max_length=8,
        blank=True,
        default="",
        validators=[RegexValidator(r"^\d{8}$", _("Enter the eight digits of the AGS."))],
        help_text=_("The official municipality key, eight digits, e.g. 07315000 for Mainz."),
    )
    dcat_contributor_id = models.URLField(
        _("DCAT-AP.de contributor ID"),
        blank=True,
        default="",
        help_text=_(
            "The organisation's URI in the DCAT-AP.de contributor list, e.g. "
            "http://dcat-ap.de/def/contributors/stadtMainz."
        ),
    )
    open_data_licence = models.URLField(
        _("open data licence"),
        default=DL_BY_DE,
        help_text=_("A licence URI from the DCAT-AP.de licence vocabulary."),
    )
    contact_url = models.URLField(
        _("open data contact page"),
        blank=True,
        default="",
        help_text=_("A contact page of an office, never a person's."),
    )
    contact_email = models.EmailField(
        _("open data contact e-mail"),
        blank=True,
        default="",
        help_text=_("A functional address of an office (e.g. opendata@…), never a person's."),
    )
    # Optional: the portal answered on this host name shows this organisation's programmes only
    # (it must also be in ALLOWED_HOSTS); empty: the organisation is reached on the main host.
    domain = models.CharField(
        _("domain"),
        max_length=253,
        blank=True,
        default="",
        validators=[
            RegexValidator(
                r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
                _("Enter a host name in lower case, e.g. plansicht.musterstadt.de."),
            )
        ],
        help_text=_("The host name of the city's own portal, e.g. plansicht.musterstadt.de."),
    )
    # Who counts as the city's staff for a staff-only consultation, besides office users:
    # participants whose verified e-mail address is in one of these domains, and — with single
    # sign-on — members of this group (the provider's "groups" claim).
    staff_email_domains = models.JSONField(
        _("e-mail domains of the staff"),
        default=list,
        blank=True,
        help_text=_("For example musterstadt.de: its addresses count as staff."),
    )
    staff_group = models.CharField(
        _("staff group at single sign-on"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Members of this group at the city's sign-on count as staff."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain"], condition=~models.Q(domain=""), name="organisation_domain_once"
            )
        ]
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


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, today):
        """Neither revoked nor expired on ``today``."""
        return self.filter(revoked_on__isnull=True, expires_on__gte=today)


class ApiToken(models.Model):
    """A personal token for the API (``Authorization: Bearer …``): scoped to one programme and
    one role no higher than its owner's, with an expiry; revocable. Only a SHA-256 hash of the
    secret is kept: the secret is shown once, when the token is made. Written only through
    ``plansicht.services.tokens``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("owner"),
    )
    programme = models.ForeignKey(
        "plan.Programme",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("programme"),
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.ROLES)
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “Import from SAP”.")
    )
    prefix = models.CharField(_("beginning"), max_length=12)  # shown to tell tokens apart
    secret_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    created_on = models.DateField(_("made on"))
    expires_on = models.DateField(_("valid until"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    last_used_on = models.DateField(_("last used on"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_on", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
