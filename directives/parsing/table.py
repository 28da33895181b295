"""Task tables (bảng phụ lục / bảng phân công nhiệm vụ) → one task per row, from the columns.

The text reader leaves a task table as pipe rows. Here its columns are named by their header
words (`columns`); each row with an STT is a task whose ref is the STT as written, its lead the
first agency of the lead column, its coordinators the agencies of the coordinators column and
its deadline the deadline column's phrase. A row with no STT continues the row above (a row cut
by a page, a wrapped cell); a row with a roman STT (or a numbered one with nothing but a
heading, followed by sub-numbers) is a group: the section of the rows below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from directives.agencies import AgencyRegistry, fold
from directives.calendar import WorkCalendar
from directives.drafts import TaskDraft
from directives.parsing.columns import header_roles, is_numbering_row
from directives.parsing.deadlines import DeadlineFound, find_deadline
from directives.parsing.matching import resolve
from directives.parsing.names import Mention, agency_list
from directives.parsing.roles import read_roles
from directives.parsing.text import Paragraph, cells, is_pipe_row, key

_ROMAN = re.compile(r"^(?:[IVXL]{1,6}|[A-Z])\.?$")
_PERIODIC = re.compile(r"^(?:hằng|hàng)\s+(?:tuần|tháng|quý|năm)\b")


@dataclass(slots=True)
class TaskTable:
    """A run of pipe rows that is a task table, with its column roles."""

    rows: list[Paragraph]
    roles: list[str | None]
    header_rows: int


@dataclass(slots=True)
class _Row:
    ref: str
    cells: dict[str, str]
    start: int
    end: int
    section: str | None = None
    group: bool = False
    texts: list[str] = field(default_factory=list)


def split_tables(paras: list[Paragraph]) -> tuple[list[Paragraph], list[TaskTable]]:
    """The paragraphs outside task tables, and the task tables."""
    if not any(p.text.startswith("|") for p in paras):
        return paras, []
    rest: list[Paragraph] = []
    tables: list[TaskTable] = []
    i = 0
    while i < len(paras):
        if not is_pipe_row(paras[i].text):
            rest.append(paras[i])
            i += 1
            continue
        j = i
        while j < len(paras) and is_pipe_row(paras[j].text):
            j += 1
        run = paras[i:j]
        found = header_roles([cells(p.text) for p in run])
        if found:
            tables.append(TaskTable(run, found[0], found[1]))
        else:
            rest += run
        i = j
    return rest, tables


def _rows(table: TaskTable) -> list[_Row]:
    header = [cells(p.text) for p in table.rows[: table.header_rows]]
    rows: list[_Row] = []
    for para in table.rows[table.header_rows :]:
        values = cells(para.text)
        if values in header or is_numbering_row(values):
            continue  # a header repeated on the next page, or the (1) (2) (3) row
        named: dict[str, str] = {}
        for role, value in zip(table.roles, values, strict=False):
            if role and value:
                named[role] = f"{named[role]} {value}".strip() if role in named else value
        named = {k: v.replace("<br>", " ") for k, v in named.items()}
        ref = named.pop("ref", "").strip()
        if not ref and rows:
            _join(rows[-1], named, para)
            continue
        rows.append(_Row(ref.rstrip("."), named, para.start, para.end))
    return rows


def _join(row: _Row, more: dict[str, str], para: Paragraph) -> None:
    """A continuation row's cells appended; a capitalised agency cell is one more agency."""
    for role, value in more.items():
        another = role in ("lead", "coordinators") and value[:1].isupper() and row.cells.get(role)
        glue = "; " if another else " "
        row.cells[role] = f"{row.cells.get(role, '')}{glue}{value}".strip("; ")
    row.end = para.end


def _mark_groups(rows: list[_Row]) -> None:
    """Group rows give their heading to the rows below as their section."""
    section: str | None = None
    for i, row in enumerate(rows):
        heading_only = set(row.cells) <= {"content"} or len(set(row.cells.values())) == 1
        nxt = rows[i + 1].ref if i + 1 < len(rows) else ""
        parent = bool(row.ref) and nxt.startswith(row.ref + ".")
        if heading_only and (_ROMAN.match(row.ref) or parent):
            row.group = True
            section = f"{row.ref}. {next(iter(row.cells.values()), '')}".strip(" .")
            continue
        row.section = section


