"""Drafts the parser proposes (dự thảo nhiệm vụ) before the secretariat confirms them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from directives.models import DeadlineKind


@dataclass(frozen=True, slots=True)
class TextSource:
    """Where a notice's text came from (nguồn văn bản): typed text, a file's layout, or OCR.

    `low_confidence` are spans of the normalised text whose words OCR was unsure of;
    `confidence` is the mean word confidence (0-100) of an OCR reading.
    """

    origin: str = "text"  # text, docx, html, pdf, ocr
    low_confidence: tuple[tuple[int, int], ...] = ()
    confidence: float | None = None
    warnings: tuple[str, ...] = ()


class TaskDraft(BaseModel):
    """Nhiệm vụ đề xuất: one task read from a directive, with where it came from."""

    ref: str
    text: str
    lead: str | None = None  # as written in the document
    lead_code: str | None = None  # registry match
    coordinators: list[str] = Field(default_factory=list)
    coordinator_codes: list[str | None] = Field(default_factory=list)
    deadline: date | None = None
    deadline_kind: DeadlineKind = DeadlineKind.NONE
    deadline_text: str | None = None
    recurring: bool = False
    recurrence: str | None = None  # e.g. "monthly:20"
    recurrence_until: date | None = None  # the rule's end ("đến hết năm 2027"), if written
    inherited_deadline: bool = False  # set once in the section's opening
    span: tuple[int, int] = (0, 0)  # offsets into DirectiveDraft.text
    section: str | None = None  # a task table's group row ("I. Lĩnh vực kinh tế") above the row
    warnings: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "text": self.text,
            "lead": self.lead,
            "coordinators": list(self.coordinators),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_text": self.deadline_text,
            "recurring": self.recurring,
            "warnings": list(self.warnings),
            "lead_code": self.lead_code,
            "coordinator_codes": list(self.coordinator_codes),
            "deadline_kind": self.deadline_kind.value,
            "recurrence": self.recurrence,
            "recurrence_until": (
                self.recurrence_until.isoformat() if self.recurrence_until else None
            ),
            "inherited_deadline": self.inherited_deadline,
            "span": list(self.span),
            "section": self.section,
        }


class DirectiveDraft(BaseModel):
    """Văn bản chỉ đạo đề xuất: header fields and the tasks read from the text."""

    doc_type: str | None = None
    number: str | None = None
    issued: date | None = None
    place: str | None = None
    issuer: str | None = None
    leader: str | None = None
    leader_title: str | None = None
    meeting_date: date | None = None
    signer: str | None = None
    subject: str | None = None
    recipients: list[str] = Field(default_factory=list)
    text: str = ""  # the normalised text task spans refer to
    origin: str = "text"  # text, docx, html, pdf, ocr (see TextSource)
    ocr_confidence: float | None = None
    low_confidence: list[tuple[int, int]] = Field(default_factory=list)  # spans of `text`
    tasks: list[TaskDraft] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        """The DESIGN.md shape first, then the extra keys."""
        return {
            "doc_type": self.doc_type,
            "number": self.number,
            "issued": self.issued.isoformat() if self.issued else None,
            "issuer": self.issuer,
            "leader": self.leader,
            "signer": self.signer,
            "subject": self.subject,
            "tasks": [t.to_json_dict() for t in self.tasks],
            "warnings": list(self.warnings),
            "leader_title": self.leader_title,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "place": self.place,
            "recipients": list(self.recipients),
            "origin": self.origin,
            "ocr_confidence": self.ocr_confidence,
            "low_confidence": [list(s) for s in self.low_confidence],
        }
