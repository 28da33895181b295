"""Small helpers shared by the CLI modules."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import typer

from directives.calendar import TIMEZONE
from dondoc.errors import UserError


def parse_as_of(value: str | None, option: str = "--as-of") -> date:
    """An ISO date (YYYY-MM-DD), or today in Vietnam when empty."""
    if not value:
        return datetime.now(TIMEZONE).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r}: expected a date as YYYY-MM-DD") from None


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
