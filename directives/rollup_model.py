"""What a rollup counts and over what: counts per bucket (storage reads them, reports show them)
and the scope of a rollup (the filter storage applies; its title for reports)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from directives.labels import cited
from directives.models import Bucket


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
    def of(cls, by_bucket: Mapping[Any, Any]) -> Counts:
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
class Scope:
    """What the rollup covers; None means no filter. Labels are for titles."""

    leader: str | None = None
    agency_id: int | None = None
    agency_name: str | None = None
    directive_id: int | None = None
    directive_number: str | None = None
    agency_at: str = "asof"  # lead at the as-of date, or "then" (see storage.succession_reads)

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
