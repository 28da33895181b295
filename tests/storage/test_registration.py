"""Registering the seed notice on SQLite and PostgreSQL: fan-out, groups, reminder contract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from directives.parsing import parse_notice
from storage.agencies import load_agencies, read_agency_file, registry_from_db, shipped_agency_file
from storage.db import Database
from storage.models import HistoryRow, TaskRow
from storage.registration import register_directive

SEED = Path(__file__).parents[1] / "fixtures" / "notices" / "tb-ubnd-2024-03-27-so-ngoai-vu.txt"


def test_seed_registers_with_group_lead_fanned_out(db: Database) -> None:
    with db.write() as s:
        load_agencies(s, read_agency_file(shipped_agency_file()))
    with db.write() as s:
        registry = registry_from_db(s)
        draft = parse_notice(SEED.read_text(encoding="utf-8"), registry)
        directive = register_directive(s, draft, registry, "vp.chuyenvien", today=date(2024, 3, 28))
        directive_id = directive.id
    with db.read() as s:
        tasks = s.scalars(sa.select(TaskRow).where(TaskRow.directive_id == directive_id)).all()
        # 18 tasks + the border-district task fanned out to its five districts
        assert len(tasks) == 18 + 5
        border = sorted(t.lead.name for t in tasks if t.ref == "5")
        assert len(border) == 5 and all("huyện" in n for n in border)
        wide = next(t for t in tasks if t.ref == "3.1" and t.coordinators)
        assert {c.name for c in wide.coordinators} >= {"UBND các huyện, thành phố"}
        assert all(c.kind == "group" for c in wide.coordinators)
        assert {t.next_reminder_on for t in tasks} == {date(2024, 3, 28)}
        assert all(t.deadline == t.original_deadline for t in tasks)
        history = s.scalar(sa.select(sa.func.count()).select_from(HistoryRow))
        assert history == 1 + len(tasks)
