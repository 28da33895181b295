"""Digest benchmark: one agency owes N tasks; how big is its digest, how long does mail take.

`python -m bench.digest [--tasks 220] [--agencies 60] [--runs 5] [--profile]` fills a fresh
SQLite file (or `--url`) with `--agencies` agencies of the shipped registry, `--tasks` due
tasks for the first one (overdue, due today and due within days, a few escalated) and 20 for
each of the others, then runs the real sweep (`flows.jobs.sweep`) `--runs` times, resetting the
reminders between runs. Prints JSON: the big digest's bytes, its subject, the median seconds of
the sweep and of building the mail alone (`compose`), and with `--profile` the cProfile top
functions of one `compose` by own time, with their share of it.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from directives.calendar import TIMEZONE
from dondoc.settings import Settings
from dondoc.wiring import reminder_policy
from flows.jobs import sweep
from notifications.digest import MailConfig, compose
from notifications.sweep import plan
from notifications.sweep_details import describe
from storage.agencies import load_agencies, read_agency_file, shipped_agency_file
from storage.calendar import sync_calendar
from storage.db import Database
from storage.migrate import upgrade
from storage.models import AgencyRow, DirectiveRow, OutboxRow, ReminderRow, TaskRow

DAY = date(2026, 1, 7)  # a Wednesday, a working day
NOW = datetime.combine(DAY, clock(7, 30), TIMEZONE)
CONTENT = (
    "Chủ trì, phối hợp với các sở, ngành liên quan rà soát, tham mưu UBND tỉnh kế hoạch "
    "triển khai cửa khẩu thông minh, chuyển đổi số trong quản lý biên giới, báo cáo kết quả "
    "thực hiện trước ngày hạn; đề xuất giải pháp tháo gỡ khó khăn, vướng mắc (nếu có)."
)


def fill(db: Database, big: int, agencies: int) -> str:
    """Agencies, one directive, the tasks; the big agency's e-mail address."""
    upgrade(db)
    with db.write() as s:
        sync_calendar(s)
        load_agencies(s, read_agency_file(shipped_agency_file()))
    with db.write() as s:
        rows = s.execute(
            sa.select(AgencyRow.id, AgencyRow.email)
            .where(AgencyRow.email.is_not(None), AgencyRow.valid_to.is_(None))
            .order_by(AgencyRow.id)
            .limit(agencies)
        ).all()
        directive = DirectiveRow(kind="TB", number="45/TB-UBND", issued_on=date(2025, 6, 2),
                                 leader="Đoàn Thanh Sơn", registered_by="bench",
                                 registered_at=NOW - timedelta(days=200))  # fmt: skip
        s.add(directive)
        s.flush()
        tasks = []
        for n, (agency_id, _) in enumerate(rows):
            for i in range(big if n == 0 else 20):
                # deadlines from 30 days past to 5 days ahead: overdue, escalated, due soon
                deadline = DAY - timedelta(days=30 - (i * 7) % 36)
                tasks.append({
                    "directive_id": directive.id, "ref": f"{i + 1}", "content": CONTENT,
                    "lead_agency_id": agency_id, "state": "in_progress", "deadline": deadline,
                    "original_deadline": deadline, "deadline_kind": "fixed",
                    "next_reminder_on": DAY, "created_at": NOW - timedelta(days=200),
                    "last_progress_at": NOW - timedelta(days=2),
                })  # fmt: skip
        s.execute(sa.insert(TaskRow.__table__), tasks)
    return rows[0].email


def reset(db: Database) -> None:
    with db.write() as s:
        s.execute(sa.delete(ReminderRow))
        s.execute(sa.delete(OutboxRow))
        s.execute(sa.update(TaskRow).values(next_reminder_on=DAY))


def compose_once(db: Database, settings: Settings, profile: cProfile.Profile | None) -> float:
    """Seconds of building and enqueueing the digests alone (plan and describe before)."""
    policy = reminder_policy(settings)
    cfg = MailConfig(settings.smtp_from, None, settings.base_url, NOW, policy,
                     max_lines=settings.digest_max_tasks)  # fmt: skip
    with db.write() as s:
        result = describe(s, plan(s, NOW, policy))
        started = time.perf_counter()
        if profile:
            profile.enable()
        compose(s, result, cfg, NOW)
        if profile:
            profile.disable()
        seconds = time.perf_counter() - started
        s.rollback()
    return seconds


# Where `compose` spends its time: cumulative seconds of these entry points (file, function).
STAGES = {
    "render (Jinja2)": ("environment.py", "render"),
    "build mail (notifications.mime.build)": ("mime.py", "build"),
    "header folding (email policy fold)": ("policy.py", "fold_binary"),
    "SQL (Session.execute)": ("session.py", "execute"),
}


def shares(profile: cProfile.Profile, total: float) -> dict[str, Any]:
    """Shares of `compose` spent in each stage (cumulative, so nested stages overlap), and the
    top functions by own time."""
    stats = pstats.Stats(profile)
    cum = dict.fromkeys(STAGES, 0.0)
    rows = []
    # typeshed's pstats.Stats does not declare `stats`, the table it reads into
    for (path, line, name), (_, calls, own, c, _) in stats.stats.items():  # type: ignore[attr-defined]
        for stage, (file, fn) in STAGES.items():
            if path.endswith(file) and name == fn:
                cum[stage] += c
        rows.append({"function": f"{Path(path).name}:{line}:{name}", "calls": calls,
                     "own_s": round(own, 4), "cum_s": round(c, 4)})  # fmt: skip
    return {
        "share_of_compose": {k: round(v / total, 3) for k, v in cum.items()},
        "top_own_time": sorted(rows, key=lambda r: -r["own_s"])[:8],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=None, help="default: a new SQLite file in /tmp")
    parser.add_argument("--tasks", type=int, default=220)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp(prefix='dondoc-digest-')}/bench.db"
    db = Database(url)
    address = fill(db, args.tasks, args.agencies)
    settings = Settings(database_url=url, base_url="https://dondoc.langson.example.org")
    sweeps, composes = [], []
    for _ in range(args.runs):
        reset(db)
        started = time.perf_counter()
        out = sweep(db, settings, NOW)
        sweeps.append(time.perf_counter() - started)
        reset(db)
        composes.append(compose_once(db, settings, None))
    reset(db)
    sweep(db, settings, NOW)
    with db.read() as s:
        row = s.scalars(sa.select(OutboxRow).where(OutboxRow.recipient == address)).one()
        sizes = [len(r.message or b"") for r in s.scalars(sa.select(OutboxRow))]
        big = {"bytes": len(row.message or b""), "subject": row.subject}
    result: dict[str, Any] = {
        "dialect": db.dialect, "big_tasks": args.tasks, "digests": out["digests"],
        "reminders": out["reminders"], "big_digest": big,
        "median_digest_bytes": statistics.median(sizes),
        "sweep_s": round(statistics.median(sweeps), 4),
        "compose_s": round(statistics.median(composes), 4),
        "compose_ms_per_digest": round(statistics.median(composes) / out["digests"] * 1e3, 3),
    }  # fmt: skip
    if args.profile:
        reset(db)
        profile = cProfile.Profile()
        seconds = compose_once(db, settings, profile)
        result["profile_compose_s"] = round(seconds, 4)
        result["profile"] = shares(profile, seconds)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
