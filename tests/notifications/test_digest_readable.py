"""A digest stays readable however much an agency owes: the most urgent tasks first (escalated,
overdue longest, due soonest) up to `digest_max_tasks`, the counts of all of them in the subject
and the first line, and links to the agency's filtered task list for the rest."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from dondoc.settings import Settings
from flows.jobs import sweep
from storage.db import Database
from storage.models import AgencyRow, OutboxRow, ReminderRow, TaskRow
from tests.factories import add_task, at, setup

BASE = "https://dondoc.example.org"
SNGV = "sngv@langson.example.org"
DAY = date(2026, 1, 7)  # Wednesday; 29/12/2025 is 5 working days back, 31/12 is 3
_LINK = re.compile(r"https://\S+")
_LISTED = re.compile(r"Nhiệm vụ: (NV \d+)")


def _mail(db: Database, recipient: str) -> tuple[OutboxRow, email.message.EmailMessage]:
    with db.read() as s:
        row = s.scalars(sa.select(OutboxRow).where(OutboxRow.recipient == recipient)).one()
        raw = row.message
    return row, email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def _deadlines(db: Database, recipient: str) -> dict[str, tuple[date, set[str]]]:
    """Each task with a reminder to `recipient`: its deadline and the reminders' roles."""
    out: dict[str, tuple[date, set[str]]] = {}
    with db.read() as s:
        stmt = (
            sa.select(TaskRow.content, TaskRow.deadline, ReminderRow.role)
            .join(ReminderRow, ReminderRow.task_id == TaskRow.id)
            .where(ReminderRow.recipient == recipient)
        )
        for content, deadline, role in s.execute(stmt):
            out.setdefault(content, (deadline, set()))[1].add(role)
    return out


def _tasks(db: Database, ids: dict[str, int], n: int, first: date) -> None:
    for i in range(n):  # deadlines one calendar day apart, from `first` on
        add_task(db, ids, first + timedelta(days=i), content=f"NV {i:02d}")


def test_a_long_digest_lists_the_most_urgent_and_links_to_the_rest(
    db: Database, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    _tasks(db, ids, 30, date(2025, 12, 8))  # 8/12/2025 … 6/1/2026 overdue, and due soon
    add_task(db, ids, date(2026, 1, 9), content="NV 30")
    add_task(db, ids, date(2026, 1, 12), content="NV 31")
    sweep(db, Settings(base_url=BASE, digest_max_tasks=6), at(DAY))
    row, msg = _mail(db, SNGV)
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    owed = _deadlines(db, SNGV)
    overdue = sum(1 for d, _ in owed.values() if d < DAY)
    due = len(owed) - overdue
    assert overdue and due and len(owed) > 6
    counts = f"{overdue} quá hạn, {due} sắp đến hạn"
    assert msg["Subject"] == f"Đôn đốc thực hiện nhiệm vụ: {counts} (07/01/2026)"
    assert text.splitlines()[0].startswith(f"Tổng hợp ngày 07/01/2026: {counts} ({len(owed)} ")
    assert f"{counts} ({len(owed)} nhiệm vụ)" in html.split("Kính gửi")[0]

    listed = _LISTED.findall(text)
    by_deadline = sorted(owed, key=lambda c: owed[c][0])
    assert listed == by_deadline[:6]  # overdue longest first: the earliest deadlines
    left = by_deadline[6:]
    assert not set(listed) & set(left) and all(c not in text for c in left)

    links = {parse_qs(urlsplit(u).query)["bucket"][0]: u for u in _LINK.findall(text) if "?" in u}
    overdue_link = urlsplit(links["open_overdue"])
    assert (overdue_link.scheme, overdue_link.netloc, overdue_link.path) == ("https",
            "dondoc.example.org", "/tasks")  # fmt: skip
    assert parse_qs(overdue_link.query) == {"agency": ["so-ngoai-vu"], "bucket": ["open_overdue"]}
    last_due = max(owed[c][0] for c in left if owed[c][0] >= DAY)
    due_link = parse_qs(urlsplit(links["open_on_time"]).query)
    assert due_link == {"agency": ["so-ngoai-vu"], "bucket": ["open_on_time"],
                        "due_to": [last_due.isoformat()]}  # fmt: skip
    assert links["open_overdue"].replace("&", "&amp;") in html
    assert row.subject == msg["Subject"]


def test_escalated_tasks_come_before_longer_overdue_ones(db: Database, small_agencies) -> None:
    ids = setup(db, small_agencies)
    with db.write() as s:  # the head reads the agency's mailbox: one digest holds both
        s.execute(sa.update(AgencyRow).where(AgencyRow.code == "so-ngoai-vu").values(
            head_email=SNGV))  # fmt: skip
    add_task(db, ids, date(2025, 11, 3), content="NV 00")  # long overdue, escalated before
    add_task(db, ids, date(2025, 12, 29), content="NV 01")  # 5 working days: to the head today
    add_task(db, ids, date(2026, 1, 9), content="NV 02")
    sweep(db, Settings(base_url=BASE, digest_max_tasks=1), at(DAY))
    owed = _deadlines(db, SNGV)
    assert "head" in owed["NV 01"][1] and "head" not in owed["NV 00"][1]
    _, msg = _mail(db, SNGV)
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert _LISTED.findall(text) == ["NV 01"]
    assert "BÁO CÁO THỦ TRƯỞNG" in text
    assert "2 nhiệm vụ không nêu trong thư này" in text


def test_a_short_digest_lists_everything_and_links_nowhere_else(
    db: Database, small_agencies
) -> None:
    ids = setup(db, small_agencies)
    _tasks(db, ids, 3, date(2025, 12, 31))
    sweep(db, Settings(base_url=BASE), at(DAY))
    _, msg = _mail(db, SNGV)
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    owed = _deadlines(db, SNGV)
    assert sorted(_LISTED.findall(text)) == sorted(owed)
    assert "?bucket" not in text and "tasks?" not in text and "CÒN LẠI" not in text
    assert "thư nêu" not in text.splitlines()[0]
