"""Backing up the whole database to one file, and restoring it from one.

- PostgreSQL: ``pg_dump`` in its custom format, restored by ``pg_restore --clean --if-exists
  --no-owner`` in a single transaction, so a restore that fails changes nothing. The tools must
  be at least as new as the server (``pg_dump`` refuses a newer server).
- SQLite: the database file, copied page by page through SQLite's online backup API, which
  gives a consistent copy while the site keeps running; a restore copies the same way back.

Every table goes into the backup: the records, their change history, users, groups, tokens
and sessions. Backups land in ``BACKUP_DIR`` (default ``backups/`` in the repository) as
``<UTC timestamp>.dump`` or ``<UTC timestamp>.sqlite3``.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.client import DatabaseClient
from django.utils import timezone
from django.utils.translation import gettext as _

from .caching import bump_data_version

SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def backup_dir() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", Path(settings.BASE_DIR) / "backups"))


def vendor_of(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in SUFFIXES:
        raise BackupError(
            _("Backups are made of PostgreSQL and SQLite databases, not %(vendor)s.")
            % {"vendor": vendor}
        )
    return vendor


def new_backup_path(directory: Path, suffix: str) -> Path:
    """A file name of the current UTC time that no backup in ``directory`` has yet."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    path, n = directory / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = directory / f"{stem}-{n}{suffix}"
    return path


def backup(using: str = "default", path: Path | None = None) -> Path:
    """Writes a backup of the database ``using`` and returns its path."""
    vendor = vendor_of(using)
    path = Path(path) if path else new_backup_path(backup_dir(), SUFFIXES[vendor])
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if vendor == "sqlite":
            copy_sqlite(sqlite_path(using), path)
        else:
            run_postgresql_tool("pg_dump", using, ["--format=custom", f"--file={path}"])
    except BackupError:
        path.unlink(missing_ok=True)  # no half-written file that looks like a backup
        raise
    return path


def restore(path: Path, using: str = "default") -> None:
    """Replaces the content of the database ``using`` with the backup at ``path``."""
    vendor = vendor_of(using)
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("There is no backup file %(file)s.") % {"file": path})
    # Our own connection would hold locks against the restore, and cache what it replaces.
    connections[using].close()
    if vendor == "sqlite":
        check_sqlite_backup(path)
        copy_sqlite(path, sqlite_path(using))
    else:
        run_postgresql_tool(
            "pg_restore",
            using,
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"],
            archive=path,
        )
    # A shared cache (Redis) is not restored: move it on from what it computed after the backup.
    bump_data_version()


# SQLite


def sqlite_path(using: str) -> Path:
    name = str(connections[using].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError(_("An in-memory SQLite database has no file to back up."))
    return Path(name)


def copy_sqlite(source: Path, destination: Path) -> None:
    """Copies one SQLite database into another with the online backup API: the copy is
    consistent even while others write to the source, and readers of the destination see the
    old or the new database, never a mix."""
    try:
        source_db = sqlite3.connect(read_only(source), uri=True)
        try:
            destination_db = sqlite3.connect(destination)
            try:
                source_db.backup(destination_db)
            finally:
                destination_db.close()
        finally:
            source_db.close()
    except sqlite3.Error as error:
        raise BackupError(
            _("Copying %(source)s to %(destination)s failed: %(error)s")
            % {"source": source, "destination": destination, "error": error}
        ) from error


def read_only(path: Path) -> str:
    return f"{Path(path).resolve().as_uri()}?mode=ro"


def check_sqlite_backup(path: Path) -> None:
    try:
        db = sqlite3.connect(read_only(path), uri=True)
        try:
            (result,) = db.execute("PRAGMA quick_check").fetchone()
            db.execute("SELECT 1 FROM django_migrations LIMIT 1").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("%(file)s is not a backup of this site's SQLite database: %(error)s")
            % {"file": path, "error": error}
        ) from error
    if result != "ok":
        raise BackupError(
            _("The backup %(file)s is damaged: %(error)s") % {"file": path, "error": result}
        )


# PostgreSQL


def major_version(text: str) -> int | None:
    match = re.search(r"\(PostgreSQL\) (\d+)", text)
    return int(match.group(1)) if match else None


def postgresql_environment(using: str) -> dict:
    """The connection settings as libpq's environment variables, password included, so that
    no secret shows in the process list."""
    settings_dict = connections[using].settings_dict
    _args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(env or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    # The web requests' statement timeout is not for a dump or a restore.
    env.pop("PGOPTIONS", None)
    return env


def check_tool_version(tool: str, executable: str, using: str) -> None:
    """Refuses a tool older than the server: it cannot read what the server writes."""
    try:
        output = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise BackupError(
            _("%(tool)s does not run (%(error)s): install the PostgreSQL client tools.")
            % {"tool": tool, "error": error}
        ) from error
    connection = connections[using]
    connection.ensure_connection()
    server = connection.pg_version // 10000
    client = major_version(output)
    if client is None or client < server:
        raise BackupError(
            _(
                "%(tool)s is version %(client)s but the server runs PostgreSQL %(server)s: "
                "install the client tools of version %(server)s or newer."
            )
            % {"tool": tool, "client": output.strip(), "server": server}
        )


def run_postgresql_tool(tool: str, using: str, options: list[str], archive=None) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            _("%(tool)s is not installed: install the PostgreSQL client tools (postgresql-client).")
            % {"tool": tool}
        )
    check_tool_version(tool, executable, using)
    name = connections[using].settings_dict["NAME"]
    command = [executable, *options, f"--dbname={name}"]
    if archive is not None:
        command.append(str(archive))
    connections[using].close()
    result = subprocess.run(
        command, env=postgresql_environment(using), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s") % {"tool": tool, "error": result.stderr.strip()}
        )
