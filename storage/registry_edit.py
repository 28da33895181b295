"""Editing the registry from a page (danh mục cơ quan): add, rename, edit addresses, end an
agency with successors. Each change is checked like a file row and kept in the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from directives.agency_file import agency_problems, succession_problems
from directives.agency_types import Succession, Successor
from directives.models import Agency
from directives.normalize import key
from storage.agencies import registry_from_db
from storage.history import record
from storage.models import AgencyAlias, AgencyRow, AgencySuccessionRow

KINDS = {"merger": "Hợp nhất, sáp nhập", "split": "Chia tách", "rename": "Đổi tên",
         "dissolution": "Giải thể"}  # fmt: skip


class RegistryEditError(ValueError):
    """A change that cannot be stored; `errors` maps form fields to Vietnamese messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass(frozen=True)
class Ending:
    """How an agency ended, for the list: last day, kind, successors' names."""

    last_day: date
    kind: str
    successors: list[str]
    source: str | None


def endings(session: Session) -> dict[int, Ending]:
    """Agency id → how it ended (agencies with an end date)."""
    names = dict(session.execute(sa.select(AgencyRow.id, AgencyRow.name)).tuples().all())
    found: dict[int, Ending] = {}
    for row in session.execute(
        sa.select(AgencyRow.id, AgencyRow.valid_to).where(AgencyRow.valid_to.is_not(None))
    ):
        found[row.id] = Ending(row.valid_to, "", [], None)
    rows = session.scalars(
        sa.select(AgencySuccessionRow).order_by(
            AgencySuccessionRow.from_agency_id, AgencySuccessionRow.position
        )
    )
    for r in rows:
        e = found.get(r.from_agency_id) or Ending(r.on - timedelta(days=1), r.kind, [], r.source)
        found[r.from_agency_id] = Ending(
            e.last_day, r.kind, [*e.successors, names[r.to_agency_id]], r.source
        )
    return found


_MESSAGES_VI = (
    ("contains a line break", "không được xuống dòng"),
    ("contains a control character", "có ký tự điều khiển"),
    ("contains markup", "không được chứa thẻ HTML (< > &…;)"),
    ("is not an e-mail address", "không phải địa chỉ thư điện tử"),
    ("is empty", "không được để trống"),
)


def _vi(message: str) -> str:
    for english, vietnamese in _MESSAGES_VI:
        if english in message:
            return vietnamese
    return message


def _check(agency: Agency) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in agency_problems(agency):
        field = problem.split(" ", 1)[0]
        field = {"alias": "aliases", "code": "code"}.get(field, field)
        errors.setdefault(field, _vi(problem))
    return errors


def add_agency(session: Session, actor: str, **fields: object) -> AgencyRow:
    """A new agency (code, name, kind, email, head_email, aliases, valid_from)."""
    clean = {k: v for k, v in fields.items() if v not in (None, "", [])}
    try:
        agency = Agency.model_validate(clean)
    except ValueError:
        raise RegistryEditError({"code": "Cần mã và tên cơ quan."}) from None
    errors = _check(agency)
    if session.scalar(sa.select(AgencyRow.id).where(AgencyRow.code == agency.code)):
        errors["code"] = f"Mã «{agency.code}» đã có trong danh mục."
    if errors:
        raise RegistryEditError(errors)
    row = AgencyRow(code=agency.code, name=agency.name, kind=agency.kind, email=agency.email,
                    head_email=agency.head_email, valid_from=agency.valid_from)  # fmt: skip
    names = dict.fromkeys([agency.name, *agency.aliases])
    row.aliases = [AgencyAlias(alias=n, key=key(n)) for n in names]
    session.add(row)
    session.flush()
    record(session, entity="agency", entity_id=row.id, action="create", actor=actor,
           changes={"code": row.code, "name": row.name})  # fmt: skip
    return row


def update_agency(
    session: Session,
    agency_id: int,
    actor: str,
    *,
    name: str,
    email: str | None,
    head_email: str | None,
) -> AgencyRow:
    """Rename (the old name stays an alias, so older notices still match) and edit addresses."""
    row = session.get(AgencyRow, agency_id)
    if row is None:
        raise RegistryEditError({"_form": "Không có cơ quan này."})
    name = name.strip()
    candidate = Agency(code=row.code, name=name or " ", email=email or None,
                       head_email=head_email or None)  # fmt: skip
    errors = _check(candidate)
    if errors:
        raise RegistryEditError(errors)
    changes: dict[str, object] = {}
    if name != row.name:
        changes["name"] = [row.name, name]
        row.name = name
        if all(a.alias != name for a in row.aliases):
            row.aliases.append(AgencyAlias(alias=name, key=key(name)))
    for field in ("email", "head_email"):
        new = candidate.email if field == "email" else candidate.head_email
        if getattr(row, field) != new:
            changes[field] = [getattr(row, field), new]
            setattr(row, field, new)
    if changes:
        record(session, entity="agency", entity_id=row.id, action="update", actor=actor,
               changes=changes)  # fmt: skip
    return row


def end_agency(
    session: Session,
    agency_id: int,
    actor: str,
    *,
    on: date | None,
    kind: str,
    successors: list[str],
    source: str | None = None,
) -> AgencyRow:
    """End an agency: its last day is the day before `on`; its work passes to `successors`
    (codes, in order). Open tasks move with the handover (storage.handover)."""
    row = session.get(AgencyRow, agency_id)
    if row is None:
        raise RegistryEditError({"_form": "Không có cơ quan này."})
    if on is None:
        raise RegistryEditError({"on": "Cần ngày bắt đầu của đơn vị kế thừa."})
    registry = registry_from_db(session)
    current = registry.agencies[row.code].model_copy(update={"valid_to": None})
    agencies = {**registry.agencies, row.code: current}
    heirs = tuple(Successor(c) for c in dict.fromkeys(successors) if c)
    succession = Succession(row.code, on, kind, heirs, source or None)
    earlier = {row.code} if row.code in registry.successions else set()
    problems = succession_problems(succession, agencies, earlier)
    if problems:
        raise RegistryEditError({"successors": _end_vi(problems[0])})
    ids = dict(session.execute(sa.select(AgencyRow.code, AgencyRow.id)).tuples().all())
    row.valid_to = succession.ends_on
    session.add_all(
        AgencySuccessionRow(
            from_agency_id=row.id,
            to_agency_id=ids[h.code],
            position=i,
            on=on,
            kind=kind,
            source=source or None,
        )  # fmt: skip
        for i, h in enumerate(heirs)
    )
    record(session, entity="agency", entity_id=row.id, action="end", actor=actor,
           changes={"valid_to": row.valid_to, "kind": kind,
                    "successors": [h.code for h in heirs]})  # fmt: skip
    session.flush()
    return row


def _end_vi(problem: str) -> str:
    if "second succession" in problem:
        return "Cơ quan này đã được ghi kết thúc."
    if "no successor" in problem:
        return "Chọn ít nhất một đơn vị kế thừa."
    if "does not exist on" in problem:
        return "Đơn vị kế thừa chưa hoặc không còn hoạt động vào ngày đó."
    if "succeed itself" in problem:
        return "Một cơ quan không thể kế thừa chính nó."
    if "is not one of" in problem:
        return "Hình thức sắp xếp không hợp lệ."
    if "not after valid_from" in problem:
        return "Ngày kết thúc phải sau ngày bắt đầu hoạt động."
    return problem
