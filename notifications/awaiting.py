"""Thư nhắc Văn phòng đặt thời hạn: event-bound tasks with no date yet, for the secretariat.

A task whose deadline is bound to an event ("ngay sau khi được phê duyệt") has no date; its bucket
is awaiting_deadline (chờ xác định thời hạn) and no agency is reminded. Until the secretariat
sets a date, every secretariat account with an address gets one mail per sweep day listing those
tasks, through the outbox (key `awaiting_deadline:<address>:<day>`: a second sweep the same day
adds nothing). Setting the date (task edit) ends it and is kept in the history.
"""

from __future__ import annotations

from datetime import date, datetime
from email.utils import formataddr
from html import escape

from sqlalchemy.orm import Session

from directives.vn_format import vn_date
from notifications.digest import MailConfig
from notifications.mime import Mail, build, header_safe
from notifications.outbox import enqueue
from storage.notice_reads import AwaitingTask, awaiting_tasks, secretariat_addresses

KIND = "awaiting_deadline"


def enqueue_awaiting(session: Session, day: date, cfg: MailConfig, now: datetime) -> list[int]:
    """One mail per secretariat address listing the tasks awaiting a deadline; outbox ids."""
    tasks = awaiting_tasks(session)
    if not tasks:
        return []
    users = secretariat_addresses(session)
    ids = []
    for name, address in sorted({(n or "", e.strip().lower()) for n, e in users if e.strip()}):
        key = f"{KIND}:{address}:{day.isoformat()}"
        subject = f"Nhiệm vụ chờ xác định thời hạn: {len(tasks)} nhiệm vụ ({vn_date(day)})"
        text, html = _bodies(tasks, cfg.base_url)
        message, message_id = build(
            Mail(sender=cfg.sender, to=formataddr((header_safe(name), header_safe(address))),
                 subject=subject, text=text, html=html, date=cfg.send_at, id_key=key,
                 domain=cfg.domain, reply_to=cfg.reply_to)
        )  # fmt: skip
        found = enqueue(
            session, key=key, kind=KIND, recipient=address, slot=day, subject=subject,
            message=message, message_id=message_id, now=now, not_before=cfg.send_at,
        )  # fmt: skip
        if found is not None:
            ids.append(found)
    return ids


def _bodies(tasks: list[AwaitingTask], base_url: str) -> tuple[str, str]:
    base = base_url.rstrip("/")
    intro = (
        "Các nhiệm vụ sau có thời hạn gắn với một sự kiện và chưa có ngày cụ thể."
        " Đề nghị Văn phòng xác định thời hạn (sửa nhiệm vụ) để theo dõi, đôn đốc."
    )
    lines, items = [intro, ""], []
    for n, t in enumerate(tasks, 1):
        where = f"Văn bản số {t.number or '(chưa số)'}, mục {t.ref}"
        when = f" — “{t.deadline_text}”" if t.deadline_text else ""
        link = f"{base}/tasks/{t.id}/edit"
        lines.append(f"{n}. {t.content} ({where}; chủ trì: {t.lead}){when}\n   {link}")
        items.append(
            f"<li>{escape(t.content)} <small>({escape(where)}; chủ trì: {escape(t.lead)})"
            f'{escape(when)}</small> <a href="{escape(link)}">Đặt thời hạn</a></li>'
        )
    html = f"<p>{escape(intro)}</p><ol>{''.join(items)}</ol>"
    return "\n".join(lines) + "\n", html
