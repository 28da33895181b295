"""What SQLite and PostgreSQL spell differently, said once: SQLAlchemy constructs compiled per
dialect (`@compiles`), and `Spelling`, which renders them as SQL fragments for text templates.

Each construct's default rendering is PostgreSQL's; the SQLite one is registered beside it.
Arguments are SQL fragments (column names, bind parameters such as `:today`), kept verbatim.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

DIALECTS: dict[str, Dialect] = {
    "sqlite": sqlite.dialect(),
    "postgresql": postgresql.dialect(),  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
}


# The dialect's INSERT construct, which has on_conflict_do_nothing / _do_update.
_INSERTS: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert_insert(session: Session) -> Callable[..., Any]:
    """`insert` of the session's dialect, with ON CONFLICT (both dialects spell it alike)."""
    return _INSERTS[session.get_bind().dialect.name]


# Session settings for the rollup's short scans (SET LOCAL: this transaction only). PostgreSQL:
# no JIT (compiling costs more than it saves) and room for hash aggregation; SQLite: none.
ROLLUP_SETTINGS: dict[str, tuple[str, ...]] = {
    "postgresql": ("SET LOCAL jit = off", "SET LOCAL work_mem = '32MB'"),
    "sqlite": (),
}


class _Fragment(FunctionElement[Any]):
    inherit_cache = True


class days_between(_Fragment):  # noqa: N801 (SQL function style)
    """Whole days from the first date to the second."""

    name = "days_between"


class plus_days(_Fragment):  # noqa: N801
    """A date moved by a number of days."""

    name = "plus_days"


class local_date(_Fragment):  # noqa: N801
    """A stored UTC timestamp's date in the zone: PostgreSQL reads the zone's name from `:tz`;
    SQLite (no zones, naive UTC stored) shifts by the fixed offset in `:tz_shift`."""

    name = "local_date"


class least(_Fragment):  # noqa: N801
    name = "least"


class greatest(_Fragment):  # noqa: N801
    name = "greatest"


class trim_space(_Fragment):  # noqa: N801
    """The text without leading or trailing spaces, tabs and line ends."""

    name = "trim_space"


class index_hint(sa.ClauseElement):  # noqa: N801
    """` INDEXED BY name` after a table in FROM on SQLite (its planner has no statistics);
    nothing on PostgreSQL, whose planner picks a partial index itself."""

    inherit_cache = True
    _traverse_internals = [("index", InternalTraversal.dp_string)]

    def __init__(self, index: str) -> None:
        self.index = index


@compiles(index_hint)
def _index_hint_pg(element: index_hint, compiler: Any, **kw: Any) -> str:
    return ""


@compiles(index_hint, "sqlite")
def _index_hint_sqlite(element: index_hint, compiler: Any, **kw: Any) -> str:
    return f" INDEXED BY {element.index}"


def _args(element: _Fragment, compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(c, **kw) for c in element.clauses]


@compiles(days_between)
def _days_between_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = _args(element, compiler, **kw)
    return f"({b} - {a})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = _args(element, compiler, **kw)
    return f"CAST(julianday({b}) - julianday({a}) AS INTEGER)"


@compiles(plus_days)
def _plus_days_pg(element: plus_days, compiler: Any, **kw: Any) -> str:
    day, n = _args(element, compiler, **kw)
    return f"({day} + ({n}))"


@compiles(plus_days, "sqlite")
def _plus_days_sqlite(element: plus_days, compiler: Any, **kw: Any) -> str:
    day, n = _args(element, compiler, **kw)
    return f"date(julianday({day}) + ({n}))"


@compiles(local_date)
def _local_date_pg(element: local_date, compiler: Any, **kw: Any) -> str:
    (ts,) = _args(element, compiler, **kw)
    return f"CAST(({ts} AT TIME ZONE :tz) AS date)"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: Any, **kw: Any) -> str:
    (ts,) = _args(element, compiler, **kw)
    return f"date({ts}, :tz_shift)"


@compiles(least)
def _least_pg(element: least, compiler: Any, **kw: Any) -> str:
    return f"LEAST({', '.join(_args(element, compiler, **kw))})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: Any, **kw: Any) -> str:
    return f"min({', '.join(_args(element, compiler, **kw))})"


@compiles(greatest)
def _greatest_pg(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({', '.join(_args(element, compiler, **kw))})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"max({', '.join(_args(element, compiler, **kw))})"


@compiles(trim_space)
def _trim_space_pg(element: trim_space, compiler: Any, **kw: Any) -> str:
    (text,) = _args(element, compiler, **kw)
    return f"btrim({text}, E' \\t\\n\\r')"


@compiles(trim_space, "sqlite")
def _trim_space_sqlite(element: trim_space, compiler: Any, **kw: Any) -> str:
    (text,) = _args(element, compiler, **kw)
    return f"trim({text}, ' ' || char(9, 10, 13))"


class Spelling:
    """The constructs above rendered for one dialect, over SQL fragments."""

    def __init__(self, dialect: str) -> None:
        self._dialect = DIALECTS[dialect]

    def _render(self, construct: type[_Fragment], *fragments: str) -> str:
        element = construct(*(sa.literal_column(f) for f in fragments))
        return str(element.compile(dialect=self._dialect))

    def days_between(self, a: str, b: str) -> str:
        return self._render(days_between, a, b)

    def plus_days(self, day: str, n: str) -> str:
        return self._render(plus_days, day, n)

    def local_date(self, ts: str) -> str:
        return self._render(local_date, ts)

    def least(self, *exprs: str) -> str:
        return self._render(least, *exprs)

    def clamp(self, expr: str, lo: str, hi: str) -> str:
        """`expr` within [lo, hi]. NOT NULL `expr` only: PostgreSQL's GREATEST/LEAST skip
        NULLs where SQLite's max/min return NULL."""
        return self._render(greatest, lo, self._render(least, hi, expr))

    def trim_space(self, text: str) -> str:
        return self._render(trim_space, text)

    def index_hint(self, index: str) -> str:
        return str(index_hint(index).compile(dialect=self._dialect))


@lru_cache(maxsize=4)
def spelling(dialect: str) -> Spelling:
    return Spelling(dialect)


def _sqlite_table_hint(self: Any, table: Any, text: str | None) -> str | None:
    return text


# `select.with_hint(table, "INDEXED BY ix_…", "sqlite")` spells SQLite's index hint after the
# table's name (SQLAlchemy renders table hints for MySQL and MSSQL only): with no statistics,
# SQLite's planner may walk a whole index where a partial one holds the few rows asked for.
sqlite.base.SQLiteCompiler.get_from_hint_text = _sqlite_table_hint  # type: ignore[method-assign]
