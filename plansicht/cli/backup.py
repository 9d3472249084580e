"""One-file backups of the whole site (database and media folder) and their restore into an
empty site; used by the ``backup`` and ``restore`` commands (docs/operations.md).

Like ``migrate``, this works on the database as a whole, below every service: a restore copies
every row as it was, the history included, and so writes no history event of its own.

An archive is a tar.gz holding

- ``database/plansicht.sqlite3`` (SQLite, a copy made with SQLite's online backup API, so it
  is consistent while the site runs) or ``database/plansicht.sql`` (PostgreSQL, a plain
  ``pg_dump`` without owners and privileges, restored with ``psql`` in one transaction);
- ``media/…``: every file under MEDIA_ROOT (issued reports, uploaded documents);
- ``manifest.json``: the format, the Plansicht version, the database vendor, the time it was
  made, the latest applied migration per app and every other member with its size and
  SHA-256 checksum.

The database is copied before the media folder: a file added meanwhile is at worst an unused
extra file, never a row without its file.
"""

import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

import plansicht

FORMAT = "plansicht.backup/1"
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database/plansicht.sqlite3", "postgresql": "database/plansicht.sql"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Tables a freshly migrated database already has rows in: Django's bookkeeping and what
# Plansicht's data migrations fill (content/0002 the default pages, funding/0006 the base
# rates). Rows there are not "data": the backup's own rows replace them. A new data migration
# adds its table here (tests/test_backup.py restores into a freshly migrated database).
BOOKKEEPING = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "django_site",
    "content_page",
    "funding_baserate",
}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something an operator must fix; the message says what, in plain words."""


@dataclass
class Restored:
    vendor: str
    created: str
    version: str
    files: int
    pending_migrations: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def vendor_name(vendor: str) -> str:
    return VENDOR_NAMES.get(vendor, vendor)


# --- backup ---------------------------------------------------------------------------------


def backup(target: Path, alias: str = "default") -> dict:
    """Write the archive to ``target`` (via a temporary file beside it, so a failed backup
    leaves no half-written file) and return its manifest."""
    connection = connections[alias]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(
            f"Backups support SQLite and PostgreSQL; this site's database is {vendor}."
        )
    target = Path(target)
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the name of the archive file to write.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist; create it first.")
    media = Path(settings.MEDIA_ROOT)
    if target.resolve().is_relative_to(media.resolve()):
        raise BackupError(
            f"{target} is inside the media folder {media}, which the backup copies; write the "
            "backup somewhere else."
        )
    manifest = {
        "format": FORMAT,
        "plansicht_version": plansicht.__version__,
        "database": vendor,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "migrations": latest_migrations(connection),
        "files": [],
    }
    # Everything is written beside the target (same disk, not a small /tmp) and moved into
    # place at the end; the temporary folder goes whatever happens. The folder and the
    # archive are readable by their owner only: they hold every user's data.
    with tempfile.TemporaryDirectory(prefix=f".{target.name}.", dir=target.parent) as work:
        dumped = Path(work) / "database"
        if vendor == "sqlite":
            copy_sqlite(connection, dumped)
        else:
            dump_postgresql(connection.settings_dict, dumped)
        partial = Path(work) / "archive.tar.gz"
        with (
            open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out,
            tarfile.open(fileobj=out, mode="w:gz") as archive,
        ):
            add_file(archive, manifest, dumped, DATABASE_FILES[vendor])
            if media.is_dir():
                for path in sorted(media.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        name = "media/" + path.relative_to(media).as_posix()
                        add_file(archive, manifest, path, name)
            body = json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(datetime.now(UTC).timestamp())
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(body))
        os.replace(partial, target)
    return manifest


def add_file(archive: tarfile.TarFile, manifest: dict, path: Path, name: str):
    """Add one file, hashing exactly the bytes that go into the archive."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        digest = hashlib.sha256()

        class Hashing:
            def read(self, n=-1):
                chunk = f.read(n)
                digest.update(chunk)
                return chunk

        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(os.fstat(f.fileno()).st_mtime)
        info.mode = 0o644
        archive.addfile(info, Hashing())
    manifest["files"].append({"path": name, "size": size, "sha256": digest.hexdigest()})


