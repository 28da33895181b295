"""Đánh giá, xếp loại cơ quan: each agency's tasks and periods due in a month, quarter or year,
scored by a configurable formula (dondoc.settings.EvaluationFormula) and ranked.

What is counted: every task whose current deadline (after approved extensions) falls in the
window, and every period (kỳ) of a recurring task whose deadline falls in it, each once;
cancelled ones are left out. Their state is taken at `as_of` (by default the window's last day,
so a closed month's grade does not change afterwards): done on time, done late, still overdue
(quá hạn chưa hoàn thành at `as_of`), or not yet due (only when `as_of` is inside the window).
Working days late use the working-day calendar (holidays, make-up Saturdays): at completion for
a subject done late, at `as_of` for one still overdue; the average is over those two kinds.

Default formula. Grades: Hoàn thành xuất sắc ≥ 90 điểm, tốt ≥ 75, hoàn thành ≥ 50, không hoàn
thành < 50: the scale of Quyết định 1748/QĐ-UBND (2018) of UBND tỉnh Đắk Nông on evaluating the
annual task completion of its departments and districts (reported by Báo Đắk Nông, 14/11/2018:
http://baodaknong.org.vn/tinh-dak-nong/quy-dinh-tieu-chi-danh-gia-xep-loai-muc-do-hoan-thanh-nhiem-vu-hang-nam-69715.html).
The score itself is ours (we found no published rule scoring tasks by due date that we could
read in full): 100 × (đúng hạn + ½ quá hạn đã xong) / đã đến hạn − 1 điểm per average working
day late, at most 10. A province replaces weights and thresholds with DONDOC_EVALUATION.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from directives.collation import name_key
from directives.models import Bucket
from directives.vn_format import vn_date, vn_short
from dondoc.settings import EvaluationFormula
from reports.periods import Cutoff, Period, PeriodKind, period_containing
from storage.agencies import agency_ids_by_code
from storage.evaluation_reads import DueGroup, due_groups
from storage.registry_version import cached_registry
from storage.rollup_lookups import agency_names, ended_agency_ids

EXCELLENT = "Hoàn thành xuất sắc nhiệm vụ"
GOOD = "Hoàn thành tốt nhiệm vụ"
PASSED = "Hoàn thành nhiệm vụ"
FAILED = "Không hoàn thành nhiệm vụ"
UNRATED = "Chưa đánh giá"
GRADES = (EXCELLENT, GOOD, PASSED, FAILED)
SOURCE_VI = (
    "Thang xếp loại theo Quyết định số 1748/QĐ-UBND năm 2018 của UBND tỉnh Đắk Nông (xuất sắc"
    " từ 90 điểm, tốt từ 75 điểm, hoàn thành từ 50 điểm); công thức tính điểm do hệ thống đề"
    " xuất, tỉnh có thể thay đổi trong cấu hình."
)
_SPEC = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])|[Hh]([12])))?$")


class EvaluationError(ValueError):
    """A window that cannot be read (e.g. "2026-13")."""


@dataclass(frozen=True)
class AgencyScore:
    """Kết quả đánh giá một cơ quan chủ trì trong kỳ: figures, điểm, xếp loại, thứ hạng."""

    agency_id: int
    name: str
    tasks: int = 0  # nhiệm vụ (không định kỳ) có hạn trong kỳ
    periods: int = 0  # kỳ của nhiệm vụ định kỳ có hạn trong kỳ
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0  # quá hạn chưa hoàn thành at as_of
    not_yet_due: int = 0
    late_days: int = 0  # working days late, summed over done late and overdue
    score: float | None = None
    grade: str = UNRATED
    rank: int | None = None

    @property
    def total(self) -> int:
        return self.tasks + self.periods

    @property
    def due(self) -> int:
        return self.done_on_time + self.done_late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return self.done_on_time / self.due if self.due else None

    @property
    def avg_late_days(self) -> float | None:
        late = self.done_late + self.overdue
        return self.late_days / late if late else None


@dataclass(frozen=True)
class Evaluation:
    """Bảng đánh giá, xếp loại: the window, the date states are taken at, the formula, rows."""

    period: Period
    as_of: date
    formula: EvaluationFormula
    rows: list[AgencyScore] = field(default_factory=list)

    @property
    def basis_vi(self) -> str:
        return (
            f"{self.period.label} ({vn_date(self.period.start)} – {vn_date(self.period.end)});"
            f" tình trạng tính đến ngày {vn_date(self.as_of)}"
        )


def parse_window(spec: str, cutoff: Cutoff = Cutoff.CALENDAR) -> Period:
    """ "2026-03" (month), "2026-Q1" (quarter), "2026-H1" (half-year) or "2026" (year)."""
    found = _SPEC.match(spec.strip())
    if not found or (found.group(2) and not 1 <= int(found.group(2)) <= 12):
        raise EvaluationError(
            f"{spec!r}: give a month 2026-03, a quarter 2026-Q1, a half 2026-H1 or a year 2026"
        )
    year, month, quarter, half = found.groups()
    if month:
        return period_containing(date(int(year), int(month), 1), PeriodKind.MONTH, cutoff)
    if quarter:
        return period_containing(date(int(year), int(quarter) * 3, 1), PeriodKind.QUARTER, cutoff)
    if half:
        return period_containing(date(int(year), int(half) * 6, 1), PeriodKind.HALF, cutoff)
    return period_containing(date(int(year), 12, 1), PeriodKind.YEAR, cutoff)


def window_spec(period: Period) -> str:
    """The spec parse_window reads back: 2026-03, 2026-Q1, 2026-H1, 2026."""
    if period.kind == PeriodKind.MONTH:
        return f"{period.year}-{period.index:02d}"
    if period.kind == PeriodKind.QUARTER:
        return f"{period.year}-Q{period.index}"
    if period.kind == PeriodKind.HALF:
        return f"{period.year}-H{period.index}"
    return str(period.year)


def recent_windows(day: date, cutoff: Cutoff = Cutoff.CALENDAR) -> list[Period]:
    """This and the previous month, quarter and year: the dashboard's choices."""
    found = []
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        now = period_containing(day, kind, cutoff)
        found += [now, now.previous()]
    return found


