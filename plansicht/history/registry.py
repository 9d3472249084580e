"""What each action and each changed field of the history is called, and how its values read.

pretix's log-entry type registry is the model: the app that writes an event also says what it
is called. Each domain app registers its actions (with a label and a *kind*: plan, money,
posts or participation) and the change keys its actions write (with a label and a value
formatter) from its ``AppConfig.ready()``, once. The history knows no domain app;
``history.models.record`` refuses an action or a change key nobody registered, so every event
can be told in words.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

PLAN, MONEY, POSTS, PARTICIPATION = "plan", "money", "posts", "participation"
KINDS = {PLAN: _("Plan"), MONEY: _("Money"), POSTS: _("Posts"), PARTICIPATION: _("Participation")}
EMPTY = "–"


# -- value formatters (the stored JSON value → text in the page's language) ------------------


def text(value) -> str:
    return str(value)


def as_date(value) -> str:
    """An ISO date string (or a date) as the page's short date; anything else as it is."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def number(value) -> str:
    """A whole or decimal number in the page's language (0.50 → "0,50" on German pages)."""
    if isinstance(value, bool):
        return str(value)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return number_format(amount, use_l10n=True)


def yes_no(value) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def choice(choices) -> Callable:
    """A stored code (a hiring step, a category) in words, from a field's choices."""

    def format_choice(value):
        return str(dict(choices).get(value, value))

    return format_choice


# -- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    label: object
    format: Callable = text


@dataclass(frozen=True)
class Action:
    name: str
    label: object
    kind: str
    keys: Mapping[str, Key] = field(default_factory=dict)


_apps: dict[str, dict[str, Action]] = {}
_actions: dict[str, Action] = {}


def register(app: str, *, actions: Mapping[str, tuple], keys: Mapping[str, Key]):
    """Register one app's actions ({name: (label, kind)}) and the change keys they write.

    Called once per app from its ``ready()``; calling again replaces the app's entries."""
    entries = {}
    for name, (label, kind) in actions.items():
        if kind not in KINDS:
            raise ImproperlyConfigured(f"history action {name!r}: unknown kind {kind!r}")
        owner = next((a for a, acts in _apps.items() if name in acts and a != app), None)
        if owner is not None:
            raise ImproperlyConfigured(f"history action {name!r} is registered by {owner} too")
        entries[name] = Action(name, label, kind, dict(keys))
    for name in _apps.pop(app, {}):
        _actions.pop(name, None)
    _apps[app] = entries
    _actions.update(entries)


def action(name: str) -> Action | None:
    return _actions.get(name)


def actions_of_kind(kind: str) -> list[str]:
    return sorted(name for name, a in _actions.items() if a.kind == kind)


def check(name: str, changes: Mapping) -> None:
    """Refuse (ValueError) an action or a change key that has no registered label."""
    registered = _actions.get(name)
    if registered is None:
        raise ValueError(f"history action {name!r} is not registered (history.registry)")
    unknown = sorted(set(changes) - set(registered.keys))
    if unknown:
        raise ValueError(
            f"history action {name!r} writes change keys without a registered label: "
            + ", ".join(unknown)
        )


def action_label(name: str):
    registered = _actions.get(name)
    return registered.label if registered is not None else name


def describe(name: str, changes: Mapping) -> list[tuple]:
    """[(what, old, new)] in words, in the stored order; unknown (old) keys as they are."""
    keys = _actions[name].keys if name in _actions else {}
    rows = []
    for key, (old, new) in changes.items():
        spec = keys.get(key)
        label = spec.label if spec is not None else key
        fmt = spec.format if spec is not None else text
        rows.append((label, _value(fmt, old), _value(fmt, new)))
    return rows


def _value(fmt, value) -> str:
    if value is None or value == "":
        return EMPTY
    if value == "…":  # withheld from the public history (a private holder's data)
        return value
    return fmt(value)
