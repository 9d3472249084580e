"""Report a programme's forecast as of a date; stores nothing."""

import json
from datetime import date

from django.core.management.base import BaseCommand, no_translations
from django.utils.formats import date_format

from plansicht.decisions import reads as decisions
from plansicht.engine.schedule import CycleError
from plansicht.forecast import conditions, run
from plansicht.forecast.money import money_text
from plansicht.indicators.reads import figures as indicator_figures
from plansicht.plan.models import Milestone

from .dump_programme import add_status_arguments, date_option, find_programme, utf8_output


def _iso(d):
    return d.isoformat() if d is not None else None


def as_json(programme, result: run.Result, assume: dict | None = None) -> dict:
    fc = result.forecast
    zero = (0, 0)
    costs = run.position_costs(programme, result, assume)
    measures = sorted(
        (
            {
                "code": result.measure_codes[key],
                "forecast_finish": _iso(s.forecast_finish),
                "slip_days": s.slip_days,
                "health": s.health,
                "percent_complete": float(s.percent_complete)
                if s.percent_complete is not None
                else None,
            }
            for key, s in fc.measures.items()
        ),
        key=lambda m: m["code"],
    )
    milestones = sorted(
        (
            {
                "code": result.milestone_codes[key],
                "forecast_start": _iso(r.start),
                "forecast_finish": _iso(r.finish),
                "slip_days": r.slip_days,
                "original_slip_days": r.original_slip_days,
                "health": r.health,
            }
            for key, r in fc.milestones.items()
        ),
        key=lambda m: m["code"],
    )
    return {
        "programme": programme.slug,
        "as_of": fc.as_of.isoformat(),
        "finish": {
            "forecast": _iso(fc.programme.forecast_finish),
            "baseline": _iso(fc.programme.baseline_finish),
            "slip_days": fc.programme.slip_days,
            "health": fc.programme.health,
        },
        "measures": measures,
        "milestones": milestones,
        "funding": {"grants": _grants(result)},
        "positions": sorted(
            (
                {
                    "code": result.position_codes[key],
                    "forecast_fill": _iso(p.fill),
                    "vacancy_cost": money_text(costs.get(key, zero)[0]),
                    "month_cost": money_text(costs.get(key, zero)[1]),
                }
                for key, p in fc.positions.items()
            ),
            key=lambda p: p["code"],
        ),
        "indicators": indicator_figures(programme, fc.as_of),
        "acceptance": Milestone.objects.filter(programme=programme).public().acceptance(fc.as_of),
    }


def _grants(result: run.Result) -> list:
    funds = result.funds
    if funds is None:
        return []
    return sorted(
        (
            {
                "code": funds.grant_codes[key],
                "cost_at_risk": money_text(g.cost_at_risk),
                "grant_at_risk": money_text(g.grant_at_risk),
                "years": [
                    {
                        "year": y.year,
                        "own_share_needed": money_text(y.own_share_needed),
                        "own_share_budgeted": money_text(y.own_share_budgeted),
                        "own_share_gap": money_text(y.own_share_gap),
                    }
                    for y in g.years
                ],
                "conditions": conditions.as_json(funds.conditions[key]),
            }
            for key, g in funds.funding.grants.items()
        ),
        key=lambda g: g["code"],
    )


class Command(BaseCommand):
    help = "Show the forecast of programme SLUG as of a date (default today); stores nothing."

    def add_arguments(self, parser):
        add_status_arguments(parser)
        parser.add_argument(
            "--assume",
            action="append",
            default=[],
            metavar="CODE=YYYY-MM-DD",
            help="what-if: count position CODE as filled on that date (repeatable)",
        )

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, slug, as_of, json: bool, assume, **options):
        status_date = self.date("--as-of", as_of) if as_of else None
        programme = find_programme(self, slug)
        assumptions = self.assumptions(programme, assume)
        try:
            result = run.compute(
                programme, status_date, assume={pk: on for pk, _code, on in assumptions} or None
            )
        except CycleError as e:
            self.stderr.write(
                f"dependencies: cycle through milestones {', '.join(map(str, e.keys))}"
            )
            raise SystemExit(1) from None
        except run.BeyondCalendar:
            self.stderr.write(
                "forecast: the durations and lags add up to a date after the year 9999; "
                "shorten a duration or a lag"
            )
            raise SystemExit(1) from None
        utf8_output(self)
        if json:
            data = as_json(programme, result, {pk: on for pk, _code, on in assumptions})
            data["decisions"] = decisions.statuses(programme, result.forecast.as_of)
            data["assumptions"] = [
                {"code": code, "filled_on": on.isoformat()} for _pk, code, on in assumptions
            ]
            self.stdout.write(_dumps(data))
        else:
            self.summary(programme, result)

    def assumptions(self, programme, given):
        """[(position id, code, date)] from CODE=YYYY-MM-DD; a bad one exits 1, saying why."""
        from plansicht.staffing.models import Position

        known = dict(Position.objects.filter(programme=programme).values_list("code", "pk"))
        out = []
        for text in given:
            code, sep, day = text.partition("=")
            if not sep:
                self.stderr.write(f"--assume: {text!r} must look like CODE=YYYY-MM-DD")
                raise SystemExit(1)
            if code not in known:
                names = ", ".join(sorted(known)) or "none"
                self.stderr.write(
                    f"--assume: {code!r} is not a position of {programme.slug} (known: {names})"
                )
                raise SystemExit(1)
            out.append((known[code], code, self.date("--assume", day)))
        return out

    def date(self, option, text) -> date:
        return date_option(self, option, text)

    def summary(self, programme, result):
        fc = result.forecast
        p = fc.programme
        out = self.stdout.write
        out(f"{programme.title} ({programme.slug}), as of {_d(fc.as_of)}")
        out(f"Forecast finish:      {_d(p.forecast_finish)}")
        if fc.current_version is not None:
            out(
                f"Current plan (v{fc.current_version}):    {_d(p.baseline_finish)}"
                f"   slip {_slip(p.slip_days)}   health {p.health or '–'}"
            )
        else:
            out("Current plan:         no plan version approved by this date")
        if fc.original_version is not None and fc.original_version != fc.current_version:
            out(
                f"Original plan (v{fc.original_version}):   {_d(p.original_finish)}"
                f"   slip {_slip(p.original_slip_days)}"
            )
        out(f"Complete:             {_pct(p.percent_complete)} of {p.milestone_count} milestones")
        if result.funds is not None:
            for grant in _grants(result):
                out(
                    f"Grant {grant['code']}: cost at risk {grant['cost_at_risk']} EUR, "
                    f"grant at risk {grant['grant_at_risk']} EUR"
                )
        out("")
        out(f"{'Measure':<14} {'Finish':>10}  {'Slip':>10}  {'Health':<6}  {'Done':>6}")
        for key, s in sorted(fc.measures.items(), key=lambda kv: result.measure_codes[kv[0]]):
            out(
                f"{result.measure_codes[key]:<14} {_d(s.forecast_finish):>10}  "
                f"{_slip(s.slip_days):>10}  {s.health or '–':<6}  "
                f"{(str(s.percent_complete) + ' %') if s.percent_complete is not None else '–':>6}"
            )


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)


def _d(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def _slip(days):
    return "–" if days is None else f"{days:+d} days"


def _pct(value):
    return "–" if value is None else f"{value} %"
