"""Handover of open tasks over the 2025 reorganisation (chuyển giao do sắp xếp tổ chức bộ máy).

A database holding the 2024 seed directive and a 2024 notice whose tasks are led by old districts
and merged departments; the clock moves past 1/7/2025; the handover gives every open task a
successor, the next sweep mails successors only, the history shows each handover.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from directives.parsing import parse_notice
from dondoc.cli import app
from notifications.mail_sink import MailSink
from storage.agencies import load_agencies, read_agency_file, registry_from_db, shipped_agency_file
from storage.db import Database
from storage.handover import REASON, WITHDRAWN, HandoverError, apply_handover, plan_handover
from storage.models import AgencyRow, HistoryRow, TaskLeadRow, TaskRow
from storage.registration import register_directive
from tests.cli_testing import run_json

HERE = Path(__file__).parents[1]
NOTICE = HERE / "fixtures" / "succession" / "tb-2024-05-10.txt"
SEED = HERE / "fixtures" / "notices" / "tb-ubnd-2024-03-27-so-ngoai-vu.txt"


def seeded(db: Database) -> None:
    """The registry of today, the 2024 seed directive and the 2024 border notice, registered."""
    with db.write() as session:
        load_agencies(session, read_agency_file(shipped_agency_file()))
    for path, day in ((SEED, date(2024, 3, 28)), (NOTICE, date(2024, 5, 10))):
        with db.write() as session:
            registry = registry_from_db(session)
            draft = parse_notice(path.read_text(encoding="utf-8"), registry)
            register_directive(session, draft, registry, "vp", today=day)


def leads(db: Database) -> dict[str, list[str]]:
    with db.read() as s:
        rows = s.execute(
            sa.select(TaskRow.content, AgencyRow.code)
            .join(AgencyRow, AgencyRow.id == TaskRow.lead_agency_id)
            .where(TaskRow.state.not_in(("done", "cancelled")))
        ).all()
    found: dict[str, list[str]] = {}
    for content, code in rows:
        found.setdefault(content[:30], []).append(code)
    return found


def test_handover_moves_every_open_task_and_the_sweep_mails_successors_only(
    db: Database, cli_mail: MailSink
) -> None:
    seeded(db)
    early = run_json("sweep", "--at", "2025-06-02T07:30", "--json")  # planned for the old agencies
    assert early["digests"] > 0  # ... and not yet sent when the handover runs
    before = leads(db)
    dry = run_json("agencies", "handover", "--at", "2025-07-01", "--dry-run", "--json")
    assert dry["dry_run"] and leads(db) == before  # a dry run changes nothing
    moved = run_json("agencies", "handover", "--at", "2025-07-01", "--json")["moves"]
    assert [(m["task_id"], m["role"], m["to"]) for m in moved] == [
        (m["task_id"], m["role"], m["to"]) for m in dry["moves"]
    ]
    by_from = {(m["from"], m["role"]): m["to"] for m in moved if m["ref"] != "4"}
    assert by_from[("so-kh-dt", "lead")] == "so-tai-chinh"
    assert by_from[("so-tn-mt", "coordinator")] == "so-nn-mt"
    assert by_from[("so-ld-tb-xh", "lead")] == "so-y-te"  # its work: bảo trợ xã hội
    assert by_from[("ubnd-huyen-van-lang", "lead")] == "ubnd-xa-hoang-van-thu"  # xã Tân Thanh
    assert by_from[("so-gtvt", "coordinator")] == "so-xay-dung"
    assert by_from[("so-tt-tt", "coordinator")] == "so-kh-cn"
    border = {m["from"]: m["to"] for m in moved if m["ref"] == "4"}  # fanned out to 5 districts
    assert border["ubnd-huyen-trang-dinh"] == "ubnd-xa-that-khe"  # the district seat
    assert border["ubnd-huyen-van-lang"] == "ubnd-xa-na-sam"
    assert run_json("agencies", "handover", "--at", "2025-07-01", "--json")["moves"] == []

    with db.read() as s:
        registry = registry_from_db(s)
        open_leads = s.scalars(
            sa.select(AgencyRow.code)
            .join(TaskRow, TaskRow.lead_agency_id == AgencyRow.id)
            .where(TaskRow.state.not_in(("done", "cancelled")))
        ).all()
        history = s.scalars(sa.select(HistoryRow).where(HistoryRow.action == "handover")).all()
        kh_dt = s.scalar(sa.select(TaskRow.id).where(TaskRow.content.like("%hạ tầng cửa khẩu%")))
        intervals = s.execute(
            sa.select(AgencyRow.code, TaskLeadRow.valid_from, TaskLeadRow.valid_to)
            .join(AgencyRow, AgencyRow.id == TaskLeadRow.agency_id)
            .where(TaskLeadRow.task_id == kh_dt)
            .order_by(TaskLeadRow.id)
        ).all()
    assert all(registry.valid(code, date(2025, 7, 1)) for code in open_leads)
    assert len(history) == len(moved)
    assert {h.changes["reason"] for h in history} == {REASON}
    texts = {(h.changes["from"], h.changes["to"]) for h in history}
    assert ("Sở Kế hoạch và Đầu tư", "Sở Tài chính") in texts
    assert ("UBND huyện Văn Lãng", "UBND xã Hoàng Văn Thụ") in texts
    assert [tuple(r) for r in intervals] == [
        ("so-kh-dt", None, date(2025, 2, 28)),
        ("so-tai-chinh", date(2025, 3, 1), None),
    ]

    later = (HERE / "fixtures" / "succession" / "tb-2026-01-15.txt").read_text(encoding="utf-8")
    draft = parse_notice(later, registry)  # the registry as stored, successions and all
    assert [t.lead_code for t in draft.tasks] == ["so-nn-mt", "so-tai-chinh", "ubnd-phuong-ky-lua"]

    planned = run_json("sweep", "--at", "2025-07-02T07:30", "--json")
    assert planned["digests"] > 0
    run_json("deliver", "--json")
    withdrawn = run_json("outbox", "--json")["rows"]
    assert withdrawn and {r["last_error"] for r in withdrawn} == {WITHDRAWN}
    recipients = {r for _, rcpts, _ in cli_mail.messages for r in rcpts}
    ended = {
        a.email for a in registry.agencies.values() if a.valid_to and a.valid_to < date(2025, 7, 1)
    }
    ended |= {
        a.head_email
        for a in registry.agencies.values()
        if a.valid_to and a.valid_to < date(2025, 7, 1)
    }
    assert recipients and not recipients & ended
    for code in ("so-tai-chinh", "so-y-te", "ubnd-xa-hoang-van-thu", "ubnd-xa-that-khe"):  # leads
        assert registry.agencies[code].email in recipients, code


def test_secretariat_choice_per_task_and_a_wrong_choice_changes_nothing(db: Database) -> None:
    seeded(db)
    with db.read() as s:
        moves = plan_handover(s, date(2025, 7, 1))
    split = next(m for m in moves if "xã Tân Thanh" in m.content and m.role == "lead")
    assert len(split.options) == 5 and split.default == "ubnd-xa-hoang-van-thu"
    with pytest.raises(HandoverError, match="không phải đơn vị kế thừa"):
        with db.write() as s:
            apply_handover(s, date(2025, 7, 1), "vp", {split.key: "so-y-te"})
    with db.read() as s:
        assert plan_handover(s, date(2025, 7, 1)) == moves  # rolled back
    with db.write() as s:
        apply_handover(s, date(2025, 7, 1), "vp", {split.key: "ubnd-xa-na-sam"})
    with db.read() as s:
        lead = s.scalar(
            sa.select(AgencyRow.code)
            .join(TaskRow, TaskRow.lead_agency_id == AgencyRow.id)
            .where(TaskRow.id == split.task_id)
        )
    assert lead == "ubnd-xa-na-sam"


def test_before_the_change_nothing_moves(db: Database) -> None:
    seeded(db)
    with db.read() as s:
        early = plan_handover(s, date(2025, 2, 28))
        spring = plan_handover(s, date(2025, 3, 1))
    assert early == []
    assert {m.from_code for m in spring} == {
        "so-kh-dt",
        "so-tn-mt",
        "so-ld-tb-xh",
        "so-gtvt",
        "so-tt-tt",
    }


def _by_agency(db: Database, as_of: date, mode: str) -> dict[str, int]:
    from reports.model import Scope
    from reports.rollup import by_agency

    with db.read() as s:
        return {r.label: r.counts.total for r in by_agency(s, as_of, Scope(agency_at=mode))}


def test_rollup_over_the_change_in_both_modes(db: Database, tmp_path: Path) -> None:
    seeded(db)
    with db.write() as s:  # Sở LĐ-TB&XH finished its task before it merged: never handed over
        task = s.scalar(sa.select(TaskRow).where(TaskRow.content.like("%bảo trợ xã hội%")))
        task.state, task.completed_on = "done", date(2025, 2, 10)
        apply_handover(s, date(2025, 7, 1), "vp")
    spring, winter = date(2025, 5, 31), date(2025, 12, 31)

    now = _by_agency(db, spring, "asof")  # responsible on 31/5/2025
    assert now["Sở Tài chính"] == 1 and "Sở Kế hoạch và Đầu tư" not in now
    assert now["Sở Nội vụ"] >= 1 and "Sở Lao động - Thương binh và Xã hội" not in now
    van_lang = now["UBND huyện Văn Lãng"]  # districts still in being on 31/5/2025
    assert van_lang >= 2 and "UBND xã Na Sầm" not in now

    then = _by_agency(db, spring, "then")
    assert then["Sở Lao động - Thương binh và Xã hội"] == 1  # done on 10/02/2025, its own work

    late = _by_agency(db, winter, "asof")
    assert "UBND huyện Văn Lãng" not in late
    assert late["UBND xã Hoàng Văn Thụ"] == 1  # the task naming xã Tân Thanh
    assert late["UBND xã Na Sầm"] == van_lang - 1  # the others, to the district seat
    assert late["Sở Nội vụ"] >= 1 and late["Sở Tài chính"] == 1

    late_then = _by_agency(db, winter, "then")  # due 30/5/2025: the districts led them then
    assert late_then["UBND huyện Văn Lãng"] >= 2  # the two due 30/5/2025 (an ongoing one: today's)
    assert "UBND xã Hoàng Văn Thụ" not in late_then
    assert late_then["Sở Tài chính"] == 1  # handed over on 01/3/2025, before its deadline
    assert sum(late.values()) == sum(late_then.values())

    from docx import Document

    for mode, words in (("asof", "tại ngày báo cáo"), ("then", "tại thời điểm thực hiện")):
        out = tmp_path / f"r-{mode}.docx"
        result = CliRunner().invoke(
            app,
            ["report", "--as-of", "2025-12-31", "--format", "docx", "--out", str(out),
             "--agency-at", mode],
            env={"DONDOC_DATABASE_URL": db.url},
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        text = "\n".join(p.text for p in Document(str(out)).paragraphs)
        assert words in text
