"""Agency registry: read from a YAML/CSV file, load into the database (replace-by-code, one
transaction) and read back."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from directives.agencies import AgencyList, AgencyRegistry, Succession, Successor, load_registry
from directives.collation import name_key
from directives.models import Agency
from directives.normalize import key
from storage.models import AgencyAlias, AgencyMember, AgencyRow, AgencySuccessionRow

SHIPPED_AGENCIES = "lang_son_2025.yaml"  # the registry of today; lang_son.yaml is 2024
AGENCIES_2024 = "lang_son.yaml"


def shipped_agency_file() -> Path:
    return Path(str(resources.files("directives") / "data" / SHIPPED_AGENCIES))


def read_agency_file(path: Path) -> AgencyList:
    """Agencies (and successions) from a YAML, CSV or XLSX file; AgencyFileError names the
    line of every bad row."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from storage.registry_files import read_xlsx

        return read_xlsx(path.read_bytes())
    fmt = "csv" if suffix == ".csv" else "yaml"
    return load_registry(path.read_text(encoding="utf-8-sig"), fmt)


def load_agencies(session: Session, agencies: Iterable[Agency]) -> tuple[int, int]:
    """Insert or update agencies by code; returns (created, updated). Caller commits."""
    successions = getattr(agencies, "successions", ())
    agencies = list(agencies)
    existing = {a.code: a for a in session.scalars(sa.select(AgencyRow))}
    created = updated = 0
    rows: dict[str, AgencyRow] = {}
    for agency in agencies:
        row = existing.get(agency.code)
        if row is None:
            row = AgencyRow(code=agency.code)
            session.add(row)
            created += 1
        else:
            updated += 1
        row.name, row.kind = agency.name, agency.kind
        row.email, row.head_email = agency.email, agency.head_email
        row.valid_from, row.valid_to = agency.valid_from, agency.valid_to
        names = dict.fromkeys([agency.name, *agency.aliases])
        row.aliases = [AgencyAlias(alias=n, key=key(n)) for n in names]
        rows[agency.code] = row
    session.flush()
    _replace_members(session, agencies, {**existing, **rows})
    _replace_successions(session, successions, {**existing, **rows})
    return created, updated


def _replace_successions(
    session: Session, successions: Iterable[Succession], rows: dict[str, AgencyRow]
) -> None:
    """Store each succession (replacing what its agency had), one row per successor."""
    for s in successions:
        old = rows[s.from_code]
        session.execute(
            sa.delete(AgencySuccessionRow).where(AgencySuccessionRow.from_agency_id == old.id)
        )
        session.add_all(
            AgencySuccessionRow(
                from_agency_id=old.id,
                to_agency_id=rows[h.code].id,
                position=i,
                on=s.on,
                kind=s.kind,
                work=h.work,
                source=s.source,
                notes=s.notes,
            )
            for i, h in enumerate(s.to)
        )
    session.flush()


def successions_from_db(session: Session, code_of: dict[int, str]) -> list[Succession]:
    """The stored successions, successors in their order."""
    rows = session.scalars(
        sa.select(AgencySuccessionRow).order_by(
            AgencySuccessionRow.from_agency_id, AgencySuccessionRow.position
        )
    ).all()
    grouped: dict[int, list[AgencySuccessionRow]] = {}
    for r in rows:
        grouped.setdefault(r.from_agency_id, []).append(r)
    return [
        Succession(
            from_code=code_of[old],
            on=rs[0].on,
            kind=rs[0].kind,
            to=tuple(Successor(code_of[r.to_agency_id], r.work) for r in rs),
            source=rs[0].source,
            notes=rs[0].notes,
        )
        for old, rs in grouped.items()
    ]


def _replace_members(session: Session, agencies: list[Agency], rows: dict[str, AgencyRow]) -> None:
    groups = [a for a in agencies if a.is_group]
    if not groups:
        return
    group_ids = [rows[g.code].id for g in groups]
    session.execute(sa.delete(AgencyMember).where(AgencyMember.group_id.in_(group_ids)))
    session.add_all(
        AgencyMember(group_id=rows[g.code].id, member_id=rows[m].id)
        for g in groups
        for m in g.members
    )
    session.flush()


def registry_from_db(session: Session) -> AgencyRegistry:
    """The registry as stored, for matching names in notices."""
    rows = session.scalars(sa.select(AgencyRow).options(selectinload(AgencyRow.aliases))).all()
    members = session.execute(sa.select(AgencyMember.group_id, AgencyMember.member_id)).all()
    code_of = {r.id: r.code for r in rows}
    by_group: dict[int, list[str]] = {}
    for group_id, member_id in members:
        by_group.setdefault(group_id, []).append(code_of[member_id])
    agencies = [
        Agency(
            code=r.code,
            name=r.name,
            kind=r.kind,
            email=r.email,
            head_email=r.head_email,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            aliases=[a.alias for a in r.aliases if a.alias != r.name],
            members=by_group.get(r.id, []),
        )
        for r in rows
    ]
    return AgencyRegistry(agencies, successions_from_db(session, code_of))


def agency_ids_by_code(session: Session) -> dict[str, int]:
    return dict(session.execute(sa.select(AgencyRow.code, AgencyRow.id)).tuples().all())


def agency_count(session: Session) -> int:
    return int(session.scalar(sa.select(sa.func.count()).select_from(AgencyRow)) or 0)


def agencies_sorted(session: Session) -> list[AgencyRow]:
    """Every agency, by kind, then by name in Vietnamese order."""
    return sorted(session.scalars(sa.select(AgencyRow)), key=lambda a: (a.kind, name_key(a.name)))
