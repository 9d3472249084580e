"""Federal scale: many cities in one PostgreSQL database against the same city alone.

Run by ``bench/run.py`` (``make bench``) in a process of its own per database, with
DATABASE_URL set: ``federal.py seed CITIES SIZE`` loads the cities ``city-01`` … (each a
synthetic programme of SIZE milestones of its own organisation) unless they are there;
``federal.py measure REPEAT`` prints, as JSON, the median server time of every public page of
``city-01`` (rendered, the page cache emptied before each request), the start page's size, and
the time to refresh every programme's forecast."""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plansicht.settings")


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(cities: int, size: int) -> None:
    from plansicht.demo import synthetic
    from plansicht.documents.programme import parse
    from plansicht.plan.models import Programme
    from plansicht.services import Actor
    from plansicht.services.programme import load_programme

    loaded = False
    for n in range(1, cities + 1):
        slug = f"city-{n:02d}"
        if Programme.objects.filter(slug=slug).exists():
            continue
        loaded = True
        data = synthetic.document(size, seed=n)
        data["programme"]["slug"] = slug
        data["programme"]["title"] = f"Digitalprogramm Stadt {n:02d}"
        data["programme"]["organisation"] = f"Stadt {n:02d}"
        document, _warnings = parse(data)
        t = time.perf_counter()
        load_programme(document, actor=Actor.system("bench"), reason="Benchmark")
        print(f"  loaded {slug} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    from django.db import connection

    with connection.cursor() as cursor:
        # The setting docs/production.md recommends for a database on SSDs or in memory: with
        # the default (4) the planner reads whole tables of every city rather than one
        # city's rows by index.
        cursor.execute(
            f"ALTER DATABASE {connection.settings_dict['NAME']} SET random_page_cost = 1.1"
        )
        if loaded:
            # As autovacuum would soon, but now rather than in the middle of the measurement:
            # the planner's statistics of the new rows and the visibility map of their pages.
            cursor.execute("VACUUM ANALYZE")


def median_ms(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1000, 2)


def measure(repeat: int) -> dict:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from plansicht.forecast import run
    from plansicht.plan.models import Measure, Programme

    client = Client(HTTP_HOST="127.0.0.1")
    programme = Programme.objects.get(slug="city-01")
    measure = Measure.objects.filter(programme=programme).public().order_by("code").first()
    pages = {
        "overview": reverse("portal:overview", args=[programme.slug]),
        "measure list": reverse("portal:measures", args=[programme.slug]),
        "measure page": reverse("portal:measure", args=[programme.slug, measure.code]),
        "money page": reverse("portal:finance", args=[programme.slug]),
        "history": reverse("portal:history", args=[programme.slug]),
        "questions": reverse("portal:questions", args=[programme.slug]),
        "start page": reverse("portal:index"),
    }

    def rendered(url):
        cache.clear()
        response = client.get(url)
        assert response.status_code == 200, url
        return response

    found = {"pages": {}, "programmes": Programme.objects.count()}
    for label, url in pages.items():
        found["pages"][label] = median_ms(lambda url=url: rendered(url), repeat)
    found["start page kB"] = round(len(rendered(pages["start page"]).content) / 1024, 1)
    t = time.perf_counter()
    for p in Programme.objects.all():
        run.refresh(p)
    found["refresh all s"] = round(time.perf_counter() - t, 1)
    return found


if __name__ == "__main__":
    setup()
    if sys.argv[1] == "seed":
        seed(int(sys.argv[2]), int(sys.argv[3]))
    else:
        print(json.dumps(measure(int(sys.argv[2]))))
