"""The money pages, walked as Anna and Birgit walk them (JOURNEYS.md).

Anna reads on the public money page how much grant money the delays put at risk, which
milestones cause it and why, and the city's own share by year; from a measure she follows the
link to that measure's money. Birgit, the finance officer, reads the finance dashboard and the
cost and financing plan (KFP), records an expenditure typed the German way ("1.234,50") and
sees the grant's spending rise by exactly that much; a changed planned amount without a reason
is refused at the reason field and nothing is stored. An editor of the plan may not record
money. Every page on the way is checked with axe-core, on a phone and at a desk.

The expected figures are constants of the demo as of its date (26.11.2026), checked by hand
against each other: grant at risk = 90 % (the grants' rate) of cost at risk, line by line and
in total; the programme's cost at risk is the sum of the four milestones'; the measure's grant
at risk the sum of its two milestones'; an own-share gap is what is needed minus what is
budgeted. A change to the demo that moves them must change them here, on purpose.
"""

import re
from decimal import Decimal

from django.utils import translation
from playwright.sync_api import expect

from plansicht.funding.models import CostLine, Expenditure, Grant
from plansicht.history.models import Event

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
MORE = Decimal("1000.00")  # added to a planned amount that then lacks its reason

# -- the demo's money as of 26.11.2026 ------------------------------------------------------------
GRANT_AT_RISK = "542.775,89 €"  # 0,9 × 603.084,32
COST_AT_RISK = "603.084,32 €"  # 178.811,16 + 157.000,00 + 138.573,16 + 128.700,00
# The milestones putting money at risk, most first: code, title, grant at risk, why.
AT_RISK = [
    (
        "M8-07",
        "Digitaler Zwilling: Datenintegration und Anwendungsfälle",
        "160.930,04 €",  # 0,9 × 178.811,16
        "Die Projektleitung bei der Musterstadt digital GmbH ist seit September unbesetzt, weil "
        "der befristete Vertrag nicht verlängert wurde; eine Nachbesetzung ist frühestens zum "
        "1. April 2027 möglich.",
    ),
    (
        "M1-04",
        "CDO und CUO hauptamtlich besetzt",
        "141.300,00 €",  # 0,9 × 157.000,00
        "Die Stelle des CDO ist weiter unbesetzt; das Ausschreibungsverfahren beginnt erst nach "
        "Aufnahme in den Stellenplan 2027 und der Genehmigung des Haushalts durch die "
        "Kommunalaufsicht.",
    ),
    (
        "M8-08",
        "Regelbetrieb von Datenplattform und digitalem Zwilling",
        "124.715,84 €",  # 0,9 × 138.573,16
        "Verspätet, weil die Stelle PL-UDP noch nicht besetzt ist",  # no reason of its own
    ),
    (
        "M1-06",
        "Verstetigungskonzept für die Zeit nach der Förderung",
        "115.830,00 €",  # 0,9 × 128.700,00
        "Verspätet, weil M1-04 später fertig wird",
    ),
]
# The city's own share by year per grant: year, needed, budgeted, gap (needed − budgeted).
OWN_SHARE = {
    "MPSC-A": [
        ("2020", "13.001,18 €", "24.000,00 €", "gedeckt"),
        ("2021", "164.358,74 €", "171.000,00 €", "gedeckt"),
        ("2022", "53.670,08 €", "55.000,00 €", "gedeckt"),
    ],
    "MPSC-B": [
        ("2022", "68.147,46 €", "125.000,00 €", "gedeckt"),
        ("2023", "265.597,61 €", "314.000,00 €", "gedeckt"),
        ("2024", "215.588,28 €", "226.000,00 €", "gedeckt"),
        ("2025", "142.232,18 €", "165.000,00 €", "gedeckt"),
        ("2026", "143.999,42 €", "149.000,00 €", "gedeckt"),
        ("2027", "632.485,93 €", "35.000,00 €", "597.485,93 €"),
        ("2028", "52.195,00 €", "0,00 €", "52.195,00 €"),
    ],
}
# Spent and grant at risk per grant, as the finance dashboard shows them (MPSC-A's
# eligibility ended in 2022: nothing of it is at risk).
SPENT = {"MPSC-A": "2.310.300,00 €", "MPSC-B": "7.758.429,00 €"}
GRANT_AT_RISK_BY_GRANT = {"MPSC-A": None, "MPSC-B": GRANT_AT_RISK}
# Measure M8 and its sub-measures M8.1 and M8.1.1: its two milestones at risk, its grant at
# risk (160.930,04 + 124.715,84 = 285.645,88, 285.645,89 from the unrounded products) and the
# first and last of its 40 cost lines.
MEASURE = ("M8", "Urbane Datenplattform, Open Data und digitaler Zwilling")
MEASURE_GRANT_AT_RISK = "285.645,89 €"
MEASURE_AT_RISK = ["M8-07", "M8-08"]
MEASURE_LINES = 40
MEASURE_FIRST_LINE = ("KFP-M8-01-01-P", "88.600,00 €")
MEASURE_LAST_LINE = ("KFP-M8.1.1-04-03-I", "106.700,00 €")
KFP_TOTAL = "12.085.000,00 €"  # the 138 cost lines, all of published milestones
# A cost line of M1-03, which has started and not finished, on MPSC-B (eligible until 2027):
# spending on it today counts for the grant.
LINE = "KFP-M1-03-01-P"
SPENT_AFTER = "7.759.663,50 €"  # 7.758.429,00 + 1.234,50


