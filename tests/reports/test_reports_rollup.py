"""Rollup figures against the hand-computed fixture, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from reports.model import Counts
from reports.periods import Cutoff, PeriodKind, period_containing, recent_periods
from reports.rollup import ScopeError, build_rollup, resolve_scope
from storage.db import Database
from tests.reports.test_reports_data import AS_OF, HUYEN, NGV, NV, SON, VH, seed


def test_periods_follow_the_nd09_cut_off() -> None:
    march = period_containing(date(2025, 3, 14), PeriodKind.MONTH, Cutoff.ND09)
    assert (march.label, march.start, march.end) == (
        "Tháng 3/2025",
        date(2025, 2, 15),
        date(2025, 3, 14),
    )
    april = period_containing(date(2025, 3, 15), PeriodKind.MONTH, Cutoff.ND09)
    assert april.label == "Tháng 4/2025"
    year = period_containing(date(2025, 12, 15), PeriodKind.YEAR, Cutoff.ND09)
    assert (year.label, year.start, year.end) == (
        "Năm 2026",
        date(2025, 12, 15),
        date(2026, 12, 14),
    )
    q1 = period_containing(date(2025, 1, 5), PeriodKind.QUARTER, Cutoff.ND09)
    assert (q1.label, q1.start, q1.end) == ("Quý I/2025", date(2024, 12, 15), date(2025, 3, 14))
    half = period_containing(date(2025, 6, 14), PeriodKind.HALF, Cutoff.ND09)
    assert (half.start, half.end) == (date(2024, 12, 15), date(2025, 6, 14))
    calendar_q = period_containing(date(2025, 3, 31), PeriodKind.QUARTER, Cutoff.CALENDAR)
    assert (calendar_q.start, calendar_q.end) == (date(2025, 1, 1), date(2025, 3, 31))
    months = recent_periods(date(2025, 1, 20), PeriodKind.MONTH, Cutoff.ND09, 3)
    assert [p.label for p in months] == ["Tháng 12/2024", "Tháng 1/2025", "Tháng 2/2025"]


def test_totals_and_rate_across_bucket_boundaries(db: Database) -> None:
    seed(db)
    with db.read() as s:
        r = build_rollup(s, AS_OF)
    # done on the deadline day and done after an approved extension are on time; cancelled
    # is not counted; awaiting confirmation is overdue; done on the as-of day counts as done.
    assert r.totals == Counts(
        open_on_time=2, open_overdue=2, done_on_time=2, done_late=2, ongoing=1
    )
    assert r.totals.total == 9
    assert r.totals.on_time_rate == pytest.approx(2 / 6)
    assert (r.period.label, r.previous_as_of) == ("Tháng 3/2025", date(2025, 2, 28))
    assert r.previous_totals == Counts(open_on_time=6, open_overdue=1, done_on_time=1, ongoing=1)


def test_groupings_by_agency_leader_directive(db: Database) -> None:
    seed(db)
    with db.read() as s:
        r = build_rollup(s, AS_OF)
    agencies = {row.label: row for row in r.by_agency}
    assert agencies[NGV].counts == Counts(done_on_time=1, done_late=1, ongoing=1)
    assert agencies[NV].counts == Counts(open_on_time=2, done_on_time=1, done_late=1)
    assert agencies[VH].counts == Counts(open_overdue=2)
    assert agencies[VH].counts.on_time_rate == 0
    assert agencies[NGV].counts.on_time_rate == 0.5
    assert agencies[VH].previous == Counts(open_overdue=1, open_on_time=1)
    assert r.by_agency[0].label == VH  # the most overdue first
    leaders = {row.label: row.counts.total for row in r.by_leader}
    assert leaders == {HUYEN: 7, SON: 2}
    assert [(row.label, row.counts.total) for row in r.by_directive] == [
        ("45/TB-UBND", 7),
        ("12/TB-UBND", 2),
    ]
    assert r.by_directive[0].detail.startswith("Kết luận của Phó Chủ tịch")


def test_overdue_list_longest_first_working_days_across_tet(db: Database) -> None:
    ids = seed(db)
    with db.read() as s:
        r = build_rollup(s, AS_OF)
    assert [t.task_id for t in r.overdue] == [ids["task8"], ids["task7"]]
    tet, late = r.overdue
    # 24/1/2025 → 10/3/2025: 45 calendar days; Tết 25/1–2/2/2025 is off, so 26 working days.
    assert (tet.days_calendar, tet.days_working) == (45, 26)
    assert (late.days_calendar, late.days_working) == (3, 1)  # Fri 7/3 → Mon 10/3
    assert late.coordinators == (NGV, NV)
    assert late.state == "awaiting_confirmation"


def test_extensions_and_nd09_periods(db: Database) -> None:
    ids = seed(db)
    with db.read() as s:
        calendar = build_rollup(s, AS_OF)
        nd09 = build_rollup(s, AS_OF, cutoff=Cutoff.ND09, trend_periods=3)
    assert [(e.task_id, e.old_deadline, e.new_deadline) for e in calendar.extensions] == [
        (ids["task3"], date(2025, 2, 20), date(2025, 3, 20))
    ]
    assert calendar.extensions[0].decided_on == date(2025, 2, 18)
    assert calendar.extensions_in_period == 0  # decided in February
    assert nd09.extensions_in_period == 1  # 15/2–14/3 covers 18/2
    assert (nd09.period.start, nd09.previous_as_of) == (date(2025, 2, 15), date(2025, 2, 14))
    by_period = {row.label: row.counts for row in nd09.by_period}
    assert by_period["Tháng 3/2025"] == Counts(
        done_on_time=1, done_late=2, open_overdue=1, open_on_time=1
    )
    assert by_period["Tháng 2/2025"] == Counts(open_overdue=1)
    assert by_period["Tháng 1/2025"] == Counts()
    by_month = {row.label: row.counts for row in calendar.by_period}
    assert by_month["Tháng 2/2025"] == Counts(done_on_time=1, done_late=1)
    assert by_month["Tháng 3/2025"] == Counts(
        done_on_time=1, done_late=1, open_overdue=1, open_on_time=2
    )
    trend = [(p.period.label, p.counts.open_overdue) for p in nd09.trend]
    assert trend == [("Tháng 1/2025", 0), ("Tháng 2/2025", 1), ("Tháng 3/2025", 2)]


def test_scope_filters_and_unknown_names(db: Database) -> None:
    seed(db)
    with db.read() as s:
        scope = resolve_scope(s, leader="đoàn thanh sơn")
        assert scope.leader == SON
        assert build_rollup(s, AS_OF, scope).totals == Counts(done_late=1, open_on_time=1)
        agency = resolve_scope(s, agency="Sở Văn hoá, Thể thao và Du lịch")
        assert build_rollup(s, AS_OF, agency).totals == Counts(open_overdue=2)
        one = resolve_scope(s, directive="12/TB-UBND")
        assert build_rollup(s, AS_OF, one).totals.total == 2
        for kwargs in ({"leader": "Nobody"}, {"agency": "Sở Không Có"}, {"directive": "9/X"}):
            with pytest.raises(ScopeError):
                resolve_scope(s, **kwargs)


def test_a_directive_issued_later_is_not_in_earlier_figures(db: Database) -> None:
    seed(db)
    with db.write() as s:
        from storage.models import AgencyRow, DirectiveRow, TaskRow

        late = DirectiveRow(
            kind="TB",
            number="50/TB-UBND",
            issued_on=date(2025, 3, 5),
            leader=HUYEN,
            registered_by="t",
        )
        s.add(late)
        s.flush()
        agency = s.query(AgencyRow).filter(AgencyRow.name == VH).one()
        s.add(
            TaskRow(
                directive_id=late.id,
                ref="1",
                content="Nhiệm vụ mới",
                lead_agency_id=agency.id,
                deadline=date(2025, 3, 6),
            )
        )
    with db.read() as s:
        r = build_rollup(s, AS_OF, cutoff=Cutoff.CALENDAR, trend_periods=2)
    assert r.totals.open_overdue == 3 and r.totals.total == 10
    assert r.previous_totals.total == 9  # at 28/2 the notice of 5/3 did not exist
    assert [p.counts.open_overdue for p in r.trend] == [1, 3]
    agencies = {row.label: row for row in r.by_agency}
    assert agencies[VH].previous == Counts(open_overdue=1, open_on_time=1)
