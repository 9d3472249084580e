"""The event log every change of state writes to, exactly once per operation.

Events are never updated or deleted: the public change history, feeds, notifications and the
deviations section of reports are all read from here.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from plansicht import clock
from plansicht.accounts.models import Unit

from . import registry


class EventQuerySet(models.QuerySet):
    def public(self):
        """Events written public whose subject is public now: not about a draft measure or
        milestone, nor about one that lies in a draft measure at any depth."""
        from plansicht.plan.models import hidden_measure_ids  # plan stands on history

        hidden = hidden_measure_ids()
        return (
            self.filter(public=True)
            .exclude(measure_id__in=hidden)
            .exclude(milestone__draft=True)
            .exclude(milestone__measure_id__in=hidden)
        )

    def about(self, obj):
        """The events whose subject is ``obj``."""
        return self.filter(subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk)

    def of_kind(self, kind):
        """Events of one kind of the registry: plan, money or posts."""
        return self.filter(action__in=registry.actions_of_kind(kind))

    def for_programme(self, programme):
        return self.filter(programme=programme)

    def for_measure(self, measure):
        return self.filter(measure=measure)

    def latest_reasons(self, model, ids, until=None) -> dict:
        """{subject id: the reason of the latest of these events that gives one} about the
        ``model`` rows ``ids``; with ``until`` (a date) only events written by the end of
        that day count. Why a milestone deviates, as the portal and the reports say it."""
        events = self.exclude(reason="").filter(
            subject_type=ContentType.objects.get_for_model(model), subject_id__in=list(ids)
        )
        if until is not None:
            events = events.filter(at__date__lte=until)
        reasons = {}
        for subject_id, reason in events.order_by("-at", "-id").values_list("subject_id", "reason"):
            reasons.setdefault(subject_id, reason)
        return reasons


class Event(models.Model):
    at = models.DateTimeField(_("when"), default=clock.now, db_index=True)
    programme = models.ForeignKey(
        "plan.Programme", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    # The measure an event belongs to (its own or its milestone's), for a measure's history.
    measure = models.ForeignKey(
        "plan.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    # The milestone an event is about (its own, its cost line's, a dependency's successor):
    # an event about a draft milestone never reaches a public page.
    milestone = models.ForeignKey(
        "plan.Milestone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    subject_id = models.BigIntegerField(null=True, blank=True)
    # The subject's code or name when the event was written, kept if the subject is removed.
    subject_label = models.CharField(_("subject"), max_length=300, blank=True, default="")
    action = models.CharField(_("action"), max_length=60)
    # {field: [old, new]}, values as JSON (dates as ISO strings).
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True, default="")
    public = models.BooleanField(_("public"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.CharField(_("by"), max_length=200, blank=True, default="")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["programme", "-at"], name="event_programme_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject_label}"

    @property
    def public_author(self) -> str:
        """Who made the change, as public pages say it: the unit, never a person (data
        minimisation); "Programme office" for a person without a unit (load ``unit``)."""
        if self.unit_id is not None:
            return self.unit.name
        if self.user_id is not None:
            return str(_("Programme office"))
        return self.actor or str(_("Programme office"))


def record(**fields) -> Event:
    """Write one event. Called by the service functions, once per operation, inside their
    transaction, so the event exists exactly when the change does. ``fields``: ``action`` and
    what ``_event`` takes (subject, programme, measure, milestone, changes, reason, public,
    user, actor, unit, label).

    The action and every key of ``changes`` must have a label in the registry (ValueError)."""
    event = _event(**fields)
    event.save(force_insert=True)
    _touch({event.programme_id})
    return event


def record_many(events: list[dict]) -> list[Event]:
    """Write many events at once (an import: one per row it changes), each given as the
    keyword arguments of ``record`` and checked alike; in batches of 500 rows."""
    built = [_event(**e) for e in events]
    written = Event.objects.bulk_create(built, batch_size=500)
    _touch({e.programme_id for e in written})
    return written


def _touch(programme_ids: set) -> None:
    """A change was recorded: the public pages of its programme may show it now."""
    from plansicht.plan.models import Programme  # plan stands on history

    programme_ids.discard(None)
    if programme_ids:
        Programme.objects.filter(pk__in=programme_ids).touch()


def _event(
    *,
    action,
    subject=None,
    programme=None,
    measure=None,
    milestone=None,
    changes=None,
    reason="",
    public=True,
    user=None,
    actor="",
    unit=None,
    label=None,
) -> Event:
    registry.check(action, changes or {})
    return Event(
        action=action,
        programme=programme,
        measure=measure,
        milestone=milestone,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        subject_label=label
        if label is not None
        else (getattr(subject, "code", "") or str(subject or "")),
        changes=changes or {},
        reason=reason,
        public=public,
        user=user,
        actor=actor,
        unit=unit,
    )
