"""The posts pages and the what-if, walked as Anna and Murat walk them (JOURNEYS.md).

A citizen reads on the public posts page where the CDO post stands: vacant, when it is
expected to be filled, who stands in, what its vacancy costs in grant money and which
milestones wait for it, and follows one of them; no holder's name that is not public appears.
Murat (HR) reads the alerts of the post in words, asks the what-if "if the CDO post is filled
on 1 March 2027" and sees the programme finish and the grant money at risk change while the
database stays as it was; then he enters the hiring step "advertised" with a reason, and the
stored forecast and the public page show it. A council member with a viewer role may read the
posts and ask the what-if, but may not enter a step. Every page on the way is checked with
axe-core, on a phone and at a desk.

Every expected figure is read from the database (or computed with ``run.compute``) and
formatted here, never copied from a page. The texts are built with Django's translation, so the
tests hold whether a message is rendered in German or still in English.
"""

import re
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.text import slugify
from playwright.sync_api import expect

from plansicht.engine.money import cents
from plansicht.forecast import run
from plansicht.forecast.models import MilestoneForecast, PositionForecast, ProgrammeForecast
from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.staffing.models import STEP_CHOICES, HiringStep, Position

from .conftest import (
    DEMO_TODAY,
    DESKTOP,
    SLUG,
    VIEWPORTS,
    assert_sound,
    follow,
    log_in,
    short_date,
    url,
)

CDO = "CDO"
FILLED_ON = date(2027, 3, 1)  # Murat's what-if: the CDO post filled on 1 March 2027
STEP = "advertised"
STEP_ON = date(2026, 11, 20)
STEP_REASON = (
    "Die Stelle ist seit dem 20.11.2026 im Stellenportal der Stadt und bei Interamt "
    "ausgeschrieben; die Bewerbungsfrist endet am 18.12.2026."
)


def gettext_de(message):
    with translation.override("de"):
        return translation.gettext(message)


def ngettext_de(singular, plural, number):
    with translation.override("de"):
        return translation.ngettext(singular, plural, number)


def german(amount) -> str:
    """An amount as German pages write it, without the sign: Decimal("114924") → "114.924,00"
    (formatted here, independently of the app's own filter)."""
    return f"{Decimal(amount):,.2f}".translate(str.maketrans(",.", ".,"))


def euro(amount) -> str:
    return f"{german(amount)} €"


def step_label(step) -> str:
    with translation.override("de"):
        return str(dict(STEP_CHOICES)[step])


def step_since(step, since) -> str:
    """ "advertised since 20.11.2026", as the posts pages say where the hiring stands."""
    return gettext_de("%(step)s since %(date)s") % {
        "step": step_label(step),
        "date": short_date(since),
    }


def change_in_days(days) -> str:
    """A move in days in words, as the what-if writes it: "16 days earlier"."""
    if days < 0:
        return ngettext_de("%(days)d day earlier", "%(days)d days earlier", -days) % {"days": -days}
    if days > 0:
        return ngettext_de("%(days)d day later", "%(days)d days later", days) % {"days": days}
    return gettext_de("no change")


def vacant_since_in_words(stored) -> str:
    """ "vacant since 01.01.2024, since the first hiring step", from the catalogue."""
    messages = {
        "holder_left": "vacant since %(date)s, since the holder left",
        "needed_from": "vacant since %(date)s, needed from that day",
        "grant_notice": "vacant since %(date)s, since the grant notice",
        "first_step": "vacant since %(date)s, since the first hiring step",
    }
    return gettext_de(messages[stored.vacant_basis]) % {"date": short_date(stored.vacant_since)}


