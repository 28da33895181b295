"""Handover of open tasks when an agency ends (chuyển giao do sắp xếp tổ chức bộ máy).

On the day a succession takes effect, every open task led by the ended agency passes to one of
its successors as lead (the lead interval is kept in `task_leads`), and every open task it
coordinated gets the successor as coordinator. Each move is one history row with the old and the
new agency; a chain (A renamed B, B later merged into C) handed over after its last step moves the
task straight to C, with one history row and one lead interval per step (A → B, then B → C).
Where several successors exist the secretariat chooses per task; the default is the successor
whose `work` words the task uses, else the first one the act names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.agencies import AgencyRegistry, Succession
from directives.models import OutboxStatus, TaskState
from storage.agencies import registry_from_db
from storage.db import rowcount
from storage.history import record
from storage.models import AgencyRow, OutboxRow, TaskCoordinator, TaskLeadRow, TaskRow

REASON = "chuyển giao do sắp xếp tổ chức bộ máy"
CLOSED_STATES = (TaskState.DONE, TaskState.CANCELLED)


class HandoverError(ValueError):
    """A chosen successor that is not one of the task's possible successors."""


@dataclass(frozen=True)
class Move:
    """One open task to pass on: as `role` (lead, coordinator) from `from_code` to a successor."""

    task_id: int
    ref: str
    content: str
    role: str
    from_code: str
    from_name: str
    on: date
    options: tuple[tuple[str, str], ...]  # (code, name) of the possible successors
    default: str

    @property
    def key(self) -> str:
        """The form field naming this move's choice."""
        return f"{self.task_id}:{self.role}:{self.from_code}"


def plan_handover(session: Session, at: date) -> list[Move]:
    """What the handover would move on `at`: open tasks of agencies ended by then."""
    registry = registry_from_db(session)
    ids = dict(session.execute(sa.select(AgencyRow.code, AgencyRow.id)).tuples().all())
    moves: list[Move] = []
    for succession in sorted(registry.successions.values(), key=lambda s: (s.on, s.from_code)):
        if succession.on > at or succession.from_code not in ids:
            continue
        moves += _moves(session, registry, succession, ids[succession.from_code], at)
    return moves


def _default_code(registry: AgencyRegistry, code: str, day: date, text: str) -> str:
    heir = registry.default_successor(code, day, text)
    assert heir is not None  # asked only when successors exist on `day`
    return heir.code


def _moves(
    session: Session, registry: AgencyRegistry, s: Succession, old_id: int, at: date
) -> list[Move]:
    # Chains (renamed, later merged): the heirs in being on `at`, else those of the act itself.
    day = at
    heirs = registry.successors_on(s.from_code, at)
    if not heirs:
        day, heirs = s.on, registry.successors_on(s.from_code, s.on)
    if not heirs:
        return []
    options = tuple((h.code, registry.agencies[h.code].name) for h in heirs)
    open_task = TaskRow.state.not_in(CLOSED_STATES)
    led = session.execute(
        sa.select(TaskRow.id, TaskRow.ref, TaskRow.content)
        .where(TaskRow.lead_agency_id == old_id, open_task)
        .order_by(TaskRow.id)
    ).all()
    helped = session.execute(
        sa.select(TaskRow.id, TaskRow.ref, TaskRow.content)
        .join(TaskCoordinator, TaskCoordinator.task_id == TaskRow.id)
        .where(TaskCoordinator.agency_id == old_id, open_task)
        .order_by(TaskRow.id)
    ).all()
    old_name = registry.agencies[s.from_code].name
    return [
        Move(
            task_id=tid,
            ref=ref,
            content=content,
            role=role,
            from_code=s.from_code,
            from_name=old_name,
            on=s.on,
            options=options,
            default=_default_code(registry, s.from_code, day, content),
        )
        for role, rows in (("lead", led), ("coordinator", helped))
        for tid, ref, content in rows
    ]


