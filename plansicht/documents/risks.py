"""The ``risks`` section of the programme document: the risk register. Each risk names a
measure of the document (optional), the unit that owns it (optional; created in the
organisation if new), its likelihood and impact (1 to 4), what the city does about it, its
status, the next review date and whether it is public."""

from plansicht.risks.models import Risk

from .check import as_bool, as_code, as_date, as_int, as_text, objects

STATUSES = dict(Risk.STATUSES)


def parse(c, doc, measures) -> list:
    """The ``risks`` section, checked. ``measures``: the codes of this document's measures."""
    risks = []
    items = list(objects(doc, "risks", "risk"))
    for path, item, known in items:
        if item is None:
            risks.append({})
            continue
        c.unknown(item, path, known)
        r = {
            "code": as_code(item, "code"),
            "title": as_text(item, "title"),
            "measure": as_code(item, "measure"),
            "owner_unit": as_text(item, "owner_unit").strip(),
            "likelihood": as_int(item, "likelihood"),
            "impact": as_int(item, "impact"),
            "mitigation": as_text(item, "mitigation").strip(),
            "status": item.get("status", Risk.OPEN)
            if item.get("status", Risk.OPEN) in STATUSES
            else None,
            "next_review": as_date(item, "next_review"),
            "public": as_bool(item, "public"),
        }
        c.ref(r["measure"], measures, f"{path}.measure", "measure")
        risks.append(r)
    c.unique(risks, lambda i: f"risks[{i}]", "risk")
    return risks


def dump(programme, put, iso) -> list:
    """The ``risks`` section by code; status and public always written."""
    out = []
    for r in (
        Risk.objects.filter(programme=programme)
        .select_related("measure", "owner_unit")
        .order_by("code")
    ):
        item = {"code": r.code, "title": r.title}
        put(item, "measure", r.measure.code if r.measure_id else None)
        put(item, "owner_unit", r.owner_unit.name if r.owner_unit_id else None)
        item["likelihood"] = r.likelihood
        item["impact"] = r.impact
        put(item, "mitigation", r.mitigation)
        item["status"] = r.status
        put(item, "next_review", iso(r.next_review))
        item["public"] = r.public
        out.append(item)
    return out
