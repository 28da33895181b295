"""Thư tổng hợp nhắc việc (digest): one mail per recipient per send slot, rendered once.

The sweep's new reminder rows are grouped by recipient; each group becomes one outbox row with
the stored MIME bytes (text and HTML from Jinja2 templates), and its reminders point at it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import formataddr, parseaddr
from functools import lru_cache
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape
from sqlalchemy.orm import Session

from directives.calendar import TIMEZONE
from directives.models import OutboxStatus
from directives.roles import RecipientRole
from directives.vn_format import vn_date
from notifications import policy as p
from notifications.digest_lines import body
from notifications.mime import Mail, build, header_safe
from notifications.outbox import enqueue, enqueue_new
from notifications.sweep import Lines, NewReminder, PlanResult, without_cycle_collection
from notifications.sweep_details import describe_digest
from storage import outbox_sql

TEMPLATES = Environment(  # every mail's templates (digest, assignment notice)
    loader=PackageLoader("notifications", "templates"),
    autoescape=select_autoescape(["html", "html.j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # shipped with the package: no stat() of the file at every mail
)
TEMPLATES.filters["vn_date"] = lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}" if d else "—"


@dataclass(frozen=True)
class MailConfig:
    sender: str
    reply_to: str | None
    base_url: str
    send_at: datetime  # when the digest may go out (working hours of a working day)
    policy: p.ReminderPolicy
    tz: ZoneInfo = TIMEZONE  # the send day is send_at's date here
    max_lines: int = 20  # tasks listed; the rest are counted and linked to

    @property
    def domain(self) -> str:
        return _domain(self.sender)


@without_cycle_collection()
def compose(session: Session, result: PlanResult, cfg: MailConfig, now: datetime) -> list[int]:
    """Put the sweep's new reminders into one digest per recipient and send moment; the outbox
    ids of the digests written or merged into.

    A digest is named by its recipient and the day it goes out (`digest:<rcpt>:<send day>`), not
    by the sweep that planned it: an evening catch-up and the next morning's sweep both aim at
    the same 07:30 mail, so the second merges into the first while it is still pending (the
    message re-rendered with every reminder, the Message-ID kept). Only when that mail has been
    claimed or sent does a later sweep of the day start the next one (`…:2`, `…:3`), which goes
    at its own, later moment.
    """
    by_recipient: dict[str, list[NewReminder]] = defaultdict(list)
    for reminder in result.reminders:
        by_recipient[reminder.recipient].append(reminder)
    send_day = cfg.send_at.astimezone(cfg.tz).date()
    ids = _new_digests(session, by_recipient, result, send_day, cfg, now)
    for recipient, reminders in sorted(by_recipient.items()):
        if recipient not in ids:  # a digest of the day exists already: merge, or the next one
            ids[recipient] = _enqueue_digest(session, recipient, reminders, result, cfg, now)
    outbox_sql.link_reminders(session, [(ids[r.recipient], r.id) for r in result.reminders])
    return [ids[r] for r in sorted(by_recipient)]


def _new_digests(
    session: Session, by_recipient: dict[str, list[NewReminder]], result: PlanResult,
    send_day: date, cfg: MailConfig, now: datetime,
) -> dict[str, int]:  # fmt: skip
    """The first digest of the day of every recipient who has none yet, rendered and inserted
    in a few statements; their ids by recipient. A key a concurrent sweep took in between is
    left out, so the caller merges into that row."""
    keys = {digest_key(r, send_day): r for r in by_recipient}
    taken = outbox_sql.keys_taken(session, keys)
    mails = []
    for key, recipient in sorted(keys.items()):
        if key in taken:
            continue
        message, message_id, subject = render(
            key, recipient, by_recipient[recipient], result.tasks, send_day, cfg
        )
        mails.append({"key": key, "recipient": recipient, "subject": subject,
                      "message": message, "message_id": message_id})  # fmt: skip
    inserted = enqueue_new(
        session, mails, kind="digest", slot=send_day, now=now, not_before=cfg.send_at
    )
    return {keys[key]: outbox_id for key, outbox_id in inserted.items()}


def digest_key(recipient: str, send_day: date, n: int = 1) -> str:
    """The outbox key of the n-th digest to `recipient` going out on `send_day`."""
    base = f"digest:{recipient}:{send_day.isoformat()}"
    return base if n == 1 else f"{base}:{n}"


def _enqueue_digest(
    session: Session, recipient: str, reminders: list[NewReminder], result: PlanResult,
    cfg: MailConfig, now: datetime,
) -> int:  # fmt: skip
    send_day = cfg.send_at.astimezone(cfg.tz).date()
    tasks = result.tasks
    for n in range(1, 1000):
        key = digest_key(recipient, send_day, n)
        found = outbox_sql.locked_status(session, key)
        if found is None:
            outbox_id = _insert(session, key, recipient, reminders, tasks, send_day, cfg, now)
            if outbox_id is not None:
                break
            found = outbox_sql.locked_status(
                session, key
            )  # a concurrent sweep took the key: its row now
            assert found is not None
        if found.status == OutboxStatus.PENDING:
            outbox_id = found.id
            _merge(session, key, outbox_id, recipient, reminders, result, send_day, cfg)
            break
    else:
        raise RuntimeError(f"too many digests to {recipient} on {send_day}")
    return outbox_id


def render(
    key: str, recipient: str, reminders: list[NewReminder], tasks: Lines,
    send_day: date, cfg: MailConfig,
) -> tuple[bytes, str, str]:  # fmt: skip
    """(MIME bytes, Message-ID, subject) of the digest; the Message-ID follows from `key`."""
    lines = body(reminders, tasks, cfg.base_url, cfg.policy, cfg.max_lines)
    greeting = _greeting(reminders)
    context = {
        "name": greeting, "slot": send_day, "sections": lines.sections,
        "count": lines.total, "body": lines, "audience": _audience(reminders),
        "base_url": cfg.base_url,
    }  # fmt: skip
    subject = f"Đôn đốc thực hiện nhiệm vụ: {lines.summary} ({vn_date(send_day)})"
    message, message_id = build(
        Mail(
            sender=cfg.sender,
            to=formataddr((header_safe(greeting), header_safe(recipient))),
            subject=subject,
            text=_template("digest.txt.j2").render(context),
            html=_template("digest.html.j2").render(context),
            date=cfg.send_at,
            id_key=key,
            domain=cfg.domain,
            reply_to=cfg.reply_to,
        )
    )
    return message, message_id, subject


def _insert(
    session: Session, key: str, recipient: str, reminders: list[NewReminder],
    tasks: Lines, send_day: date, cfg: MailConfig, now: datetime,
) -> int | None:  # fmt: skip
    message, message_id, subject = render(key, recipient, reminders, tasks, send_day, cfg)
    return enqueue(
        session, key=key, kind="digest", recipient=recipient, slot=send_day, subject=subject,
        message=message, message_id=message_id, now=now, not_before=cfg.send_at,
    )  # fmt: skip


def _merge(
    session: Session, key: str, outbox_id: int, recipient: str, reminders: list[NewReminder],
    result: PlanResult, send_day: date, cfg: MailConfig,
) -> None:  # fmt: skip
    """Re-render pending digest `outbox_id` with its reminders and the new ones."""
    old, old_tasks = describe_digest(session, outbox_id, result, cfg.tz)
    everything = old + reminders
    tasks = {**old_tasks, **result.tasks}
    message, _, subject = render(key, recipient, everything, tasks, send_day, cfg)
    outbox_sql.rewrite_mail(session, outbox_id, message, subject)


_GREETING_ORDER: dict[str, int] = {
    RecipientRole.LEADER: 0,
    RecipientRole.HEAD: 1,
    RecipientRole.LEAD: 2,
    RecipientRole.COORDINATOR: 3,
}


def _greeting(reminders: list[NewReminder]) -> str:
    """The name of the first reminder of the highest role (leader, head, lead, coordinator)."""
    best: dict[str, str] = {}
    for r in reminders:
        best.setdefault(r.role, r.name)
    return best[min(best, key=lambda role: _GREETING_ORDER.get(role, 9))]


def _audience(reminders: list[NewReminder]) -> p.Audience:
    roles = {r.role for r in reminders}
    if roles == {RecipientRole.LEADER}:
        return p.Audience.LEADER
    return p.Audience.HEAD if roles == {RecipientRole.HEAD} else p.Audience.AGENCY


@lru_cache(maxsize=64)
def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "dondoc.local"


@lru_cache(maxsize=8)
def _template(name: str) -> Template:
    return TEMPLATES.get_template(name)