def apply_handover(
    session: Session,
    at: date,
    actor: str,
    choices: dict[str, str] | None = None,
    only: set[str] | None = None,
) -> list[tuple[Move, str]]:
    """Move every planned task (or those whose key is in `only`) to its chosen successor
    (`choices[move.key]`, else the default); returns (move, successor code). Caller commits."""
    choices = choices or {}
    ids = dict(session.execute(sa.select(AgencyRow.code, AgencyRow.id)).tuples().all())
    names = dict(session.execute(sa.select(AgencyRow.code, AgencyRow.name)).tuples().all())
    registry = registry_from_db(session)
    done: list[tuple[Move, str]] = []
    for move in plan_handover(session, at):
        if only is not None and move.key not in only:
            continue
        to = choices.get(move.key) or move.default
        if to not in dict(move.options):
            raise HandoverError(
                f"nhiệm vụ {move.ref}: «{to}» không phải đơn vị kế thừa của «{move.from_name}»"
            )
        task = session.get(TaskRow, move.task_id)
        assert task is not None
        for step_from, step_to, on in _steps(registry, move, to, at):
            if move.role == "lead":
                _pass_lead(session, task, ids[step_from], ids[step_to], on)
            else:
                _pass_coordinator(session, task, ids[step_from], ids[step_to])
            record(
                session,
                entity="task",
                entity_id=task.id,
                task_id=task.id,
                action="handover",
                actor=actor,
                changes={
                    "reason": REASON,
                    "role": move.role,
                    "from": names[step_from],
                    "to": names[step_to],
                    "from_code": step_from,
                    "to_code": step_to,
                    "on": on,
                },
            )
        task.next_reminder_on = min(task.next_reminder_on or at, at)
        done.append((move, to))
    if only is None:
        withdraw_mail(session, at)
    session.flush()
    return done


def _steps(registry: AgencyRegistry, move: Move, to: str, at: date) -> list[tuple[str, str, date]]:
    """(from, to, on) of each succession between the ended agency and the chosen successor:
    a chain (A renamed B on d1, B merged into C on d2) is passed on one step at a time, so the
    lead intervals and the history show B between A and C."""
    chain = registry.chain(move.from_code, to, at)
    if not chain:
        return [(move.from_code, to, move.on)]
    steps, current = [], move.from_code
    for succession, heir in chain:
        steps.append((current, heir, succession.on))
        current = heir
    return steps


WITHDRAWN = "Không gửi: cơ quan đã kết thúc hoạt động (chuyển giao do sắp xếp tổ chức bộ máy)"


def withdraw_mail(session: Session, at: date) -> int:
    """Pending mail to the addresses of agencies ended by `at` is not sent: marked failed with
    the reason (their tasks' reminders go to the successors from the next sweep)."""
    rows = session.execute(sa.select(AgencyRow.email, AgencyRow.head_email, AgencyRow.valid_to))
    ended: set[str] = set()
    alive: set[str] = set()
    for email, head, valid_to in rows:
        target = ended if valid_to is not None and valid_to < at else alive
        target.update(a.strip().lower() for a in (email, head) if a)
    gone = ended - alive
    if not gone:
        return 0
    result = session.execute(
        sa.update(OutboxRow)
        .where(
            OutboxRow.status == OutboxStatus.PENDING, sa.func.lower(OutboxRow.recipient).in_(gone)
        )
        .values(status=OutboxStatus.FAILED, last_error=WITHDRAWN)
    )
    return rowcount(result)


def _pass_lead(session: Session, task: TaskRow, old_id: int, new_id: int, on: date) -> None:
    rows = session.scalars(
        sa.select(TaskLeadRow).where(TaskLeadRow.task_id == task.id, TaskLeadRow.valid_to.is_(None))
    ).all()
    if not rows:
        session.add(TaskLeadRow(task_id=task.id, agency_id=old_id, valid_from=None))
        session.flush()
        rows = session.scalars(sa.select(TaskLeadRow).where(TaskLeadRow.task_id == task.id)).all()
    for row in rows:
        row.valid_to = date.fromordinal(on.toordinal() - 1)
    session.add(TaskLeadRow(task_id=task.id, agency_id=new_id, valid_from=on))
    task.lead_agency_id = new_id
    session.execute(
        sa.delete(TaskCoordinator).where(
            TaskCoordinator.task_id == task.id, TaskCoordinator.agency_id == new_id
        )
    )


def _pass_coordinator(session: Session, task: TaskRow, old_id: int, new_id: int) -> None:
    session.execute(
        sa.delete(TaskCoordinator).where(
            TaskCoordinator.task_id == task.id, TaskCoordinator.agency_id == old_id
        )
    )
    present = session.scalar(
        sa.select(TaskCoordinator.task_id).where(
            TaskCoordinator.task_id == task.id, TaskCoordinator.agency_id == new_id
        )
    )
    if present is None and task.lead_agency_id != new_id:
        session.add(TaskCoordinator(task_id=task.id, agency_id=new_id))
