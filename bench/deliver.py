"""Delivery benchmark: 10,000 stored digests to a loopback sink running in another process, and
the real operating point: about 60 digests of realistic size (a province's agencies, each
digest rendered by the sweep's own code with `digest_max_tasks` lines).

`python -m bench.deliver [--url URL] [--messages 10000] [--connections 4] [--rounds 3]
[--operating-point 60]` prints JSON with, for each of the two sizes, CPU ms per message and
messages per second for: dondoc's `deliver` (claim, send over K reused connections,
mark; its default batch size), a bare aiosmtplib loop sending the same pre-rendered messages
over K connections, and a one-connection-per-message `smtplib` loop (on a sample), plus the
ratios. All three talk to one sink process. Each round refills the outbox (ledger rows, and
their messages in outbox_message, as `enqueue` stores them) and runs dondoc and the bare loop in
alternating order; rates and ratios are medians over rounds (ratios are taken within a round, as
the machine's load drifts), with CPU ms per message here and in the sink. dondoc marks each
mail right after the server's 250, before that connection's next DATA (at most one resend per
open connection per crash); the target is at least 0.8 of the bare loop.
The URL's outbox and reminders are emptied: point it at a scratch database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import smtplib
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import aiosmtplib
import sqlalchemy as sa

from directives.roles import RecipientRole
from notifications.delivery import deliver
from notifications.digest import MailConfig, render
from notifications.mime import Mail, build
from notifications.policy import OVERDUE, ReminderPolicy
from notifications.smtp import SmtpConfig
from notifications.sweep import NewReminder, TaskInfo
from storage.db import Database, utcnow
from storage.migrate import upgrade
from storage.models import OutboxMessageRow, OutboxRow, ReminderRow

FROM = "Văn phòng UBND tỉnh <dondoc@langson.example.org>"
LINE = "Rà soát, tham mưu kế hoạch chuyển đổi số — hạn 31/12/2025 — quá hạn 3 ngày làm việc\n"


def messages(n: int) -> list[dict[str, Any]]:
    now = utcnow()
    rows = []
    for i in range(n):
        key = f"digest:so{i}@langson.example.org:2026-01-09"
        raw, mid = build(Mail(FROM, f"so{i}@langson.example.org", "Đôn đốc thực hiện nhiệm vụ",
                              LINE * 20, "<p>" + LINE * 20 + "</p>", now, key,
                              "langson.example.org"))  # fmt: skip
        rows.append({"key": key, "kind": "digest", "recipient": f"so{i}@langson.example.org",
                     "slot": date(2026, 1, 9), "subject": "Đôn đốc", "message": raw,
                     "message_id": mid, "status": "pending", "next_attempt_at": now,
                     "created_at": now, "attempts": 0})  # fmt: skip
    return rows


TOPICS = [
    "Rà soát, tham mưu kế hoạch chuyển đổi số trong quản lý biên giới và cửa khẩu thông minh",
    "Chủ trì, phối hợp với các sở, ngành liên quan hoàn thiện hồ sơ giải phóng mặt bằng dự án "
    "đường cao tốc Đồng Đăng – Trà Lĩnh, báo cáo UBND tỉnh kết quả thực hiện",
    "Báo cáo kết quả cải cách hành chính quý, đề xuất giải pháp tháo gỡ khó khăn, vướng mắc",
    "Tổ chức hội nghị xúc tiến đầu tư, du lịch cộng đồng gắn với xây dựng nông thôn mới",
]


def realistic(n: int, lines: int) -> list[dict[str, Any]]:
    """`n` digests as the sweep renders them (notifications.digest.render), `lines` tasks each,
    overdue and due soon, with the setting's cut and links."""
    now, day = utcnow(), date(2026, 1, 9)
    cfg = MailConfig(FROM, "theodoi@langson.example.org", "https://dondoc.langson.example.org",
                     now, ReminderPolicy(), max_lines=lines)  # fmt: skip
    rows = []
    for i in range(n):
        rcpt = f"so{i}@langson.example.org"
        tasks = {(t, 0): TaskInfo(t, f"{t % 9 + 1}.{t % 4 + 1}", TOPICS[t % len(TOPICS)],
                                  day - timedelta(days=t % 30 - 5), t % 30 - 5, day,
                                  f"Sở số {i}", f"Thông báo {40 + t % 7}/TB-UBND", day)
                 for t in range(i * 100, i * 100 + lines + 5)}  # fmt: skip
        reminders = [NewReminder(t, t, rcpt, f"Sở số {i}", OVERDUE, day, RecipientRole.LEAD, 0,
                                 f"so-{i}")
                     for t, _ in tasks]  # fmt: skip
        key = f"digest:{rcpt}:{day.isoformat()}"
        raw, mid, subject = render(key, rcpt, reminders, tasks, day, cfg)
        rows.append({"key": key, "kind": "digest", "recipient": rcpt, "slot": day,
                     "subject": subject, "message": raw, "message_id": mid, "status": "pending",
                     "next_attempt_at": now, "created_at": now, "attempts": 0})  # fmt: skip
    return rows


def fill(db: Database, rows: list[dict[str, Any]]) -> None:
    """Empty the outbox and store `rows`: each a ledger row in outbox, its bytes in
    outbox_message, as `enqueue` writes them."""
    upgrade(db)
    outbox = OutboxRow.__table__
    ledger = [{k: v for k, v in r.items() if k != "message"} for r in rows]
    with db.write() as s:
        s.execute(sa.delete(ReminderRow))
        s.execute(sa.delete(OutboxMessageRow))
        s.execute(sa.delete(OutboxRow))
        ids = s.execute(
            sa.insert(outbox).returning(outbox.c.id, sort_by_parameter_order=True), ledger
        ).scalars()
        bodies = [{"outbox_id": i, "message": r["message"]} for i, r in zip(ids, rows, strict=True)]
        s.execute(sa.insert(OutboxMessageRow.__table__), bodies)


