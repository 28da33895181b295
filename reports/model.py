"""What a rollup holds: counts per bucket, groups, overdue tasks, extensions, trend."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from directives.labels import cited
from directives.models import Bucket
from reports.periods import Period

if TYPE_CHECKING:
    from sqlalchemy import RowMapping

RATE_FORMULA_VI = (
    "Tỷ lệ hoàn thành đúng hạn = Hoàn thành đúng hạn / (Hoàn thành đúng hạn + Hoàn thành quá hạn"
    " + Quá hạn chưa hoàn thành) × 100%, tính trên các nhiệm vụ đã đến hạn; không tính nhiệm vụ"
    " đang thực hiện trong hạn, nhiệm vụ thường xuyên (không thời hạn) và nhiệm vụ đã hủy."
    " Nhiệm vụ chờ xác nhận hoàn thành được tính là chưa hoàn thành; hạn xử lý là hạn hiện hành"
    " sau các lần gia hạn đã được đồng ý."
)


@dataclass(frozen=True)
class Counts:
    """Số nhiệm vụ theo nhóm tình trạng at one as-of date (cancelled tasks are not counted)."""

    open_on_time: int = 0
    open_overdue: int = 0
    done_on_time: int = 0
    done_late: int = 0
    ongoing: int = 0
    awaiting_deadline: int = 0  # chờ xác định thời hạn (left out of on-time ratios too)

    @classmethod
    def of(cls, by_bucket: Mapping[str, int] | RowMapping) -> Counts:
        return cls(**{b.value: int(by_bucket.get(b.value, 0) or 0) for b in Bucket})

    def get(self, bucket: Bucket) -> int:
        return int(getattr(self, bucket.value))

    @property
    def total(self) -> int:
        return sum(self.get(b) for b in Bucket)

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def due(self) -> int:
        """Tasks whose deadline has come: the denominator of the on-time rate."""
        return self.done_on_time + self.done_late + self.open_overdue

    @property
    def on_time_rate(self) -> float | None:
        """done_on_time / (done_on_time + done_late + open_overdue); None when nothing is due."""
        return self.done_on_time / self.due if self.due else None


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
class Scope:
    """What the rollup covers; None means no filter. Labels are for titles."""

    leader: str | None = None
    agency_id: int | None = None
    agency_name: str | None = None
    directive_id: int | None = None
    directive_number: str | None = None
    agency_at: str = (
        "asof"  # count a task under its lead at the as-of date, or "then" (see reports.succession)
    )

    @property
    def title_vi(self) -> str:
        parts = []
        if self.directive_number:
            parts.append(f"theo {cited(self.directive_number)}")
        if self.leader:
            parts.append(f"do đồng chí {self.leader} chỉ đạo")
        if self.agency_name:
            parts.append(f"của {self.agency_name} (chủ trì)")
        return " ".join(parts)


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