def score_of(row: AgencyScore, f: EvaluationFormula) -> float | None:
    """The formula's score (0–100, one decimal), or None when fewer than `min_due` fell due."""
    if row.due < f.min_due:
        return None
    earned = f.on_time * row.done_on_time + f.late * row.done_late + f.overdue * row.overdue
    penalty = min(f.per_day_late * (row.avg_late_days or 0.0), f.max_day_penalty)
    raw = max(0.0, min(100.0, 100.0 * earned / row.due - penalty))
    return math.floor(raw * 10 + 0.5) / 10


def grade_of(score: float | None, f: EvaluationFormula) -> str:
    if score is None:
        return UNRATED
    if score >= f.excellent:
        return EXCELLENT
    if score >= f.good:
        return GOOD
    return PASSED if score >= f.passing else FAILED


def rank(rows: list[AgencyScore], f: EvaluationFormula) -> list[AgencyScore]:
    """Scored and graded, best first (score, then on-time rate, then more due); equal scores
    share a rank; agencies with nothing due follow, unranked, in alphabetical order."""
    scored = [_graded(r, f) for r in rows]
    rated = [r for r in scored if r.score is not None]
    rated.sort(key=lambda r: (-(r.score or 0), -(r.on_time_rate or 0), -r.due, name_key(r.name)))
    out: list[AgencyScore] = []
    for i, row in enumerate(rated):
        same = out and out[-1].score == row.score
        out.append(_with(row, rank=out[-1].rank if same else i + 1))
    unrated = sorted((r for r in scored if r.score is None), key=lambda r: name_key(r.name))
    return out + unrated


