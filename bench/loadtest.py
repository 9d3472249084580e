"""The load test (``make loadtest``): the demo under gunicorn on PostgreSQL, with wrk.

1. 100 concurrent connections for 30 s on the public pages of the demo, in turn: no error.
2. The programme overview against a trivial Django view (``/robots.txt``) on the same server,
   10 s each, alternating three times: the overview at no less than half the trivial rate.
3. A save while 100 connections ask for the overview (``refresh_forecasts`` stores the forecast
   anew, so every cached page of the programme gets a new key): how often the overview is
   rendered again -- once, with the cache the workers share (Redis, as in production); without
   one, at most once per gunicorn worker (each waits for its own render). Never once per
   waiting request.

Settings: LOADTEST_DATABASE_URL (default a database ``plansicht_loadtest`` on the local
PostgreSQL, created if missing), LOADTEST_WORKERS (gunicorn workers, default 2),
LOADTEST_REDIS_URL (the cache the workers share, default database 1 of the local Redis; empty:
each worker's own memory)."""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PORT = int(os.environ.get("LOADTEST_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = os.environ.get("LOADTEST_DATABASE_URL", f"{SERVER}/plansicht_loadtest")
WORKERS = os.environ.get("LOADTEST_WORKERS", "2")
REDIS = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/1")
PAGES = [
    "/",
    "/p/musterstadt/",
    "/p/musterstadt/measures/",
    "/p/musterstadt/history/",
    "/p/musterstadt/finance/",
    "/p/musterstadt/positions/",
    "/p/musterstadt/methodology/",
    "/p/musterstadt/fragen/",
    "/p/musterstadt/beschluesse/",
    "/p/musterstadt/berichte/",
    "/p/musterstadt/daten/",
    "/en/p/musterstadt/",
]


def env() -> dict:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "loadtest-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": BASE,
        "DATABASE_URL": DATABASE,
        "STATIC_ROOT": str(ROOT / "var" / "loadtest-static"),
        "LOG_LEVEL": "INFO",  # the cache's "page rendered" lines (section 3)
        "LOG_REQUESTS": "false",
        "WEB_CONCURRENCY": WORKERS,
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "DATABASE_CONN_MAX_AGE": "60",
        # No recycling of workers during the test: a new worker starts with an empty local
        # memory cache, which would count as renders in section 3 without a shared cache.
        "GUNICORN_MAX_REQUESTS": "0",
        "REDIS_URL": REDIS,
    }


def manage(*args):
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env(), check=True)


def prepare():
    name = DATABASE.rsplit("/", 1)[-1]
    subprocess.run(
        [
            "psql",
            "-q",
            "-d",
            DATABASE.rsplit("/", 1)[0] + "/postgres",
            "-c",
            f"CREATE DATABASE {name}",
        ],
        capture_output=True,
        check=False,
    )
    manage("migrate", "-v0")
    manage("seed_demo")
    manage("collectstatic", "--noinput", "-v0")


def wrk(path, seconds, connections=100, script=None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, BASE + path], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1, "s": 1000}
    return {
        "rate": rate,
        "errors": (int(bad.group(1)) if bad else 0)
        + (sum(int(g) for g in sockets.groups()) if sockets else 0),
        "p99_ms": float(p99.group(1)) * factor[p99.group(2)] if p99 else None,
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def rotation_script(directory) -> str:
    path = Path(directory) / "pages.lua"
    listed = ", ".join(f'"{p}"' for p in PAGES)
    path.write_text(
        f"local pages = {{{listed}}}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n"
        '  return wrk.format("GET", pages[(n % #pages) + 1])\nend\n'
    )
    return str(path)


def main() -> int:
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        print("wrk is missing: apt-get install wrk (make loadtest does it as root)")
        return 1
    prepare()
    log = open(ROOT / "var" / "loadtest.log", "w")  # noqa: SIM115 (the server writes it)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "plansicht.wsgi"],
        cwd=ROOT,
        env=env(),
        stdout=log,
        stderr=log,
    )
    ok = True
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(BASE + "/robots.txt", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        for path in PAGES:  # every page once, and into the cache
            urllib.request.urlopen(BASE + path, timeout=30)
        cache = f"Redis {REDIS}" if REDIS else "each worker's own memory"
        print(f"load test: the demo under gunicorn ({WORKERS} workers) on PostgreSQL, wrk;")
        print(f"  the cache: {cache}")

        with tempfile.TemporaryDirectory() as directory:
            mixed = wrk("/", 30, script=rotation_script(directory))
        good = mixed["errors"] == 0
        ok &= good
        print(
            f"  {len(PAGES)} public pages in turn, 100 connections, 30 s: {mixed['requests']} "
            f"requests, {mixed['rate']:.0f}/s, p99 {mixed['p99_ms']:.0f} ms, "
            f"{mixed['errors']} errors  target 0  {'OK' if good else 'MISSED'}"
        )

        trivial, overview = [], []
        for _ in range(3):
            trivial.append(wrk("/robots.txt", 10)["rate"])
            overview.append(wrk("/p/musterstadt/", 10)["rate"])
        ratio = statistics.median(overview) / statistics.median(trivial)
        good = ratio >= 0.5
        ok &= good
        print(
            f"  overview {statistics.median(overview):.0f}/s against the trivial view "
            f"{statistics.median(trivial):.0f}/s (medians of 3 x 10 s, 100 connections): "
            f"{ratio:.2f}x  target >= 0.50  {'OK' if good else 'MISSED'}"
        )

        log.flush()
        before = Path(log.name).read_text().count('page rendered for the cache: /p/musterstadt/"')
        before += Path(log.name).read_text().count("page rendered for the cache: /p/musterstadt/\n")
        load = threading.Thread(target=lambda: wrk("/p/musterstadt/", 8))
        load.start()
        time.sleep(2)
        manage("refresh_forecasts")
        load.join()
        time.sleep(1)
        text = Path(log.name).read_text()
        after = text.count('page rendered for the cache: /p/musterstadt/"')
        after += text.count("page rendered for the cache: /p/musterstadt/\n")
        renders = after - before
        most = 1 if REDIS else int(WORKERS)
        good = 1 <= renders <= most
        ok &= good
        target = "once, the cache is shared" if REDIS else f"1 to {WORKERS}, once per worker"
        print(
            f"  a save under 100 connections on the overview: rendered {renders} times again "
            f"(target {target})  {'OK' if good else 'MISSED'}"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