def alert_in_words(position, code, as_of) -> str:
    """One of a post's stored alert codes as the office writes it, built from the catalogue."""
    waited = (as_of - position.grant.commitment_date).days if position.grant_id else 0
    if code == "not_in_establishment_plan":
        return ngettext_de(
            "Not in the establishment plan %(days)d day after the grant notice: "
            "have the post added to the establishment plan.",
            "Not in the establishment plan %(days)d days after the grant notice: "
            "have the post added to the establishment plan.",
            waited,
        ) % {"days": waited}
    if code == "not_advertised":
        return ngettext_de(
            "Not advertised %(days)d day after the grant notice: advertise the post now.",
            "Not advertised %(days)d days after the grant notice: advertise the post now.",
            waited,
        ) % {"days": waited}
    if code == "stand_in_only":
        with translation.override("de"):
            cover = str(position.get_cover_display())
        return gettext_de(
            "Only a stand-in covers the post (%(cover)s): it still counts as vacant and "
            "the milestones keep waiting. Fill it regularly."
        ) % {"cover": cover}
    raise AssertionError(f"no words for the alert {code!r} of {position.code} in this test")


def grant_at_risk(result) -> Decimal:
    """The grant money at risk of a computed forecast, over all grants, rounded once."""
    return cents(sum(g.grant_at_risk for g in result.funds.funding.grants.values()))


def the_cdo(programme):
    return Position.objects.select_related("forecast", "grant").get(programme=programme, code=CDO)


def public_milestones_waiting_for(position):
    return list(
        Milestone.objects.filter(programme=position.programme, required_positions=position)
        .public()
        .order_by("code")
    )


def secret_holders(programme) -> list[str]:
    """The names of holders who are not to be named publicly."""
    return list(
        Position.objects.filter(programme=programme, holder_public=False)
        .exclude(holder="")
        .values_list("holder", flat=True)
    )


def stored_state():
    """What the what-if must not touch: the history, the posts' and the milestones' forecasts."""
    return {
        "events": Event.objects.count(),
        "steps": HiringStep.objects.count(),
        "positions": list(PositionForecast.objects.order_by("pk").values()),
        "milestones": dict(MilestoneForecast.objects.values_list("milestone_id", "finish")),
        "programmes": list(
            ProgrammeForecast.objects.order_by("pk").values(
                "pk", "forecast_finish", "grant_at_risk", "computed_at"
            )
        ),
    }


