"""Indicators and the funder's acceptance in the programme document: what is written, what a
load stores (values as written), and each mistake named by its path."""

from datetime import date

import pytest

from plansicht.documents import schema
from plansicht.documents.programme import DocumentInvalid, dump, parse
from plansicht.indicators.models import Indicator, IndicatorValue
from plansicht.plan.models import Milestone

from .factories import indicated_document, load
from .test_document_check import ODD, places, put

pytestmark = pytest.mark.django_db


def problems(doc) -> list[str]:
    with pytest.raises(DocumentInvalid) as raised:
        parse(doc)
    return str(raised.value).splitlines()


def measure(doc, code):
    return next(m for m in doc["measures"] if m["code"] == code)


def milestone(doc, code):
    return next(m for m in doc["milestones"] if m["code"] == code)


def test_a_load_stores_the_values_as_written_in_the_documents_order(today):
    load(indicated_document())
    i2 = Indicator.objects.get(measure__code="M1", code="I2")
    assert (i2.baseline_value, i2.target_value, i2.unit) == ("0", "120", "Dienste")
    assert list(i2.values.values_list("on", "value", "note")) == [
        (date(2025, 3, 31), "68", ""),
        (date(2025, 3, 31), "70", "nachgezählt"),
    ]
    assert IndicatorValue.objects.get(value="12.50").indicator.code == "I1"
    a = Milestone.objects.get(code="A")
    assert (str(a.accepted_on), a.acceptance_ref) == ("2025-03-03", "ZB-2025/17")


def test_the_dump_writes_indicators_and_acceptance_only_when_set(today):
    load(indicated_document())
    doc = dump(load(indicated_document(), replace=True))
    assert "indicators" not in measure(doc, "M1.1")
    assert measure(doc, "M2")["indicators"] == [
        {
            "code": "I1",
            "title": "Radwege",
            "unit": "km",
            "baseline": {"value": "12.5", "on": "2025-01-01"},
            "target": {"value": "20", "on": "2027-12-31"},
            "actuals": [],
        }
    ]
    i1 = measure(doc, "M1")["indicators"][0]
    assert i1["actuals"][1] == {"on": "2025-03-31", "value": "18", "note": "Stichprobe Q1"}
    assert i1["actuals"][2] == {"on": "2025-06-30", "value": "12.50"}
    a, b = milestone(doc, "A"), milestone(doc, "B")
    keys = list(a)
    assert keys.index("accepted_on") == keys.index("actual_finish") + 1
    assert (a["accepted_on"], a["acceptance_ref"]) == ("2025-03-03", "ZB-2025/17")
    assert "accepted_on" not in b and "acceptance_ref" not in b


def test_replacing_keeps_an_indicator_by_code_and_removes_what_the_document_lacks(today):
    load(indicated_document())
    kept = Indicator.objects.get(measure__code="M1", code="I1")
    doc = indicated_document()
    measure(doc, "M1")["indicators"] = measure(doc, "M1")["indicators"][:1]
    measure(doc, "M1")["indicators"][0]["actuals"] = [{"on": "2025-05-31", "value": "17"}]
    load(doc, replace=True)
    again = Indicator.objects.get(measure__code="M1", code="I1")
    assert again.pk == kept.pk and again.version == kept.version + 1
    assert list(again.values.values_list("value", flat=True)) == ["17"]
    assert not Indicator.objects.filter(measure__code="M1", code="I2").exists()


