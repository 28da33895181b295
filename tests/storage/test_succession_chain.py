"""Chained successions: A renamed B on d1, B merged into C on d2 (sắp xếp tổ chức bộ máy).

A handover after d2 moves A's open tasks straight to C, one history row and one lead interval per
step (A → B from d1, B → C from d2); a notice after d2 naming A resolves to C, the warning naming
A, B and C.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from directives.agencies import AgencyRegistry, load_registry
from storage.agencies import load_agencies
from storage.db import Database
from storage.handover import REASON, apply_handover, plan_handover
from storage.models import (
    AgencyRow,
    DirectiveRow,
    HistoryRow,
    TaskCoordinator,
    TaskLeadRow,
    TaskRow,
)

CHAIN = """
agencies:
  - {code: so-a, name: Sở Thông tin và Truyền thông, aliases: [Sở TT&TT]}
  - {code: so-b, name: Sở Thông tin - Truyền thông và Chuyển đổi số, valid_from: 2025-03-01}
  - {code: so-c, name: Sở Khoa học và Công nghệ}
  - {code: so-y-te, name: Sở Y tế}
successions:
  - {from: so-a, "on": 2025-03-01, kind: rename, to: [so-b], source: QĐ 1/QĐ-UBND}
  - {from: so-b, "on": 2025-07-01, kind: merger, to: [so-c], source: NQ 2/NQ-HĐND}
"""
D1, D2 = date(2025, 3, 1), date(2025, 7, 1)


def _registry() -> AgencyRegistry:
    return AgencyRegistry(load_registry(CHAIN, "yaml"))


def test_notice_after_the_chain_naming_a_resolves_to_c_with_both_named() -> None:
    reg = _registry()
    late = reg.resolve("Sở TT&TT", date(2026, 2, 3))
    assert late.agency.code == "so-c" and late.written.code == "so-a"
    for name in ("Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ"):
        assert f"«{name}»" in late.warning
    assert "Sở Thông tin - Truyền thông và Chuyển đổi số" in late.warning  # the step between
    assert "28/02/2025" in late.warning and "30/06/2025" in late.warning
    between = reg.resolve("Sở TT&TT", date(2025, 4, 1))  # after d1, before d2: B
    assert between.agency.code == "so-b" and "Khoa học" not in between.warning
    assert reg.resolve("Sở TT&TT", date(2025, 1, 5)).agency.code == "so-a"  # valid then


def _seed(db: Database) -> dict[str, int]:
    with db.write() as s:
        load_agencies(s, load_registry(CHAIN, "yaml"))
    with db.write() as s:
        ids = dict(s.execute(sa.select(AgencyRow.code, AgencyRow.id)).all())
        d = DirectiveRow(kind="TB", number="1/TB-UBND", issued_on=date(2024, 12, 2),
                         registered_by="vp")  # fmt: skip
        s.add(d)
        s.flush()
        due = date(2026, 6, 30)
        led = TaskRow(directive_id=d.id, ref="1", content="Chuyển đổi số",
                      lead_agency_id=ids["so-a"], deadline=due)  # fmt: skip
        helped = TaskRow(directive_id=d.id, ref="2", content="Y tế số",
                         lead_agency_id=ids["so-y-te"], deadline=due)  # fmt: skip
        s.add_all([led, helped])
        s.flush()
        s.add(TaskCoordinator(task_id=helped.id, agency_id=ids["so-a"]))
        ids |= {"led": led.id, "helped": helped.id}
    return ids


def test_handover_after_the_chain_moves_a_tasks_straight_to_c(db: Database) -> None:
    ids = _seed(db)
    at = date(2025, 7, 2)
    with db.read() as s:
        plan = plan_handover(s, at)
    assert {(m.ref, m.role, m.from_code, m.default) for m in plan} == {
        ("1", "lead", "so-a", "so-c"),
        ("2", "coordinator", "so-a", "so-c"),
    }
    assert all(m.options == (("so-c", "Sở Khoa học và Công nghệ"),) for m in plan)
    with db.write() as s:
        apply_handover(s, at, "vp")
    with db.read() as s:
        led = s.get(TaskRow, ids["led"])
        assert led.lead_agency_id == ids["so-c"]
        intervals = s.execute(
            sa.select(TaskLeadRow.agency_id, TaskLeadRow.valid_from, TaskLeadRow.valid_to)
            .where(TaskLeadRow.task_id == led.id)
            .order_by(TaskLeadRow.id)
        ).all()
        assert [tuple(r) for r in intervals] == [
            (ids["so-a"], None, date(2025, 2, 28)),
            (ids["so-b"], D1, date(2025, 6, 30)),
            (ids["so-c"], D2, None),
        ]
        coordinators = s.scalars(
            sa.select(TaskCoordinator.agency_id).where(TaskCoordinator.task_id == ids["helped"])
        ).all()
        assert coordinators == [ids["so-c"]]
        rows = s.scalars(
            sa.select(HistoryRow).where(HistoryRow.action == "handover").order_by(HistoryRow.id)
        ).all()
        steps = [(r.task_id, r.changes["from_code"], r.changes["to_code"], r.changes["on"])
                 for r in rows]  # fmt: skip
        assert steps == [
            (ids["led"], "so-a", "so-b", "2025-03-01"),
            (ids["led"], "so-b", "so-c", "2025-07-01"),
            (ids["helped"], "so-a", "so-b", "2025-03-01"),
            (ids["helped"], "so-b", "so-c", "2025-07-01"),
        ]
        assert all(r.changes["reason"] == REASON for r in rows)
    with db.read() as s:
        assert plan_handover(s, date(2025, 8, 1)) == []  # nothing left with A or B