def latest_migrations(connection) -> dict:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def copy_sqlite(connection, target: Path):
    """A consistent copy while the site runs: SQLite's online backup API, from the site's own
    connection (so an in-memory database works too)."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        with connection.wrap_database_errors:
            connection.connection.backup(copy)
    finally:
        copy.close()


def postgres_environment(params: dict) -> tuple[list[str], dict]:
    """Connection arguments for the PostgreSQL client tools; the password goes only into the
    environment (PGPASSWORD), never onto the command line where others could see it."""
    env = dict(os.environ)
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    options = params.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def run_client(command: list[str], env: dict, what: str):
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"The PostgreSQL client program {command[0]} is not installed; install the "
            "package postgresql-client of the server's version or newer."
        ) from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        raise BackupError(f"{what} failed: " + (detail[-1] if detail else "no message"))
    return done


def dump_postgresql(params: dict, target: Path):
    args, env = postgres_environment(params)
    run_client(
        [
            "pg_dump",
            *args,
            "--no-password",
            "--format=plain",
            "--no-owner",
            "--no-privileges",
            "--encoding=UTF8",
            "--file",
            str(target),
            "--dbname",
            str(params["NAME"]),
        ],
        env,
        "Dumping the PostgreSQL database",
    )


# --- restore --------------------------------------------------------------------------------


def read_checked(source: Path, work: Path) -> dict:
    """Unpack the archive into ``work`` and return its manifest, once every member is a plain
    file named in the manifest with its size and checksum, and every file named there is
    present. Anything else is a damaged or foreign file."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: there is no such file.")
    found: dict[str, tuple[int, str]] = {}
    manifest_body = None
    try:
        with tarfile.open(source, mode="r:gz") as archive:
            for member in archive:
                name = member.name
                path = PurePosixPath(name)
                if member.isdir():
                    continue
                if (
                    not member.isfile()
                    or path.is_absolute()
                    or ".." in path.parts
                    or name in found
                    or (name == MANIFEST and manifest_body is not None)
                    or not (name == MANIFEST or name.startswith(("database/", "media/")))
                ):
                    raise BackupError(
                        f"{source} is not a Plansicht backup: it holds {name!r}, which a "
                        "backup never does."
                    )
                stream = archive.extractfile(member)
                if name == MANIFEST:
                    manifest_body = stream.read(1024 * 1024 * 64)
                    continue
                out = work / path
                out.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with open(out, "wb") as f:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        f.write(chunk)
                found[name] = (size, digest.hexdigest())
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile):
        raise BackupError(
            f"{source} cannot be read as a Plansicht backup (a tar.gz archive): it is damaged, "
            "incomplete or another kind of file."
        ) from None
    if manifest_body is None:
        raise BackupError(f"{source} is not a Plansicht backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(manifest_body)
        if manifest.get("format") != FORMAT:
            raise ValueError
        listed = {f["path"]: (int(f["size"]), str(f["sha256"])) for f in manifest["files"]}
        vendor = manifest["database"]
        str(manifest["plansicht_version"]), str(manifest["created"])
        migrations = dict(manifest["migrations"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError(
            f"{source} is not a backup this version of Plansicht can read (its {MANIFEST} "
            f"is not of the format {FORMAT})."
        ) from None
    if vendor not in DATABASE_FILES or DATABASE_FILES[vendor] not in listed:
        raise BackupError(f"{source} is damaged: it holds no database.")
    damaged = sorted(
        name for name in listed.keys() | found.keys() if listed.get(name) != found.get(name)
    )
    if damaged:
        shown = ", ".join(damaged[:5]) + (f" and {len(damaged) - 5} more" if damaged[5:] else "")
        raise BackupError(
            f"{source} is damaged: these files are missing or differ from their checksum in "
            f"the manifest: {shown}."
        )
    manifest["migrations"] = migrations
    return manifest


def check_migrations(manifest: dict, connection):
    """A backup made by a newer Plansicht holds tables this version does not know."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    unknown = sorted(
        f"{app}.{name}"
        for app, name in manifest["migrations"].items()
        if (app, name) not in loader.disk_migrations
    )
    if unknown:
        raise BackupError(
            f"This backup was made by Plansicht {manifest['plansicht_version']}, whose "
            f"database is newer than this version ({plansicht.__version__}) knows "
            f"({', '.join(unknown[:3])}). Install that version or a newer one, then restore."
        )


def tables_with_data(connection) -> list[str]:
    """The tables of the target database that hold rows (Django's bookkeeping aside)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        quote = connection.ops.quote_name
        full = []
        for table in sorted(set(tables) - BOOKKEEPING):
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608 (our names)
            if cursor.fetchone():
                full.append(table)
    return full


def describe_data(connection, tables: list[str]) -> str:
    quote = connection.ops.quote_name
    counts = []
    with connection.cursor() as cursor:
        for table, label in (("plan_programme", "programme"), ("auth_user", "user account")):
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
                count = cursor.fetchone()[0]
                counts.append(f"{count} {label}{'' if count == 1 else 's'}")
    return ", ".join(counts) if counts else f"rows in {len(tables)} tables"


def sqlite_target(connection) -> Path | None:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name)


def check_target_empty(connection):
    if connection.vendor == "sqlite":
        path = sqlite_target(connection)
        if path is not None and (not path.exists() or path.stat().st_size == 0):
            return  # nothing there yet: the backup's file becomes the database
    full = tables_with_data(connection)
    if full:
        raise BackupError(
            f"The database is not empty: it holds {describe_data(connection, full)}. A backup "
            "is restored only into an empty database, so nothing is overwritten: create a new "
            "database (or point DATABASE_URL at one) and restore into that."
        )


def check_media_empty(media: Path):
    if media.exists() and (not media.is_dir() or any(media.iterdir())):
        raise BackupError(
            f"The media folder {media} is not empty. A backup is restored only into an empty "
            "media folder, so no file is overwritten: move its files away or set MEDIA_ROOT "
            "to a new folder."
        )


def restore(source: Path, alias: str = "default") -> Restored:
    """Check the archive and the target completely, then restore the database and the media
    folder. Every refusal (BackupError) happens before anything is changed."""
    connection = connections[alias]
    media = Path(settings.MEDIA_ROOT)
    parent = media.parent
    if not parent.is_dir():
        raise BackupError(f"The folder {parent} for MEDIA_ROOT does not exist; create it first.")
    # Unpack beside the media folder, so the media files move into place by a rename.
    with tempfile.TemporaryDirectory(prefix=".plansicht-restore-", dir=parent) as work:
        work = Path(work)
        manifest = read_checked(source, work)
        vendor = manifest["database"]
        if vendor != connection.vendor:
            raise BackupError(
                f"This backup holds a {vendor_name(vendor)} database, but this site uses "
                f"{vendor_name(connection.vendor)}. Restore it into a {vendor_name(vendor)} "
                "database (set DATABASE_URL accordingly)."
            )
        check_migrations(manifest, connection)
        check_target_empty(connection)
        check_media_empty(media)
        dumped = work / DATABASE_FILES[vendor]
        if vendor == "sqlite":
            restore_sqlite(connection, dumped)
        else:
            restore_postgresql(connection, dumped)
        media_files = [f for f in manifest["files"] if f["path"].startswith("media/")]
        unpacked = work / "media"
        unpacked.mkdir(exist_ok=True)
        if media.exists():
            media.rmdir()  # checked empty above
        os.replace(unpacked, media)
    connection.close()
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connection.close()
    return Restored(
        vendor=vendor,
        created=manifest["created"],
        version=manifest["plansicht_version"],
        files=len(media_files),
        pending_migrations=len(pending),
    )


def restore_sqlite(connection, dumped: Path):
    source = sqlite3.connect(f"file:{dumped}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("The database in this backup is damaged (SQLite's check fails).")
        connection.close()
        path = sqlite_target(connection)
        if path is None:  # an in-memory database (tests): copy into the site's connection
            connection.ensure_connection()
            source.backup(connection.connection)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(path)
        try:
            source.backup(target)  # one step: the target changes completely or not at all
        finally:
            target.close()
    finally:
        source.close()


def restore_postgresql(connection, dumped: Path):
    """psql runs the dump in one transaction, after dropping the target's tables (checked
    empty, e.g. made by ``migrate``): it fails as a whole or restores completely."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    quote = connection.ops.quote_name
    connection.close()
    with tempfile.NamedTemporaryFile("w", suffix=".sql", encoding="utf-8") as drops:
        if tables:
            drops.write(f"DROP TABLE {', '.join(quote(t) for t in tables)} CASCADE;\n")
        drops.flush()
        args, env = postgres_environment(connection.settings_dict)
        run_client(
            [
                "psql",
                *args,
                "--no-password",
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set",
                "ON_ERROR_STOP=1",
                "--file",
                drops.name,
                "--file",
                str(dumped),
                "--dbname",
                str(connection.settings_dict["NAME"]),
            ],
            env,
            "Restoring the PostgreSQL database",
        )
