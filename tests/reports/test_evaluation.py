"""Agency evaluation (đánh giá, xếp loại) against a hand-computed fixture (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from dondoc.settings import EvaluationFormula, Settings, settings_problem
from reports.evaluation import (
    EXCELLENT,
    FAILED,
    GOOD,
    PASSED,
    UNRATED,
    EvaluationError,
    evaluate,
    parse_window,
)
from storage.db import Database
from tests.factories import HUYEN, NGV, NV, TD, VH, VP, seed_evaluation

Q1 = parse_window("2025-Q1")


def _by_name(ev):  # type: ignore[no-untyped-def]
    return {r.name: r for r in ev.rows}


def test_figures_of_each_agency_at_the_window_end(db: Database) -> None:
    seed_evaluation(db)
    with db.read() as s:
        ev = evaluate(s, Q1)
    assert ev.as_of == date(2025, 3, 31)
    rows = _by_name(ev)
    figures = {
        name: (r.tasks, r.periods, r.done_on_time, r.done_late, r.overdue, r.not_yet_due,
               r.late_days)
        for name, r in rows.items()
    }  # fmt: skip
    assert figures == {
        NGV: (3, 0, 2, 1, 0, 0, 2),  # cancelled, before and after the window left out
        NV: (2, 3, 3, 1, 1, 0, 9),  # the monthly task's three periods, not its task row
        VH: (2, 0, 2, 0, 0, 0, 0),
        VP: (1, 0, 0, 0, 1, 0, 21),  # done 2/4: still overdue at the window's end
        TD: (1, 0, 0, 0, 0, 1, 0),  # due on the last day, not done: still in time
    }
    assert rows[NGV].on_time_rate == pytest.approx(2 / 3)
    assert rows[NGV].avg_late_days == 2  # 24/1 → 4/2 across Tết: two working days
    assert rows[NV].avg_late_days == 4.5
    assert rows[TD].on_time_rate is None


def test_scores_grades_and_ranking_by_the_default_formula(db: Database) -> None:
    seed_evaluation(db)
    with db.read() as s:
        ev = evaluate(s, Q1)
    assert [(r.rank, r.name, r.score, r.grade) for r in ev.rows] == [
        (1, VH, 100.0, EXCELLENT),
        (2, NGV, 81.3, GOOD),
        (3, NV, 65.5, PASSED),
        (4, VP, 0.0, FAILED),
        (None, TD, None, UNRATED),
    ]


def test_a_later_as_of_date_counts_late_completions_and_new_overdue(db: Database) -> None:
    seed_evaluation(db)
    with db.read() as s:
        ev = evaluate(s, Q1, as_of=date(2025, 4, 7))
    rows = _by_name(ev)
    assert (rows[VP].done_late, rows[VP].overdue, rows[VP].late_days) == (1, 0, 23)
    assert (rows[TD].overdue, rows[TD].late_days) == (1, 4)  # 31/3 → 7/4, Giỗ Tổ is off
    assert rows[NV].late_days == 2 + 11


def test_a_month_and_a_leader(db: Database) -> None:
    seed_evaluation(db)
    with db.read() as s:
        march = evaluate(s, parse_window("2025-03"))
        huyen = evaluate(s, Q1, leader=HUYEN)
    rows = _by_name(march)
    assert (rows[NV].tasks, rows[NV].periods, rows[NV].due) == (1, 1, 2)
    assert set(rows) == {NGV, NV, VH, TD}
    assert VP not in _by_name(huyen)


def test_a_province_formula_from_settings_changes_grades_and_ranks(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_evaluation(db)
    monkeypatch.setenv("DONDOC_EVALUATION", '{"late": 1, "per_day_late": 0, "good": 80}')
    formula = Settings().evaluation
    with db.read() as s:
        ev = evaluate(s, Q1, formula)
    assert [(r.rank, r.name, r.score, r.grade) for r in ev.rows][:3] == [
        (1, VH, 100.0, EXCELLENT),
        (1, NGV, 100.0, EXCELLENT),  # an equal score shares the rank
        (3, NV, 80.0, GOOD),
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"excellent": 70}', "DONDOC_EVALUATION: thresholds must fall: excellent (70.0)"),
        ('{"late": 1.5}', "DONDOC_EVALUATION late: Input should be less than or equal to 1"),
        ('{"late": 0.8, "on_time": 0.5}', "weights must fall: on_time (0.5) ≥ late (0.8)"),
        ('{"bonus": 5}', "DONDOC_EVALUATION bonus: Extra inputs are not permitted"),
        ("{late: 1", "DONDOC_EVALUATION: not valid JSON"),
    ],
)
def test_bad_formula_settings_are_refused_with_one_message(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("DONDOC_EVALUATION", value)
    with pytest.raises(Exception) as caught:
        Settings()
    assert message in settings_problem(caught.value)
    assert "\n" not in settings_problem(caught.value)


def test_windows() -> None:
    assert (Q1.start, Q1.end, Q1.label) == (date(2025, 1, 1), date(2025, 3, 31), "Quý I/2025")
    assert parse_window("2026").label == "Năm 2026"
    assert parse_window("2026-h2").start == date(2026, 7, 1)
    assert parse_window("2026-02").end == date(2026, 2, 28)
    for bad in ("2026-13", "2026-Q5", "26-01", "tháng 3"):
        with pytest.raises(EvaluationError):
            parse_window(bad)
    with pytest.raises(ValidationError):
        EvaluationFormula(passing=0)


def test_sqlite_reads_only_the_window_from_the_deadline_indexes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The cost follows what fell due in the window: both reads start from a deadline index."""
    import sqlite3

    from sqlalchemy import event

    from storage.evaluation_reads import due_groups
    from storage.migrate import upgrade

    db = Database(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(db)
    statements: list[tuple[str, tuple]] = []
    event.listen(
        db.engine, "before_cursor_execute", lambda c, cur, st, p, *_: statements.append((st, p))
    )
    with db.read() as s:
        due_groups(s, Q1.start, Q1.end, Q1.end, Q1.end)
    db.dispose()
    plans = []
    with sqlite3.connect(tmp_path / "plan.db") as conn:
        for st, params in statements:
            if "GROUP BY" in st:
                rows = conn.execute(f"EXPLAIN QUERY PLAN {st}", params)
                plans.append(" | ".join(r[3] for r in rows))
    assert len(plans) == 2
    assert "SEARCH task USING INDEX ix_task__deadline (deadline>? AND deadline<?)" in plans[0]
    assert "USING INDEX ix_task_periods__deadline (deadline>? AND deadline<?)" in plans[1]
    assert not any("SCAN task" in p for p in plans)


MERGED = """
agencies:
  - {code: so-kh-dt, name: Sở Kế hoạch và Đầu tư}
  - {code: so-tai-chinh, name: Sở Tài chính}
successions:
  - {from: so-kh-dt, "on": 2025-03-01, kind: merger, to: [so-tai-chinh]}
"""


def test_agencies_are_named_as_at_the_window_end(db: Database) -> None:
    """Sở KH&ĐT merged into Sở Tài chính on 1/3/2025: its January task, closed before the
    merger, counts under Sở KH&ĐT in January and under Sở Tài chính in the quarter."""
    from directives.agencies import load_registry
    from storage.agencies import load_agencies
    from storage.models import AgencyRow, DirectiveRow, TaskRow

    with db.write() as s:
        load_agencies(s, load_registry(MERGED, "yaml"))
        ids = {a.code: a.id for a in s.query(AgencyRow)}
        d = DirectiveRow(
            kind="TB", number="1/TB-UBND", issued_on=date(2025, 1, 2), registered_by="t"
        )
        s.add(d)
        s.flush()
        for ref, code, deadline, done in (
            ("1", "so-kh-dt", date(2025, 1, 20), date(2025, 1, 20)),
            ("2", "so-tai-chinh", date(2025, 3, 10), None),
        ):
            s.add(TaskRow(directive_id=d.id, ref=ref, content=ref, lead_agency_id=ids[code],
                          state="done" if done else "in_progress", deadline=deadline,
                          original_deadline=deadline, completed_on=done))  # fmt: skip
    with db.read() as s:
        january = evaluate(s, parse_window("2025-01"))
        quarter = evaluate(s, Q1)
    assert [(r.name, r.done_on_time) for r in january.rows] == [("Sở Kế hoạch và Đầu tư", 1)]
    assert [(r.name, r.done_on_time, r.overdue) for r in quarter.rows] == [("Sở Tài chính", 1, 1)]
