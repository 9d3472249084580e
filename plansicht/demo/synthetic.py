"""A synthetic programme of any size for benchmarks: same shape as a real one, seeded, so the
same size always gives the same document."""

import random
from datetime import date, timedelta

from plansicht.documents import PROGRAMME_FORMAT as FORMAT

FIELDS = 4
MILESTONES_PER_MEASURE = 25
START = date(2024, 1, 1)


def document(size: int, *, seed: int | None = None) -> dict:
    rng = random.Random(size if seed is None else seed)
    slug = f"synthetic-{size}"
    n_measures = max(1, size // MILESTONES_PER_MEASURE)
    fields = [{"code": f"F{i + 1}", "title": f"Handlungsfeld {i + 1}"} for i in range(FIELDS)]
    measures = []
    for i in range(n_measures):
        m = {
            "code": f"M{i + 1:04d}",
            "title": f"Maßnahme {i + 1}",
            "field_of_action": f"F{i % FIELDS + 1}",
        }
        if i >= FIELDS and rng.random() < 0.3:  # some sub-measures
            m["parent"] = f"M{rng.randrange(0, i) + 1:04d}"
        measures.append(m)
    milestones, entries = [], []
    for i in range(size):
        code = f"MS{i + 1:06d}"
        start = START + timedelta(days=int(i * 2000 / max(size, 1)) + rng.randrange(0, 60))
        duration = rng.randrange(0, 120)
        m = {
            "code": code,
            "measure": f"M{i % n_measures + 1:04d}",
            "title": f"Meilenstein {i + 1}",
            "planned_start": start.isoformat(),
            "duration_days": duration,
            "progress": 0,
        }
        if start < date(2025, 6, 1):
            m["actual_start"] = (start + timedelta(days=rng.randrange(0, 30))).isoformat()
            m["progress"] = 50
            if rng.random() < 0.8:
                m["actual_finish"] = (
                    date.fromisoformat(m["actual_start"])
                    + timedelta(days=duration + rng.randrange(0, 40))
                ).isoformat()
                m["progress"] = 100
        milestones.append(m)
        entries.append(
            {
                "code": code,
                "start": start.isoformat(),
                "finish": (start + timedelta(days=duration)).isoformat(),
            }
        )
    dependencies, seen = [], set()
    for i in range(1, size):
        for _ in range(3 if i > 3 else i):
            p = rng.randrange(max(0, i - 60), i)  # predecessors are earlier: no cycles
            if (p, i) in seen:
                continue
            seen.add((p, i))
            dependencies.append(
                {
                    "predecessor": f"MS{p + 1:06d}",
                    "successor": f"MS{i + 1:06d}",
                    "type": "SS" if rng.random() < 0.1 else "FS",
                    "lag_days": rng.choice((0, 0, 0, 7, 14, -5)),
                }
            )
    return {
        "format": FORMAT,
        "programme": {
            "slug": slug,
            "title": f"Synthetisches Programm ({size} Meilensteine)",
            "organisation": "Stadt Musterstadt",
        },
        "fields_of_action": fields,
        "measures": measures,
        "milestones": milestones,
        "dependencies": dependencies,
        "plan_versions": [
            {
                "number": 1,
                "label": "Basisplan",
                "approved_on": "2023-12-01",
                "decision_ref": "synthetisch",
                "milestones": entries,
            }
        ],
    }
