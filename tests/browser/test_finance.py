"""The money pages, walked as Anna and Birgit walk them (JOURNEYS.md).

Anna reads on the public money page how much grant money the delays put at risk, which
milestones cause it and why, and the city's own share by year; from a measure she follows the
link to that measure's money. Birgit, the finance officer, reads the finance dashboard and the
cost and financing plan (KFP), records an expenditure typed the German way ("1.234,50") and
sees the grant's spending rise by exactly that much; a changed planned amount without a reason
is refused at the reason field and nothing is stored. An editor of the plan may not record
money. Every page on the way is checked with axe-core, on a phone and at a desk.

Every expected figure is read from the database and formatted here, never copied from a page.
"""

import re
from decimal import Decimal

from django.utils import translation
from playwright.sync_api import expect

from plansicht.forecast.models import GrantForecast, MeasureForecast
from plansicht.funding.models import CostLine, Expenditure, Grant
from plansicht.history.models import Event
from plansicht.plan.models import Dependency, Measure, Milestone

from .conftest import (
    DEMO_TODAY,
    SLUG,
    VIEWPORTS,
    assert_sound,
    follow,
    log_in,
    short_date,
    url,
)

AMOUNT_TYPED = "1.234,50"  # as Birgit types it
AMOUNT = Decimal("1234.50")
MORE = Decimal("1000.00")  # added to a planned amount that then lacks its reason


def german(amount) -> str:
    """An amount as German pages write it, without the sign: Decimal("357984.41") →
    "357.984,41" (formatted here, independently of the app's own filter)."""
    return f"{Decimal(amount):,.2f}".translate(str.maketrans(",.", ".,"))


def euro(amount) -> str:
    return f"{german(amount)} €"


def gettext_de(message):
    with translation.override("de"):
        return translation.gettext(message)


def latest_public_reason(milestone) -> str:
    """The reason of the newest public event on the milestone that gives one, or ""."""
    event = (
        Event.objects.public()
        .filter(subject_type__model="milestone", subject_id=milestone.pk)
        .exclude(reason="")
        .order_by("-at", "-id")
        .first()
    )
    return event.reason if event else ""


def why_late_de(milestone) -> str:
    """Without a reason of its own, a milestone held up by another or by a vacant post says
    so (as stored with its forecast); else that no reason is recorded yet."""
    f = milestone.forecast
    if f.driver_milestone is not None:
        starts = Dependency.objects.filter(
            predecessor=f.driver_milestone, successor=milestone, type="SS"
        ).exists()
        text = gettext_de(
            "late because {milestone} starts late"
            if starts
            else "late because {milestone} finishes late"
        ).format(milestone=f.driver_milestone.code)
    elif f.driver_position is not None:
        text = gettext_de("late because post {post} is not yet filled").format(
            post=f.driver_position.code
        )
    else:
        return gettext_de("no reason recorded yet")
    return text[:1].upper() + text[1:]


def milestones_putting_money_at_risk(programme, measure_ids=None):
    """Published milestones with cost at risk, most at risk first (as the pages list them)."""
    milestones = (
        Milestone.objects.filter(programme=programme)
        .public()
        .filter(forecast__cost_at_risk__gt=0)
        .select_related("forecast", "measure")
        .order_by("-forecast__cost_at_risk", "code")
    )
    if measure_ids is not None:
        milestones = milestones.filter(measure_id__in=measure_ids)
    return list(milestones)


def public_subtree(measure) -> set:
    """The ids of the measure and its published measures below it, at every depth."""
    children = {}
    for pk, parent in (
        Measure.objects.filter(programme=measure.programme).public().values_list("pk", "parent_id")
    ):
        children.setdefault(parent, []).append(pk)
    ids, todo = set(), [measure.pk]
    while todo:
        pk = todo.pop()
        ids.add(pk)
        todo.extend(children.get(pk, []))
    return ids


def table_captioned(page, caption):
    return page.locator("main table").filter(has=page.locator("caption", has_text=caption))


def a_cost_line_of_a_running_milestone(programme):
    """A cost line of a published milestone that has started and not finished, on a grant
    whose eligibility covers the demo's date: spending on it today counts for the grant."""
    lines = (
        CostLine.objects.filter(
            programme=programme,
            milestone__in=Milestone.objects.filter(programme=programme).public(),
            milestone__forecast__started=True,
            milestone__forecast__finished=False,
            grant__eligible_from__lte=DEMO_TODAY,
            grant__eligible_until__gte=DEMO_TODAY,
        )
        .select_related("grant", "milestone")
        .order_by("code")
    )
    line = lines.first()
    assert line is not None, "the demo has a cost line of a running milestone"
    return line


