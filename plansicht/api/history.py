"""The public history in the API: every public change of a programme, newest first, as the
portal's history page lists it — the action and its words, what it is about, the changes from
old to new, the reason, and the unit that made it (never a person)."""

from datetime import date, datetime
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from plansicht.forecast import public_history
from plansicht.history import registry
from plansicht.plan.models import Measure

from .core import PageQuery, page_of, paginate, responses
from .plan import get_programme

router = Router(tags=["history"])


class ChangeOut(Schema):
    field: str = Field(description="The key of the changed value.")
    label: str = Field(description="What changed, in words.")
    old: Any = Field(
        description="The value before as stored (dates ISO 8601, amounts decimal strings), or null."
    )
    new: Any = Field(description="The value after, as old.")
    old_text: str = Field(description="The value before in words, as the portal shows it.")
    new_text: str = Field(description="The value after in words.")


class EventOut(Schema):
    id: int
    at: datetime = Field(description="When the change was recorded (ISO 8601, with offset).")
    action: str = Field(description="The kind of change, e.g. milestone.rescheduled.")
    action_label: str = Field(description="The action in words.")
    kind: str | None = Field(description="plan, money, posts or participation.")
    subject: str | None = Field(description="What the change is about, in words.")
    subject_code: str | None = Field(description="The code of what it is about, if public.")
    subject_page: str | None = Field(
        description="Where the portal shows it: milestone, measure, positions or overview."
    )
    by: str = Field(description="The unit that made the change (never a person).")
    changes: list[ChangeOut]
    reason: str | None


def _raw(value):
    return None if value == "" else value


def event_row(e) -> dict:
    action = registry.action(e.action)
    # By field name: PostgreSQL keeps a JSON object's keys in an order of its own.
    changes = sorted(
        (
            {
                "field": key,
                "label": str(label),
                "old": _raw(old),
                "new": _raw(new),
                "old_text": old_text,
                "new_text": new_text,
            }
            for (key, (old, new)), (label, old_text, new_text) in zip(
                e.changes.items(), registry.describe(e.action, e.changes), strict=True
            )
        ),
        key=lambda change: change["field"],
    )
    shown = e.shown
    return {
        "id": e.pk,
        "at": timezone.localtime(e.at),
        "action": e.action,
        "action_label": str(registry.action_label(e.action)),
        "kind": action.kind if action is not None else None,
        "subject": shown.text if shown is not None else None,
        "subject_code": (shown.code or None) if shown is not None else None,
        "subject_page": (shown.page or None) if shown is not None else None,
        "by": e.public_author,
        "changes": changes,
        "reason": e.reason or None,
    }


class HistoryFilter(PageQuery):
    kind: Literal["plan", "money", "posts", "participation"] | None = Field(
        None, description="Only changes of this kind."
    )
    measure: str | None = Field(
        None, description="Only changes of this measure (code) and its sub-measures."
    )
    date_from: date | None = Field(None, description="Only changes recorded on or after it.")
    date_until: date | None = Field(None, description="Only changes recorded on or before it.")


@router.get(
    "/programmes/{slug}/history/",
    response=responses(page_of(EventOut), 404),
    summary="Public changes, newest first",
)
def history(request, slug: str, filters: Query[HistoryFilter]):
    programme = get_programme(slug)
    if filters.date_from and filters.date_until and filters.date_until < filters.date_from:
        raise ValidationError(
            [
                {
                    "loc": ("query", "date_until"),
                    "msg": _("The end date lies before the start date."),
                }
            ]
        )
    measure = None
    if filters.measure:
        measure = Measure.objects.filter(programme=programme, code=filters.measure).public().first()
    events = public_history.events(
        programme,
        kind=filters.kind or "",
        measure=measure,
        date_from=filters.date_from,
        date_until=filters.date_until,
    ).select_related("unit")
    if filters.measure and measure is None:  # no published measure of that code
        events = events.none()
    page = paginate(request, events, filters)
    page["results"] = [
        event_row(e) for e in public_history.with_subjects(programme, page["results"])
    ]
    return page
