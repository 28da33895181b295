"""Assembling tasks: walk the numbering tree carrying each section's context.

A section's context (its lead, coordinators, deadline and mode) comes from its heading and
from an opening paragraph ending in ":" ("đề nghị Sở X … thực hiện tốt các nhiệm vụ sau:");
items below inherit what they do not state themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypedDict

from directives.agencies import AgencyRegistry, fold
from directives.calendar import WorkCalendar
from directives.drafts import TaskDraft
from directives.models import DeadlineKind
from directives.parsing.deadlines import DeadlineFound, find_deadline
from directives.parsing.matching import resolve, spelled
from directives.parsing.names import Mention, agency_list, party_kind
from directives.parsing.pieces import closing_prefix, folded_of, pieces, sub_item, term_pieces
from directives.parsing.roles import Roles, read_roles
from directives.parsing.sections import (
    Mode,
    field_kind,
    is_attendance,
    is_closing,
    is_plan_content,
    section_mode,
)
from directives.parsing.structure import Item
from directives.parsing.text import key

_EXPLICIT = ("giao", "chủ trì", "đề nghị", "yêu cầu")
_MEETING_NARRATIVE = ("chủ trì", "làm việc", "họp", "hội nghị", "nghe")
# "Các nhiệm vụ tại Mục này hoàn thành trong năm 2025 …": a term for the section, not a task.
_SECTION_TERM = re.compile(
    r"^(?:tất cả\s+)?(?:các\s+)?nhiệm vụ\b[^.;]{0,100}?\b(?:hoàn thành|xong)\b"
    r"|^thời (?:hạn|gian) hoàn thành(?: các nhiệm vụ)?"
)
# Assessments (domain notes §3.5: ghi nhận, biểu dương …) or narrative openings ("Năm 2024, …",
# "Thời gian qua, …") that name nobody to act are no tasks.
_ASSESSMENT = re.compile(
    r"\b(?:biểu dương|ghi nhận|đánh giá cao|hoan nghênh|khen ngợi)\b"
    r"|^(?:trong\s+)?(?:năm\s+\d{4}|thời gian qua|(?:\d{1,2}|những)\s+tháng (?:đầu năm|qua)"
    r"|quý\s+[ivx\d]+)"
)
# Sentences that judge rather than assign ("Nhìn chung, …", "Tuy nhiên, vẫn còn …").
_JUDGEMENT = re.compile(
    r"^(?:nhìn chung|tuy nhiên|bên cạnh (?:đó|những kết quả)|qua (?:kiểm tra|theo dõi|báo cáo)"
    r"|(?:đến nay|hiện nay)\s*,|kết quả (?:đạt được|cho thấy|kiểm tra cho thấy)"
    r"|(?:vẫn )?còn (?:một số |nhiều )?(?:hạn chế|tồn tại|khó khăn))"
)
_LEAD_SOURCES = {"section": "the section", "paragraph": "the paragraph's first duty"}
_REPORT_DUTY = re.compile(r"\b(?:tổng hợp|báo cáo)\b")
_TOPIC = re.compile(r"^(?:về|đối với)\s[^.;:]{0,150}:\s*$")
_WHOLE_YEAR = re.compile(r"^(?:trong\s+)?năm\s+(?:\d{4}|nay)$")
_COMPLETION = re.compile(r"\b(?:hoàn thành|hoàn tất|xong|chậm nhất|thời hạn|kết thúc)\b")


def governs(found: DeadlineFound, folded: str) -> bool:
    """Whether a section's deadline (from its heading or opening) passes to its items.

    The rule: a whole year said as the section's scope ("II. NHIỆM VỤ TRỌNG TÂM TRONG NĂM
    2026", "Trong năm 2026, đề nghị các sở … thực hiện các nhiệm vụ sau:") is when the work
    happens, not a term for each item, so items with no deadline of their own keep none.
    It governs only when the same clause says the items finish by then ("Các nhiệm vụ sau hoàn
    thành trong năm 2026", "Để hoàn thành các mục tiêu, nhiệm vụ trong năm 2024, đề nghị …").
    Dates, months, quarters, half-years and "hết/cuối năm" are terms and always pass down.
    """
    words = fold(found.text or "").strip()
    if not _WHOLE_YEAR.match(words):
        return True
    clause = folded[: found.start]
    clause = clause[max(clause.rfind(";"), clause.rfind("."), len(clause) - 120) + 1 :]
    return bool(_COMPLETION.search(clause))


class Fields(TypedDict, total=False):
    """What an item's field lines ("Cơ quan chủ trì: …", "Thời hạn: …") give."""

    lead: Mention
    coordinators: list[Mention]
    content: str
    deadline: DeadlineFound


@dataclass(slots=True)
class Context:
    """What a section passes down to its items."""

    mode: Mode = Mode.PREAMBLE
    lead: Mention | None = None
    lead_source: str = ""
    coordinators: list[Mention] = field(default_factory=list)
    deadline: DeadlineFound | None = None


@dataclass(slots=True)
class Assembler:
    """Turns the tree into task drafts; collects document-level warnings."""

    issued: date | None
    registry: AgencyRegistry | None
    calendar: WorkCalendar
    tasks: list[TaskDraft] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def run(self, root: Item, ctx: Context) -> list[TaskDraft]:
        self._children(root, ctx, root=True)
        return self.tasks

    def _children(self, node: Item, ctx: Context, root: bool = False) -> None:
        for i, child in enumerate(node.children):
            folded = folded_of(child)
            if child.style == "para":
                ctx = self._paragraph(child, folded, ctx, node.children[i + 1 :], root)
            else:
                self._item(child, folded, ctx)

    def _paragraph(
        self, item: Item, folded: str, ctx: Context, rest: list[Item], root: bool
    ) -> Context:
        if is_closing(folded):
            return ctx
        if item.text.rstrip().endswith(":") and rest:
            return self._opening(item, folded, ctx, root)
        if _SECTION_TERM.match(folded):
            found = find_deadline(folded, item.text, self.issued, self.calendar)
            if found and found.on:
                return replace(ctx, deadline=found)
        if ctx.mode == Mode.PREAMBLE:
            roles = read_roles(item.text, folded, self.registry)
            if roles.how in _EXPLICIT:
                self._task(item, folded, ctx, [], roles)
            return ctx
        self._task(item, folded, ctx, [])
        return ctx

    def _opening(self, item: Item, folded: str, ctx: Context, root: bool) -> Context:
        if ctx.mode == Mode.PREAMBLE and is_attendance(folded):
            return ctx
        new = self._context(item.text, folded, ctx)
        if root and any(w in folded for w in _MEETING_NARRATIVE):
            new.deadline = ctx.deadline
        if new.mode == Mode.PREAMBLE:
            new.mode = Mode.TASKS
        elif (
            new.mode == Mode.SKIP and read_roles(item.text, folded, self.registry).how in _EXPLICIT
        ):
            new.mode = Mode.TASKS  # "Để khắc phục …, yêu cầu các sở … thực hiện các nội dung sau:"
        elif new.mode == Mode.SKIP:
            return ctx
        return new

    def _context(self, text: str, folded: str, ctx: Context) -> Context:
        roles = read_roles(text, folded, self.registry)
        new = replace(ctx, coordinators=list(ctx.coordinators))
        if roles.lead:
            new.lead, new.lead_source = roles.lead, "section"
            new.coordinators = roles.coordinators
        found = find_deadline(folded, text, self.issued, self.calendar)
        if found and found.on and governs(found, folded):
            new.deadline = found
        return new

    def _item(self, item: Item, folded: str, ctx: Context) -> None:
        # A leaf is content, not a heading: its words never reopen tasks in an assessment section.
        leaf = not item.children
        mode = Mode.SKIP if leaf and ctx.mode == Mode.SKIP else section_mode(folded, ctx.mode)
        children = [c for c in item.children if c.style != "para" or not is_closing(folded_of(c))]
        fields = [c for c in children if field_kind(folded_of(c))]
        if fields or not children:
            if mode != Mode.SKIP:
                self._task(item, folded, replace(ctx, mode=mode), children)
            return
        sub = self._context(item.text, folded, ctx)
        sub.mode = mode
        if mode != Mode.SKIP and _reads_as_task(item.text):
            self._task(item, folded, replace(ctx, mode=mode), [])
        self._children(item, sub)

    def _task(
        self, item: Item, folded: str, ctx: Context, extra: list[Item], roles: Roles | None = None
    ) -> None:
        if ctx.mode == Mode.SKIP or not item.text.strip():
            return
        cut = closing_prefix(item.text, folded)
        if cut is None:
            return
        text, folded = item.text[cut:], folded[cut:]
        parts = pieces(text, folded, self.registry)
        if len(parts) == 1 and len(parts := term_pieces(text, folded, self._term)) > 1:
            self._term_tasks(item, folded, cut, parts, ctx, extra)
            return
        if len(parts) > 1:
            for n, (a, b) in enumerate(parts):
                sub = sub_item(item, folded, cut + a, cut + b)
                self._task(sub, sub.folded, ctx, extra if n == len(parts) - 1 else [])
            return
        roles = roles or read_roles(text, folded, self.registry)
        if roles.heading_only or roles.approval and roles.how not in _EXPLICIT:
            return
        if roles.watchers and roles.lead is None and self._reports(folded, text):
            roles.lead, roles.how = roles.watchers[0], "subject"
            roles.coordinators = roles.watchers[1:] + roles.coordinators
            roles.watchers = []
        if roles.watchers and roles.lead is None:
            self.warnings.append(f"{item.ref}: watcher only ({roles.watchers[0].text}), no task")
            return
        fields = _read_fields(extra, self)
        if roles.lead is None and "lead" not in fields and roles.how not in _EXPLICIT:
            if _TOPIC.match(folded):
                return  # "Về công tác giải phóng mặt bằng:" heads the lines after it
            if roles.issuer_subject:
                self.warnings.append(f"{item.ref}: the issuer's own undertaking, no task")
                return
            if is_plan_content(folded) or _JUDGEMENT.match(folded):
                self.warnings.append(f"{item.ref}: plan content or assessment, no task")
                return
        lead, coordinators, warnings = self._lead(roles, fields, ctx, item)
        if lead is None and _ASSESSMENT.search(folded):
            self.warnings.append(f"{item.ref}: assessment with no agency to act, no task")
            return
        if lead is None and (roles.watchers or ctx.mode == Mode.PROPOSALS):
            if roles.watchers:
                self.warnings.append(
                    f"{item.ref}: watcher only ({roles.watchers[0].text}), no task"
                )
            return
        deadline, inherited = _deadline(folded, item.text, fields, ctx, self)
        end = max([item.para.end, *(c.para.end for c in extra)])
        content = fields.get("content")
        body = f"{item.text.rstrip(' :')}: {content}" if content else item.text
        warnings += roles.warnings
        kind = party_kind(lead) if lead else None
        if kind and lead:
            warnings.append(f"lead is not an agency ({kind}), kept as written: {lead.text}")
        # A named list ("Các Bộ: A, B, C", "Sở A, Sở B") leads like any list without "chủ trì":
        # the first named leads, the others coordinate (roles.py warns); only an unnamed group
        # ("UBND các huyện biên giới") fans out, at registration, over the registry's members.
        draft = TaskDraft(ref=item.ref, text=body, span=(item.start, end))
        self._fill(draft, lead, coordinators, deadline, inherited, warnings)
        self.tasks.append(draft)

    def _term(self, folded: str, text: str) -> str | None:
        """The kind of term a clause sets: "dated", "recurring", "event" or None (a whole-year
        scope such as "trong năm 2026" is no term of its own)."""
        found = find_deadline(folded, text, self.issued, self.calendar)
        if found is None:
            return None
        if found.recurring or found.kind == DeadlineKind.EVENT:
            return "recurring" if found.recurring else "event"
        whole_year = _WHOLE_YEAR.match(fold(found.text or "").strip())
        return "dated" if found.on and not whole_year else None

    def _term_tasks(
        self,
        item: Item,
        folded: str,
        cut: int,
        parts: list[tuple[int, int]],
        ctx: Context,
        extra: list[Item],
    ) -> None:
        """One agency's duties with terms of different kinds: the later ones keep its lead."""
        first = sub_item(item, folded, cut + parts[0][0], cut + parts[0][1])
        lead = read_roles(first.text, first.folded, self.registry).lead
        later = replace(ctx, lead=lead, lead_source="paragraph", coordinators=[]) if lead else ctx
        for n, (a, b) in enumerate(parts):
            sub = sub_item(item, folded, cut + a, cut + b)
            last = n == len(parts) - 1
            self._task(sub, sub.folded, later if n else ctx, extra if last else [])

    def _reports(self, folded: str, text: str) -> bool:
        """A watcher who also reports by a term ("X theo dõi, đôn đốc; tổng hợp, báo cáo UBND
        tỉnh trước ngày 20/12", "… báo cáo trước ngày 05 hằng tháng") has a task of its own."""
        if not _REPORT_DUTY.search(folded):
            return False
        found = find_deadline(folded, text, self.issued, self.calendar)
        return found is not None and (found.on is not None or found.recurrence is not None)

    def _lead(
        self, roles: Roles, fields: Fields, ctx: Context, item: Item
    ) -> tuple[Mention | None, list[Mention], list[str]]:
        warnings: list[str] = []
        coordinators = list(roles.coordinators) + list(fields.get("coordinators", []))
        lead = roles.lead or fields.get("lead")
        if lead is None and ctx.mode != Mode.PROPOSALS:
            lead = ctx.lead
            if lead is not None:
                source = _LEAD_SOURCES.get(ctx.lead_source, "the addressee")
                warnings.append(f"lead implicit: taken from {source} ({lead.text})")
                coordinators = list(ctx.coordinators) + coordinators
        if lead is None and not roles.watchers and ctx.mode != Mode.PROPOSALS:
            warnings.append("no lead agency found")
        return lead, _unique(coordinators, lead), warnings

    def _fill(
        self,
        draft: TaskDraft,
        lead: Mention | None,
        coordinators: list[Mention],
        deadline: DeadlineFound | None,
        inherited: bool,
        warnings: list[str],
    ) -> None:
        draft.lead = spelled(lead.text, warnings) if lead else None
        draft.lead_code = self._code(lead.text, warnings) if lead else None
        draft.coordinators = [spelled(m.text, warnings) for m in coordinators]
        draft.coordinator_codes = [self._code(m.text, warnings) for m in coordinators]
        if deadline:
            draft.deadline, draft.deadline_kind = deadline.on, deadline.kind
            draft.deadline_text, draft.recurrence = deadline.text, deadline.recurrence
            draft.recurrence_until = deadline.until
            draft.recurring, draft.inherited_deadline = deadline.recurring, inherited
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


def _reads_as_task(text: str) -> bool:
    """An item with sub-items is a task itself only if it is a full sentence, not a heading."""
    stripped = text.rstrip()
    return len(stripped) > 40 and stripped.endswith((".", ";")) and not stripped.isupper()


def _unique(mentions: list[Mention], lead: Mention | None) -> list[Mention]:
    seen = {key(lead.text)} if lead else set()
    out = []
    for m in mentions:
        k = key(m.text)
        if k not in seen:
            seen.add(k)
            out.append(m)
    return out


def _read_fields(children: list[Item], asm: Assembler) -> Fields:
    found: Fields = {}
    for child in children:
        folded = folded_of(child)
        kind = field_kind(folded)
        if kind is None:
            continue
        name, offset = kind
        if name in ("lead", "coordinators"):
            mentions = agency_list(child.text, folded, offset, asm.registry)
            if name == "lead" and mentions:
                found["lead"] = mentions[0]
                found.setdefault("coordinators", []).extend(mentions[1:])
            elif mentions:
                found.setdefault("coordinators", []).extend(mentions)
        elif name == "content":
            found["content"] = child.text[offset:].strip()
        elif name == "deadline":
            value, value_folded = child.text[offset:], folded[offset:]
            dl = find_deadline(value_folded, value, asm.issued, asm.calendar, permissive=True)
            if dl:
                found["deadline"] = dl
    return found


def _deadline(
    folded: str, text: str, fields: Fields, ctx: Context, asm: Assembler
) -> tuple[DeadlineFound | None, bool]:
    own = fields.get("deadline") or find_deadline(folded, text, asm.issued, asm.calendar)
    assert own is None or isinstance(own, DeadlineFound)
    if own is not None and own.kind != DeadlineKind.EVENT:
        return own, False
    if ctx.deadline is not None:
        inherited = replace(ctx.deadline, warnings=list(ctx.deadline.warnings))
        if own is not None:
            inherited.warnings.append(f"event clause kept as a note: {own.text}")
        return inherited, True
    return own, False
