"""Builders of test data, shared by the tests, the browser tests and the benchmarks (not shipped):

- accounts and a registered seed notice with one account per role (`add_user`, `build_world`);
- tasks written the way registration and the web store them, for the reminder tests
  (`setup`, `add_task`, `at`);
- the hand-computed fixture of the agency evaluation (`seed_evaluation`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from directives.agencies import load_registry
from directives.calendar import DEFAULT_CALENDAR, TIMEZONE
from directives.models import Agency
from directives.parsing import parse_notice
from directives.roles import Role
from dondoc.demo import seed_notice_text
from storage.agencies import agency_ids_by_code, load_agencies
from storage.db import Database
from storage.models import AgencyRow, DirectiveRow, TaskPeriodRow, TaskRow, UserRow
from web.accounts import create_token
from web.security import hash_password

FIXTURES = Path(__file__).parent / "fixtures"


# Accounts and a registered seed notice


@lru_cache(maxsize=4)
def _hash(password: str) -> str:
    return hash_password(password)


def add_user(
    session: Session,
    username: str,
    role: Role,
    password: str,
    *,
    agency_id: int | None = None,
    leader_name: str | None = None,
    full_name: str = "",
) -> UserRow:
    user = UserRow(
        username=username,
        password_hash=_hash(password),
        role=role.value,
        agency_id=agency_id,
        leader_name=leader_name,
        full_name=full_name or username,
    )
    session.add(user)
    session.flush()
    return user


PASSWORD = "mat-khau-thu-nghiem"


@dataclass
class World:
    """A registered seed notice and one account (and API token) per role."""

    directive_id: int
    tasks: dict[str, list[int]]  # lead agency code → task ids
    agency_ids: dict[str, int]
    users: dict[str, str] = field(default_factory=dict)  # username → role
    tokens: dict[str, str] = field(default_factory=dict)  # username → API token


USERS = (  # username, role, agency code, leader name
    ("vanphong", Role.SECRETARIAT, None, None),
    ("quantri", Role.ADMIN, None, None),
    ("ngoaivu", Role.AGENCY_OFFICER, "so-ngoai-vu", None),
    ("gd.ngoaivu", Role.AGENCY_HEAD, "so-ngoai-vu", None),
    ("noivu", Role.AGENCY_OFFICER, "so-noi-vu", None),
    ("vanhoa", Role.AGENCY_OFFICER, "so-vhttdl", None),
    ("lanhdao", Role.LEADER, None, "Dương Xuân Huyền"),
    ("lanhdao.khac", Role.LEADER, None, "Nguyễn Văn Khác"),
)


def build_world(db: Database, agencies: list[Agency], with_tokens: bool = True) -> World:
    """Agencies, the seed notice registered by the office, the accounts of USERS."""
    from storage.agencies import load_agencies, registry_from_db
    from storage.registration import register_directive

    with db.write() as session:
        load_agencies(session, agencies)
    with db.write() as session:
        registry = registry_from_db(session)
        draft = parse_notice(seed_notice_text(), registry, DEFAULT_CALENDAR)
        directive = register_directive(session, draft, registry, "vanphong")
        ids = agency_ids_by_code(session)
        by_id = {v: k for k, v in ids.items()}
        tasks: dict[str, list[int]] = {}
        for task in sorted(directive.tasks, key=lambda t: t.id):
            tasks.setdefault(by_id[task.lead_agency_id], []).append(task.id)
        world = World(directive.id, tasks, ids)
        for username, role, code, leader in USERS:
            agency_id = ids[code] if code else None
            add_user(session, username, role, PASSWORD, agency_id=agency_id, leader_name=leader)
            world.users[username] = role.value
            if with_tokens:
                world.tokens[username] = create_token(session, username, "tests")
    return world


# Tasks for the reminder tests

LEADER = "Đoàn Thanh Sơn"


def at(day: date, clock: time = time(7, 30)) -> datetime:
    """A moment in Vietnam."""
    return datetime.combine(day, clock, TIMEZONE)


def setup(db: Database, agencies: Iterable, leader_email: str | None = None) -> dict[str, int]:
    """Agencies loaded (plus a leader account); their ids by code."""
    with db.write() as s:
        load_agencies(s, agencies)
        if leader_email:
            s.add(UserRow(username="lanhdao", full_name=LEADER, email=leader_email,
                          password_hash="x", role=Role.LEADER, leader_name=LEADER))  # fmt: skip
    with db.read() as s:
        return agency_ids_by_code(s)


def add_task(
    db: Database,
    ids: dict[str, int],
    deadline: date | None,
    *,
    lead: str = "so-ngoai-vu",
    coordinators: tuple[str, ...] = (),
    state: str = "in_progress",
    created: date = date(2024, 11, 1),
    progress_on: date | None = date(2026, 1, 5),  # recent: no stale nudge unless asked
    content: str = "Rà soát, báo cáo kết quả thực hiện",
    number: str = "45/TB-UBND",
    kind: str | None = None,
) -> int:
    """A task; `next_reminder_on` = the day it was created ("re-evaluate at the next sweep")."""
    with db.write() as s:
        directive = DirectiveRow(kind="TB", number=number, issued_on=created, leader=LEADER,
                                 registered_by="test", registered_at=at(created))  # fmt: skip
        s.add(directive)
        s.flush()
        task = TaskRow(
            directive_id=directive.id, ref="1", content=content, lead_agency_id=ids[lead],
            state=state, deadline=deadline, original_deadline=deadline,
            deadline_kind=kind or ("fixed" if deadline else "none"),
            next_reminder_on=created, created_at=at(created),
            last_progress_at=at(progress_on) if progress_on else None,
            coordinators=[s.get(AgencyRow, ids[c]) for c in coordinators],
        )  # fmt: skip
        s.add(task)
        s.flush()
        return task.id


# The evaluation fixture (imported by the test_evaluation* files)

HUYEN, SON = "Dương Xuân Huyên", "Đoàn Thanh Sơn"
NGV, NV, VH = "Sở Ngoại vụ", "Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch"
VP, TD = "Văn phòng UBND tỉnh", "UBND huyện Tràng Định"
D = date
TASKS = [  # (directive, lead, deadline, state, completed_on)
    (0, NGV, D(2025, 1, 15), "done", D(2025, 1, 15)),
    (0, NGV, D(2025, 1, 24), "done", D(2025, 2, 4)),
    (0, NGV, D(2025, 3, 20), "done", D(2025, 3, 20)),
    (0, NGV, D(2025, 3, 10), "cancelled", None),
    (0, NGV, D(2025, 4, 15), "in_progress", None),
    (0, NGV, D(2024, 12, 31), "in_progress", None),
    (0, NV, D(2025, 3, 20), "in_progress", None),
    (0, NV, D(2025, 2, 5), "done", D(2025, 2, 5)),
    (0, VH, D(2025, 3, 3), "done", D(2025, 3, 3)),
    (0, VH, D(2025, 3, 31), "done", D(2025, 3, 31)),
    (1, VP, D(2025, 2, 28), "done", D(2025, 4, 2)),
    (0, TD, D(2025, 3, 31), "in_progress", None),
]
PERIODS = [  # (seq, starts, deadline, completed_on) of Nội vụ's monthly report
    (1, D(2025, 1, 1), D(2025, 1, 20), D(2025, 1, 20)),
    (2, D(2025, 2, 1), D(2025, 2, 20), D(2025, 2, 24)),
    (3, D(2025, 3, 1), D(2025, 3, 20), D(2025, 3, 19)),
]


def seed_evaluation(db: Database) -> dict[str, int]:
    """Agencies, two directives (Huyên's and Sơn's), the tasks and periods above.

    Window Quý I/2025 (1/1–31/3/2025), states at 31/3/2025 unless said; working days late from the
    calendar (Tết 25/1–2/2/2025 off, Giỗ Tổ 7/4/2025 off):

    | agency | subject | deadline | state / completed | at 31/3 | late wd |
    | --- | --- | --- | --- | --- | --- |
    | Ngoại vụ | task | 15/1 | done 15/1 | on time |  |
    | Ngoại vụ | task | 24/1 | done 4/2 (after Tết) | late | 2 |
    | Ngoại vụ | task | 20/3 | done 20/3 | on time |  |
    | Ngoại vụ | task | 10/3 | cancelled | — |  |
    | Ngoại vụ | task | 15/4 | open (after window) | — |  |
    | Ngoại vụ | task | 31/12/24 | open (before window) | — |  |
    | Nội vụ | task | 20/3 | in progress | overdue | 7 |
    | Nội vụ | task | 5/2 | done 5/2 | on time |  |
    | Nội vụ | monthly task, period 1 | 20/1 | done 20/1 | on time |  |
    | Nội vụ | monthly task, period 2 | 20/2 | done 24/2 | late | 2 |
    | Nội vụ | monthly task, period 3 | 20/3 | done 19/3 | on time |  |
    | VHTTDL | task | 3/3 | done 3/3 | on time |  |
    | VHTTDL | task | 31/3 | done 31/3 | on time |  |
    | VP UBND | task (leader Sơn) | 28/2 | done 2/4 | overdue | 21 |
    | Tràng Định | task | 31/3 | in progress | not yet due |  |

    Default formula: 100 × (on time + ½ late) / due − min(average working days late, 10):
    VHTTDL 100 (xuất sắc, 1st); Ngoại vụ 100 × 2.5/3 − 2 = 81.3 (tốt, 2nd);
    Nội vụ 100 × 3.5/5 − 4.5 = 65.5 (hoàn thành, 3rd); VP 0 − 10 → 0 (không hoàn thành, 4th);
    Tràng Định nothing due (chưa đánh giá, unranked).
    """
    agencies = load_registry((FIXTURES / "agencies_small.yaml").read_text("utf-8"), "yaml")
    with db.write() as s:
        load_agencies(s, agencies)
        ids = {a.name: a.id for a in s.query(AgencyRow)}
        directives = [
            DirectiveRow(kind="TB", number="5/TB-UBND", issued_on=D(2024, 12, 20), leader=HUYEN,
                         subject="Kết luận giao ban quý I", registered_by="t"),
            DirectiveRow(kind="TB", number="9/TB-UBND", issued_on=D(2025, 1, 6), leader=SON,
                         subject="Kết luận về công tác văn phòng", registered_by="t"),
        ]  # fmt: skip
        s.add_all(directives)
        s.flush()
        for i, (d, lead, deadline, state, done) in enumerate(TASKS, 1):
            s.add(_evaluation_task(directives[d].id, str(i), ids[lead], deadline, state, done))
        monthly = _evaluation_task(
            directives[0].id, "R", ids[NV], D(2025, 3, 20), "done", D(2025, 3, 19)
        )
        monthly.recurrence = "monthly:20"
        s.add(monthly)
        s.flush()
        for seq, starts, deadline, done in PERIODS:
            s.add(TaskPeriodRow(task_id=monthly.id, seq=seq, starts=starts,
                                original_deadline=deadline, deadline=deadline, state="done",
                                completed_on=done))  # fmt: skip
    return ids


def _evaluation_task(
    directive_id: int, ref: str, lead: int, deadline: date, state: str, done: date | None
) -> TaskRow:
    return TaskRow(
        directive_id=directive_id,
        ref=ref,
        content=f"Nhiệm vụ {ref}",
        lead_agency_id=lead,
        state=state,
        deadline=deadline,
        original_deadline=deadline,
        completed_on=done,
    )


def restored_copy(db: Database, blank_db: Database, tmp_path: Path) -> Database:
    """`blank_db` holding `db` backed up and restored (`dondoc backup` / `restore`'s functions);
    the calling test is skipped when the two are not the same dialect."""
    import pytest

    from storage import backup
    from storage.migrate import upgrade

    if blank_db.dialect != db.dialect:
        pytest.skip("one dialect at a time")
    archive = tmp_path / "b.tar.gz"
    backup.backup(db, tmp_path / "up", archive)
    upgrade(blank_db)
    backup.restore(blank_db, tmp_path / "up2", archive)
    return blank_db
