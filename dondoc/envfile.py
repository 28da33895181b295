"""The `.env` file pydantic-settings reads: `dondoc init --secret-key` writes the key there."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from dondoc.settings import secret_key_problem

KEY_NAME = "DONDOC_SECRET_KEY"


def new_secret_key() -> str:
    return secrets.token_urlsafe(48)


def ensure_secret_key(path: Path) -> bool:
    """Give `path` a strong DONDOC_SECRET_KEY line; True when a new key was written.

    A strong key already there is kept (changing it would end every session); a weak one is
    replaced in place; other lines are left as they are. The file is readable by its owner only.
    """
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    current = [i for i, line in enumerate(lines) if line.strip().startswith(f"{KEY_NAME}=")]
    if current:
        value = lines[current[-1]].split("=", 1)[1].strip().strip("\"'")
        if secret_key_problem(value) is None:
            return False
    line = f"{KEY_NAME}={new_secret_key()}"
    lines = [x for i, x in enumerate(lines) if i not in current[:-1]]
    if current:
        lines[current[-1] - len(current[:-1])] = line
    else:
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return True
