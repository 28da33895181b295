"""Khôi phục (restore): load an archive written by `storage/backup.py` into an empty database.

A restore checks the whole archive first (every member listed, every checksum right, no path
outside the archive), refuses a database that holds anything but the calendar, brings the
schema to the archive's revision, loads the rows in dependency order in one transaction, moves
PostgreSQL's id sequences past the loaded ids, writes the evidence files, and then upgrades the
schema to this version's head. Anything refused changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import sqlalchemy as sa

from storage import data_stamp, tally
from storage.backup_format import (
    BATCH,
    DERIVED,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    Summary,
    decode,
    digest,
    tables,
)
from storage.db import Base, Database
from storage.migrate import current_revision, downgrade, head_revision, upgrade


def restore(db: Database, upload_dir: Path, archive: Path) -> Summary:
    """Load `archive` into an empty database and the upload directory."""
    with _open(archive) as tar:
        manifest = _verified(tar)
        revision = manifest["alembic_revision"]
        _check_empty(db)
        _check_files(tar, manifest, upload_dir)
        _schema_at(db, revision)
        _load(db, tar, manifest)
        files = _write_files(tar, manifest, upload_dir)
    upgrade(db)
    return Summary(revision, dict(manifest["tables"]), files)


def _open(archive: Path) -> tarfile.TarFile:
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    try:
        return tarfile.open(archive, "r:*")
    except (tarfile.TarError, OSError, EOFError) as exc:
        reason = "not a tar archive" if isinstance(exc, tarfile.ReadError) else _line(exc)
        raise BackupError(f"{archive}: not a dondoc backup ({reason})") from None


def _verified(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        members = {m.name: m for m in tar.getmembers()}
        manifest: dict[str, Any] = json.loads(_read(tar, members, MANIFEST))
    except (tarfile.TarError, OSError, EOFError, ValueError, KeyError) as exc:
        raise BackupError(f"damaged archive: {_line(exc)}") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("not a dondoc backup (unknown manifest format)")
    listed = manifest.get("members", {})
    extra = set(members) - set(listed) - {MANIFEST}
    missing = set(listed) - set(members)
    if extra or missing:
        raise BackupError(f"damaged archive: members missing {sorted(missing)[:5]}, "
                          f"not listed {sorted(extra)[:5]}")  # fmt: skip
    for name, expected in listed.items():
        _safe_name(name)
        if not members[name].isfile():
            raise BackupError(f"damaged archive: {name} is not a regular file")
        try:
            got = _stream_digest(tar, members[name])
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"damaged archive at {name}: {_line(exc)}") from None
        if got != expected:
            raise BackupError(f"damaged archive: {name} does not match its checksum")
    if manifest.get("alembic_revision") is None:
        raise BackupError("damaged archive: no schema revision in the manifest")
    return manifest


def _line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _read(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo], name: str) -> bytes:
    handle = tar.extractfile(members[name])
    if handle is None:
        raise KeyError(name)
    return handle.read()


def _stream_digest(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict[str, Any]:
    handle = tar.extractfile(member)
    assert handle is not None
    sha, size = hashlib.sha256(), 0
    while chunk := handle.read(1 << 20):
        sha.update(chunk)
        size += len(chunk)
    return {"sha256": sha.hexdigest(), "bytes": size}


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or path.parts[0] not in ("db", "files"):
        raise BackupError(f"damaged archive: member {name!r} outside the archive's folders")
    return path


def _check_empty(db: Database) -> None:
    """Refuse a database holding any row outside the calendar."""
    present = set(sa.inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        for table in tables():
            if table.name in present and table.name not in DERIVED:
                if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                    raise BackupError(
                        f"the target database is not empty (table {table.name} has rows): "
                        "restore into a new, empty database"
                    )


def _check_files(tar: tarfile.TarFile, manifest: dict[str, Any], upload_dir: Path) -> None:
    for name, expected in manifest["members"].items():
        if not name.startswith("files/"):
            continue
        dest = upload_dir / PurePosixPath(name).relative_to("files")
        if dest.exists() and digest(dest)["sha256"] != expected["sha256"]:
            raise BackupError(f"{dest} exists with other content: restore into an empty folder")


def _schema_at(db: Database, revision: str) -> None:
    """The archive's schema: created, or moved there (the database holds no rows)."""
    current = current_revision(db)
    if current == revision:
        return
    try:
        if current is None:
            upgrade(db, revision)
        else:
            upgrade(db, revision) if _is_ahead(revision, current) else downgrade(db, revision)
    except Exception as exc:  # noqa: BLE001 - an unknown revision: a newer dondoc's archive
        raise BackupError(f"cannot bring the schema to the archive's revision {revision} "
                          f"(made by a newer dondoc?): {exc}") from None  # fmt: skip


