"""Small helpers shared by the CLI modules."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import typer
from sqlalchemy.orm import Session

from directives.calendar import TIMEZONE
from dondoc.errors import UserError
from storage.queries import find_agency


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


def agency_id_of(session: Session, agency: str | None, option: str = "--agency") -> int | None:
    """The id of an agency named by code, name or alias; UserError when there is none."""
    if not agency:
        return None
    row = find_agency(session, agency)
    if row is None:
        raise UserError(f"{option} {agency!r}: no such agency (see `dondoc agencies list`)")
    return row.id