def gettext_de(message):
    with translation.override("de"):
        return translation.gettext(message)


def table_captioned(page, caption):
    return page.locator("main table").filter(has=page.locator("caption", has_text=caption))


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
    page = open_page(viewport)
    page.goto(url("portal:overview", SLUG))
    assert_sound(page, "programme overview")
    follow(page.locator(f".site-nav a[href='{url('portal:finance', SLUG)}']"))
    expect(page).to_have_url(re.compile(re.escape(url("portal:finance", SLUG)) + "$"))
    assert_sound(page, "money page")
    expect(page.locator("h1")).to_have_text(gettext_de("Grants, cost at risk and grant at risk"))

    # The grant money at risk and the cost behind it, in German figures.
    summary = page.locator("main p.kern-body--large").first
    expect(summary).to_contain_text(GRANT_AT_RISK)
    expect(summary).to_contain_text(COST_AT_RISK)

    # Every milestone causing it, most at risk first, each with its reason (or why it is late
    # if it has none of its own) and its own grant money at risk.
    risk = table_captioned(page, gettext_de("Milestones with cost at risk"))
    rows = risk.locator("tbody tr")
    expect(rows.locator("th a")).to_have_text([f"{code} {title}" for code, title, _, _ in AT_RISK])
    expect(rows.locator(":scope > :nth-child(4)")).to_have_text([m[2] for m in AT_RISK])
    expect(rows.locator(":scope > :nth-child(5)")).to_have_text([m[3] for m in AT_RISK])

    # The city's own share by year, for every grant: needed, in the budget, and the gap.
    for code, years in OWN_SHARE.items():
        grant = Grant.objects.get(programme=demo, code=code)
        table = page.locator(f"section[aria-labelledby='grant-{grant.pk}'] table").filter(
            has=page.locator("caption", has_text=gettext_de("The city's own share by year"))
        )
        body = table.locator("tbody tr")
        for column in range(4):
            expect(body.locator(f":scope > :nth-child({column + 1})")).to_have_text(
                [year[column] for year in years]
            )

    # From the milestone with a reason to its measure, and on to that measure's money.
    code, title, grant_at_risk, reason = AT_RISK[0]
    measure_code, measure_title = MEASURE
    follow(rows.get_by_role("link", name=f"{code} {title}", exact=True))
    expect(page).to_have_url(re.compile(re.escape(url("portal:milestone", SLUG, code))))
    assert_sound(page, f"milestone {code}")
    expect(page.locator("main")).to_contain_text(reason)
    follow(page.locator(f"nav.breadcrumb a[href='{url('portal:measure', SLUG, measure_code)}']"))
    assert_sound(page, f"measure {measure_code}")
    expect(page.locator("h1")).to_have_text(f"{measure_code} {measure_title}")

    follow(
        page.get_by_role(
            "link", name=gettext_de("Costs, spending and money at risk of this measure")
        )
    )
    measure_money = url("portal:measure_finance", SLUG, measure_code)
    expect(page).to_have_url(re.compile(re.escape(measure_money) + "$"))
    assert_sound(page, f"money of measure {measure_code}")
    expect(page.locator("h1")).to_contain_text(f"{measure_code} {measure_title}")
    expect(page.locator("main p.kern-body--large").first).to_contain_text(MEASURE_GRANT_AT_RISK)
    risk = table_captioned(page, gettext_de("Milestones with cost at risk"))
    titles = {m[0]: m[1] for m in AT_RISK}
    expect(risk.locator("tbody tr th a")).to_have_text(
        [f"{c} {titles[c]}" for c in MEASURE_AT_RISK]
    )
    row = risk.locator("tbody tr").filter(
        has=page.get_by_role("link", name=f"{code} {title}", exact=True)
    )
    expect(row).to_contain_text(reason)
    expect(row).to_contain_text(grant_at_risk)
    plan = table_captioned(page, gettext_de("Cost plan lines of this measure"))
    expect(plan.locator("tbody th")).to_have_count(MEASURE_LINES)
    for line, (line_code, amount) in (
        (plan.locator("tbody tr").first, MEASURE_FIRST_LINE),
        (plan.locator("tbody tr").last, MEASURE_LAST_LINE),
    ):
        expect(line.locator("th")).to_have_text(line_code)
        expect(line.locator(":scope > :nth-child(5)")).to_have_text(amount)


