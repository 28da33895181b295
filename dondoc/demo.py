"""`dondoc demo`: the whole loop on a fresh SQLite file, with explicit dates through 2024–25.

Registers the seed notice, creates accounts, lets time pass (progress, completions on time and
late, one extension approved), runs reminder sweeps and deliveries into a local SMTP sink, and
writes the leader's reports (HTML, DOCX, XLSX). Everything lands in one folder.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from directives.calendar import TIMEZONE
from directives.roles import Role
from dondoc.errors import UserError
from dondoc.settings import Settings
from notifications.mail_sink import MailSink
from storage import task_ops
from storage.agencies import (
    agency_ids_by_code,
    load_agencies,
    read_agency_file,
    registry_from_db,
    shipped_agency_file,
)
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from storage.models import TaskRow
from storage.registration import register_directive
from storage.task_ops import Actor
from web.accounts import create_user
from web.notices import parse

DB_NAME = "dondoc.db"
AS_OF = date(2025, 1, 15)  # the reports' date, after the year the notice plans for
SWEEPS = (date(2024, 12, 23), date(2024, 12, 31), date(2025, 1, 6), date(2025, 1, 13))
ACCOUNTS = (  # username, password, role, agency code, full name
    ("vanphong", "vanphong-demo", Role.SECRETARIAT, None, "Nguyễn Thị Thu (Văn phòng UBND tỉnh)"),
    ("ngoaivu", "ngoaivu-demo", Role.AGENCY_OFFICER, "so-ngoai-vu", "Hoàng Văn Nam (Sở Ngoại vụ)"),
    ("noivu", "noivu-demo-2026", Role.AGENCY_OFFICER, "so-noi-vu", "Lê Thị Hoa (Sở Nội vụ)"),
    ("lanhdao", "lanhdao-demo", Role.LEADER, None, "Dương Xuân Huyên"),
)


SEED_NOTICE = "tb-ubnd-2024-03-27-so-ngoai-vu.txt"  # package data: dondoc/demo_data/


def seed_notice_text() -> str:
    """The seed notice (TB kết luận of 27/3/2024) the demo registers; tests use it too."""
    return (files("dondoc") / "demo_data" / SEED_NOTICE).read_text(encoding="utf-8")


@dataclass
class DemoResult:
    folder: Path
    database_url: str
    tasks: int
    accounts: list[tuple[str, str, str]]  # username, password, role label
    files: list[Path] = field(default_factory=list)
    sweeps: list[dict[str, Any]] = field(default_factory=list)
    mails: int = 0


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), TIMEZONE)


def fresh_database(folder: Path) -> Database:
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (folder / f"{DB_NAME}{suffix}").unlink(missing_ok=True)
    db = Database(f"sqlite:///{(folder / DB_NAME).resolve()}")
    upgrade(db)
    with db.write() as session:
        sync_calendar(session)
        load_agencies(session, read_agency_file(shipped_agency_file()))
    return db


def register_seed(db: Database) -> tuple[str | None, dict[str, list[int]]]:
    """The seed notice registered on its issue day; tasks by lead agency code."""
    with db.write() as session:
        registry = registry_from_db(session)
        draft = parse(seed_notice_text(), registry)
        directive = register_directive(
            session, draft, registry, "vanphong", today=date(2024, 3, 28)
        )
        code_of = {v: k for k, v in agency_ids_by_code(session).items()}
        tasks: dict[str, list[int]] = {}
        for task in sorted(directive.tasks, key=lambda t: t.id):
            tasks.setdefault(code_of[task.lead_agency_id], []).append(task.id)
        return draft.leader, tasks


def create_accounts(db: Database, leader: str | None) -> list[tuple[str, str, str]]:
    from directives.roles import ROLE_LABELS_VI

    with db.write() as session:
        ids = agency_ids_by_code(session)
        for username, password, role, code, name in ACCOUNTS:
            create_user(
                session,
                username,
                password,
                role,
                agency_id=ids[code] if code else None,
                leader_name=leader,  # matched on the directive's leader as parsed ("Huyền")
                full_name=name,
            )
    return [(u, p, ROLE_LABELS_VI[r]) for u, p, r, _, _ in ACCOUNTS]


def _version(db: Database, task_id: int) -> int:
    with db.read() as session:
        return session.get_one(TaskRow, task_id).version


def live_through_the_year(db: Database, tasks: dict[str, list[int]], sweep_at: Any) -> None:
    """Progress, two completions on time, one late, one extension approved, one returned."""
    ngv = tasks["so-ngoai-vu"]
    with db.read() as session:
        ids = agency_ids_by_code(session)
    lead = Actor("ngoaivu", ids["so-ngoai-vu"])
    office = Actor("vanphong")
    steps: list[tuple[date, Any]] = []

    def progress(task_id: int, percent: int, note: str) -> Any:
        return lambda s, d: task_ops.report_progress(
            s,
            task_id,
            version=_version(db, task_id),
            actor=lead,
            percent=percent,
            note=note,
            today=d,
            at=at(d),
        )

    def complete(task_id: int, note: str) -> Any:
        return lambda s, d: task_ops.report_completion(
            s,
            task_id,
            version=_version(db, task_id),
            actor=lead,
            done_on=d,
            note=note,
            today=d,
            at=at(d),
        )

    def confirm(task_id: int) -> Any:
        return lambda s, d: task_ops.confirm_completion(
            s, task_id, version=_version(db, task_id), actor=office, today=d, at=at(d, 15)
        )

    steps += [
        (date(2024, 4, 15), progress(t, 20, "Đã xây dựng kế hoạch triển khai.")) for t in ngv[:6]
    ]
    steps += [
        (date(2024, 6, 25), complete(ngv[0], "Đã rà soát, cụ thể hóa kế hoạch; báo cáo kèm theo.")),
        (date(2024, 7, 1), confirm(ngv[0])),
        (date(2024, 9, 10), complete(ngv[1], "Đã phục vụ đoàn công tác của Ban Thường vụ.")),
        (date(2024, 9, 12), confirm(ngv[1])),
        (date(2024, 12, 20), complete(ngv[2], "Báo cáo kết quả tham mưu đối ngoại năm 2024.")),
        (
            date(2024, 12, 23),
            lambda s, d: task_ops.return_completion(
                s,
                ngv[2],
                version=_version(db, ngv[2]),
                actor=office,
                reason="Chưa có số liệu cụ thể, đề nghị bổ sung.",
                today=d,
                at=at(d, 15),
            ),
        ),
        (
            date(2024, 12, 2),
            lambda s, d: task_ops.request_extension(
                s,
                ngv[3],
                version=_version(db, ngv[3]),
                actor=lead,
                proposed=date(2025, 3, 31),
                reason="Chờ ý kiến của Bộ Ngoại giao về nội dung thỏa thuận.",
                at=at(d),
            ),
        ),
        (
            date(2024, 12, 5),
            lambda s, d: task_ops.decide_extension(
                s,
                _pending(db, ngv[3]),
                version=_version(db, ngv[3]),
                actor=office,
                approve=True,
                note="Đồng ý gia hạn theo ý kiến lãnh đạo UBND tỉnh.",
                today=d,
                at=at(d, 15),
            ),
        ),
        (date(2025, 1, 8), complete(ngv[4], "Hoàn thành muộn do chờ hướng dẫn của Bộ.")),
        (date(2025, 1, 10), confirm(ngv[4])),
    ]
    events = [(at(d), step) for d, step in steps]
    events += [(datetime.combine(d, time(7, 30), TIMEZONE), None) for d in SWEEPS]
    for moment, step in sorted(events, key=lambda e: e[0]):
        if step is None:
            sweep_at(moment)
            continue
        with db.write() as session:
            step(session, moment.date())


def _pending(db: Database, task_id: int) -> int:
    with db.read() as session:
        ext = task_ops.pending_extension(session, task_id)
        assert ext is not None
        return ext.id


def write_reports(db: Database, folder: Path, leader: str | None) -> list[Path]:
    from reports.docx_report import write_docx
    from reports.html import write_html
    from reports.model import Scope
    from reports.rollup import build_rollup
    from reports.xlsx_report import write_xlsx

    with db.read() as session:
        rollup = build_rollup(session, AS_OF, Scope(leader=leader))
    paths = [folder / f"bao-cao-{AS_OF.isoformat()}.{ext}" for ext in ("html", "docx", "xlsx")]
    write_html(rollup, paths[0])
    write_docx(rollup, paths[1])
    write_xlsx(rollup, paths[2])
    return paths


def demo_settings(folder: Path, database_url: str, base_url: str, smtp_port: int) -> Settings:
    """The demo's settings, with a secret key of its own made for this run."""
    return Settings(
        database_url=database_url,
        upload_dir=folder / "uploads",
        base_url=base_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        secret_key=SecretStr(secrets.token_urlsafe(48)),
    )


def run_demo(folder: Path, base_url: str) -> tuple[DemoResult, Settings]:
    """Build the demo in `folder`; returns what was made and the settings to serve it."""
    from dondoc.wiring import smtp_config
    from flows.jobs import sweep
    from notifications.delivery import deliver

    if find_spec("aiosmtpd") is None:
        raise UserError("dondoc demo needs its mail sink: pip install 'dondoc[demo]'")
    db = fresh_database(folder)
    leader, tasks = register_seed(db)
    accounts = create_accounts(db, leader)
    result = DemoResult(folder, db.url, sum(len(t) for t in tasks.values()), accounts)
    with MailSink(folder=folder / "mail", keep=False) as sink:
        settings = demo_settings(folder, db.url, base_url, sink.port)

        def sweep_at(moment: datetime) -> None:
            result.sweeps.append(sweep(db, settings, moment))
            deliver(db, smtp_config(settings), moment)

        live_through_the_year(db, tasks, sweep_at)
    result.mails = sink.count
    result.files = write_reports(db, folder, leader)
    db.dispose()
    return result, settings
