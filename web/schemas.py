"""Input bodies of every form and API call, validated by pydantic, with Vietnamese messages."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from directives.models import Bucket, DeadlineKind, TaskState
from directives.recurrence import validate_rule

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=2000)]
Version = Annotated[int, Field(ge=1, description="the task version you read (optimistic lock)")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProgressIn(_In):
    version: Version
    percent: Annotated[int, Field(ge=0, le=100)]
    note: Note = ""


class CompletionIn(_In):
    version: Version
    done_on: date | None = None  # default: today
    note: Note = ""


class ExtensionIn(_In):
    version: Version
    proposed_deadline: date
    reason: Reason


class NoteIn(_In):
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class ConfirmIn(_In):
    version: Version
    note: Note = ""


class ReturnIn(_In):
    version: Version
    reason: Reason


class DecisionIn(_In):
    version: Version
    approve: bool
    new_deadline: date | None = None  # default: the proposed date
    note: Note = ""


class ProposalIn(_In):
    """Đề xuất của Văn phòng on an extension request the leader decides."""

    approve: bool
    new_deadline: date | None = None  # default: the date the agency asked for
    note: Note = ""


UNTIL_NOT_A_DATE = "Ngày kết thúc định kỳ không hợp lệ (dạng yyyy-mm-dd)."


def until_date(value: Any) -> Any:
    """A recurrence end as given: an ISO date string, else one Vietnamese message."""
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(UNTIL_NOT_A_DATE) from None
    if value is not None and not isinstance(value, (date, str)):
        raise ValueError(UNTIL_NOT_A_DATE)
    return value or None


class TaskEditIn(_In):
    version: Version
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5)] | None = None
    lead: str | None = None  # agency code
    coordinators: list[str] | None = None  # agency codes
    deadline: date | None = None
    clear_deadline: bool = False
    deadline_text: Annotated[str, StringConstraints(max_length=300)] | None = None
    state: str | None = None
    progress: Annotated[int, Field(ge=0, le=100)] | None = None
    recurrence: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = (
        None  # e.g. monthly:20 (RECURRENCE.md); "" removes it
    )
    recurrence_until: date | None = None  # the rule's end: no period due after it
    clear_recurrence_until: bool = False  # the rule runs on with no end

    _until = field_validator("recurrence_until", mode="before")(lambda v: until_date(v))


class PeriodOut(BaseModel):
    """Một kỳ của nhiệm vụ định kỳ, with its own deadline, completion and bucket."""

    seq: int
    starts: date
    deadline: date
    original_deadline: date
    state: TaskState
    progress: int
    reported_done_on: date | None = None
    completed_on: date | None = None
    confirmed_by: str | None = None
    bucket: Bucket | None = None


class TaskOut(BaseModel):
    """A task as the API answers it: its bucket today, deadline kind and, if recurring, its
    periods (the task's own deadline and state are those of its current period)."""

    model_config = ConfigDict(extra="allow")

    id: int
    version: int
    ref: str
    content: str
    state: TaskState
    bucket: Bucket | None = None
    deadline_kind: DeadlineKind
    deadline: date | None = None
    original_deadline: date | None = None
    recurrence: str | None = None
    recurrence_until: date | None = None  # the rule's end (no period due after it)
    current_period: int | None = None
    periods: list[PeriodOut] | None = None


class NoticeIn(_In):
    text: Annotated[str, StringConstraints(min_length=20, max_length=500_000)]


class TaskChoice(_In):
    """The secretariat's corrections to one proposed task, by its position in the draft."""

    index: Annotated[int, Field(ge=0)]
    include: bool = True
    lead: str | None = None  # agency code
    coordinators: list[str] | None = None  # names or codes
    deadline: date | None = None
    recurrence: str | None = None  # a rule (monthly:20…); replaces the parser's
    recurrence_until: date | None = None  # the rule's end; replaces the parser's

    _until = field_validator("recurrence_until", mode="before")(lambda v: until_date(v))

    @field_validator("recurrence")
    @classmethod
    def _rule(cls, value: str | None) -> str | None:
        return validate_rule(value) if value else None  # RecurrenceError is a ValueError


class RegisterIn(NoticeIn):
    number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] | None = None
    leader: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    tasks: list[TaskChoice] = Field(default_factory=list)
    # The secretariat confirms it is a different document from a registered one that has the
    # same number and date or the same text (otherwise refused: 409).
    allow_duplicate: bool = False


_MESSAGES = {
    "missing": "Bắt buộc nhập.",
    "int_parsing": "Phải là một số nguyên.",
    "int_type": "Phải là một số nguyên.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "string_too_short": "Quá ngắn (tối thiểu {min_length} ký tự).",
    "string_too_long": "Quá dài (tối đa {max_length} ký tự).",
    "date_parsing": "Ngày không hợp lệ (dạng yyyy-mm-dd).",
    "date_from_datetime_parsing": "Ngày không hợp lệ (dạng yyyy-mm-dd).",
    "date_type": "Ngày không hợp lệ (dạng yyyy-mm-dd).",
    "bool_parsing": "Giá trị không hợp lệ.",
    "extra_forbidden": "Trường không được phép.",
}


def vi_message(error: Any) -> str:
    template = _MESSAGES.get(error["type"])
    if template is None:
        return str(error["msg"]).removeprefix("Value error, ")
    return template.format(**(error.get("ctx") or {}))


def form_errors(exc: ValidationError) -> dict[str, str]:
    """Field name → Vietnamese message, for showing next to the field on a page."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "_form"
        errors.setdefault(field, vi_message(error))
    return errors


def clean_form(data: dict[str, Any]) -> dict[str, Any]:
    """Form fields as pydantic input: empty strings mean "not given"."""
    return {k: v for k, v in data.items() if not (isinstance(v, str) and v.strip() == "")}
