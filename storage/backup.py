"""Sao lưu và khôi phục (backup and restore): one archive for either database kind.

A backup is a gzipped tar with
- `manifest.json`: format, dondoc version, source dialect, Alembic revision, rows per table and
  the SHA-256 and size of every other member;
- `db/<table>.jsonl`: every row of every dondoc table, one JSON object per line, in primary-key
  order; values that JSON has no type for are tagged (`{"$dt": ISO}` a UTC date-time, `{"$d"}` a
  date, `{"$t"}` a time, `{"$b"}` base64 bytes, `{"$n"}` a decimal, `{"$j"}` a JSON column's
  value), so the dump reads back the same on SQLite and PostgreSQL;
- `db/database.sqlite` (SQLite sources only): the snapshot taken with SQLite's online backup API
  (`sqlite3.Connection.backup`), which the row dump is read from, usable as is with `sqlite3`;
- `files/<name>`: the evidence files of the upload directory.
PostgreSQL rows are read in one REPEATABLE READ transaction, so the dump is one snapshot.

The restore side (checks, schema, rows, sequences, files) is `storage/restore.py`; the format
both share is `storage/backup_format.py`. `restore`, `BackupError` and `Summary` are re-exported
here: callers import them from `storage.backup`.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from storage.backup_format import (
    BATCH,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    Summary,
    digest,
    encode,
    tables,
)
from storage.db import Database
from storage.migrate import current_revision, head_revision
from storage.restore import restore

__all__ = ["BackupError", "Summary", "backup", "restore"]  # callers import these from here


def backup(db: Database, upload_dir: Path, archive: Path) -> Summary:
    """Write `archive` (a .tar.gz) with the database and the evidence files."""
    revision = current_revision(db)
    if revision is None:
        raise BackupError("the database has no dondoc schema: nothing to back up")
    if revision != head_revision():
        raise BackupError(f"the database is at revision {revision}, this dondoc at "
                          f"{head_revision()}: run `dondoc init` first")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="dondoc-backup-") as tmp:
        work = Path(tmp)
        (work / "db").mkdir()
        if db.dialect == "sqlite":
            snapshot = work / "db" / "database.sqlite"
            _sqlite_snapshot(db, snapshot)
            source = Database(f"sqlite:///{snapshot}")
            try:
                counts = _dump(source, work / "db")
            finally:
                source.dispose()
        else:
            counts = _dump(db, work / "db")
        files = _copy_files(upload_dir, work / "files")
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "dondoc_version": _version(),
            "created_at": datetime.now(UTC).isoformat(), "source_dialect": db.dialect,
            "alembic_revision": revision, "tables": counts, "files": files,
            "members": {name: digest(work / name) for name in _members(work)},
        }  # fmt: skip
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        _pack(work, archive)
    return Summary(revision, counts, files)


def _sqlite_snapshot(db: Database, target: Path) -> None:
    """SQLite's online backup API: a consistent copy while others keep writing."""
    path = make_url(db.url).database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    source = sqlite3.connect(path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _dump(db: Database, folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with db.engine.connect() as conn:
        if db.dialect == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            for table in tables():
                counts[table.name] = _dump_table(conn, table, folder / f"{table.name}.jsonl")
    return counts


def _dump_table(conn: sa.Connection, table: sa.Table, path: Path) -> int:
    names = [c.name for c in table.columns]
    stmt = sa.select(*table.columns).order_by(*table.primary_key.columns)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for row in conn.execution_options(yield_per=BATCH).execute(stmt):
            cells = {n: encode(v) for n, v in zip(names, row, strict=True)}
            out.write(json.dumps(cells, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def _copy_files(upload_dir: Path, target: Path) -> int:
    target.mkdir()
    if not upload_dir.is_dir():
        return 0
    count = 0
    for path in sorted(upload_dir.rglob("*")):
        if path.is_file() and not path.is_symlink():
            dest = target / path.relative_to(upload_dir)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            count += 1
    return count


def _members(work: Path) -> list[str]:
    return sorted(p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file())


def _pack(work: Path, archive: Path) -> None:
    """Written next to its final name and renamed: a failed backup leaves no half archive."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(archive.name + ".partial")
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(work / MANIFEST, MANIFEST)
        for name in _members(work):
            if name != MANIFEST:
                tar.add(work / name, name)
    partial.replace(archive)


def _version() -> str:
    try:
        return metadata.version("dondoc")
    except metadata.PackageNotFoundError:
        return "unknown"
