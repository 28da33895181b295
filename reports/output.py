"""Write a report file whole or not at all: a temporary file in the target folder, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputError(OSError):
    """The output path cannot be written; the message names it."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a sibling temporary file; nothing is left on failure."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, not a file")
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {folder} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
