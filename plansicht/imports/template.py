"""The import template as an XLSX workbook: the headers of ``plan_table.COLUMNS`` in their
order (bold, the header row frozen, the columns wide enough), then either the documented
example row or a programme's published plan as the importer reads it, so that importing the
workbook back into the same programme changes nothing.

Texts go through ``opendata.cells.neutralise`` (the importer undoes it), dates are date cells.
A published milestone lists all its predecessors (drafts too): the import makes a milestone's
predecessors exactly those listed, so leaving one out would remove it."""

import io

from plansicht.opendata.cells import neutralise

from .plan_table import COLUMNS, Link

DATE_FORMAT = "DD.MM.YYYY"


def plan_template(programme=None) -> bytes:
    """The template (no programme: the example row of docs/import.md) or the programme's
    published measures and milestones, one milestone a row and one row for each published
    measure without a published milestone."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = [[c.example for c in COLUMNS]] if programme is None else _plan_rows(programme)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    for i, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        width = 14 if column.kind in ("date", "days", "code") else 30
        sheet.column_dimensions[letter].width = max(width, len(column.header) + 2)
        if column.kind == "date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    book.properties.creator = "Plansicht"
    if programme is not None:
        book.properties.title = programme.title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plan_rows(programme) -> list[list]:
    from plansicht.plan.models import Dependency, FieldOfAction, Measure, Milestone

    milestones = list(
        Milestone.objects.filter(programme=programme)
        .public()
        .select_related("measure")
        .order_by("measure__code", "planned_start", "code")
    )
    measures = {
        m.pk: m
        for m in Measure.objects.filter(programme=programme).select_related(
            "field_of_action", "parent", "lead_unit"
        )
    }
    public = set(Measure.objects.filter(programme=programme).public().values_list("pk", flat=True))
    fields = list(FieldOfAction.objects.filter(programme=programme))
    codes = {f.code for f in fields}
    titles = [f.title for f in fields]
    links = {}
    for d in (
        Dependency.objects.filter(programme=programme)
        .select_related("predecessor")
        .order_by("predecessor__code")
    ):
        links.setdefault(d.successor_id, []).append(Link(d.predecessor.code, d.type, d.lag_days))

    def field(f):
        # The title where it names the field alone (the importer takes a code first), else the code.
        if f.title not in codes and titles.count(f.title) == 1:
            return f.title
        return f.code

    def measure_cells(m):
        return [
            m.code,
            m.title,
            m.parent.code if m.parent_id else None,
            field(m.field_of_action),
        ]

    rows = []
    with_milestones = set()
    for ms in milestones:
        m = measures[ms.measure_id]
        with_milestones.add(m.pk)
        rows.append(
            [
                *measure_cells(m),
                ms.code,
                ms.title,
                ms.planned_start,
                ms.duration_days,
                None,
                m.lead_unit.name if m.lead_unit_id else None,
                ", ".join(str(link) for link in links.get(ms.pk, ())) or None,
                None,
            ]
        )
    for m in sorted(measures.values(), key=lambda m: m.code):
        if m.pk in public and m.pk not in with_milestones:
            lead = m.lead_unit.name if m.lead_unit_id else None
            rows.append([*measure_cells(m), None, None, None, None, None, lead, None, None])
    rows.sort(key=lambda r: r[0])
    return rows
