"""Thông báo giao nhiệm vụ (assignment notice): each lead and coordinator hears of its new tasks.

When a directive is registered, or a task's lead or coordinators change, every agency given a
task gets ONE mail for that event listing its new tasks: its role (chủ trì / phối hợp, and for a
coordinator which agency leads), the deadline and a link. The mail goes through the outbox with
the key `assign:<event>:<address>`, written in the caller's transaction: the registration and
its notices commit together or not at all, and delivery sends each once (the reminders'
guarantees). Like digests, it is held back to sending hours of a working day. A group named as
coordinator without an address of its own ("các sở, ban, ngành") is told through its members.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import formataddr, parseaddr
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from directives.labels import directive_label
from directives.roles import RecipientRole
from dondoc.settings import Settings
from notifications.digest import TEMPLATES
from notifications.mime import Mail, build, header_safe
from notifications.outbox import enqueue
from notifications.policy import send_moment
from notifications.sweep import load_days
from storage import notice_reads
from storage.models import AgencyRow

LEAD, COORDINATOR = RecipientRole.LEAD, RecipientRole.COORDINATOR
ROLE_VI = {LEAD: "Chủ trì", COORDINATOR: "Phối hợp"}


@dataclass(frozen=True)
class AssignedLine:
    """One task in an assignment notice, as the recipient sees it."""

    task_id: int
    ref: str
    content: str
    role: RecipientRole  # lead | coordinator
    lead: str  # the agency that leads (chủ trì)
    deadline: date | None
    deadline_text: str | None
    directive: str  # directive_label(...)
    short: str  # the number, or kind and date: a subject line stays short
    url: str

    @property
    def role_vi(self) -> str:
        return ROLE_VI[self.role]


def _address(email: str | None) -> str | None:
    value = (email or "").strip().lower()
    return value or None


def _members(session: Session, agency: AgencyRow, on: date | None) -> list[AgencyRow]:
    """A coordinator as the agencies to tell: a group ("các sở, ban, ngành") that has no address
    of its own is its members valid on the issue date; any other agency is itself."""
    if agency.kind != "group" or _address(agency.email):
        return [agency]
    return notice_reads.group_members(session, agency.id, on)


def assignments(
    session: Session,
    task_ids: list[int],
    base_url: str,
    only: dict[int, set[int]] | None = None,
) -> dict[str, tuple[str, list[AssignedLine]]]:
    """Per address: (greeting, lines). `only` limits each task to some agency ids (the newly
    given ones after a reassignment); None tells everyone on the task."""
    if not task_ids:
        return {}
    out: dict[str, tuple[str, list[AssignedLine]]] = {}
    names: dict[str, str] = {}
    lines: dict[str, list[AssignedLine]] = defaultdict(list)
    for task in notice_reads.tasks_with_parties(session, task_ids):
        d = task.directive
        label = directive_label(d.number, d.issued_on, d.subject, d.kind)
        short = directive_label(d.number, d.issued_on, None, d.kind)
        url = f"{base_url.rstrip('/')}/tasks/{task.id}"
        wanted = None if only is None else only.get(task.id, set())
        seen: set[str] = set()
        coordinators = [m for c in task.coordinators for m in _members(session, c, d.issued_on)]
        parties = [(task.lead, LEAD)] + [(c, COORDINATOR) for c in coordinators]
        for agency, role in parties:
            address = _address(agency.email)
            if (
                address is None
                or address in seen
                or (wanted is not None and agency.id not in wanted)
            ):
                continue
            seen.add(address)  # a coordinator sharing the lead's address: the lead's line only
            names.setdefault(address, agency.name)
            if role == LEAD:
                names[address] = agency.name
            lines[address].append(AssignedLine(
                task.id, task.ref, task.content, role, task.lead.name, task.deadline,
                task.deadline_text, label, short, url,
            ))  # fmt: skip
    for address, items in lines.items():
        out[address] = (names[address], items)
    return out


def enqueue_assignment_notices(
    session: Session,
    task_ids: list[int],
    event: str,
    settings: Settings,
    now: datetime,
    only: dict[int, set[int]] | None = None,
) -> list[int]:
    """One outbox mail per address for `event` (e.g. "directive-12", "task-5-v3"); the new
    outbox ids (none for an event already notified)."""
    tz = ZoneInfo(settings.timezone)
    found = assignments(session, task_ids, settings.base_url, only)
    if not found:
        return []
    policy = settings.reminder_policy
    days = load_days(session, around=now.astimezone(tz).date())
    send_at = send_moment(now, policy, days.is_working, tz)
    domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "dondoc.local"
    ids = []
    for address, (name, lines) in sorted(found.items()):
        key = f"assign:{event}:{address}"
        lines.sort(key=lambda ln: (ln.role != LEAD, ln.deadline or date.max, ln.task_id))
        context = {
            "name": name, "lines": lines, "base_url": settings.base_url,
            "leads": sum(ln.role == LEAD for ln in lines),
            "coordinates": sum(ln.role == COORDINATOR for ln in lines),
        }  # fmt: skip
        subject = f"Thông báo giao nhiệm vụ: {len(lines)} nhiệm vụ mới ({lines[0].short})"
        message, message_id = build(Mail(
            sender=settings.smtp_from, to=formataddr((header_safe(name), header_safe(address))),
            subject=subject, text=TEMPLATES.get_template("assignment.txt.j2").render(context),
            html=TEMPLATES.get_template("assignment.html.j2").render(context), date=send_at,
            id_key=key, domain=domain, reply_to=settings.smtp_reply_to,
        ))  # fmt: skip
        outbox_id = enqueue(
            session, key=key, kind="assignment", recipient=address,
            slot=send_at.astimezone(tz).date(), subject=subject[:500], message=message,
            message_id=message_id, now=now, not_before=send_at,
        )  # fmt: skip
        if outbox_id is not None:
            ids.append(outbox_id)
    return ids


def notify_registration(
    session: Session, directive_id: int, settings: Settings, now: datetime
) -> list[int]:
    """The notices of a directive just registered: every task, every lead and coordinator."""
    ids = notice_reads.directive_task_ids(session, directive_id)
    return enqueue_assignment_notices(session, ids, f"directive-{directive_id}", settings, now)


def notify_reassignment(
    session: Session, task_id: int, settings: Settings, now: datetime
) -> list[int]:
    """After an edit of a task: the notices of the agencies it newly gives the task to (a new
    lead, added coordinators), read from the edit's history entry; nothing if none."""
    entry = notice_reads.last_edit(session, task_id)
    if entry is None:
        return []
    given: set[int] = set()
    if "lead_agency_id" in entry.changes:
        given.add(entry.changes["lead_agency_id"][1])
    if "coordinator_ids" in entry.changes:
        old, new = entry.changes["coordinator_ids"]
        given |= set(new) - set(old)
    if not given:
        return []
    event = f"task-{task_id}-edit-{entry.id}"
    return enqueue_assignment_notices(session, [task_id], event, settings, now, {task_id: given})
