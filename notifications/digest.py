"""Thư tổng hợp nhắc việc (digest): one mail per recipient per send slot, rendered once.

The sweep's new reminder rows are grouped by recipient; each group becomes one outbox row with
the stored MIME bytes (text and HTML from Jinja2 templates), and its reminders point at it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import formataddr, parseaddr

import sqlalchemy as sa
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session

from notifications import policy as p
from notifications.mime import Mail, build, header_safe
from notifications.outbox import enqueue
from notifications.sweep import NewReminder, PlanResult, TaskInfo
from storage.models import ReminderRow

# Sections in the order a digest shows them; a task sits in the first section it qualifies for.
SECTIONS = {
    "leader": "Nhiệm vụ quá hạn trên {leader} ngày làm việc (báo cáo Lãnh đạo UBND tỉnh)",
    "head": "Nhiệm vụ của đơn vị quá hạn trên {head} ngày làm việc (báo cáo Thủ trưởng)",
    "overdue": "Nhiệm vụ quá hạn chưa hoàn thành",
    "due": "Nhiệm vụ đến hạn, sắp đến hạn",
    "coordinate": "Nhiệm vụ đơn vị tham gia phối hợp",
    "progress": "Đề nghị báo cáo tiến độ",
}

_env = Environment(
    loader=PackageLoader("notifications", "templates"),
    autoescape=select_autoescape(["html", "html.j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["vn_date"] = lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}" if d else "—"


@dataclass(frozen=True)
class MailConfig:
    sender: str
    reply_to: str | None
    base_url: str
    send_at: datetime  # when the digest may go out (working hours of a working day)
    policy: p.ReminderPolicy

    @property
    def domain(self) -> str:
        address = parseaddr(self.sender)[1]
        return address.rpartition("@")[2] or "dondoc.local"


@dataclass(frozen=True)
class Line:
    task: TaskInfo
    status: str
    notes: tuple[str, ...]
    url: str


def compose(session: Session, result: PlanResult, cfg: MailConfig, now: datetime) -> list[int]:
    """Enqueue one digest per recipient from the sweep's new reminders; the outbox ids."""
    by_recipient: dict[str, list[NewReminder]] = defaultdict(list)
    for reminder in result.reminders:
        by_recipient[reminder.recipient].append(reminder)
    ids = []
    for recipient, reminders in sorted(by_recipient.items()):
        ids.append(_enqueue_digest(session, recipient, reminders, result, cfg, now))
    return ids


def _enqueue_digest(
    session: Session, recipient: str, reminders: list[NewReminder], result: PlanResult,
    cfg: MailConfig, now: datetime,
) -> int:  # fmt: skip
    slot = result.today
    keys = [f"digest:{recipient}:{slot.isoformat()}"]
    # A later sweep in the same slot (a task re-evaluated after an edit) gets its own mail.
    keys.append(f"{keys[0]}:{min(r.id for r in reminders)}")
    sections = _sections(reminders, result, cfg)
    count = sum(len(lines) for _, lines in sections)
    context = {
        "name": _greeting(reminders), "slot": slot, "sections": sections, "count": count,
        "audience": _audience(reminders),
        "base_url": cfg.base_url,
    }  # fmt: skip
    subject = f"Đôn đốc thực hiện nhiệm vụ: {count} nhiệm vụ cần quan tâm ({slot:%d/%m/%Y})"
    for key in keys:
        message, message_id = build(
            Mail(
                sender=cfg.sender,
                to=formataddr((header_safe(_greeting(reminders)), header_safe(recipient))),
                subject=subject,
                text=_env.get_template("digest.txt.j2").render(context),
                html=_env.get_template("digest.html.j2").render(context),
                date=cfg.send_at,
                id_key=key,
                domain=cfg.domain,
                reply_to=cfg.reply_to,
            )
        )
        outbox_id = enqueue(
            session, key=key, kind="digest", recipient=recipient, slot=slot, subject=subject,
            message=message, message_id=message_id, now=now, not_before=cfg.send_at,
        )  # fmt: skip
        if outbox_id is not None:
            break
    else:
        raise RuntimeError(f"digest keys {keys} already taken")
    session.execute(
        sa.update(ReminderRow)
        .where(ReminderRow.id.in_([r.id for r in reminders]))
        .values(outbox_id=outbox_id)
        .execution_options(synchronize_session=False)
    )
    return outbox_id


def _greeting(reminders: list[NewReminder]) -> str:
    order = {"leader": 0, "head": 1, "lead": 2, "coordinator": 3}
    return min(reminders, key=lambda r: order.get(r.role, 9)).name


def _audience(reminders: list[NewReminder]) -> str:
    roles = {r.role for r in reminders}
    return "leader" if roles == {"leader"} else "head" if roles == {"head"} else "agency"


def _section(reminder: NewReminder) -> str:
    if reminder.role in ("leader", "head"):
        return reminder.role
    if reminder.role == "coordinator":
        return "coordinate"
    if reminder.kind in (p.PROGRESS_REQUEST, p.STALE):
        return "progress"
    return "overdue" if reminder.kind == p.OVERDUE else "due"


def _sections(
    reminders: list[NewReminder], result: PlanResult, cfg: MailConfig
) -> list[tuple[str, list[Line]]]:
    order = list(SECTIONS)
    per_task: dict[int, list[NewReminder]] = defaultdict(list)
    for reminder in reminders:
        per_task[reminder.task_id].append(reminder)
    grouped: dict[str, list[Line]] = defaultdict(list)
    for task_id, items in per_task.items():
        task = result.tasks[task_id]
        section = min((_section(r) for r in items), key=order.index)
        notes = tuple(sorted({_note(r, task) for r in items} - {""}))
        url = f"{cfg.base_url.rstrip('/')}/tasks/{task_id}"
        grouped[section].append(Line(task, _status(task), notes, url))
    title = {
        k: v.format(leader=cfg.policy.leader_after, head=cfg.policy.head_after)
        for k, v in SECTIONS.items()
    }
    return [
        (title[s], sorted(grouped[s], key=lambda ln: (ln.task.deadline or date.max, ln.task.id)))
        for s in order
        if grouped[s]
    ]


def _status(task: TaskInfo) -> str:
    if task.delta is None:
        return "Thường xuyên"
    if task.delta < 0:
        return f"Còn {-task.delta} ngày làm việc"
    if task.delta == 0:
        return "Đến hạn hôm nay"
    return f"Quá hạn {task.delta} ngày làm việc"


def _note(reminder: NewReminder, task: TaskInfo) -> str:
    if reminder.kind == p.STALE:
        since = task.last_progress_on
        return f"Chưa báo cáo tiến độ từ {since:%d/%m/%Y}" if since else "Chưa báo cáo tiến độ"
    if reminder.kind == p.PROGRESS_REQUEST:
        return "Đề nghị báo cáo tiến độ định kỳ"
    return ""
