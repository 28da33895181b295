"""From a notice to a directive on the secretariat's page: parse, show, apply the corrections."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import UploadFile

from directives.agencies import AgencyRegistry
from directives.calendar import DEFAULT_CALENDAR
from directives.drafts import DirectiveDraft, TextSource
from directives.formats import SUFFIXES, Extracted
from directives.models import DeadlineKind
from directives.parsing import parse_notice
from directives.recurrence import UNTIL_BEFORE_START
from dondoc.settings import Settings
from intake import limits_from, read_notice
from web.schemas import RegisterIn, TaskChoice, clean_form, form_errors
from web.uploads import read_limited

COORD_SEPARATORS = (";", "\n")  # names contain commas, so never split on commas
ACCEPT = ",".join(SUFFIXES)


def parse(text: str, registry: AgencyRegistry, source: TextSource | None = None) -> DirectiveDraft:
    return parse_notice(text, registry, DEFAULT_CALENDAR, source)


def read_upload(upload: UploadFile, settings: Settings) -> Extracted:
    """The text of an uploaded notice (OCR for scans); NoticeError or TaskOpError if refused."""
    limits = limits_from(settings)
    data = read_limited(upload, limits.max_bytes)
    return read_notice(data, upload.filename or "notice.txt", limits)


def source_fields(draft: DirectiveDraft) -> dict[str, str]:
    """Hidden form fields that carry how the text was read through the review form."""
    spans = " ".join(f"{a}-{b}" for a, b in draft.low_confidence)
    confidence = "" if draft.ocr_confidence is None else str(draft.ocr_confidence)
    return {"origin": draft.origin, "low_confidence": spans, "ocr_confidence": confidence}


def source_from(values: dict[str, Any]) -> TextSource | None:
    """TextSource from the review form's hidden fields (None for typed text)."""
    origin = str(values.get("origin") or "text")
    if origin == "text":
        return None
    spans = []
    for part in str(values.get("low_confidence") or "").split():
        a, _, b = part.partition("-")
        if a.isdigit() and b.isdigit():
            spans.append((int(a), int(b)))
    try:
        confidence = float(values.get("ocr_confidence") or "") or None
    except ValueError:
        confidence = None
    return TextSource(origin[:10], tuple(spans[:5000]), confidence)


def split_names(value: str) -> list[str]:
    for sep in COORD_SEPARATORS[1:]:
        value = value.replace(sep, COORD_SEPARATORS[0])
    return [n.strip() for n in value.split(COORD_SEPARATORS[0]) if n.strip()]


def choices_from_form(
    values: dict[str, Any], count: int
) -> tuple[list[TaskChoice], dict[str, str]]:
    """One TaskChoice per proposed task, from the fields lead_i, coordinators_i, deadline_i."""
    choices: list[TaskChoice] = []
    errors: dict[str, str] = {}
    for i in range(count):
        row = clean_form(
            {
                "index": i,
                "include": f"include_{i}" in values,
                "lead": values.get(f"lead_{i}", ""),
                "deadline": values.get(f"deadline_{i}", ""),
                "recurrence": values.get(f"recurrence_{i}", ""),
                "recurrence_until": values.get(f"recurrence_until_{i}", ""),
            }
        )
        row["coordinators"] = split_names(values.get(f"coordinators_{i}", ""))
        try:
            choices.append(TaskChoice.model_validate(row))
        except ValidationError as exc:
            errors |= {f"{k}_{i}": v for k, v in form_errors(exc).items()}
    return choices, errors


def apply(
    draft: DirectiveDraft, body: RegisterIn, registry: AgencyRegistry
) -> tuple[DirectiveDraft, dict[str, str]]:
    """The draft with the secretariat's corrections; errors keyed by form field."""
    errors = _index_errors(body, len(draft.tasks))
    if errors:
        return draft, errors
    by_index = {c.index: c for c in body.tasks}
    tasks = []
    for i, task in enumerate(draft.tasks):
        choice = by_index.get(i)
        if choice is None:
            tasks.append(task)
            continue
        if not choice.include:
            continue
        lead = registry.agencies.get(choice.lead or "")
        if lead is None:
            errors[f"lead_{i}"] = "Chọn cơ quan chủ trì trong danh mục."
            continue
        codes = [_code(n, registry, draft) for n in choice.coordinators or []]
        kind = task.deadline_kind
        if choice.deadline is not None and kind in (DeadlineKind.NONE, DeadlineKind.EVENT):
            kind = DeadlineKind.FIXED
        recurrence = choice.recurrence or task.recurrence
        if choice.recurrence:
            kind = DeadlineKind.RECURRING
        until = choice.recurrence_until or task.recurrence_until
        if until is not None and draft.issued is not None and until < draft.issued:
            errors[f"recurrence_until_{i}"] = UNTIL_BEFORE_START
            continue
        tasks.append(
            task.model_copy(
                update={
                    "lead": lead.name,
                    "lead_code": lead.code,
                    "coordinators": list(choice.coordinators or []),
                    "coordinator_codes": codes,
                    "deadline": choice.deadline,
                    "deadline_kind": kind,
                    "recurrence": recurrence,
                    "recurrence_until": until if recurrence else None,
                }
            )
        )
    if not tasks and not errors:
        errors["_form"] = "Không còn nhiệm vụ nào được chọn để vào sổ."
    header = {"number": body.number or draft.number, "leader": body.leader or draft.leader}
    return draft.model_copy(update=header | {"tasks": tasks}), errors


def _index_errors(body: RegisterIn, count: int) -> dict[str, str]:
    """A choice for a task the draft does not have, or two for one task: refused, not ignored."""
    errors, seen = {}, set()
    for k, choice in enumerate(body.tasks):
        if choice.index >= count:
            errors[f"tasks.{k}.index"] = (
                f"Không có nhiệm vụ số {choice.index}: dự thảo có {count} nhiệm vụ "
                f"(chỉ số từ 0 đến {count - 1})."
            )
        elif choice.index in seen:
            errors[f"tasks.{k}.index"] = f"Nhiệm vụ số {choice.index} được chọn hai lần."
        seen.add(choice.index)
    return errors


def _code(name: str, registry: AgencyRegistry, draft: DirectiveDraft) -> str | None:
    if name in registry.agencies:
        return name
    agency = registry.resolve(name, draft.issued).agency
    return agency.code if agency else None


def unmatched(draft: DirectiveDraft) -> dict[int, list[str]]:
    """Coordinator names that match no agency (they will not be tracked), per task."""
    result = {}
    for i, task in enumerate(draft.tasks):
        codes = task.coordinator_codes or [None] * len(task.coordinators)
        missing = [n for n, c in zip(task.coordinators, codes, strict=False) if c is None]
        if missing:
            result[i] = missing
    return result
