"""What a rollup holds: counts per bucket, groups, overdue tasks, extensions, trend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from directives.rollup_model import Counts as Counts
from directives.rollup_model import Scope as Scope
from reports.periods import Period

RATE_FORMULA_VI = (
    "Tỷ lệ hoàn thành đúng hạn = Hoàn thành đúng hạn / (Hoàn thành đúng hạn + Hoàn thành quá hạn"
    " + Quá hạn chưa hoàn thành) × 100%, tính trên các nhiệm vụ đã đến hạn; không tính nhiệm vụ"
    " đang thực hiện trong hạn, nhiệm vụ thường xuyên (không thời hạn) và nhiệm vụ đã hủy."
    " Nhiệm vụ chờ xác nhận hoàn thành được tính là chưa hoàn thành; hạn xử lý là hạn hiện hành"
    " sau các lần gia hạn đã được đồng ý."
)


@dataclass(frozen=True)
class GroupRow:
    """One line of a grouping (an agency, a directive, a leader or a period)."""

    key: str
    label: str
    counts: Counts
    previous: Counts | None = None
    detail: str = ""  # e.g. the directive's subject (trích yếu)


@dataclass(frozen=True)
class TaskLine:
    """A task as listed in reports; days late are 0 unless overdue or done late."""

    task_id: int
    directive_number: str
    ref: str
    content: str
    lead: str
    coordinators: tuple[str, ...]
    deadline: date | None
    original_deadline: date | None
    state: str
    bucket: str
    days_calendar: int
    days_working: int | None  # None when the calendar table does not cover the dates


@dataclass(frozen=True)
class PeriodLine:
    """Một kỳ of a recurring task whose deadline falls in the report's period."""

    task_id: int
    directive_number: str
    ref: str
    content: str
    lead: str
    seq: int
    deadline: date
    state: str
    completed_on: date | None
    bucket: str


@dataclass(frozen=True)
class ExtensionGranted:
    task_id: int
    directive_number: str
    content: str
    lead: str
    old_deadline: date | None
    new_deadline: date | None
    decided_on: date | None


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    as_of: date  # the period's end, or the report date for the running period
    counts: Counts  # open_overdue, done_on_time and done_late are filled


@dataclass(frozen=True)
class Rollup:
    as_of: date
    period: Period
    previous_as_of: date
    scope: Scope
    totals: Counts
    previous_totals: Counts
    by_agency: list[GroupRow]
    by_directive: list[GroupRow]
    by_leader: list[GroupRow]
    by_period: list[GroupRow]
    trend: list[TrendPoint]
    overdue: list[TaskLine]
    extensions: list[ExtensionGranted]
    extensions_in_period: int
    directives_shown_of: int = 0  # how many directives the scope has (by_directive may be cut)
    notes: list[str] = field(default_factory=list)
    periods_due: list[PeriodLine] = field(default_factory=list)  # kỳ due in the report period

    @property
    def overdue_total(self) -> int:
        return self.totals.open_overdue