async def bare(port: int, rows: list[dict[str, Any]], k: int) -> None:
    async def lane(part: list[dict[str, Any]]) -> None:
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port,
                                   local_hostname="langson.example.org") as smtp:  # fmt: skip
            for r in part:
                await smtp.sendmail("dondoc@langson.example.org", [r["recipient"]], r["message"])

    await asyncio.gather(*(lane(rows[i::k]) for i in range(k)))


def one_per_message(port: int, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        with smtplib.SMTP("127.0.0.1", port, local_hostname="langson.example.org") as smtp:
            smtp.sendmail("dondoc@langson.example.org", [r["recipient"]], r["message"])


def timed(fn: Callable[[], object], count: int, sink: int) -> dict[str, float]:
    """Messages per second, and CPU ms per message in this process and in the sink."""
    wall, cpu, sink_cpu = time.perf_counter(), time.process_time(), _cpu_of(sink)
    fn()
    wall = time.perf_counter() - wall
    return {"rate": count / wall, "cpu_ms": (time.process_time() - cpu) / count * 1e3,
            "sink_cpu_ms": (_cpu_of(sink) - sink_cpu) / count * 1e3}  # fmt: skip


def _cpu_of(pid: int) -> float:
    """User + system seconds of another process (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_round(db: Database, rows: list[dict[str, Any]], cfg: SmtpConfig, sample: int,
              sink: int, ours_first: bool) -> dict[str, dict[str, float]]:  # fmt: skip
    """dondoc and the bare loop (alternating which goes first), then the smtplib sample."""
    n = len(rows)

    def ours() -> None:
        stats = deliver(db, cfg, utcnow() + timedelta(seconds=1), max_messages=n)
        assert stats.sent == n, stats.as_dict()

    def loop() -> None:
        asyncio.run(bare(cfg.port, rows, cfg.connections))

    fill(db, rows)
    pair = [("dondoc_deliver", ours), ("bare_aiosmtplib", loop)]
    runs = {name: timed(fn, n, sink) for name, fn in (pair if ours_first else pair[::-1])}
    runs["smtplib_per_message"] = timed(
        lambda: one_per_message(cfg.port, rows[:sample]), sample, sink
    )
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="sqlite:////tmp/dondoc-bench-deliver.db")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--sample", type=int, default=1_000, help="smtplib loop sample size")
    parser.add_argument("--rounds", type=int, default=1, help="repeat; medians are reported")
    parser.add_argument(
        "--operating-point",
        type=int,
        default=60,
        help="realistic digests in the second measurement (a day's mail)",
    )
    parser.add_argument("--lines", type=int, default=20, help="tasks listed per realistic digest")
    args = parser.parse_args()
    sink = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink"], stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    assert sink.stdout is not None  # stdout=PIPE
    port = int(sink.stdout.readline())
    db = Database(args.url)
    cfg = SmtpConfig("127.0.0.1", port, FROM, connections=args.connections, timeout=30)
    sizes = {"throughput": messages(args.messages),
             "operating_point": realistic(args.operating_point, args.lines)}  # fmt: skip
    out = {name: scenario(db, rows, cfg, min(args.sample, len(rows)), sink.pid, args.rounds)
           for name, rows in sizes.items()}  # fmt: skip
    sink.terminate()
    counted = json.loads(sink.communicate(timeout=60)[0].strip().splitlines()[-1])
    print(json.dumps({
        "dialect": db.dialect, "connections": args.connections, "rounds": args.rounds,
        "dondoc_cpu_ms_per_message": {k: v["cpu_ms_per_message"]["dondoc_deliver"]["cpu_ms"]
                                      for k, v in out.items()},
        **out["throughput"], "operating_point": out["operating_point"],
        "target_vs_bare_aiosmtplib": 0.8,
        "resends_per_crash_at_most": args.connections,  # one per open connection
        "sink": counted, "at": datetime.now().isoformat(timespec="seconds"),
    }, indent=2))  # fmt: skip


def scenario(db: Database, rows: list[dict[str, Any]], cfg: SmtpConfig, sample: int, sink: int,
             rounds: int) -> dict[str, Any]:  # fmt: skip
    """Rounds of dondoc vs the bare loop (alternating order) on `rows`: medians."""
    runs = [one_round(db, rows, cfg, sample, sink, r % 2 == 0) for r in range(rounds)]
    ratio = {f"vs_{k}": [r["dondoc_deliver"]["rate"] / r[k]["rate"] for r in runs]
             for k in ("bare_aiosmtplib", "smtplib_per_message")}  # fmt: skip
    sizes = sorted(len(r["message"]) for r in rows)
    return {
        "messages": len(rows), "message_bytes": sizes[len(sizes) // 2],
        "messages_per_second": {k: round(median(r[k]["rate"] for r in runs), 1)
                                for k in runs[0]},
        **{k: round(median(v), 2) for k, v in ratio.items()},
        "per_round": {k: [round(x, 2) for x in v] for k, v in ratio.items()},
        "cpu_ms_per_message": {k: {m: round(median(r[k][m] for r in runs), 2)
                                   for m in ("cpu_ms", "sink_cpu_ms")} for k in runs[0]},
        "seconds": {k: round(median(len(rows) / r[k]["rate"] for r in runs), 3)
                    for k in runs[0]},
    }  # fmt: skip


if __name__ == "__main__":
    main()
