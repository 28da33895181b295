"""A stamp of the agency registry, changed by triggers on every write to it, so a process can
keep the registry it read (reports read it per rollup and per evaluation: ~60 ms at 64
agencies) until the stored one changes.

The stamp is random (not a counter): a database emptied and refilled, or restored, never
shows a stamp an earlier registry had. No row (a database emptied by TRUNCATE): no caching.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.agencies import AgencyRegistry
from storage import stamp_sql

TABLES = ("agency", "agency_alias", "agency_member", "agency_succession")
_cache: dict[tuple[str, str], AgencyRegistry] = {}
_lock = threading.Lock()
KEEP = 8


def create_triggers(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        stamp_sql.create_sqlite_triggers(conn, "registry_version", TABLES)
        return
    conn.exec_driver_sql(
        "CREATE FUNCTION registry_version_trg() RETURNS trigger LANGUAGE plpgsql AS $$"
        f"BEGIN {stamp_sql.bump('registry_version', stamp_sql.PG_STAMP)}; RETURN NULL; END $$"
    )
    for table in TABLES:
        conn.exec_driver_sql(
            f"CREATE TRIGGER registry_version_{table} AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION registry_version_trg()"
        )


def drop_triggers(conn: sa.Connection) -> None:
    stamp_sql.drop_triggers(conn, "registry_version", TABLES)


def stamp(session: Session) -> str | None:
    value = session.scalar(sa.text("SELECT stamp FROM registry_version WHERE id = 1"))
    return None if value is None else str(value)


def cached_registry(session: Session) -> AgencyRegistry:
    """The stored registry, read again only when its stamp changed (for reading only: callers
    must not change the registry they get)."""
    from storage.agencies import registry_from_db  # agencies imports models; no cycle at load

    found = stamp(session)
    if found is None:
        return registry_from_db(session)
    key = (str(session.get_bind().engine.url), found)
    with _lock:
        registry = _cache.get(key)
    if registry is None:
        registry = registry_from_db(session)
        with _lock:
            if len(_cache) >= KEEP:
                _cache.clear()
            _cache[key] = registry
    return registry
