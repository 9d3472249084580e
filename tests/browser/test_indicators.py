"""Indicators and the funder's acceptance, walked in the browser (JOURNEYS.md).

Anna opens the measure "Digitale Verwaltungsleistungen" on her phone and at a desk: each
indicator says in words where it stands, its chart is one image with a name, and its table
lists the baseline, the measured values and the target; the digital building permit reads
"reported complete" and "accepted by the funder" apart. In the office, the programme office
records a new value of the processing time and reads the progress it makes; the finance
officer opens the form for the funder's acceptance. Every page on the way is checked with
axe-core.

Expected texts are built here from the database and Django's translation catalogue.
"""

import re
from datetime import date

from django.utils import translation
from playwright.sync_api import expect

from plansicht.indicators.models import Indicator
from plansicht.plan.models import Milestone

from .conftest import DEMO_TODAY, SLUG, VIEWPORTS, assert_sound, follow, log_in, short_date, url

MEASURE = "M2"


def gettext_de(message):
    with translation.override("de"):
        return translation.gettext(message)


def value_de(text) -> str:
    """A value as German pages write it: the digits as written, a comma for the point."""
    return text.replace(".", ",")


@VIEWPORTS
def test_anna_reads_the_indicators_of_a_measure(demo, open_page, viewport):
    indicators = list(
        Indicator.objects.filter(measure__programme=demo, measure__code=MEASURE).order_by("code")
    )
    assert len(indicators) == 2, "the demo's M2 has two indicators"
    page = open_page(viewport)
    page.goto(url("portal:measure", SLUG, MEASURE))
    assert_sound(page, "measure with indicators")
    section = page.locator("section#indicators")
    expect(section.locator("h2")).to_have_text(gettext_de("Indicators"))
    for i in indicators:
        latest = i.values.filter(on__lte=DEMO_TODAY).order_by("-on", "-pk").first()
        card = section.locator(f"section:has(h3:text-is('{i.code} {i.title}'))")
        expect(card).to_contain_text(
            gettext_de("Latest value: {value} on {date}.").format(
                value=f"{value_de(latest.value)} {i.unit}", date=short_date(latest.on)
            )
        )
        chart = card.locator("figure svg[role=img]")
        # named by its title, followed by its summary (the sentence above it)
        expect(chart).to_have_accessible_name(re.compile("^" + re.escape(f"{i.code} {i.title} ")))
        rows = card.locator("table tbody tr")
        expect(rows).to_have_count(2 + i.values.filter(on__lte=DEMO_TODAY).count())
        expect(rows.first).to_contain_text(short_date(i.baseline_on))
        expect(rows.last).to_contain_text(value_de(i.target_value))
    accepted = Milestone.objects.get(programme=demo, code="M2-04")
    row = page.locator("main table tbody tr", has_text=accepted.title)
    expect(row).to_contain_text(
        gettext_de("Reported complete: %(date)s") % {"date": short_date(accepted.actual_finish)}
    )
    expect(row).to_contain_text(
        gettext_de("Accepted by the funder: %(date)s (reference %(ref)s)")
        % {"date": short_date(accepted.accepted_on), "ref": accepted.acceptance_ref}
    )


def test_the_office_records_a_value_and_the_finance_officer_opens_the_acceptance(demo, open_page):
    indicator = Indicator.objects.get(measure__programme=demo, measure__code=MEASURE, code="I2")
    page = open_page({"width": 1280, "height": 900})
    page.goto(url("office:measure", SLUG, MEASURE))
    log_in(page, "buero")
    assert_sound(page, "office measure page")
    form = page.locator(f"form:has(input[name=indicator][value='{indicator.pk}'])")
    form.get_by_label(gettext_de("Measured on")).fill(DEMO_TODAY.isoformat())
    form.get_by_label(gettext_de("value").capitalize()).fill("49,5")
    follow(form.locator("button[type=submit]"))
    assert_sound(page, "office measure page after recording a value")
    stored = indicator.values.get(on=DEMO_TODAY)
    assert stored.value == "49.5"  # typed in German, kept as written
    # (49.5 − 94) / (45 − 94) = 44.5 / 49 = 90.81… % → 90,8 %
    expect(page.locator("main")).to_contain_text("90,8 %")

    finished = Milestone.objects.get(programme=demo, code="M3-03")
    assert finished.actual_finish is not None and finished.accepted_on is None
    other = open_page({"width": 360, "height": 740})
    other.goto(url("office:milestone_acceptance", SLUG, finished.code))
    log_in(other, "kaemmerei")
    assert_sound(other, "acceptance form")
    other.get_by_label(gettext_de("accepted by the funder on").capitalize()).fill(
        date(2023, 4, 12).isoformat()
    )
    other.get_by_label(gettext_de("funder's reference").capitalize()).fill("ZB 3-03/2023")
    follow(other.locator("main form button[type=submit]"))
    assert_sound(other, "milestone after the acceptance")
    finished.refresh_from_db()
    assert (finished.accepted_on, finished.acceptance_ref) == (date(2023, 4, 12), "ZB 3-03/2023")
