"""The weekly mail to each leader: a short summary of the directives he concluded, the DOCX
report attached, enqueued once per leader per ISO week through the outbox.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from directives.vn_format import vn_date, vn_int, vn_percent
from notifications.mime import Attachment, Mail, build
from notifications.outbox import enqueue
from reports.docx_report import build_docx
from reports.html import environment
from reports.model import RATE_FORMULA_VI, Rollup, Scope
from reports.rollup import build_rollup
from storage.models import UserRow
from storage.outbox_sql import key_taken
from storage.users import leaders_with_mail

KIND = "leader_weekly"
DOCX_TYPE = "vnd.openxmlformats-officedocument.wordprocessingml.document"
OVERDUE_IN_MAIL = 5


class MailSettings(Protocol):
    timezone: str
    smtp_from: str
    smtp_reply_to: str | None
    base_url: str


def weekly_key(user_id: int, monday: date) -> str:
    return f"{KIND}:{user_id}:{monday.isoformat()}"


def enqueue_weekly_reports(session: Session, now: datetime, settings: MailSettings) -> int:
    """Enqueue this week's report for every active leader with an address; returns how many
    were new (a second call in the same week adds nothing)."""
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    monday = today - timedelta(days=today.weekday())
    added = 0
    for user in leaders_with_mail(session):
        key = weekly_key(user.id, monday)
        if key_taken(session, key):
            continue  # already queued this week: skip rendering
        rollup = build_rollup(session, today, Scope(leader=user.leader_name), overdue_limit=200)
        mail = leader_mail(rollup, user, monday, now, settings)
        message, message_id = build(mail)
        new_id = enqueue(
            session,
            key=key,
            kind=KIND,
            recipient=user.email or "",
            slot=monday,
            subject=mail.subject,
            message=message,
            message_id=message_id,
            now=now,
        )
        added += new_id is not None
    return added


def leader_mail(
    rollup: Rollup, user: UserRow, monday: date, now: datetime, settings: MailSettings
) -> Mail:
    leader = user.leader_name or user.full_name
    week = monday.isocalendar().week
    c = rollup.totals
    figures = [
        ("Tổng số nhiệm vụ", vn_int(c.total)),
        ("Hoàn thành đúng hạn", vn_int(c.done_on_time)),
        ("Hoàn thành quá hạn", vn_int(c.done_late)),
        ("Đang thực hiện trong hạn", vn_int(c.open_on_time)),
        ("Quá hạn chưa hoàn thành", vn_int(c.open_overdue)),
        ("Thường xuyên / không thời hạn", vn_int(c.ongoing)),
        ("Chờ xác định thời hạn", vn_int(c.awaiting_deadline)),
        ("Tỷ lệ hoàn thành đúng hạn (*)", vn_percent(c.on_time_rate)),
    ]
    overdue = rollup.overdue[:OVERDUE_IN_MAIL]
    link = f"{settings.base_url.rstrip('/')}/leader"
    context = {
        "leader": leader,
        "r": rollup,
        "figures": figures,
        "overdue": overdue,
        "link": link,
        "formula": RATE_FORMULA_VI,
    }
    html = environment().get_template("weekly_mail.html.j2").render(context)
    lines = [
        f"Kính gửi đồng chí {leader},",
        "",
        f"Tình hình thực hiện nhiệm vụ do đồng chí chỉ đạo, đến ngày {vn_date(rollup.as_of)}:",
    ]
    lines += [f"- {label}: {value}" for label, value in figures]
    if overdue:
        lines += ["", "Các nhiệm vụ quá hạn lâu nhất:"]
        lines += [
            f"{i}. {t.content} ({t.lead}; quá hạn {t.days_calendar} ngày)"
            for i, t in enumerate(overdue, 1)
        ]
    else:
        lines += ["", "Không có nhiệm vụ quá hạn chưa hoàn thành."]
    lines += ["", "Báo cáo chi tiết đính kèm.", link, "", f"(*) {RATE_FORMULA_VI}"]
    domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "dondoc.local"
    return Mail(
        sender=settings.smtp_from,
        to=formataddr((user.full_name or leader, user.email or "")),
        subject=f"Báo cáo tuần {week}/{monday.isocalendar().year}: tình hình thực hiện nhiệm vụ",
        text="\n".join(lines),
        html=html,
        date=now,
        id_key=weekly_key(user.id, monday),
        domain=domain,
        reply_to=settings.smtp_reply_to,
        attachments=(
            Attachment(
                f"bao-cao-tuan-{monday.isoformat()}.docx",
                build_docx(rollup),
                "application",
                DOCX_TYPE,
            ),
        ),
    )
