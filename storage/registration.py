"""Registering a parsed directive (vào sổ theo dõi): one transaction, group leads fanned out.

Each task led by a group ("UBND các huyện biên giới") becomes one task per member agency valid
on the issue date; a group named as coordinator stays one coordinator (the group). Every task
is due for evaluation by the next reminder sweep (next_reminder_on = the registration day).
Deadlines on a day off move to the next working day (BLDS Điều 148); the original deadline is
kept beside the current one for later extensions.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.agencies import AgencyRegistry
from directives.calendar import DEFAULT_CALENDAR, TIMEZONE, WorkCalendar
from directives.drafts import DirectiveDraft, TaskDraft
from directives.fingerprint import number_key, text_key
from directives.labels import directive_label, has_number
from directives.models import Agency
from storage import periods
from storage.agencies import agency_ids_by_code
from storage.history import record
from storage.models import AgencyRow, DirectiveRow, TaskRow


class RegistrationError(ValueError):
    """The draft cannot be stored as it is (e.g. a lead not in the registry)."""


class DuplicateDirective(RegistrationError):
    """Văn bản đã vào sổ: a directive with the same number and date, or the same text, exists."""

    def __init__(self, existing: DirectiveRow, reason: str) -> None:
        self.existing_id = existing.id
        self.label = directive_label(
            existing.number, existing.issued_on, existing.subject, existing.kind
        )
        self.reason = reason  # "number" (same number and issue date) or "text"
        why = "cùng số, ký hiệu và ngày ban hành" if reason == "number" else "cùng nội dung"
        self.message_vi = f"Văn bản này đã được vào sổ ({why}): {self.label}."
        super().__init__(
            f"already registered as directive {existing.id} ({self.label}):"
            f" same {'number and issue date' if reason == 'number' else 'text'}"
        )


def find_duplicate(session: Session, draft: DirectiveDraft) -> DuplicateDirective | None:
    """The registered directive this draft repeats, if any (same number and date, or text)."""
    if has_number(draft.number) and draft.issued is not None:
        wanted = number_key(draft.number)
        same_day = session.scalars(
            sa.select(DirectiveRow).where(DirectiveRow.issued_on == draft.issued)
        )
        for row in same_day:
            if number_key(row.number) == wanted:
                return DuplicateDirective(row, "number")
    if draft.text.strip():
        key = text_key(draft.text)
        same_text = session.scalars(
            sa.select(DirectiveRow).where(DirectiveRow.text_key == key).limit(1)
        ).first()
        if same_text is not None:
            return DuplicateDirective(same_text, "text")
    return None


def _resolve(
    name: str | None, code: str | None, registry: AgencyRegistry, on: date | None
) -> Agency | None:
    if code and code in registry.agencies:
        return registry.agencies[code]
    return registry.resolve(name, on).agency if name else None


def _members(agency: Agency, registry: AgencyRegistry, on: date | None) -> list[Agency]:
    return registry.members(agency.code, on) if agency.is_group else [agency]


def check_draft(draft: DirectiveDraft, registry: AgencyRegistry) -> list[str]:
    """Problems that would stop registration, one line each (empty when it can be stored)."""
    problems: list[str] = []
    for task in draft.tasks:
        lead = _resolve(task.lead, task.lead_code, registry, draft.issued)
        if lead is None:
            problems.append(f"task {task.ref}: lead {task.lead!r} is not in the agency registry")
        elif not _members(lead, registry, draft.issued):
            problems.append(
                f"task {task.ref}: group {lead.name!r} has no member valid on the issue date"
            )
    return problems


def register_directive(
    session: Session,
    draft: DirectiveDraft,
    registry: AgencyRegistry,
    actor: str,
    calendar: WorkCalendar = DEFAULT_CALENDAR,
    today: date | None = None,
    allow_duplicate: bool = False,
) -> DirectiveRow:
    """Store the directive and its tasks; RegistrationError if a lead is unknown,
    DuplicateDirective if it was registered already (unless `allow_duplicate`: the secretariat
    confirmed it is another document)."""
    today = today or datetime.now(TIMEZONE).date()
    problems = check_draft(draft, registry)
    if problems:
        raise RegistrationError("; ".join(problems))
    duplicate = find_duplicate(session, draft)
    if duplicate is not None and not allow_duplicate:
        raise duplicate
    ids = agency_ids_by_code(session)
    directive = DirectiveRow(
        kind=draft.doc_type or "KHAC",
        number=draft.number or "",
        issued_on=draft.issued,
        issuer=draft.issuer,
        leader=draft.leader,
        leader_title=draft.leader_title,
        signer=draft.signer,
        subject=draft.subject,
        meeting_on=draft.meeting_date,
        recipients=list(draft.recipients),
        source_text=draft.text,
        text_key=text_key(draft.text) if draft.text.strip() else None,
        registered_by=actor,
    )
    session.add(directive)
    session.flush()
    record(
        session,
        entity="directive",
        entity_id=directive.id,
        action="register",
        actor=actor,
        changes={"number": directive.number, "tasks": len(draft.tasks)}
        | ({"confirmed_not_duplicate_of": duplicate.existing_id} if duplicate else {}),
    )
    for task in draft.tasks:
        for row in _task_rows(session, task, draft, registry, ids, calendar):
            row.directive_id = directive.id
            row.next_reminder_on = today
            session.add(row)
            session.flush()
            periods.materialise(session, row, today, start=today, calendar=calendar)
            record(
                session,
                entity="task",
                entity_id=row.id,
                task_id=row.id,
                action="create",
                actor=actor,
                changes={"ref": row.ref, "lead": task.lead, "deadline": row.deadline},
            )
    return directive


def _task_rows(
    session: Session,
    task: TaskDraft,
    draft: DirectiveDraft,
    registry: AgencyRegistry,
    ids: dict[str, int],
    calendar: WorkCalendar,
) -> list[TaskRow]:
    on = draft.issued
    lead = _resolve(task.lead, task.lead_code, registry, on)
    assert lead is not None  # checked by check_draft
    deadline = calendar.roll_forward(task.deadline) if task.deadline else None
    coordinators: list[Agency] = []
    for name, code in zip(
        task.coordinators, task.coordinator_codes or [None] * len(task.coordinators), strict=False
    ):
        agency = _resolve(name, code, registry, on)
        if agency is not None:
            coordinators.append(agency)
    rows = []
    for member in _members(lead, registry, on):
        if member.code not in ids:
            raise RegistrationError(
                f"task {task.ref}: agency {member.code!r} is not in the database"
            )
        others = {a.code: a for a in coordinators if a.code != member.code and a.code in ids}
        rows.append(
            TaskRow(
                ref=task.ref,
                content=task.text,
                lead_agency_id=ids[member.code],
                lead_text=task.lead,
                deadline_kind=task.deadline_kind.value,
                deadline_text=task.deadline_text,
                recurrence=task.recurrence,
                recurrence_until=task.recurrence_until if task.recurrence else None,
                original_deadline=deadline,
                deadline=deadline,
                source_start=task.span[0],
                source_end=task.span[1],
                warnings=list(task.warnings),
                coordinators=[session.get(AgencyRow, ids[c]) for c in others],
            )
        )
    return rows
