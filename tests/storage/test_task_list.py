"""The task list in SQL (storage/task_list.py), SQLite and PostgreSQL: every filter against the
rule applied task by task, every sort paged by cursor (no row lost or repeated, equal to the
unpaged sorted list, back again by prev_cursor), the search ignoring diacritics and case, and
the search key kept by updates, `dondoc synth` and a restore."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from directives.buckets import bucket
from directives.models import Bucket, TaskState
from directives.normalize import search_key
from storage import task_list
from storage.db import Database
from storage.models import DirectiveRow, TaskRow
from storage.queries import TaskFilter
from storage.synth import synthesize
from storage.task_list import TaskQuery
from tests.factories import World, build_world, restored_copy

AS_OF = date(2025, 6, 30)
VIETNAMESE = "Đôn đốc ĂÂÊÔƠƯ ăâêôơư àáảãạ ỳýỷỹỵ Ờ Ữ ệ quản lý biên giới"


@pytest.fixture
def world(db: Database, small_agencies) -> World:  # type: ignore[no-untyped-def]
    built = build_world(db, small_agencies, with_tokens=False)
    synthesize(db, 240, seed=3, today=AS_OF)
    return built


def everything(db: Database) -> list[TaskRow]:
    with db.read() as s:
        stmt = sa.select(TaskRow).options(sa.orm.selectinload(TaskRow.coordinators),
                                          sa.orm.selectinload(TaskRow.directive),
                                          sa.orm.selectinload(TaskRow.lead),
                                          sa.orm.undefer(TaskRow.search_key))  # fmt: skip
        return list(s.scalars(stmt))


def ids(db: Database, query: TaskQuery, seen: TaskFilter = TaskFilter()) -> list[int]:
    with db.read() as s:
        got = task_list.page(s, replace(query, limit=task_list.MAX_LIMIT), seen)
        assert got.total == len(got.rows) or got.next_cursor
        out = [t.id for t, _ in got.rows]
        while got.next_cursor:
            got = task_list.page(s, replace(query, limit=task_list.MAX_LIMIT,
                                            cursor=got.next_cursor), seen)  # fmt: skip
            out += [t.id for t, _ in got.rows]
        return out


def test_search_key_is_the_python_key(db: Database, world: World) -> None:
    with db.write() as s:
        task = s.get(TaskRow, world.tasks["so-ngoai-vu"][0])
        assert task is not None
        task.content = VIETNAMESE
    (row,) = [t for t in everything(db) if t.id == world.tasks["so-ngoai-vu"][0]]
    d = row.directive
    assert row.search_key == search_key(f"{VIETNAMESE} {d.number} {d.subject or ''}")
    assert "don doc aaeoou aaeoou aaaaa yyyyy o u e quan ly bien gioi" in row.search_key


def involves(task: TaskRow, agency: int) -> bool:
    return task.lead_agency_id == agency or agency in {a.id for a in task.coordinators}


def test_every_filter(db: Database, world: World) -> None:
    rows = everything(db)
    agency = world.agency_ids["so-ngoai-vu"]
    leader = next(t.directive.leader for t in rows if t.directive.leader)
    base = TaskQuery(as_of=AS_OF, sort="id")
    cases = {
        "agency": (replace(base, agency_id=agency), lambda t: involves(t, agency)),
        "lead_only": (replace(base, agency_id=agency, lead_only=True),
                      lambda t: t.lead_agency_id == agency),
        "directive": (replace(base, directive_id=world.directive_id),
                      lambda t: t.directive_id == world.directive_id),
        "leader": (replace(base, leader=leader), lambda t: t.directive.leader == leader),
        "bucket": (replace(base, bucket=Bucket.OPEN_OVERDUE),
                   lambda t: bucket(t, AS_OF) == Bucket.OPEN_OVERDUE),
        "state": (replace(base, state=TaskState.DONE), lambda t: t.state == "done"),
        "due": (replace(base, due_from=date(2025, 1, 1), due_to=date(2025, 3, 31)),
                lambda t: t.deadline is not None and date(2025, 1, 1) <= t.deadline
                <= date(2025, 3, 31)),
        "on time, due soon": (replace(base, bucket=Bucket.OPEN_ON_TIME, due_to=date(2025, 9, 30)),
                              lambda t: bucket(t, AS_OF) == Bucket.OPEN_ON_TIME
                              and t.deadline is not None and t.deadline <= date(2025, 9, 30)),
        "recurring": (replace(base, kind="recurring"), lambda t: t.recurrence is not None),
        "event": (replace(base, kind="event"), lambda t: t.deadline_kind == "event"),
        "q": (replace(base, q="BIEN GIỚI"), lambda t: "bien gioi" in (t.search_key or "")),
    }  # fmt: skip
    for name, (query, keep) in cases.items():
        expected = sorted(t.id for t in rows if keep(t))
        assert expected or name in ("recurring", "event"), name
        assert ids(db, query) == expected, name
    with db.read() as s:  # the tab bar: every bucket counted in SQL, the other filters kept
        counts = task_list.bucket_counts(s, replace(base, agency_id=agency, bucket=Bucket.ONGOING))
    mine = [
        t for t in rows if t.lead_agency_id == agency or agency in {a.id for a in t.coordinators}
    ]
    for b in Bucket:
        assert counts.get(b.value, 0) == sum(bucket(t, AS_OF) == b for t in mine)


def test_visibility_narrows_every_query(db: Database, world: World) -> None:
    agency = world.agency_ids["so-ngoai-vu"]
    seen = TaskFilter(agency_id=agency)
    rows = everything(db)
    mine = {t.id for t in rows if t.lead_agency_id == agency
            or agency in {a.id for a in t.coordinators}}  # fmt: skip
    assert set(ids(db, TaskQuery(as_of=AS_OF), seen)) == mine
    other = world.agency_ids["so-noi-vu"]
    both = set(ids(db, TaskQuery(as_of=AS_OF, agency_id=other), seen))
    assert both == {t.id for t in rows if t.id in mine and (t.lead_agency_id == other
                    or other in {a.id for a in t.coordinators})}  # fmt: skip


def _sorted(rows: list[TaskRow], sort: str, desc: bool) -> list[int]:
    def key(t: TaskRow) -> tuple:
        value = {"deadline": t.deadline or task_list.NO_DEADLINE, "registered": t.created_at,
                 "lead": t.lead.name, "state": t.state, "id": t.id}[sort]  # fmt: skip
        return (value, t.id)

    return [t.id for t in sorted(rows, key=key, reverse=desc)]


@pytest.mark.parametrize("sort", task_list.SORT_KEYS)
def test_cursor_paging_every_sort(db: Database, world: World, sort: str) -> None:
    rows = everything(db)
    with db.read() as s:
        for desc in (False, True):
            query = TaskQuery(as_of=AS_OF, sort=sort, desc=desc, limit=17)  # type: ignore[arg-type]
            pages, got = [], task_list.page(s, query)
            pages.append([t.id for t, _ in got.rows])
            assert got.prev_cursor is None and got.total == len(rows)
            while got.next_cursor:
                got = task_list.page(s, replace(query, cursor=got.next_cursor))
                pages.append([t.id for t, _ in got.rows])
            flat = [i for p in pages for i in p]
            if sort != "lead":  # Python orders names by code point; the database by collation
                assert flat == _sorted(rows, sort, desc), (sort, desc)
            assert sorted(flat) == sorted(t.id for t in rows)  # none lost, none repeated
            with db.read() as s2:
                unpaged = task_list.all_ids(s2, query, TaskFilter(), 10_000)
            assert flat == unpaged
            back = [[t.id for t, _ in got.rows]]
            while got.prev_cursor:  # and back again, page by page
                got = task_list.page(s, replace(query, cursor=got.prev_cursor))
                back.insert(0, [t.id for t, _ in got.rows])
            assert back == pages


def test_bad_cursor(db: Database, world: World) -> None:
    with db.read() as s, pytest.raises(task_list.BadCursor):
        task_list.page(s, TaskQuery(as_of=AS_OF, cursor="bm90IGEgY3Vyc29y"))


def test_search_with_and_without_diacritics(db: Database, world: World) -> None:
    rows = everything(db)
    border = sorted(t.id for t in rows if "biên giới" in t.content.lower())
    assert border
    for q in ("bien gioi", "biên giới", "BIÊN GIỚI", "  Bien   Gioi "):
        assert ids(db, TaskQuery(as_of=AS_OF, sort="id", q=q)) == border, q
    short = sorted(t.id for t in rows if " ly " in f" {t.search_key} ")
    assert set(short) <= set(ids(db, TaskQuery(as_of=AS_OF, sort="id", q="lý")))  # LIKE
    assert ids(db, TaskQuery(as_of=AS_OF, q="khongcodau zzz")) == []
    assert ids(db, TaskQuery(as_of=AS_OF, q='50% "_')) == []  # quoted, never an error


def test_search_key_follows_updates(db: Database, world: World) -> None:
    task_id = world.tasks["so-ngoai-vu"][0]
    with db.write() as s:
        task = s.get(TaskRow, task_id)
        assert task is not None
        task.content = "Khảo sát đường tuần tra"
    assert ids(db, TaskQuery(as_of=AS_OF, q="duong tuan tra")) == [task_id]
    with db.write() as s:
        directive = s.get(DirectiveRow, world.directive_id)
        assert directive is not None
        directive.number = "999/TB-UBND"
    found = ids(db, TaskQuery(as_of=AS_OF, sort="id", q="999/tb"))
    assert task_id in found and len(found) == len(everything_of(db, world.directive_id))
    with db.write() as s:
        s.delete(s.get(TaskRow, task_id))
    assert ids(db, TaskQuery(as_of=AS_OF, q="duong tuan tra")) == []


def everything_of(db: Database, directive_id: int) -> list[int]:
    return [t.id for t in everything(db) if t.directive_id == directive_id]


def test_search_key_after_restore(db: Database, world: World, blank_db: Database,
                                  tmp_path: Path) -> None:  # fmt: skip
    copy = restored_copy(db, blank_db, tmp_path)
    expected = ids(db, TaskQuery(as_of=AS_OF, sort="id", q="biên giới"))
    assert expected and ids(copy, TaskQuery(as_of=AS_OF, sort="id", q="bien gioi")) == expected


def test_counts_stop_at_the_cap(db: Database, world: World) -> None:
    every = TaskQuery(as_of=AS_OF)
    with db.read() as s:
        exact = task_list.total(s, every, cap=None)
        assert exact > 20 and task_list.total(s, every) == exact  # under COUNT_CAP: exact
        assert task_list.total(s, every, cap=20) == 21  # past the cap: cap + 1, a lower bound
        assert task_list.bucket_counts(s, every, cap=20) is None
        counts = task_list.bucket_counts(s, every, cap=exact)
        assert counts == task_list.bucket_counts(s, every) and counts is not None
        assert sum(counts.values()) <= exact  # cancelled tasks have no bucket


def test_tab_counts_give_the_total(db: Database, world: World) -> None:
    """One reading gives the tabs and the total, as counting each apart does (or says it can't)."""
    agency = world.agency_ids["so-ngoai-vu"]
    queries = [
        TaskQuery(as_of=AS_OF),
        TaskQuery(as_of=AS_OF, agency_id=agency),
        TaskQuery(as_of=AS_OF, bucket=Bucket.OPEN_OVERDUE),
        TaskQuery(as_of=AS_OF, q="bien"),
    ]
    with db.read() as s:
        for query in queries:
            for cap in (None, 10_000, 5):
                counts, total = task_list.counts_and_total(s, query, cap=cap)
                assert counts == task_list.bucket_counts(s, query, cap=cap), (query, cap)
                if total is not None:
                    assert total == task_list.total(s, query, cap=cap), (query, cap)
                else:
                    assert counts is None and query.bucket is not None


def _keys_agree(db: Database) -> None:
    """Every coordination's copied key is its task's deadline (or the no-deadline date)."""
    with db.read() as s:
        wrong = s.execute(sa.text(
            "SELECT c.task_id FROM task_coordinator c JOIN task t ON t.id = c.task_id "
            "WHERE c.deadline_key <> coalesce(t.deadline, '9999-12-31')")).all()  # fmt: skip
    assert wrong == []


def _agency_pages(db: Database, query: TaskQuery, seen: TaskFilter = TaskFilter()) -> list[int]:
    """The list read page by page forward, checked against reading it back by prev_cursor."""
    with db.read() as s:
        got = task_list.page(s, query, seen)
        pages = [[t.id for t, _ in got.rows]]
        while got.next_cursor:
            got = task_list.page(s, replace(query, cursor=got.next_cursor), seen)
            pages.append([t.id for t, _ in got.rows])
        back = [[t.id for t, _ in got.rows]]
        while got.prev_cursor:
            got = task_list.page(s, replace(query, cursor=got.prev_cursor), seen)
            back.insert(0, [t.id for t, _ in got.rows])
    assert back == pages
    return [i for p in pages for i in p]


def test_one_agency_by_deadline_in_both_halves(db: Database, world: World) -> None:
    """An agency's list by deadline (read from the lead and the coordination sort indexes) is
    the sorted rule, page by page both ways, after deadlines move and coordinations are added,
    with a task it both leads and coordinates listed once; the same for its officer's view."""
    _keys_agree(db)  # synth's bulk load filled the copies
    agency = world.agency_ids["so-ngoai-vu"]
    with db.write() as s:
        coordinated = s.scalars(sa.select(TaskRow).where(TaskRow.coordinators.any(id=agency))
                                .order_by(TaskRow.id).limit(3)).all()  # fmt: skip
        coordinated[0].deadline = date(2030, 1, 1)  # moves to the end of the coordinated half
        coordinated[1].deadline = None
        led = s.scalars(sa.select(TaskRow).where(TaskRow.lead_agency_id == agency)
                        .order_by(TaskRow.id).limit(1)).one()  # fmt: skip
        led.deadline = date(2019, 1, 1)
        s.execute(sa.text("INSERT INTO task_coordinator (task_id, agency_id) VALUES (:t, :a)"),
                  {"t": led.id, "a": agency})  # fmt: skip
    _keys_agree(db)
    rows = [t for t in everything(db) if involves(t, agency)]
    for desc in (False, True):
        for limit in (1, 7, 50):
            query = TaskQuery(as_of=AS_OF, agency_id=agency, desc=desc, limit=limit)
            assert _agency_pages(db, query) == _sorted(rows, "deadline", desc), (desc, limit)
    mine = TaskFilter(agency_id=agency)
    assert _agency_pages(db, TaskQuery(as_of=AS_OF, limit=9), mine) == _sorted(rows, "deadline",
                                                                               False)  # fmt: skip
    overdue = TaskQuery(as_of=AS_OF, agency_id=agency, bucket=Bucket.OPEN_OVERDUE, limit=5)
    late = [t for t in rows if bucket(t, AS_OF) == Bucket.OPEN_OVERDUE]
    assert late and _agency_pages(db, overdue) == _sorted(late, "deadline", False)