# -- Birgit: the office's money pages ---------------------------------------------------------


@VIEWPORTS
def test_birgit_reads_the_own_share_gaps_and_a_kfp_that_adds_up_to_the_cost_lines(
    demo, open_page, viewport
):
    page = open_page(viewport)
    open_finance_as(page, "kaemmerei")

    # The dashboard: each grant's spending, money at risk and the own share the budget lacks.
    expect(page.locator("h1")).to_have_text(gettext_de("Finance"))
    for code, spent in SPENT.items():
        grant = Grant.objects.get(programme=demo, code=code)
        section = page.locator(f"section[aria-labelledby='grant-{grant.pk}-heading']")
        expect(section).to_contain_text(spent)
        if GRANT_AT_RISK_BY_GRANT[code]:
            expect(section).to_contain_text(GRANT_AT_RISK_BY_GRANT[code])
        gaps = [year for year in OWN_SHARE[code] if year[3] != "gedeckt"]
        alert = section.locator(".kern-alert--danger")
        if gaps:
            for year, _, _, gap in gaps:
                expect(alert).to_contain_text(year)
                expect(alert).to_contain_text(gap)
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
    grand_total = page.locator("main table tfoot tr").last.locator("td").last
    expect(grand_total).to_have_text(KFP_TOTAL)


@VIEWPORTS
def test_birgit_records_an_expenditure_in_german_figures_and_cannot_change_a_plan_silently(
    demo, open_page, viewport
):
    line = CostLine.objects.select_related("grant").get(programme=demo, code=LINE)
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
    expect(newest).to_contain_text(f"{AMOUNT_TYPED} €")
    recorded = Expenditure.objects.filter(cost_line=line)
    assert recorded.count() == recorded_before + 1
    assert recorded.filter(on=DEMO_TODAY, amount=Decimal("1234.50"), eligible=True).count() == 1

    # Eligible and dated on the forecast's date: it counts for the grant, to the cent.
    follow(finance_nav_link(page, "office:finance"))
    assert_sound(page, "finance dashboard after saving")
    expect(
        page.locator(f"section[aria-labelledby='grant-{line.grant.pk}-heading']")
    ).to_contain_text(SPENT_AFTER)

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
    changed = f"{amount_before + MORE:,.2f}".translate(str.maketrans(",.", ".,"))
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