def _is_ahead(revision: str, current: str) -> bool:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return any(r.revision == current for r in script.iterate_revisions(revision, "base"))


def _load(db: Database, tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every table's rows in one transaction, parents first; then the id sequences."""
    target = _target_tables(db, manifest["alembic_revision"])
    with db.engine.begin() as conn:
        # the data stamp's triggers paused (one per row, queued to commit on PostgreSQL) and a
        # new stamp at the end, never the archived one: a process may have kept pages under it
        paused = data_stamp.triggers_off(conn) if "data_version" in target else nullcontext()
        with paused:
            for name in _order(target, manifest["tables"]):
                table = target[name]
                if name in DERIVED:
                    conn.execute(table.delete())
                member = f"db/{name}.jsonl"
                if member not in manifest["members"]:
                    continue
                for batch in _batches(tar, member, table, db.dialect):
                    conn.execute(table.insert(), batch)
        if db.dialect == "postgresql":
            _reset_sequences(conn, target.values())
        if "rollup_tally" in target:  # rows loaded in any order: the tally made true again
            tally.rebuild(conn)


def _target_tables(db: Database, revision: str) -> dict[str, sa.Table]:
    """The models' tables at this version's head; the database's own, reflected, otherwise."""
    if revision == head_revision():
        return {t.name: t for t in tables()}
    reflected = sa.MetaData()
    reflected.reflect(db.engine)
    return {n: t for n, t in reflected.tables.items() if n != "alembic_version"}


def _order(target: dict[str, sa.Table], counts: dict[str, int]) -> list[str]:
    unknown = set(counts) - set(target)
    if unknown:
        raise BackupError(f"the archive has tables this schema lacks: {sorted(unknown)}")
    ordered = sa.MetaData()
    for table in target.values():
        table.to_metadata(ordered)
    return [t.name for t in ordered.sorted_tables if t.name in target]


def _batches(
    tar: tarfile.TarFile, member: str, table: sa.Table, dialect: str
) -> Iterator[list[dict[str, Any]]]:
    handle = tar.extractfile(member)
    assert handle is not None
    naive = dialect == "sqlite" and table.metadata is not Base.metadata  # reflected DATETIME
    batch: list[dict[str, Any]] = []
    for line in io.TextIOWrapper(handle, encoding="utf-8"):
        row = {k: decode(v) for k, v in json.loads(line).items()}
        if naive:
            row = {k: _naive(v) for k, v in row.items()}
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _naive(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _reset_sequences(conn: sa.Connection, target: Any) -> None:
    """Each serial id's sequence continues after the largest id loaded."""
    for table in target:
        for column in table.primary_key.columns:
            seq = conn.exec_driver_sql(
                "SELECT pg_get_serial_sequence(%s, %s)", (table.name, column.name)
            ).scalar()
            if seq is None:
                continue
            conn.exec_driver_sql(
                f'SELECT setval(%s, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"),'
                f' 1), (SELECT MAX("{column.name}") FROM "{table.name}") IS NOT NULL)',
                (seq,),
            )


def _write_files(tar: tarfile.TarFile, manifest: dict[str, Any], upload_dir: Path) -> int:
    count = 0
    for name in sorted(manifest["members"]):
        if not name.startswith("files/"):
            continue
        dest = upload_dir / PurePosixPath(name).relative_to("files")
        dest.parent.mkdir(parents=True, exist_ok=True)
        handle = tar.extractfile(name)
        assert handle is not None
        with dest.open("wb") as out:
            shutil.copyfileobj(handle, out)
        count += 1
    return count
