"""The answer-period reads: each item's status and due date as of a date, and the figures of
a set of items (``plansicht.engine.periods`` holds the rules)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import pgettext_lazy

from plansicht.engine import periods

from .models import Extension, Submission

# An item's status (``plansicht.engine.periods.status``) in words.
STATUS_LABELS = {
    periods.OPEN: pgettext_lazy("answer status", "open"),
    periods.OVERDUE: pgettext_lazy("answer status", "overdue"),
    periods.ANSWERED_IN_TIME: pgettext_lazy("answer status", "answered in time"),
    periods.ANSWERED_WITHIN_EXTENSION: pgettext_lazy(
        "answer status", "answered within the extension"
    ),
    periods.ANSWERED_LATE: pgettext_lazy("answer status", "answered late"),
    periods.WITHDRAWN: pgettext_lazy("answer status", "withdrawn"),
}
# Shown instead of a status on the public pages: an item hidden by the moderation is not counted.
HIDDEN = "hidden"
PUBLIC_STATUS_LABELS = {
    **STATUS_LABELS,
    HIDDEN: pgettext_lazy("answer status", "hidden by the moderation"),
}
# The status filters of the public lists: {filter: the statuses it shows}.
STATUS_FILTERS = {
    "open": (periods.OPEN,),
    "overdue": (periods.OVERDUE,),
    "answered": periods.ANSWERED,
}


def public_status(status: str, hidden: bool) -> str:
    """The status the public sees: HIDDEN for an item the moderation hid, else ``status``."""
    return HIDDEN if hidden else status


@dataclass(frozen=True)
class Row:
    """An item as of a date: its status, the due date in force and whether it was extended."""

    item: Submission
    status: str
    due: date
    extended: bool

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


def with_extensions(queryset):
    """The items with their extensions in the order granted (one extra query)."""
    return queryset.prefetch_related(
        Prefetch("extensions", queryset=Extension.objects.order_by("on", "pk"))
    )


def rows(queryset, as_of: date) -> list[Row]:
    """Every item of ``queryset`` received by ``as_of``, with its status then."""
    out = []
    for item in with_extensions(queryset.filter(received__lte=as_of)):
        engine_item = item.engine_item(item.extensions.all())
        status = periods.status(engine_item, as_of)
        due = periods.due_in_force(engine_item, as_of)
        out.append(Row(item, status, due, due != item.due))
    return out


def figures(queryset, as_of: date) -> periods.Figures:
    """The figures of the items of ``queryset`` as of ``as_of`` (hidden and withdrawn ones
    left out by the rules)."""
    items = with_extensions(queryset.filter(received__lte=as_of, hidden=False))
    return periods.figures((i.engine_item(i.extensions.all()) for i in items), as_of)


@dataclass(frozen=True)
class Brief:
    """An item read lightly for long lists and figures: its ``fields`` as asked for, as the
    period rules read it (``engine``), and its status and due date in force as of a date."""

    pk: int
    fields: dict
    engine: periods.ItemIn
    status: str
    due: date

    @property
    def extended(self) -> bool:
        return self.due != self.engine.due


BRIEF_FIELDS = ("pk", "received", "due", "answered_on", "withdrawn_on", "hidden")


def briefs(queryset, as_of: date, fields=()) -> list[Brief]:
    """Every item of ``queryset`` received by ``as_of``, in its order, with its status then:
    two queries whatever the number of items (its values, and the extensions of them all)."""
    items = queryset.filter(received__lte=as_of)
    granted = {}
    for submission, on, to in (
        Extension.objects.filter(submission__in=items.values("pk"))
        .order_by("on", "pk")
        .values_list("submission_id", "on", "to")
    ):
        granted.setdefault(submission, []).append((on, to))
    out = []
    for row in items.values(*dict.fromkeys((*BRIEF_FIELDS, *fields))):
        engine = periods.ItemIn(
            received=row["received"],
            due=row["due"],
            extensions=tuple(granted.get(row["pk"], ())),
            answered=row["answered_on"],
            withdrawn=row["withdrawn_on"],
            hidden=row["hidden"],
        )
        status = periods.status(engine, as_of)
        out.append(Brief(row["pk"], row, engine, status, periods.due_in_force(engine, as_of)))
    return out


# The fields a public list reads of every item (for its filters and figures).
LIST_FIELDS = ("unit_id", "body_id", "measure_id", "milestone__measure_id", "pending")


def listing(programme, kind, as_of) -> tuple[list[Brief], list[Brief]]:
    """The questions (or statements) of ``programme`` received by ``as_of``, newest first, as
    :func:`briefs` reads them with :data:`LIST_FIELDS`: (every one — the figures count those
    awaiting release too —, the public ones among them). Three queries."""
    items = Submission.objects.filter(programme=programme, kind=kind)
    everything = briefs(items, as_of, fields=LIST_FIELDS)
    public = set(items.public().values_list("pk", flat=True))
    return everything, [b for b in everything if b.pk in public]


def narrowed(shown, *, status="", unit_ids=None, body_ids=None, measure_id=None) -> list[Brief]:
    """The public items ``shown`` (from :func:`listing`) a list's filters leave: of a
    :data:`STATUS_FILTERS` key (a hidden item has no status, so no status filter shows it),
    answered by one of ``unit_ids``, of one of ``body_ids``, about the measure ``measure_id``
    or one of its milestones."""
    rows = shown
    if status:
        wanted = STATUS_FILTERS[status]
        rows = [b for b in rows if not b.fields["hidden"] and b.status in wanted]
    if unit_ids is not None:
        rows = [b for b in rows if b.fields["unit_id"] in unit_ids]
    if body_ids is not None:
        rows = [b for b in rows if b.fields["body_id"] in body_ids]
    if measure_id is not None:
        rows = [
            b
            for b in rows
            if measure_id in (b.fields["measure_id"], b.fields["milestone__measure_id"])
        ]
    return rows
