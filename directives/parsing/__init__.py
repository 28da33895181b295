"""Notice → tasks: read a directive's text (TB, CT, KH, CV) into a draft with proposed tasks.

The genre has no parsing library: the regexes in this package are hand-written from Nghị định
30/2020 layout rules and observed documents (see the shared domain notes §3). The parser only
proposes; the secretariat confirms. Every task keeps its source span and the guesses it made.
"""

from __future__ import annotations

import re
from dataclasses import replace

from directives.agencies import AgencyRegistry, fold
from directives.calendar import DEFAULT_CALENDAR, WorkCalendar
from directives.drafts import DirectiveDraft, TaskDraft, TextSource
from directives.parsing.header import NOT_DIRECTIVES, Header, read_header
from directives.parsing.names import Mention, agency_at
from directives.parsing.ocr_names import repair_names
from directives.parsing.source import with_source
from directives.parsing.structure import build_tree
from directives.parsing.table import TableReader, split_tables
from directives.parsing.tasks import Assembler, Context
from directives.parsing.text import Paragraph, normalise, paragraphs

__all__ = ["NoticeError", "parse_notice"]

_JUNK = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")
_MEETING_WITH = re.compile(r"làm việc (?:với|tại)\s+")
# "Các nhiệm vụ cụ thể tại Phụ lục kèm theo": a pointer to the task table, not a task.
_APPENDIX_NOTE = re.compile(r"(?i)\b(?:tại|theo|trong)\s+(?:các\s+)?(?:phụ lục|biểu|bảng)\b")
_ANCHOR = re.compile(r"(?:kết luận|chỉ đạo|yêu cầu|ý kiến|giao)[^.:]{0,80}(?:như sau|sau)\s*:")


HEADERLESS = (
    "no document number, type or date found (a web copy?): tasks read from the body only, "
    "check the header fields"
)


class NoticeError(ValueError):
    """The text cannot be read as a directive: empty, binary junk, or no task section."""


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise NoticeError("expected text")
    if not text.strip():
        raise NoticeError("empty text: nothing to parse")
    sample = text[:3000]
    junk = len(_JUNK.findall(sample))
    letters = sum(map(str.isalpha, sample))
    if junk > max(8, len(sample) // 50) or letters < len(sample.strip()) // 4:
        raise NoticeError("binary junk, not text: is this the right file?")
    return text


def _default_lead(
    h: Header, paras: list[Paragraph], registry: AgencyRegistry | None
) -> Mention | None:
    if len(h.addressees) == 1:
        name = h.addressees[0]
        found = agency_at(name, fold(name), 0, registry)
        if found:
            return found
    first = paras[h.body[0]].text if h.body[0] < len(paras) else ""
    for text in (h.subject or "", first):
        folded = fold(text)
        m = _MEETING_WITH.search(folded)
        if m:
            found = agency_at(text, folded, m.end(), registry)
            if found:
                return found
    return None


def parse_notice(
    text: str,
    registry: AgencyRegistry | None = None,
    calendar: WorkCalendar | None = None,
    source: TextSource | None = None,
) -> DirectiveDraft:
    """Parse a directive's text into a draft; NoticeError if it cannot be one.

    `source` says how the text was read (see directives.formats); its OCR spans refer to the
    normalised text, which a reader hands in already normalised.
    """
    clean = normalise(_check_text(text))
    if source is not None and source.origin == "ocr":
        clean, source, fixes = repair_names(clean, source, registry)
        source = replace(source, warnings=source.warnings + tuple(fixes))
    paras, tables = split_tables(paragraphs(clean))
    h = read_header(paras)
    if h.doc_type in NOT_DIRECTIVES:
        raise NoticeError(f"no task section: this is a {h.doc_type}, not a directive")
    body = paras[h.body[0] : h.body[1]]
    warnings = list(h.warnings)
    if (
        h.number is None
        and h.doc_type is None
        and not tables
        and not any(_ANCHOR.search(p.text) for p in body)
    ):
        # A portal's copy keeps only the title and the body: read its explicit assignments
        # anyway and say so; a text with none (a news item) is still refused below.
        warnings.append(HEADERLESS)
    root = build_tree(body, warnings, fold(clean))
    lead = _default_lead(h, paras, registry)
    ctx = Context(lead=lead, lead_source="meeting" if lead else "")
    asm = Assembler(h.issued, registry, calendar or DEFAULT_CALENDAR)
    tasks = asm.run(root, ctx)
    if tables:
        reader = TableReader(h.issued, registry, calendar or DEFAULT_CALENDAR, lead)
        tasks = [t for t in tasks if not (t.lead is None and _APPENDIX_NOTE.search(t.text))]
        tasks = sorted(tasks + [t for tb in tables for t in reader.tasks(tb)], key=_start)
    if not tasks:
        raise NoticeError("no task section: no assignments found in the text")
    draft = DirectiveDraft(
        doc_type=h.doc_type,
        number=h.number,
        issued=h.issued,
        place=h.place,
        issuer=h.issuer,
        leader=h.leader,
        leader_title=h.leader_title,
        meeting_date=h.meeting_date,
        signer=h.signer,
        subject=h.subject,
        recipients=h.recipients or h.addressees,
        text=clean,
        tasks=tasks,
        warnings=warnings + asm.warnings,
    )
    return with_source(draft, source) if source else draft


def _start(task: TaskDraft) -> int:
    return task.span[0]
