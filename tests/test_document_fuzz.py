"""The programme document loader under random damage (hypothesis): a valid document with some
of its values replaced by random JSON or removed is either refused in words (DocumentInvalid,
or a ServiceError from the load) or loaded; it never crashes, and a refused load leaves the
stored programme exactly as it was. Bounded so that CI stays well inside its time."""

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plansicht.documents.programme import DocumentInvalid, dump, parse
from plansicht.history.models import Event
from plansicht.plan.models import Programme
from plansicht.services import ServiceError
from plansicht.services.programme import load_programme

from .factories import SYSTEM, document, funded_document, load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["2025-02-30", "31.12.2025", "", "A", "M1", "G1", "-1", "1e309", "\x00"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(value, prefix=()):
    """Every place in the document: (path of keys and indexes) for each dict value and item."""
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.append((*prefix, key))
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.append((*prefix, index))
            found += paths(inner, (*prefix, index))
    return found


def damaged(doc, changes):
    doc = copy.deepcopy(doc)
    places = paths(doc)
    for pick, new, remove in changes:
        if not places:
            break
        *parent_path, last = places[pick % len(places)]
        parent = doc
        try:
            for step in parent_path:
                parent = parent[step]
            if remove and isinstance(parent, dict):
                parent.pop(last, None)
            elif remove and isinstance(parent, list) and last < len(parent):
                parent.pop(last)
            else:
                parent[last] = new
        except (KeyError, IndexError, TypeError):  # an earlier change moved this place
            continue
    return doc


CHANGES = st.lists(st.tuples(st.integers(0, 10_000), JSON, st.booleans()), min_size=1, max_size=3)


def state(slug):
    programme = Programme.objects.filter(slug=slug).first()
    return (dump(programme), Event.objects.count()) if programme else (None, Event.objects.count())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(CHANGES, st.sampled_from(["plan", "funded"]))
def test_a_damaged_document_is_refused_in_words_or_loaded_never_half(changes, which):
    base = document() if which == "plan" else funded_document()
    slug = base["programme"]["slug"]
    if not Programme.objects.filter(slug=slug).exists():
        load(base)
    doc = damaged(base, changes)
    before = state(slug)
    try:
        checked, _warnings = parse(doc)
    except DocumentInvalid as e:
        assert str(e).strip()  # says what is wrong
        assert state(slug) == before
        return
    target = checked["programme"]["slug"]
    existing = state(target)
    try:
        load_programme(checked, actor=SYSTEM, replace=True, reason="Fuzz")
    except ServiceError as e:
        assert str(e.message).strip()
        assert state(target) == existing
