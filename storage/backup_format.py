"""The archive's format, shared by the backup (`storage/backup.py`) and the restore
(`storage/restore.py`): the manifest's name and version, dondoc's tables in dependency order,
the tables rebuilt from others (`DERIVED`), the tagged cell values (`encode`, `decode`), a file's
checksum (`digest`), the `BackupError` either side raises and the `Summary` either returns.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from storage.db import Base

FORMAT = "dondoc-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Rebuilt by `dondoc init` (the calendar), from the tasks (the rollup tally) or the registry
# (its stamp), by triggers:
# may be present in an "empty" database.
DERIVED = {
    "calendar_day",
    "rollup_tally",
    "rollup_deadline_tally",
    "rollup_task_event",
    "registry_version",
    "data_version",
}
BATCH = 1000


class BackupError(Exception):
    """An archive or a database that cannot be backed up or restored; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    revision: str
    tables: dict[str, int]
    files: int


def tables() -> list[sa.Table]:
    """dondoc's own tables, parents before children."""
    return list(Base.metadata.sorted_tables)


# ---------------------------------------------------------------- values


def encode(value: Any) -> Any:
    """A JSON-ready form of one cell."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, time):
        return {"$t": value.isoformat()}
    if isinstance(value, bytes | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Decimal):
        return {"$n": str(value)}
    if isinstance(value, dict | list):
        return {"$j": value}
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((tag, raw),) = value.items()
    if tag == "$dt":
        moment = datetime.fromisoformat(raw)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if tag == "$d":
        return date.fromisoformat(raw)
    if tag == "$t":
        return time.fromisoformat(raw)
    if tag == "$b":
        return base64.b64decode(raw)
    if tag == "$n":
        return Decimal(raw)
    if tag == "$j":
        return raw
    raise BackupError(f"unknown value tag {tag!r}")


def digest(path: Path) -> dict[str, Any]:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return {"sha256": sha.hexdigest(), "bytes": path.stat().st_size}
