"""The agency registry a process keeps (storage/registry_version.py) is the stored one: read
once while nothing changes, read again after any write to the agencies, their aliases, groups
or successions, and never an earlier database's after the tables are emptied and refilled."""

from __future__ import annotations

import sqlalchemy as sa

from storage.db import Database
from storage.models import AgencyAlias, AgencyRow
from storage.registry_version import cached_registry
from tests.db_reset import empty_tables as _empty
from tests.factories import setup


def _code(db: Database, name: str) -> str | None:
    with db.read() as s:
        found = cached_registry(s).match(name)
        return found.code if found else None


def test_the_registry_is_read_once_while_nothing_changes(db: Database, small_agencies) -> None:
    setup(db, small_agencies)
    with db.read() as s:
        first = cached_registry(s)
    with db.read() as s:
        assert cached_registry(s) is first


def test_a_renamed_agency_or_a_new_alias_is_seen_at_once(db: Database, small_agencies) -> None:
    ids = setup(db, small_agencies)
    assert _code(db, "Sở Nội vụ tỉnh (mới)") is None
    with db.write() as s:
        s.get(AgencyRow, ids["so-noi-vu"]).name = "Sở Nội vụ tỉnh (mới)"
    assert _code(db, "Sở Nội vụ tỉnh (mới)") == "so-noi-vu"
    with db.write() as s:
        s.add(AgencyAlias(agency_id=ids["so-noi-vu"], alias="SNV mới", key="snv moi"))
    assert _code(db, "SNV mới") == "so-noi-vu"
    with db.write() as s:
        s.execute(sa.delete(AgencyAlias).where(AgencyAlias.alias == "SNV mới"))
    assert _code(db, "SNV mới") is None


def test_an_emptied_and_refilled_database_is_read_again(db: Database, small_agencies) -> None:
    ids = setup(db, small_agencies)
    with db.write() as s:
        s.get(AgencyRow, ids["so-noi-vu"]).name = "Tên cũ"
    assert _code(db, "Tên cũ") == "so-noi-vu"
    _empty(db)
    setup(db, small_agencies)
    assert _code(db, "Tên cũ") is None