@dataclass(slots=True)
class TableReader:
    """Builds task drafts from task tables with the parser's name and deadline readers."""

    issued: date | None
    registry: AgencyRegistry | None
    calendar: WorkCalendar
    default_lead: Mention | None = None
    warnings: list[str] = field(default_factory=list)

    def tasks(self, table: TaskTable) -> list[TaskDraft]:
        rows = _rows(table)
        _mark_groups(rows)
        return [self._task(row) for row in rows if not row.group and row.cells.get("content")]

    def _task(self, row: _Row) -> TaskDraft:
        content = row.cells["content"]
        warnings: list[str] = []
        leads = self._agencies(row.cells.get("lead", ""))
        coordinators = self._agencies(row.cells.get("coordinators", ""))
        if not leads:
            roles = read_roles(content, fold(content), self.registry)
            if roles.lead:
                leads, coordinators = [roles.lead], coordinators + list(roles.coordinators)
            elif self.default_lead:
                leads = [self.default_lead]
                warnings.append(f"lead implicit: taken from the addressee ({leads[0].text})")
            else:
                warnings.append("no lead agency found")
        if len(leads) > 1:
            warnings.append(f"several leads in the lead column: {leads[0].text} taken first")
        lead = leads[0] if leads else None
        seen = {key(lead.text)} if lead else set()
        others = []
        for m in leads[1:] + coordinators:
            if key(m.text) not in seen:
                seen.add(key(m.text))
                others.append(m)
        draft = TaskDraft(ref=row.ref, text=content, span=(row.start, row.end), section=row.section)
        self._fill(draft, lead, others, self._deadline(row, content), warnings)
        return draft

    def _agencies(self, cell: str) -> list[Mention]:
        cell = cell.strip(" .;")
        if not cell:
            return []
        found = agency_list(cell, fold(cell), 0, self.registry)
        if not found:
            return [Mention(cell, 0, len(cell))]  # a name the readers do not know, as written
        rest = cell[found[-1].end :].lstrip()
        if rest and rest[0] not in ",;(":
            # A cell names agencies only: a name the readers cut short runs to the next ";".
            last = found[-1]
            stop = cell.find(";", last.end)
            stop = len(cell) if stop < 0 else stop
            found[-1] = Mention(cell[last.start : stop].rstrip(" ."), last.start, stop)
        return found

    def _deadline(self, row: _Row, content: str) -> DeadlineFound | None:
        cell = row.cells.get("deadline", "")
        if cell:
            # A deadline column's "Hằng quý" is a recurring report by itself.
            probe = f"định kỳ {cell}" if _PERIODIC.match(fold(cell)) else cell
            found = find_deadline(fold(probe), probe, self.issued, self.calendar, permissive=True)
            if found:
                found.text = cell if probe != cell else found.text
                return found
        return find_deadline(fold(content), content, self.issued, self.calendar)

    def _fill(
        self,
        draft: TaskDraft,
        lead: Mention | None,
        coordinators: list[Mention],
        deadline: DeadlineFound | None,
        warnings: list[str],
    ) -> None:
        draft.lead = lead.text if lead else None
        draft.lead_code = self._code(lead.text, warnings) if lead else None
        draft.coordinators = [m.text for m in coordinators]
        draft.coordinator_codes = [self._code(m.text, warnings) for m in coordinators]
        if deadline:
            draft.deadline, draft.deadline_kind = deadline.on, deadline.kind
            draft.deadline_text, draft.recurrence = deadline.text, deadline.recurrence
            draft.recurrence_until = deadline.until
            draft.recurring = deadline.recurring
            warnings = warnings + deadline.warnings
        draft.warnings = list(dict.fromkeys(warnings))

    def _code(self, name: str, warnings: list[str]) -> str | None:
        if self.registry is None:
            return None
        agency, note = resolve(name, self.registry, self.issued)
        if agency is None:
            warnings.append(note or f"unknown agency: {name}")
        elif note:
            warnings.append(note)
        return agency.code if agency else None
