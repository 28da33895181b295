"""Delivery benchmark: 10,000 stored digests to a loopback sink running in another process.

`python -m bench.deliver [--url URL] [--messages 10000] [--connections 4]` prints JSON with
messages per second for: dondoc's `deliver` (claim, send over K reused connections, mark),
a bare aiosmtplib loop sending the same pre-rendered messages over K connections, and a
one-connection-per-message `smtplib` loop (on a sample), plus the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import smtplib
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from typing import Any

import aiosmtplib
import sqlalchemy as sa

from notifications.delivery import deliver
from notifications.mime import Mail, build
from notifications.smtp import SmtpConfig
from storage.db import Database, utcnow
from storage.migrate import upgrade
from storage.models import OutboxRow, ReminderRow

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


def fill(db: Database, rows: list[dict[str, Any]]) -> None:
    upgrade(db)
    with db.write() as s:
        s.execute(sa.delete(ReminderRow))
        s.execute(sa.delete(OutboxRow))
        s.execute(sa.insert(OutboxRow.__table__), rows)


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


def timed(fn, *args) -> float:  # noqa: ANN001, ANN002
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="sqlite:////tmp/dondoc-bench-deliver.db")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--sample", type=int, default=1_000, help="smtplib loop sample size")
    args = parser.parse_args()
    sink = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink"], stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    port = int(sink.stdout.readline())
    rows, db = messages(args.messages), Database(args.url)
    fill(db, rows)
    cfg = SmtpConfig("127.0.0.1", port, FROM, connections=args.connections, timeout=30)
    started = time.perf_counter()
    stats = deliver(db, cfg, utcnow() + timedelta(seconds=1), batch_size=200,
                    max_messages=args.messages)  # fmt: skip
    ours = time.perf_counter() - started
    baseline = timed(asyncio.run, bare(port, rows, args.connections))
    sample = rows[: args.sample]
    classic = timed(one_per_message, port, sample)
    sink.terminate()
    counted = json.loads(sink.communicate(timeout=60)[0].strip().splitlines()[-1])
    rate = {"dondoc_deliver": args.messages / ours, "bare_aiosmtplib": args.messages / baseline,
            "smtplib_per_message": len(sample) / classic}  # fmt: skip
    print(json.dumps({
        "dialect": db.dialect, "messages": args.messages, "connections": args.connections,
        "message_bytes": len(rows[0]["message"]), "sent": stats.sent, "failed": stats.failed,
        "messages_per_second": {k: round(v, 1) for k, v in rate.items()},
        "vs_bare_aiosmtplib": round(rate["dondoc_deliver"] / rate["bare_aiosmtplib"], 2),
        "vs_smtplib_per_message": round(rate["dondoc_deliver"] / rate["smtplib_per_message"], 2),
        "sink": counted, "at": datetime.now().isoformat(timespec="seconds"),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