def evaluate(
    session: Session,
    period: Period,
    formula: EvaluationFormula = EvaluationFormula(),
    as_of: date | None = None,
    *,
    leader: str | None = None,
    directive_id: int | None = None,
) -> Evaluation:
    """Figures, scores and ranks of every agency with something due in `period`."""
    day = as_of or period.end
    lead_day = min(day, period.end)
    groups = due_groups(
        session, period.start, period.end, day, lead_day, leader=leader, directive_id=directive_id
    )
    groups = _to_successors(session, groups, lead_day)
    names = _names(session, {g.agency_id for g in groups})
    rows = [_row(agency, names[agency], gs) for agency, gs in _by_agency(groups).items()]
    return Evaluation(period, day, formula, rank(rows, formula))


def _by_agency(groups: list[DueGroup]) -> dict[int, list[DueGroup]]:
    found: dict[int, list[DueGroup]] = {}
    for g in groups:
        found.setdefault(g.agency_id, []).append(g)
    return found


def _row(agency_id: int, name: str, groups: list[DueGroup]) -> AgencyScore:
    def n(bucket: Bucket) -> int:
        return sum(g.count for g in groups if g.bucket == bucket.value)

    return AgencyScore(
        agency_id=agency_id,
        name=name,
        tasks=sum(g.count for g in groups if g.kind == "task"),
        periods=sum(g.count for g in groups if g.kind == "period"),
        done_on_time=n(Bucket.DONE_ON_TIME),
        done_late=n(Bucket.DONE_LATE),
        overdue=n(Bucket.OPEN_OVERDUE),
        not_yet_due=n(Bucket.OPEN_ON_TIME),
        late_days=sum(g.late_days for g in groups),
    )


def _graded(row: AgencyScore, f: EvaluationFormula) -> AgencyScore:
    score = score_of(row, f)
    return _with(row, score=score, grade=grade_of(score, f))


def _with(row: AgencyScore, **changes: Any) -> AgencyScore:
    return replace(row, **changes)


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    found = agency_names(session, ids)
    return {i: found.get(i, str(i)) for i in ids}


def _to_successors(session: Session, groups: list[DueGroup], day: date) -> list[DueGroup]:
    """A task of an agency that had ended by `day` (closed before its handover) counts under
    its default successor then, as storage.succession_reads does for the rollup."""
    ended = ended_agency_ids(session, day)
    if not ended & {g.agency_id for g in groups}:
        return groups
    registry = cached_registry(session)
    ids = agency_ids_by_code(session)
    code_of = {v: k for k, v in ids.items()}
    out = []
    for g in groups:
        if g.agency_id in ended:
            heir = registry.default_successor(code_of[g.agency_id], day)
            if heir is not None:
                g = DueGroup(ids[heir.code], g.bucket, g.kind, g.count, g.late_days)
        out.append(g)
    return out


def formula_vi(f: EvaluationFormula) -> str:
    """The formula and the grade thresholds in words, with the figures in force."""
    n = vn_short
    return (
        f"Điểm = 100 × ({n(f.on_time)} × số hoàn thành đúng hạn + {n(f.late)} × số hoàn thành"
        f" quá hạn + {n(f.overdue)} × số quá hạn chưa hoàn thành) / số nhiệm vụ, kỳ đã đến hạn"
        f" − {n(f.per_day_late)} điểm × số ngày làm việc chậm bình quân (trừ tối đa"
        f" {n(f.max_day_penalty)} điểm). Xếp loại: {EXCELLENT} từ {n(f.excellent)} điểm;"
        f" {GOOD} từ {n(f.good)} điểm; {PASSED} từ {n(f.passing)} điểm; dưới"
        f" {n(f.passing)} điểm: {FAILED}; cơ quan có dưới {f.min_due} nhiệm vụ, kỳ đã đến hạn:"
        f" {UNRATED.lower()}."
    )