def open_finance_as(page, username):
    """Log in to the office and open the programme's finance dashboard by its navigation."""
    page.goto(url("office:login"))
    assert_sound(page, "login page")
    log_in(page, username)
    dashboard = url("office:dashboard", SLUG)
    if not page.url.endswith(dashboard):  # the office start page lists the programmes
        assert_sound(page, "office start page")
        follow(page.locator(f"main a[href='{dashboard}']"))
    expect(page).to_have_url(re.compile(re.escape(dashboard) + "$"))
    assert_sound(page, "dashboard")
    finance = url("office:finance", SLUG)
    follow(page.locator(f"header .site-nav a[href='{finance}']"))
    expect(page).to_have_url(re.compile(re.escape(finance) + "$"))
    assert_sound(page, "finance dashboard")


def finance_nav_link(page, name):
    """A link of the office's finance navigation (Overview, KFP, Cost lines, …)."""
    return page.locator(f"nav.finance-nav a[href='{url(name, SLUG)}']")


# -- Anna: the public money pages -------------------------------------------------------------


@VIEWPORTS
def test_anna_reads_the_grant_money_at_risk_with_its_reasons_and_a_measures_money(
    demo, open_page, viewport
):
    forecast = demo.forecast
    assert forecast.grant_at_risk > 0, "the demo's delays put grant money at risk"
    at_risk = milestones_putting_money_at_risk(demo)
    reasons = [latest_public_reason(m) for m in at_risk]
    explained = [(m, r) for m, r in zip(at_risk, reasons, strict=True) if r]
    assert explained, "the demo gives a reason for at least one milestone putting money at risk"
    page = open_page(viewport)

    page.goto(url("portal:overview", SLUG))
    assert_sound(page, "programme overview")
    follow(page.locator(f".site-nav a[href='{url('portal:finance', SLUG)}']"))
    expect(page).to_have_url(re.compile(re.escape(url("portal:finance", SLUG)) + "$"))
    assert_sound(page, "money page")
    expect(page.locator("h1")).to_have_text(gettext_de("Grants, cost at risk and grant at risk"))

    # The grant money at risk, in German figures, as the stored forecast has it.
    summary = page.locator("main p.kern-body--large").first
    expect(summary).to_contain_text(euro(forecast.grant_at_risk))
    expect(summary).to_contain_text(euro(forecast.cost_at_risk))

    # Every milestone causing it, most at risk first, each with its reason (or why it is late
    # if it has none of its own, or that none is recorded yet) and its own grant money at risk.
    risk = table_captioned(page, gettext_de("Milestones with cost at risk"))
    rows = risk.locator("tbody tr")
    expect(rows.locator("th a")).to_have_text([f"{m.code} {m.title}" for m in at_risk])
    expect(rows.locator(":scope > :nth-child(4)")).to_have_text(
        [euro(m.forecast.grant_at_risk) for m in at_risk]
    )
    expect(rows.locator(":scope > :nth-child(5)")).to_have_text(
        [r or why_late_de(m) for m, r in zip(at_risk, reasons, strict=True)]
    )

    # The city's own share by year, for every grant: needed, in the budget, and the gap.
    grants = Grant.objects.filter(programme=demo).select_related("forecast").order_by("code")
    shown = 0
    for grant in grants:
        years = grant.forecast.years
        if not years:
            continue
        shown += 1
        table = page.locator(f"section[aria-labelledby='grant-{grant.pk}'] table").filter(
            has=page.locator("caption", has_text=gettext_de("The city's own share by year"))
        )
        body = table.locator("tbody tr")
        expect(body.locator(":scope > th")).to_have_text([str(y["year"]) for y in years])
        expect(body.locator(":scope > :nth-child(2)")).to_have_text(
            [euro(y["own_share_needed"]) for y in years]
        )
        expect(body.locator(":scope > :nth-child(3)")).to_have_text(
            [euro(y["own_share_budgeted"]) for y in years]
        )
        expect(body.locator(":scope > :nth-child(4)")).to_have_text(
            [
                euro(y["own_share_gap"]) if Decimal(y["own_share_gap"]) else gettext_de("covered")
                for y in years
            ]
        )
    assert shown, "the demo's grants have an own share by year"

    # From the milestone with a reason to its measure, and on to that measure's money.
    milestone, reason = explained[0]
    measure = milestone.measure
    follow(rows.get_by_role("link", name=f"{milestone.code} {milestone.title}", exact=True))
    expect(page).to_have_url(re.compile(re.escape(url("portal:milestone", SLUG, milestone.code))))
    assert_sound(page, f"milestone {milestone.code}")
    expect(page.locator("main")).to_contain_text(reason)
    follow(page.locator(f"nav.breadcrumb a[href='{url('portal:measure', SLUG, measure.code)}']"))
    assert_sound(page, f"measure {measure.code}")
    expect(page.locator("h1")).to_have_text(f"{measure.code} {measure.title}")

    measure_forecast = MeasureForecast.objects.get(measure=measure)
    follow(
        page.get_by_role(
            "link", name=gettext_de("Costs, spending and money at risk of this measure")
        )
    )
    measure_money = url("portal:measure_finance", SLUG, measure.code)
    expect(page).to_have_url(re.compile(re.escape(measure_money) + "$"))
    assert_sound(page, f"money of measure {measure.code}")
    expect(page.locator("h1")).to_contain_text(f"{measure.code} {measure.title}")
    expect(page.locator("main p.kern-body--large").first).to_contain_text(
        euro(measure_forecast.grant_at_risk)
    )
    subtree = public_subtree(measure)
    mine = milestones_putting_money_at_risk(demo, subtree)
    assert milestone in mine
    risk = table_captioned(page, gettext_de("Milestones with cost at risk"))
    expect(risk.locator("tbody tr th a")).to_have_text([f"{m.code} {m.title}" for m in mine])
    row = risk.locator("tbody tr").filter(
        has=page.get_by_role("link", name=f"{milestone.code} {milestone.title}", exact=True)
    )
    expect(row).to_contain_text(reason)
    expect(row).to_contain_text(euro(milestone.forecast.grant_at_risk))
    lines = CostLine.objects.filter(
        milestone__in=Milestone.objects.filter(measure_id__in=subtree).public()
    ).order_by("code")
    plan = table_captioned(page, gettext_de("Cost plan lines of this measure"))
    expect(plan.locator("tbody th")).to_have_text([line.code for line in lines])
    expect(plan.locator("tbody tr > :nth-child(5)")).to_have_text(
        [euro(line.amount) for line in lines]
    )


