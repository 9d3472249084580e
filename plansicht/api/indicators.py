"""The indicators in the API, as the measure pages show them as of today: what each measure
is meant to change, from its baseline to its target, with the values measured so far (a value
dated after today is not shown yet), the latest of them and how much of the way it is."""

from datetime import date

from ninja import Field, Query, Router, Schema

from plansicht import clock
from plansicht.forecast.public_rows import indicator_row
from plansicht.indicators import reads

from .core import PageQuery, Percent, page_of, paginate, responses
from .plan import get_programme

router = Router(tags=["indicators"])

VALUE = 'A decimal as written, with a point ("12.50").'


class PointOut(Schema):
    value: str = Field(description=VALUE)
    on: date


class ValueOut(Schema):
    on: date
    value: str = Field(description=VALUE)
    note: str | None
    latest: bool = Field(description="The latest value as of today.")


class IndicatorOut(Schema):
    measure: str = Field(description="The code of its measure.")
    code: str = Field(description="Unique within its measure.")
    title: str
    unit: str
    baseline: PointOut
    target: PointOut
    values: list[ValueOut] = Field(description="The values measured by today, by date.")
    latest: PointOut | None
    progress_percent: Percent | None = Field(
        description="How much of the way from baseline to target the latest value is; null "
        "without a value, or when the target equals the baseline."
    )


class IndicatorFilter(PageQuery):
    measure: str | None = Field(None, description="Only the indicators of this measure (code).")


@router.get(
    "/programmes/{slug}/indicators/",
    response=responses(page_of(IndicatorOut), 404),
    summary="Indicators with their values, by measure and code",
)
def indicators(request, slug: str, filters: Query[IndicatorFilter]):
    programme = get_programme(slug)
    rows = reads.public_of(programme)
    if filters.measure:
        rows = rows.filter(measure__code=filters.measure)
    page = paginate(request, rows, filters)
    today = clock.today()
    page["results"] = [
        indicator_row(i)
        for i in reads.measured_by(reads.with_status(page["results"], today), today)
    ]
    return page