def test_clearing_the_acceptance_in_a_document_clears_the_offices_letter(today, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    load(indicated_document())
    a = Milestone.objects.get(code="A")
    a.acceptance_document.save("a.pdf", ContentFile(b"%PDF-1.4"))
    load(indicated_document(), replace=True)  # the same acceptance: the letter stays
    assert Milestone.objects.get(code="A").acceptance_document
    doc = indicated_document()
    del milestone(doc, "A")["accepted_on"], milestone(doc, "A")["acceptance_ref"]
    load(doc, replace=True)
    a = Milestone.objects.get(code="A")
    assert (a.accepted_on, a.acceptance_ref, a.acceptance_document.name) == (None, "", "")


def with_change(apply):
    doc = indicated_document()
    apply(doc)
    return doc


def ind(doc, j=0, code="M1"):
    return measure(doc, code)["indicators"][j]


# M1 is measures[0], M2 measures[3]; A is milestones[0], C milestones[2].
MISTAKES = [
    (
        lambda doc: ind(doc)["baseline"].update(value="12,5"),
        'measures[0].indicators[0].baseline.value: "12,5" is not a value; write it like "70" '
        'or "12.50", with a point before at most four decimals and no thousands separator',
    ),
    (
        lambda doc: ind(doc, 1)["actuals"][0].update(value=68),
        "measures[0].indicators[1].actuals[0].value: 68 is a number; write it as text in "
        'quotes, e.g. "68", so that it is kept as written',
    ),
    (
        lambda doc: ind(doc)["target"].update(value="10.12345"),
        "measures[0].indicators[0].target.value: 10.12345 has more than 4 decimal places",
    ),
    (
        lambda doc: ind(doc, 0, "M2").pop("target"),
        "measures[3].indicators[0].target: is missing; fill it in",
    ),
    (
        lambda doc: ind(doc)["baseline"].pop("value"),
        'measures[0].indicators[0].baseline.value: is missing; give a value such as "12.50"',
    ),
    (
        lambda doc: ind(doc, 1).update(code="I1"),
        "measures[0].indicators[1].code: indicator code 'I1' is used twice (first at "
        "measures[0].indicators[0]); codes must be unique",
    ),
    (
        lambda doc: ind(doc)["target"].update(on="2023-12-31"),
        "measures[0].indicators[0].target.on: 2023-12-31 is before the baseline date "
        "2024-01-01; a target lies on or after its baseline",
    ),
    (
        lambda doc: ind(doc)["actuals"][0].update(on="2025-02-30"),
        'measures[0].indicators[0].actuals[0].on: "2025-02-30" is not a date; write it as '
        "YYYY-MM-DD, e.g. 2025-03-31",
    ),
    (
        lambda doc: milestone(doc, "A").update(accepted_on="2025-02-09"),
        "milestones[0].accepted_on: 2025-02-09 is before the actual finish 2025-02-10; the "
        "funder accepts a milestone on or after it was finished",
    ),
    (
        lambda doc: milestone(doc, "C").update(accepted_on="2025-05-01"),
        "milestones[2].accepted_on: the funder accepts only a finished milestone; add "
        "actual_finish",
    ),
    (
        lambda doc: milestone(doc, "C").update(acceptance_ref="ZB 1"),
        "milestones[2].acceptance_ref: a funder's reference needs the date of the acceptance; "
        "add accepted_on",
    ),
]


@pytest.mark.parametrize(("apply", "message"), MISTAKES)
def test_a_mistake_is_named_by_its_path(apply, message):
    assert message in problems(with_change(apply))


def test_a_refused_document_stores_nothing(today):
    load(indicated_document())
    before = list(IndicatorValue.objects.order_by("pk").values())
    with pytest.raises(DocumentInvalid):
        load(with_change(MISTAKES[0][0]), replace=True)
    assert list(IndicatorValue.objects.order_by("pk").values()) == before


def test_the_quick_pass_agrees_with_jsonschema_on_broken_indicators_and_acceptances():
    doc = indicated_document()
    checked = 0
    for path, _value in list(places(doc))[1:]:
        if (
            path[0] not in ("measures", "milestones")
            or "indicators" not in path
            and not (path[0] == "milestones" and path[-1] in ("accepted_on", "acceptance_ref"))
        ):
            continue
        for odd in [*ODD, "12,5", "1.23456", 70]:
            broken = put(doc, path, odd)
            assert schema.QUICK(broken) == schema.VALIDATOR.is_valid(broken), (path, odd)
            checked += 1
    assert schema.QUICK(doc) and schema.VALIDATOR.is_valid(doc)
    assert checked > 500