# -- Birgit: the office's money pages ---------------------------------------------------------


@VIEWPORTS
def test_birgit_reads_the_own_share_gaps_and_a_kfp_that_adds_up_to_the_cost_lines(
    demo, open_page, viewport
):
    page = open_page(viewport)
    open_finance_as(page, "kaemmerei")

    # The dashboard: each grant's spending, money at risk and the own share the budget lacks.
    expect(page.locator("h1")).to_have_text(gettext_de("Finance"))
    for grant in Grant.objects.filter(programme=demo).select_related("forecast"):
        section = page.locator(f"section[aria-labelledby='grant-{grant.pk}-heading']")
        stored = grant.forecast
        expect(section).to_contain_text(euro(stored.spent))
        if stored.grant_at_risk:
            expect(section).to_contain_text(euro(stored.grant_at_risk))
        gaps = [y for y in stored.years if Decimal(y["own_share_gap"]) > 0]
        alert = section.locator(".kern-alert--danger")
        if gaps:
            for y in gaps:
                expect(alert).to_contain_text(str(y["year"]))
                expect(alert).to_contain_text(euro(y["own_share_gap"]))
        else:
            expect(alert).to_have_count(0)

    # The cost and financing plan. Its own words say which cost lines it counts.
    follow(finance_nav_link(page, "office:kfp"))
    expect(page).to_have_url(re.compile(re.escape(url("office:kfp", SLUG)) + "$"))
    assert_sound(page, "cost and financing plan")
    expect(page.locator("main")).to_contain_text(
        gettext_de(
            "Milestones that are not in the approved plan count with their own planned dates; "
            "drafts are left out. Nobody types this table: to change it, change the dates or "
            "the cost lines."
        )
    )
    published = Milestone.objects.filter(programme=demo).public()
    counted = CostLine.objects.filter(programme=demo, milestone__in=published)
    expected = sum((line.amount for line in counted), Decimal("0.00"))
    assert expected > 0
    grand_total = page.locator("main table tfoot tr").last.locator("td").last
    expect(grand_total).to_have_text(euro(expected))


