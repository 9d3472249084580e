"""Backups: `backup` writes one archive (database, media folder, manifest); `restore` brings it
back into an empty site with every programme, its whole history and its issued reports
identical, on SQLite and on PostgreSQL; it refuses a site holding data, a non-empty media
folder, another database kind and a damaged or foreign file, changing nothing.

Each site here is its own database and media folder, driven by `manage.py` in a subprocess
with DATABASE_URL and MEDIA_ROOT set, as an operator would run it: the commands see only
committed data, and the test database of the run is not involved."""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/"

# Migrate, then two programmes, a user and an issued council report (PDF, DOCX, ODT in the
# media folder), as of the tests' clock (noon of 1 June 2025, Europe/Berlin).
SEED = """
import django
django.setup()
from datetime import date, datetime
from zoneinfo import ZoneInfo
import time_machine
from django.core.management import call_command
call_command("migrate", verbosity=0)
with time_machine.travel(datetime(2025, 6, 1, 12, tzinfo=ZoneInfo("Europe/Berlin")), tick=False):
    from django.contrib.auth import get_user_model
    from plansicht.services.reports import issue_report
    from tests.factories import SYSTEM, decisions_document, funded_document, load
    funded = load(funded_document())
    load(decisions_document(slug="rat"))
    issue_report(funded, "council", actor=SYSTEM, as_of=date(2025, 6, 1),
                 issue_date=date(2025, 6, 1))
    get_user_model().objects.create_user("admin", password="pw-admin")
"""

# What must come back identical: every programme's document, every history event with all its
# values, the issued reports and the bytes of their files (by SHA-256), the user accounts.
SNAPSHOT = """
import django
django.setup()
import hashlib, json
from django.contrib.auth import get_user_model
from plansicht.documents.programme import dump, dumps
from plansicht.history.models import Event
from plansicht.plan.models import Programme
from plansicht.reports.models import IssuedFile, IssuedReport
files = []
for f in IssuedFile.objects.order_by("pk"):
    with f.file.open("rb") as body:
        files.append([f.pk, f.report_id, f.format, f.file.name, f.sha256,
                      hashlib.sha256(body.read()).hexdigest()])
print(json.dumps({
    "programmes": {p.slug: dumps(dump(p)) for p in Programme.objects.order_by("slug")},
    "events": list(Event.objects.order_by("pk").values()),
    "reports": list(IssuedReport.objects.order_by("pk").values()),
    "files": files,
    "users": list(get_user_model().objects.order_by("pk").values_list("username", "password")),
}, default=str, sort_keys=True))
"""


class Site:
    """A database and a media folder, and manage.py run against them."""

    def __init__(self, url: str, media: Path):
        self.url, self.media = url, media

    def env(self):
        return dict(
            os.environ,
            DATABASE_URL=self.url,
            MEDIA_ROOT=str(self.media),
            DJANGO_SETTINGS_MODULE="plansicht.settings",
        )

    def python(self, code: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=self.env(), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done

    def manage(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *map(str, args)],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
        )

    def snapshot(self) -> dict:
        return json.loads(self.python(SNAPSHOT).stdout)


def sqlite(path: Path, media: Path) -> Site:
    return Site(f"sqlite:///{path}", media)


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as opened:
        return json.loads(opened.extractfile("manifest.json").read())


