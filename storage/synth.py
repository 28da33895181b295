"""Synthetic directives and tasks for benchmarks (`dondoc synth`), written by bulk inserts.

SQLite gets DBAPI executemany of tuples, PostgreSQL gets COPY: the ORM would take minutes
for a million rows. It lives in storage/ although it is benchmark data: the rows are generated
in each table's column order and the driver's format (ISO text for SQLite, dates for COPY), from
the next ids read here, around dropped indexes and paused tally triggers; the generator cannot
be split from the SQL that writes it without a second copy of the columns and formats.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from directives.calendar import DEFAULT_CALENDAR
from storage import coordinator_sort, data_stamp, tally
from storage.db import Database
from storage.models import AgencyRow, DirectiveRow, TaskCoordinator, TaskRow

CHUNK = 50_000
_Row = tuple[Any, ...]  # one row for a bulk insert, in the order of its columns
LEADERS = ["Dương Xuân Huyên", "Đoàn Thanh Sơn", "Lương Trọng Quỳnh", "Nguyễn Đăng Bình"]
VERBS = [
    "Rà soát",
    "Tham mưu",
    "Xây dựng kế hoạch",
    "Tổ chức thực hiện",
    "Báo cáo kết quả",
    "Hoàn thiện đề án",
    "Kiểm tra, đôn đốc",
    "Phối hợp triển khai",
]
TOPICS = [
    "cửa khẩu thông minh",
    "chuyển đổi số",
    "giải phóng mặt bằng",
    "xúc tiến đầu tư",
    "cải cách hành chính",
    "quản lý biên giới",
    "du lịch cộng đồng",
    "nông thôn mới",
]
TASK_COLS = [
    "id",
    "directive_id",
    "ref",
    "content",
    "lead_agency_id",
    "lead_text",
    "state",
    "progress",
    "deadline_kind",
    "deadline_text",
    "original_deadline",
    "deadline",
    "completed_on",
    "next_reminder_on",
    "warnings",
    "created_at",
    "updated_at",
    "version",
]
DIRECTIVE_COLS = [
    "id",
    "kind",
    "number",
    "issued_on",
    "issuer",
    "leader",
    "leader_title",
    "subject",
    "recipients",
    "source_text",
    "registered_by",
    "registered_at",
]


def synthesize(
    db: Database,
    n_tasks: int,
    seed: int = 1,
    today: date | None = None,
    on_progress: Callable[[int], None] = lambda n: None,
) -> dict[str, Any]:
    """Create `n_tasks` tasks (about 12 per directive) spread over 2024–2026."""
    started = time.perf_counter()
    gen = _Generator(db, seed, today or datetime.now(UTC).date())
    stats: dict[str, float] = {"directives": 0, "tasks": 0, "coordinators": 0}
    with (
        db.engine.begin() as conn,
        tally.triggers_off(conn),
        coordinator_sort.triggers_off(conn),
        data_stamp.triggers_off(conn),
        _indexes_dropped(conn),
    ):
        for directives, tasks, coords in gen.chunks(n_tasks):
            _bulk(conn, DirectiveRow.__tablename__, DIRECTIVE_COLS, directives)
            _bulk(conn, TaskRow.__tablename__, TASK_COLS, tasks)
            _bulk(conn, TaskCoordinator.__tablename__, ["task_id", "agency_id"], coords)
            for k, rows in (("directives", directives), ("tasks", tasks), ("coordinators", coords)):
                stats[k] += len(rows)
            on_progress(len(tasks))
        _reset_sequences(conn)
    stats["seconds"] = time.perf_counter() - started
    return stats


class _Generator:
    def __init__(self, db: Database, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.sqlite = db.dialect == "sqlite"
        with db.read() as s:
            rows = s.execute(sa.select(AgencyRow.id, AgencyRow.kind)).all()
            self.next_directive = (s.scalar(sa.select(sa.func.max(DirectiveRow.id))) or 0) + 1
            self.next_task = (s.scalar(sa.select(sa.func.max(TaskRow.id))) or 0) + 1
        self.agencies: list[int] = [i for i, kind in rows if kind != "group"]
        if not self.agencies:
            raise ValueError("no agencies: load the registry first")
        start, end = date(2024, 1, 1), date(2026, 12, 31)
        days = list(DEFAULT_CALENDAR.days(start, end + timedelta(days=30)))
        self.work_days = [d for d, w in days if w and d <= end]
        self.rolled = _rolled(days)
        self.iso: dict[date, str] = {}
        self.now = self._ts(datetime.now(UTC))

    def chunks(self, n_tasks: int) -> Iterator[tuple[list[_Row], list[_Row], list[_Row]]]:
        made = 0
        while made < n_tasks:
            directives: list[_Row] = []
            tasks: list[_Row] = []
            coords: list[_Row] = []
            while len(tasks) < CHUNK and made < n_tasks:
                size = min(self.rng.randint(4, 20), n_tasks - made)
                directives.append(self._directive())
                for ref in range(1, size + 1):
                    task, task_coords = self._task(directives[-1], ref)
                    tasks.append(task)
                    coords.extend(task_coords)
                made += size
            yield directives, tasks, coords

    def _directive(self) -> _Row:
        did = self.next_directive
        self.next_directive += 1
        issued = self.rng.choice(self.work_days[:-120])
        return (
            did,
            "TB",
            f"{did}/TB-UBND",
            self._d(issued),
            "UBND tỉnh Lạng Sơn",
            self.rng.choice(LEADERS),
            "Phó Chủ tịch UBND tỉnh",
            f"Kết luận buổi làm việc số {did}",
            "[]",
            "",
            "synth",
            self.now,
        )

    def _task(self, directive: _Row, ref: int) -> tuple[_Row, list[_Row]]:
        rng, tid = self.rng, self.next_task
        self.next_task += 1
        issued = date.fromisoformat(directive[3]) if self.sqlite else directive[3]
        lead = self._agency()
        n_coords = (0, 0, 1, 2)[int(rng.random() * 4)]
        coords = [(tid, a) for a in {self._agency() for _ in range(n_coords)} - {lead}]
        content = f"{VERBS[tid % len(VERBS)]} {TOPICS[(tid // 7) % len(TOPICS)]} (nhiệm vụ {ref})"
        deadline = None
        if rng.random() >= 0.1:
            deadline = self.rolled[issued + timedelta(days=10 + int(rng.random() * 190))]
        state, completed, progress = self._progress(deadline)
        next_reminder = None
        if state != "done":
            next_reminder = (deadline - timedelta(days=7)) if deadline else issued + timedelta(30)
        row = (
            tid,
            directive[0],
            f"{ref}",
            content,
            lead,
            None,
            state,
            progress,
            "fixed" if deadline else "none",
            None,
            self._d(deadline),
            self._d(deadline),
            self._d(completed),
            self._d(next_reminder),
            "[]",
            self.now,
            self.now,
            1,
        )
        return row, coords

    def _agency(self) -> int:
        return self.agencies[int(self.rng.random() * len(self.agencies))]

    def _progress(self, deadline: date | None) -> tuple[str, date | None, int]:
        rng = self.rng
        if deadline is None:
            return "in_progress", None, rng.randint(0, 90)
        past = deadline < self.today
        if rng.random() < (0.7 if past else 0.15):
            late = past and rng.random() < 0.25
            done = (
                deadline + timedelta(days=rng.randint(1, 40))
                if late
                else deadline - timedelta(days=rng.randint(0, 20))
            )
            return "done", min(done, self.today), 100
        return rng.choice(("new", "in_progress", "in_progress")), None, rng.randint(0, 90)

    def _d(self, value: date | None) -> Any:
        if not self.sqlite or value is None:
            return value
        text = self.iso.get(value)
        if text is None:
            text = self.iso[value] = value.isoformat()
        return text

    def _ts(self, value: datetime) -> Any:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value


@contextmanager
def _indexes_dropped(conn: sa.Connection) -> Iterator[None]:
    """On SQLite, building the task indexes once after the load beats updating them per row."""
    if conn.dialect.name != "sqlite":
        yield
        return
    indexes = [i for i in TaskRow.__table__.indexes]
    for index in indexes:
        index.drop(conn)
    yield
    for index in indexes:
        index.create(conn)


def _rolled(days: list[tuple[date, bool]]) -> dict[date, date]:
    """Each day mapped to itself or the next working day, computed once."""
    rolled, upcoming = {}, None
    for day, working in reversed(days):
        upcoming = day if working else upcoming
        if upcoming is not None:
            rolled[day] = upcoming
    return rolled


def _bulk(conn: sa.Connection, table: str, cols: list[str], rows: list[_Row]) -> None:
    if not rows:
        return
    raw = conn.connection.driver_connection
    assert raw is not None  # a live connection
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(cols))
        raw.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
        return
    cursor = raw.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(v) if isinstance(v, list) else v for v in row])


def _reset_sequences(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in ("directive", "task"):
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