@VIEWPORTS
def test_birgit_records_an_expenditure_in_german_figures_and_cannot_change_a_plan_silently(
    demo, open_page, viewport
):
    line = a_cost_line_of_a_running_milestone(demo)
    spent_before = GrantForecast.objects.get(grant=line.grant).spent
    recorded_before = Expenditure.objects.filter(cost_line=line).count()
    page = open_page(viewport)
    open_finance_as(page, "kaemmerei")

    follow(finance_nav_link(page, "office:expenditures"))
    assert_sound(page, "expenditures")
    follow(page.locator(f"main a[href='{url('office:expenditure_new', SLUG)}']"))
    expect(page).to_have_url(re.compile(re.escape(url("office:expenditure_new", SLUG)) + "$"))
    assert_sound(page, "new expenditure")

    form = page.locator("main form")
    form.locator("#id_cost_line").select_option(str(line.pk))
    expect(form.locator("#id_on")).to_have_value(DEMO_TODAY.isoformat())  # today by default
    expect(form.locator("#id_eligible")).to_be_checked()
    form.locator("#id_amount").fill(AMOUNT_TYPED)
    form.locator("#id_note").fill("Abschlagsrechnung Sensorik, zweite Rate")
    follow(form.locator("button[type=submit]"))

    expect(page).to_have_url(re.compile(re.escape(url("office:expenditures", SLUG)) + "$"))
    assert_sound(page, "expenditures after saving")
    expect(page.locator("main .messages")).to_contain_text(
        gettext_de("The expenditure was saved and the forecast updated.")
    )
    newest = page.locator("main table tbody tr").first
    expect(newest).to_contain_text(short_date(DEMO_TODAY))
    expect(newest).to_contain_text(line.code)
    expect(newest).to_contain_text(euro(AMOUNT))
    recorded = Expenditure.objects.filter(cost_line=line)
    assert recorded.count() == recorded_before + 1
    assert recorded.filter(on=DEMO_TODAY, amount=AMOUNT, eligible=True).count() == 1
    # Eligible and dated on the forecast's date: it counts, to the cent.
    spent_after = GrantForecast.objects.get(grant=line.grant).spent
    assert spent_after - spent_before == AMOUNT

    follow(finance_nav_link(page, "office:finance"))
    assert_sound(page, "finance dashboard after saving")
    expect(
        page.locator(f"section[aria-labelledby='grant-{line.grant.pk}-heading']")
    ).to_contain_text(euro(spent_after))

    # A changed planned amount without a reason: refused at the reason field, nothing stored.
    amount_before = line.amount
    events_before = Event.objects.count()
    follow(finance_nav_link(page, "office:cost_lines"))
    assert_sound(page, "cost lines")
    edit_url = url("office:cost_line", SLUG, line.code)
    follow(page.locator(f"main table a[href='{edit_url}']"))
    expect(page).to_have_url(re.compile(re.escape(edit_url) + "$"))
    assert_sound(page, f"cost line {line.code}")
    form = page.locator("main form")
    amount = form.locator("#id_amount")
    changed = german(amount_before + MORE)
    amount.fill(changed)
    expect(form.locator("#id_reason")).to_have_value("")
    follow(form.locator("button[type=submit]"))

    assert_sound(page, f"cost line {line.code} with the missing reason", status=400)
    expect(page).to_have_url(re.compile(re.escape(edit_url) + "$"))
    reason = form.locator("#id_reason")
    error = form.locator("#id_reason-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(
        gettext_de("A change to a planned amount needs a reason. Please give one.")
    )
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_attribute("aria-describedby", re.compile(r"\bid_reason-error\b"))
    expect(amount).to_have_value(changed)  # what she typed is kept
    line.refresh_from_db()
    assert line.amount == amount_before
    assert Event.objects.count() == events_before
    assert GrantForecast.objects.get(grant=line.grant).spent == spent_after


# -- an editor of the plan may read the money but not change it ----------------------------------


@VIEWPORTS
def test_an_editor_of_the_plan_may_not_record_an_expenditure(demo, open_page, viewport):
    expenditures_before = Expenditure.objects.count()
    page = open_page(viewport)
    page.goto(url("office:login"))
    log_in(page, "buero")

    page.goto(url("office:expenditures", SLUG))
    assert_sound(page, "expenditures, read by an editor")
    expect(page.locator(f"a[href='{url('office:expenditure_new', SLUG)}']")).to_have_count(0)

    response = page.goto(url("office:expenditure_new", SLUG))
    assert response.status == 403
    assert_sound(page, "new expenditure, not allowed", status=403)
    expect(page.locator("h1")).to_have_text(gettext_de("You may not do this"))
    expect(page.locator("main form #id_amount")).to_have_count(0)
    assert Expenditure.objects.count() == expenditures_before