def term(card, label):
    """The value of a description list entry whose term is exactly ``label``."""
    item = card.locator(".kern-description-list-item").filter(
        has=card.page.locator("dt", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    )
    return item.locator("dd")


def public_post_card(page, position):
    return page.locator(f"section[aria-labelledby='post-{slugify(position.code)}']")


def table_captioned(page, caption):
    return page.locator("main table").filter(has=page.locator("caption", has_text=caption))


def row_headed(table, header):
    return table.locator("tbody tr, tfoot tr").filter(
        has=table.page.locator("th", has_text=re.compile(rf"^\s*{re.escape(header)}\s*$"))
    )


def open_office_as(page, username):
    """Log in to the office and open the programme's dashboard."""
    page.goto(url("office:login"))
    assert_sound(page, "login page")
    log_in(page, username)
    dashboard = url("office:dashboard", SLUG)
    if not page.url.endswith(dashboard):  # the office start page lists the programmes
        assert_sound(page, "office start page")
        follow(page.locator(f"main a[href='{dashboard}']"))
    expect(page).to_have_url(re.compile(re.escape(dashboard) + "$"))
    assert_sound(page, "dashboard")


def office_nav(page, name):
    return page.locator(f"header .site-nav a[href='{url(name, SLUG)}']")


def ask_the_what_if(page, position, on):
    """Choose the post and the day with the what-if's own form and send it."""
    form = page.locator("main form[method=get]")
    form.locator("#id_post").select_option(position.code)
    form.locator("#id_filled_on").fill(on.isoformat())
    follow(form.locator("button[type=submit]"))
    expect(page).to_have_url(re.compile(rf"[?&]post={re.escape(position.code)}\b"))
    expect(page).to_have_url(re.compile(rf"[?&]filled_on={on.isoformat()}\b"))


# -- a citizen: the public posts page ---------------------------------------------------------


@VIEWPORTS
def test_a_citizen_reads_where_the_cdo_post_stands_and_what_its_vacancy_costs(
    demo, open_page, viewport
):
    cdo = the_cdo(demo)
    stored = cdo.forecast
    assert stored.vacant, "the demo's CDO post is vacant"
    assert stored.vacancy_cost > 0, "the demo's CDO vacancy puts grant money at risk"
    waiting = public_milestones_waiting_for(cdo)
    assert waiting, "published milestones wait for the demo's CDO post"
    hidden = secret_holders(demo)
    assert hidden, "the demo has holders who are not named publicly"
    page = open_page(viewport)

    page.goto(url("portal:overview", SLUG))
    assert_sound(page, "programme overview")
    positions = url("portal:positions", SLUG)
    follow(page.locator(f".site-nav a[href='{positions}']"))
    expect(page).to_have_url(re.compile(re.escape(positions) + "$"))
    assert_sound(page, "public posts page")
    expect(page.locator("h1")).to_have_text(gettext_de("Funded posts and their hiring"))

    card = public_post_card(page, cdo)
    expect(card.locator("h2")).to_have_text(cdo.title)
    status = term(card, gettext_de("Status"))
    expect(status.locator("strong")).to_have_text(gettext_de("vacant"))
    expect(status).to_contain_text(step_since(stored.current_step, stored.current_since))
    expect(term(card, gettext_de("Forecast fill date"))).to_have_text(short_date(stored.fill))
    with translation.override("de"):
        cover = str(cdo.get_cover_display())
    assert cdo.cover == Position.HONORARY
    expect(term(card, gettext_de("Stands in meanwhile"))).to_have_text(cover)
    expect(term(card, gettext_de("Grant money at risk because of the vacancy"))).to_have_text(
        euro(stored.vacancy_cost)
    )
    assert stored.vacant_since is not None and stored.vacant_basis
    expect(term(card, gettext_de("Vacant for"))).to_have_text(
        ngettext_de("%(days)s day", "%(days)s days", stored.days_vacant)
        % {"days": stored.days_vacant}
        + " · "
        + vacant_since_in_words(stored)
    )
    expect(term(card, gettext_de("Each month of delay costs"))).to_have_text(
        gettext_de("%(amount)s grant money") % {"amount": euro(stored.month_cost)}
    )
    links = term(card, gettext_de("Milestones waiting for it")).locator("a")
    expect(links).to_have_text([f"{m.code} {m.title}" for m in waiting])

    # No holder whose name is not public appears, anywhere in the page.
    html = page.content()
    text = page.locator("body").inner_text()
    for name in hidden:
        assert name not in html, f"the holder {name!r} is not public but is in the page"
        assert name not in text

    # One of the waiting milestones, followed to its own page.
    milestone = waiting[0]
    follow(links.filter(has_text=milestone.code).first)
    expect(page).to_have_url(re.compile(re.escape(url("portal:milestone", SLUG, milestone.code))))
    assert_sound(page, f"public milestone {milestone.code}")
    expect(page.locator("h1")).to_have_text(f"{milestone.code} {milestone.title}")


# -- Murat, HR: alerts, the what-if, a new hiring step ----------------------------------------


@VIEWPORTS
def test_murat_asks_what_filling_the_cdo_post_would_change_and_enters_a_hiring_step(
    demo, open_page, viewport
):
    cdo = the_cdo(demo)
    as_of = demo.forecast.as_of
    assert as_of == DEMO_TODAY
    alerts = [alert_in_words(cdo, code, as_of) for code in cdo.forecast.alerts]
    assert alerts, "the demo's CDO post has alerts"
    planned = run.compute(demo, DEMO_TODAY)
    assumed = run.compute(demo, DEMO_TODAY, assume={cdo.pk: FILLED_ON})
    finish_planned = planned.forecast.programme.forecast_finish
    finish_assumed = assumed.forecast.programme.forecast_finish
    at_risk_planned, at_risk_assumed = grant_at_risk(planned), grant_at_risk(assumed)
    assert finish_assumed < finish_planned, "filling the CDO earlier brings the finish forward"
    assert at_risk_assumed < at_risk_planned, "filling the CDO earlier saves grant money"
    page = open_page(viewport)
    open_office_as(page, "personal")

    # The posts list: the CDO's hiring step and its alerts, in words.
    follow(office_nav(page, "office:positions"))
    expect(page).to_have_url(re.compile(re.escape(url("office:positions", SLUG)) + "$"))
    assert_sound(page, "office posts list")
    post_url = url("office:position", SLUG, cdo.code)
    row = page.locator("main table tbody tr").filter(has=page.locator(f"th a[href='{post_url}']"))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_contain_text(gettext_de("vacant"))
    expect(row.locator("td").nth(0)).to_contain_text(
        step_since(cdo.forecast.current_step, cdo.forecast.current_since)
    )
    expect(row.locator("td").nth(0)).to_contain_text(vacant_since_in_words(cdo.forecast))
    expect(row.locator("td").nth(1)).to_have_text(short_date(cdo.forecast.fill))
    waiting = public_milestones_waiting_for(cdo)
    expect(row.locator("td").nth(2).locator("li")).to_have_text(
        [f"{m.code} {m.title}" for m in waiting]
    )
    expect(row.locator("td").nth(3)).to_contain_text(euro(cdo.forecast.vacancy_cost))
    expect(row.locator("td").nth(3)).to_contain_text(
        gettext_de("each month of delay costs %(amount)s grant money")
        % {"amount": euro(cdo.forecast.month_cost)}
    )
    # The alerts stand in a row of their own below the post's, tied to it by its header.
    header = row.locator("th").get_attribute("id")
    expect(page.locator(f"main table td[headers='{header}'] li")).to_have_text(alerts)
    # No empty rows: every row of the table names a post or holds its alerts.
    for text in page.locator("main table tbody tr").all_inner_texts():
        assert text.strip(), "an empty row in the posts table"
    if viewport == DESKTOP:
        # At 1280 px the whole table fits: nothing, the alerts included, is off to the side.
        table = page.locator("main table")
        widths = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
        assert widths[0] <= widths[1], f"the posts table is {widths[0]} px in {widths[1]} px"

    # The what-if, asked through its form: it shows what changes and stores nothing.
    before = stored_state()
    follow(office_nav(page, "office:what_if"))
    expect(page).to_have_url(re.compile(re.escape(url("office:what_if", SLUG)) + "$"))
    assert_sound(page, "what-if")
    ask_the_what_if(page, cdo, FILLED_ON)
    assert_sound(page, "what-if for the CDO post")
    expect(page.locator("#result-heading")).to_contain_text(short_date(FILLED_ON))

    figures = table_captioned(page, gettext_de("Post and programme"))
    header = figures.locator("thead th")
    expect(header.nth(1)).to_have_text(gettext_de("As planned"))
    expect(header.nth(2)).to_have_text(gettext_de("If filled on that day"))
    post_row = row_headed(figures, gettext_de("Post %(code)s filled") % {"code": cdo.code})
    expect(post_row.locator("td")).to_have_text(
        [
            short_date(cdo.forecast.fill),
            short_date(FILLED_ON),
            change_in_days((FILLED_ON - cdo.forecast.fill).days),
        ]
    )
    finish = row_headed(figures, gettext_de("Programme finish (forecast)"))
    expect(finish.locator("td").nth(0)).to_contain_text(short_date(finish_planned))
    expect(finish.locator("td").nth(1)).to_contain_text(short_date(finish_assumed))
    expect(finish.locator("td").nth(2)).to_have_text(
        change_in_days((finish_assumed - finish_planned).days)
    )

    money = table_captioned(
        page,
        gettext_de("Grant at risk by grant, as planned and if the post is filled on that day"),
    )
    expect(row_headed(money, gettext_de("Total")).locator("td")).to_have_text(
        [euro(at_risk_planned), euro(at_risk_assumed), euro(at_risk_planned - at_risk_assumed)]
    )
    expect(page.locator("main")).to_contain_text(
        gettext_de("Grant at risk: %(assumed)s instead of %(planned)s.")
        % {"assumed": euro(at_risk_assumed), "planned": euro(at_risk_planned)}
    )
    assert stored_state() == before, "the what-if stored something"

    # The CDO's page: a new hiring step, with its reason, through the form.
    follow(page.locator(f"main a[href='{post_url}']").first)
    expect(page).to_have_url(re.compile(re.escape(post_url) + "$"))
    assert_sound(page, "CDO post page")
    expect(page.locator("main .kern-alert--warning li")).to_have_text(alerts)
    form = page.locator("main form:has(input[name=op][value=step])")
    form.locator("#id_step-step").select_option(STEP)
    form.locator("#id_step-on").fill(STEP_ON.isoformat())
    form.locator("#id_step-reason").fill(STEP_REASON)
    follow(form.locator("button[type=submit]"))

    expect(page).to_have_url(re.compile(re.escape(post_url) + "$"))
    assert_sound(page, "CDO post page after the new step")
    expect(page.locator("main .messages")).to_contain_text(
        gettext_de("The hiring step “%(step)s” on %(date)s was entered and the forecast updated.")
        % {"step": step_label(STEP), "date": short_date(STEP_ON)}
    )
    stored = PositionForecast.objects.get(position=cdo)
    assert (stored.current_step, stored.current_since) == (STEP, STEP_ON)
    assert stored.vacant
    assert HiringStep.objects.filter(position=cdo, step=STEP, on=STEP_ON).count() == 1
    assert Event.objects.filter(action="position.step", reason=STEP_REASON).count() == 1
    expect(page.locator("main .kern-preline")).to_contain_text(step_since(STEP, STEP_ON))

    # The public sees the new step at once.
    public = open_page(viewport)
    public.goto(url("portal:positions", SLUG))
    assert_sound(public, "public posts page after the new step")
    card = public_post_card(public, cdo)
    expect(term(card, gettext_de("Status"))).to_contain_text(step_since(STEP, STEP_ON))
    expect(term(card, gettext_de("Forecast fill date"))).to_have_text(short_date(stored.fill))
    expect(term(card, gettext_de("Grant money at risk because of the vacancy"))).to_have_text(
        euro(stored.vacancy_cost)
    )


# -- a council member with a viewer role ------------------------------------------------------


@VIEWPORTS
def test_a_viewer_reads_the_posts_and_the_what_if_but_may_not_enter_a_step(
    demo, open_page, viewport
):
    cdo = the_cdo(demo)
    page = open_page(viewport)
    open_office_as(page, "rat")

    follow(office_nav(page, "office:positions"))
    assert_sound(page, "office posts list, read by a viewer")
    follow(office_nav(page, "office:what_if"))
    assert_sound(page, "what-if, asked by a viewer")
    ask_the_what_if(page, cdo, FILLED_ON)
    assert_sound(page, "what-if for the CDO post, asked by a viewer")
    expect(table_captioned(page, gettext_de("Post and programme"))).to_be_visible()

    post_url = url("office:position", SLUG, cdo.code)
    follow(page.locator(f"main a[href='{post_url}']").first)
    assert_sound(page, "CDO post page, read by a viewer")
    expect(page.locator("main input[name=op]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        gettext_de("Only HR officers and administrators can enter hiring steps and change a post.")
    )

    # A step posted directly, with a valid CSRF token of the viewer's session: refused.
    before = stored_state()
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    step = {
        "op": "step",
        "step-step": STEP,
        "step-on": STEP_ON.isoformat(),
        "step-reason": STEP_REASON,
    }
    response = page.request.post(post_url, form={"csrfmiddlewaretoken": token, **step})
    assert response.status == 403
    # Refused by the role, not by the CSRF check (whose refusal is Django's own 403 page).
    assert gettext_de("You may not do this") in response.text()
    assert stored_state() == before

    # The same, sent by the browser as a form: the refusal is a sound page too.
    with page.expect_navigation():
        page.evaluate(
            """([action, fields]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            [post_url, {"csrfmiddlewaretoken": token, **step}],
        )
    assert_sound(page, "a step posted by a viewer", status=403)
    expect(page.locator("h1")).to_have_text(gettext_de("You may not do this"))
    assert stored_state() == before

    # The post page's what-if link opens the what-if with the post chosen and no error yet.
    page.goto(post_url)
    what_if = url("office:what_if", SLUG) + f"?post={cdo.code}"
    follow(page.locator(f"main a[href='{what_if}']"))
    assert_sound(page, "what-if opened from the CDO post page")
    expect(page.locator("#id_post")).to_have_value(cdo.code)
    expect(page.locator("main .kern-error")).to_have_count(0)
    expect(page.locator("#result-heading")).to_have_count(0)