def media_files(folder: Path) -> dict:
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def check_the_seeded_site(snapshot: dict):
    """What SEED made, so that comparing two snapshots compares something."""
    assert set(snapshot["programmes"]) == {"rat", "testprogramm"}
    assert [r["kind"] for r in snapshot["reports"]] == ["council"]
    assert sorted(f[2] for f in snapshot["files"]) == ["docx", "odt", "pdf"]
    # Each file's bytes have the checksum recorded when the report was issued.
    assert all(f[4] == f[5] for f in snapshot["files"])
    assert "report.issued" in {e["action"] for e in snapshot["events"]}
    assert [u[0] for u in snapshot["users"]] == ["admin"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A seeded SQLite site, its backup, and a freshly migrated empty database to copy."""
    folder = tmp_path_factory.mktemp("seeded")
    site = sqlite(folder / "a.sqlite3", folder / "media")
    site.python(SEED)
    archive = folder / "backup.tar.gz"
    done = site.manage("backup", archive)
    assert done.returncode == 0, done.stderr
    migrated = folder / "migrated.sqlite3"
    sqlite(migrated, folder / "unused").python(
        "import django; django.setup(); "
        "from django.core.management import call_command; call_command('migrate', verbosity=0)"
    )
    snapshot = site.snapshot()
    check_the_seeded_site(snapshot)
    return site, archive, snapshot, migrated


@pytest.mark.parametrize("target", ["absent", "migrated"])
def test_a_sqlite_backup_restores_every_programme_history_and_report(seeded, tmp_path, target):
    site, archive, snapshot, migrated = seeded
    manifest = manifest_of(archive)
    assert manifest["database"] == "sqlite" and manifest["plansicht_version"] == "0.1.0"
    assert manifest["migrations"]["plan"].startswith("00")
    names = {f["path"] for f in manifest["files"]}
    assert "database/plansicht.sqlite3" in names
    assert {"media/" + name for name in media_files(site.media)} <= names

    database = tmp_path / "b.sqlite3"
    if target == "migrated":  # what `migrate` made: default pages and base rates, no data
        shutil.copy(migrated, database)
    new = sqlite(database, tmp_path / "media")
    done = new.manage("restore", archive)
    assert done.returncode == 0, done.stderr
    assert "Restored the SQLite database and 3 media files" in done.stdout
    assert new.snapshot() == snapshot
    assert media_files(new.media) == media_files(site.media)


def test_a_postgresql_backup_restores_into_another_database(seeded, tmp_path):
    if shutil.which("pg_dump") is None or shutil.which("psql") is None:
        pytest.skip("the PostgreSQL client programs pg_dump and psql are not installed")
    names = [f"plansicht_backup_{uuid.uuid4().hex[:12]}" for _ in range(3)]

    def psql(sql):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-X", "-q", "-c", sql],
            check=True,
            capture_output=True,
        )

    for name in names:
        psql(f"CREATE DATABASE {name}")
    try:
        old = Site(POSTGRES + names[0], tmp_path / "old-media")
        old.python(SEED)
        snapshot = old.snapshot()
        check_the_seeded_site(snapshot)
        archive = tmp_path / "pg.tar.gz"
        done = old.manage("backup", archive)
        assert done.returncode == 0, done.stderr
        assert "the PostgreSQL database and 3 media files" in done.stdout
        manifest = manifest_of(archive)
        assert manifest["database"] == "postgresql"
        assert "database/plansicht.sql" in {f["path"] for f in manifest["files"]}

        # The target was migrated (as an operator would after creating it): empty of data.
        new = Site(POSTGRES + names[1], tmp_path / "new-media")
        done = new.manage("migrate", "-v0")
        assert done.returncode == 0, done.stderr
        done = new.manage("restore", archive)
        assert done.returncode == 0, done.stderr
        assert "Restored the PostgreSQL database and 3 media files" in done.stdout
        assert new.snapshot() == snapshot
        assert media_files(new.media) == media_files(old.media)

        # A database never migrated takes it just as well.
        bare = Site(POSTGRES + names[2], tmp_path / "bare-media")
        done = bare.manage("restore", archive)
        assert done.returncode == 0, done.stderr
        assert bare.snapshot() == snapshot

        # Restored, it holds data: a second restore is refused and changes nothing.
        done = new.manage("restore", archive)
        assert done.returncode == 1
        assert (
            "The database is not empty: it holds 2 programmes, 1 user account. A backup"
            in done.stderr
        )
        assert new.snapshot() == snapshot

        # A PostgreSQL backup does not go into SQLite.
        lite = sqlite(tmp_path / "lite.sqlite3", tmp_path / "lite-media")
        done = lite.manage("restore", archive)
        assert done.returncode == 1
        assert "holds a PostgreSQL database, but this site uses SQLite" in done.stderr
        assert not lite.media.exists() and not (tmp_path / "lite.sqlite3").exists()
    finally:
        for name in names:
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_restore_refuses_a_database_holding_data_and_changes_nothing(seeded):
    site, archive, snapshot, _migrated = seeded
    files = media_files(site.media)
    done = site.manage("restore", archive)
    assert done.returncode == 1 and done.stdout == ""
    assert (
        "The database is not empty: it holds 2 programmes, 1 user account. A backup" in done.stderr
    )
    assert "Nothing was changed." in done.stderr
    assert site.snapshot() == snapshot and media_files(site.media) == files


def test_restore_refuses_a_media_folder_holding_files(seeded, tmp_path):
    _site, archive, _snapshot, _migrated = seeded
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "notiz.txt").write_text("bleibt")
    new = sqlite(tmp_path / "b.sqlite3", tmp_path / "media")
    done = new.manage("restore", archive)
    assert done.returncode == 1
    assert f"The media folder {tmp_path / 'media'} is not empty" in done.stderr
    assert not (tmp_path / "b.sqlite3").exists()
    assert media_files(new.media) == {"notiz.txt": hashlib.sha256(b"bleibt").hexdigest()}


def rewrite(archive: Path, target: Path, change):
    """Copy an archive member by member, letting ``change(member, body)`` alter each body (and
    name); a member whose new body is None is left out."""
    with tarfile.open(archive) as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            body = change(member, old.extractfile(member).read())
            if body is None:
                continue
            member.size = len(body)
            new.addfile(member, io.BytesIO(body))


def changed_pdf(member, body):
    return body.replace(b"%PDF", b"%PDX", 1) if member.name.endswith(".pdf") else body


def as_postgresql(member, body):
    """A PostgreSQL backup, as far as the manifest and the names go, checksums intact."""
    member.name = member.name.replace("plansicht.sqlite3", "plansicht.sql")
    if member.name == "manifest.json":
        manifest = json.loads(body)
        manifest["database"] = "postgresql"
        for f in manifest["files"]:
            f["path"] = f["path"].replace("plansicht.sqlite3", "plansicht.sql")
        return json.dumps(manifest).encode()
    return body


def from_a_newer_version(member, body):
    """A backup whose database has a migration this version does not know (checksums intact:
    the manifest has none of its own)."""
    if member.name == "manifest.json":
        manifest = json.loads(body)
        manifest["plansicht_version"] = "9.0.0"
        manifest["migrations"]["plan"] = "0099_from_the_future"
        return json.dumps(manifest).encode()
    return body


@pytest.mark.parametrize(
    "damage, message",
    [
        ("truncated", "cannot be read as a Plansicht backup (a tar.gz archive)"),
        ("changed file", "is damaged: these files are missing or differ from their checksum"),
        ("missing file", "is damaged: these files are missing or differ from their checksum"),
        ("no manifest", "is not a Plansicht backup: it has no manifest.json"),
        ("text file", "cannot be read as a Plansicht backup (a tar.gz archive)"),
        ("other database", "holds a PostgreSQL database, but this site uses SQLite"),
        ("newer version", "was made by Plansicht 9.0.0, whose database is newer than"),
    ],
)
def test_restore_refuses_a_damaged_or_foreign_file_and_changes_nothing(
    seeded, tmp_path, damage, message
):
    _site, archive, _snapshot, migrated = seeded
    bad = tmp_path / "bad.tar.gz"
    if damage == "truncated":
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    elif damage == "changed file":
        rewrite(archive, bad, changed_pdf)
    elif damage == "missing file":
        rewrite(archive, bad, lambda member, body: None if member.name.endswith(".odt") else body)
    elif damage == "no manifest":
        rewrite(archive, bad, lambda member, body: None if member.name == "manifest.json" else body)
    elif damage == "text file":
        bad.write_text("Sicherung vom 01.06.2025\n")
    elif damage == "other database":
        rewrite(archive, bad, as_postgresql)
    elif damage == "newer version":
        rewrite(archive, bad, from_a_newer_version)
    # The target: a freshly migrated, empty database that must stay byte for byte the same.
    database = tmp_path / "b.sqlite3"
    shutil.copy(migrated, database)
    before = database.read_bytes()
    new = sqlite(database, tmp_path / "media")
    done = new.manage("restore", bad)
    assert done.returncode == 1, done.stdout
    assert message in done.stderr and "Nothing was changed." in done.stderr
    assert database.read_bytes() == before
    assert not new.media.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.sqlite3", "bad.tar.gz"]


def test_backup_into_a_missing_folder_exits_1_and_writes_nothing(seeded, tmp_path):
    site, _archive, _snapshot, _migrated = seeded
    done = site.manage("backup", tmp_path / "nirgends" / "b.tar.gz")
    assert done.returncode == 1
    assert f"The folder {tmp_path / 'nirgends'} does not exist" in done.stderr
    assert "No backup was written." in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_backup_from_an_older_version_is_restored_and_says_to_migrate(seeded, tmp_path):
    _site, _archive, _snapshot, migrated = seeded
    # An older site: its database lacks the latest migration of the reports app.
    older = tmp_path / "older.sqlite3"
    shutil.copy(migrated, older)
    with sqlite3.connect(older) as db:
        latest = db.execute(
            "SELECT MAX(name) FROM django_migrations WHERE app = 'reports'"
        ).fetchone()[0]
        db.execute("DELETE FROM django_migrations WHERE app = 'reports' AND name = ?", [latest])
    db.close()
    archive = tmp_path / "older.tar.gz"
    done = sqlite(older, tmp_path / "older-media").manage("backup", archive)
    assert done.returncode == 0, done.stderr
    assert manifest_of(archive)["migrations"]["reports"] < latest

    done = sqlite(tmp_path / "new.sqlite3", tmp_path / "media").manage("restore", archive)
    assert done.returncode == 0, done.stderr
    assert "Restored the SQLite database and 0 media files" in done.stdout
    assert "This version has 1 database migration the backup does not have yet" in done.stdout
    assert "run `manage.py migrate` next" in done.stdout


def test_the_postgresql_password_is_passed_in_the_environment_only():
    from plansicht.cli.backup import postgres_environment

    args, env = postgres_environment(
        {"NAME": "plansicht", "USER": "site", "PASSWORD": "geheim-123", "HOST": "db", "PORT": 5433}
    )
    assert args == ["--host", "db", "--port", "5433", "--username", "site"]
    assert env["PGPASSWORD"] == "geheim-123"
