"""Domain models of dondoc: task states, deadline kinds, buckets, agencies, update kinds,
extension decisions and outbox statuses.

Pure data: no I/O, no imports of other dondoc packages.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field


class TaskState(StrEnum):
    """Trạng thái xử lý nhiệm vụ (workflow), separate from the report bucket."""

    NEW = "new"  # mới giao
    IN_PROGRESS = "in_progress"  # đang thực hiện
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # chờ xác nhận hoàn thành
    DONE = "done"  # đã hoàn thành (Văn phòng đã xác nhận)
    PAUSED = "paused"  # tạm dừng
    CANCELLED = "cancelled"  # hủy / thu hồi


OPEN_STATES = frozenset({TaskState.NEW, TaskState.IN_PROGRESS, TaskState.AWAITING_CONFIRMATION})
CLOSED_STATES = frozenset({TaskState.DONE, TaskState.CANCELLED})


class DeadlineKind(StrEnum):
    """Loại thời hạn: ngày cụ thể, cuối kỳ, ngày làm việc, định kỳ, thường xuyên, theo sự kiện."""

    FIXED = "fixed"  # trước ngày 10/5/2026
    PERIOD_END = "period_end"  # trong Quý II/2024 -> 30/6/2024
    WORKING_DAYS = "working_days"  # trong 10 ngày làm việc kể từ ...
    RECURRING = "recurring"  # định kỳ hằng tháng trước ngày 20
    NONE = "none"  # thường xuyên / không thời hạn
    EVENT = "event"  # ngay sau khi ... (no date: the secretariat sets it)


class Bucket(StrEnum):
    """Nhóm báo cáo tại một ngày (as-of): the 2x2 grid of Vietnamese rollups plus thường xuyên."""

    OPEN_ON_TIME = "open_on_time"  # đang thực hiện trong hạn
    OPEN_OVERDUE = "open_overdue"  # quá hạn chưa hoàn thành
    DONE_ON_TIME = "done_on_time"  # hoàn thành đúng hạn
    DONE_LATE = "done_late"  # hoàn thành quá hạn
    ONGOING = "ongoing"  # thường xuyên / không thời hạn
    AWAITING_DEADLINE = "awaiting_deadline"  # chờ xác định thời hạn (theo sự kiện, chưa có ngày)


BUCKET_LABELS_VI: dict[Bucket, str] = {
    Bucket.OPEN_ON_TIME: "Đang thực hiện trong hạn",
    Bucket.OPEN_OVERDUE: "Quá hạn chưa hoàn thành",
    Bucket.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Bucket.DONE_LATE: "Hoàn thành quá hạn",
    Bucket.ONGOING: "Thường xuyên / không thời hạn",
    Bucket.AWAITING_DEADLINE: "Chờ xác định thời hạn",
}

STATE_LABELS_VI: dict[TaskState, str] = {
    TaskState.NEW: "Mới giao",
    TaskState.IN_PROGRESS: "Đang thực hiện",
    TaskState.AWAITING_CONFIRMATION: "Chờ xác nhận",
    TaskState.DONE: "Đã hoàn thành",
    TaskState.PAUSED: "Tạm dừng",
    TaskState.CANCELLED: "Đã hủy",
}


class Agency(BaseModel):
    """Cơ quan, đơn vị (sở, ban, ngành, UBND huyện/xã) or a group of them (nhóm cơ quan)."""

    code: str
    name: str
    kind: str = "department"  # province, office, department, board, center, district, armed, group
    aliases: list[str] = Field(default_factory=list)
    members: list[str] = Field(default_factory=list)  # codes of member agencies, for groups
    email: str | None = None
    head_email: str | None = None  # thủ trưởng cơ quan, for escalation
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def is_group(self) -> bool:
        return self.kind == "group"


class UpdateKind(StrEnum):
    """Loại cập nhật: tiến độ, báo cáo hoàn thành, xác nhận, trả lại, ghi chú."""

    PROGRESS = "progress"
    COMPLETION = "completion"
    CONFIRM = "confirm"
    RETURN = "return"
    NOTE = "note"


class ExtensionDecision(StrEnum):
    """Kết quả xử lý đề nghị gia hạn."""

    PENDING = "pending"  # chờ duyệt
    APPROVED = "approved"  # đồng ý gia hạn
    REFUSED = "refused"  # không đồng ý


class OutboxStatus(StrEnum):
    """Trạng thái thư đi: chờ gửi, đang gửi, đã gửi, gửi lỗi, đã hủy."""

    PENDING = "pending"  # chờ gửi (again after a temporary failure)
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # given up: an admin may retry it
    CANCELLED = "cancelled"  # never to be sent
