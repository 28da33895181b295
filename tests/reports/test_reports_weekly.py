"""The weekly leader mail: one outbox row per leader per ISO week, a DOCX that opens."""

from __future__ import annotations

import email
import io
from datetime import UTC, date, datetime
from email.policy import default

import pytest
import sqlalchemy as sa
from docx import Document
from sqlalchemy.orm import selectinload

from dondoc.settings import Settings
from flows.jobs import weekly_rollup_job
from reports.weekly import enqueue_weekly_reports
from storage.db import Database
from storage.models import OutboxRow, UserRow
from tests.reports.test_reports_data import HUYEN, SON, seed

MONDAY_MORNING = datetime(2025, 3, 10, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam


def _outbox(db: Database) -> list[OutboxRow]:
    with db.read() as s:
        stmt = sa.select(OutboxRow).options(selectinload(OutboxRow.body))
        return list(s.scalars(stmt.order_by(OutboxRow.id)))


def test_one_mail_per_leader_per_week(db: Database) -> None:
    seed(db)
    settings = Settings()
    with db.write() as s:
        assert enqueue_weekly_reports(s, MONDAY_MORNING, settings) == 2
    with db.write() as s:  # called again, and later the same week: nothing new
        assert enqueue_weekly_reports(s, MONDAY_MORNING, settings) == 0
        assert enqueue_weekly_reports(s, datetime(2025, 3, 14, 9, tzinfo=UTC), settings) == 0
    rows = _outbox(db)
    with db.read() as s:
        ids = {u.leader_name: u.id for u in s.scalars(sa.select(UserRow))}
    assert [r.key for r in rows] == [
        f"leader_weekly:{ids[HUYEN]}:2025-03-10",
        f"leader_weekly:{ids[SON]}:2025-03-10",
    ]
    assert {(r.kind, r.slot, r.status) for r in rows} == {
        ("leader_weekly", date(2025, 3, 10), "pending")
    }
    assert [r.recipient for r in rows] == ["huyen@langson.example.org", "son@langson.example.org"]
    with db.write() as s:  # the next week gets its own mail
        assert enqueue_weekly_reports(s, datetime(2025, 3, 17, 1, tzinfo=UTC), settings) == 2


def test_mail_text_html_and_docx_attachment(db: Database) -> None:
    seed(db)
    with db.write() as s:
        enqueue_weekly_reports(s, MONDAY_MORNING, Settings())
    huyen, son = (email.message_from_bytes(r.message, policy=default) for r in _outbox(db))
    assert huyen["Subject"] == "Báo cáo tuần 11/2025: tình hình thực hiện nhiệm vụ"
    assert "huyen@langson.example.org" in huyen["To"]
    text = huyen.get_body(("plain",)).get_content()
    assert f"Kính gửi đồng chí {HUYEN}" in text and "Quá hạn chưa hoàn thành: 2" in text
    assert "Kiểm tra di tích Đông Kinh" in huyen.get_body(("html",)).get_content()
    (attachment,) = list(huyen.iter_attachments())
    assert attachment.get_filename() == "bao-cao-tuan-2025-03-10.docx"
    doc = Document(io.BytesIO(attachment.get_content()))
    assert any(f"do đồng chí {HUYEN} chỉ đạo" in p.text for p in doc.paragraphs)
    # a leader with nothing overdue still gets his mail
    assert "Không có nhiệm vụ quá hạn" in son.get_body(("plain",)).get_content()


def test_weekly_job_opens_its_own_database(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(db)
    monkeypatch.setenv("DONDOC_DATABASE_URL", db.url)
    assert weekly_rollup_job(MONDAY_MORNING)["leader_reports_queued"] == 2
    assert weekly_rollup_job(MONDAY_MORNING)["leader_reports_queued"] == 0
    assert len(_outbox(db)) == 2
