"""One paragraph, several assignments: where a task's text starts and where it splits.

A paragraph may open with the closing formula ("… nghiêm túc thực hiện Chỉ thị này. Giao Sở Nội
vụ theo dõi …"), or hold the work of two agencies ("…; đồng thời Sở Y …"): each piece becomes a
task of its own with its own offsets.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from directives.agencies import AgencyRegistry, fold
from directives.parsing.names import agency_at, agency_list
from directives.parsing.roles import is_issuer, read_roles
from directives.parsing.sections import is_closing
from directives.parsing.structure import Item
from directives.parsing.text import Paragraph, key

_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])")


def closing_prefix(text: str, folded: str) -> int | None:
    """Where the text starts once leading closing sentences are dropped; None if all closing.

    A last numbered item often joins the closing formula and a watcher clause: "6. Giám đốc các
    Sở … nghiêm túc triển khai thực hiện Chỉ thị này. Giao Sở Nội vụ theo dõi, đôn đốc …./."
    """
    if not is_closing(folded[: folded.find(". ") + 1 or len(folded)]) and not is_closing(folded):
        return 0  # the usual case: neither the first sentence nor the whole text closes
    start = 0
    for m in [*_SENTENCE.finditer(text), None]:
        end = m.start() if m else len(text)
        if not is_closing(folded[start:end]):
            return start
        start = m.end() if m else end
    return None


# Where a second assignment starts inside one paragraph: "…; giao Sở X …", "…; đồng thời Sở Y
# …", "… . Sở Z …" (a clause led by another agency). Not inside a parenthesis, and not a clause
# that only names coordinators or watchers ("…; Sở Y phối hợp", "…; Sở Nội vụ theo dõi").
_SPLIT = re.compile(r"[;.]\s+(?:đồng thời\s*,?\s*)?(?:(?:giao|đề nghị|yêu cầu)\s+(?:cho\s+)?)?")
_NOT_A_LEAD = re.compile(
    r"\s*(?:,\s*)?(?:cùng\s+)?(?:phối hợp|theo dõi|đôn đốc|giám sát|tham gia)\b"
)


def pieces(text: str, folded: str, registry: AgencyRegistry | None) -> list[tuple[int, int]]:
    """(start, end) of each assignment in a paragraph; one piece when it holds one."""
    if ";" not in folded and ". " not in folded:
        return [(0, len(text))]
    cuts: list[int] = []
    first: str | None = None
    depth, seen = 0, 0  # parenthesis depth at m.start(), counted once over the text (linear)
    for m in _SPLIT.finditer(folded):
        depth += folded.count("(", seen, m.start()) - folded.count(")", seen, m.start())
        seen = m.start()
        if depth > 0:
            continue
        mention = agency_at(text, folded, m.end(), registry)
        if mention is None or is_issuer(mention) or mention.vague:
            continue
        if _NOT_A_LEAD.match(folded, mention.end) or len(folded) - mention.end < 12:
            continue
        if first is None:
            lead = read_roles(text[: m.start() + 1], folded[: m.start() + 1], registry).lead
            # "Các sở, ban, ngành; UBND các huyện … xây dựng …" is one list, not two tasks.
            names = agency_list(text, folded, lead.start, registry) if lead else []
            last = names[-1].end if names else (lead.end if lead else 0)
            first = key(lead.text) if lead and m.start() - last > 12 else ""
        if not first or key(mention.text) == first:
            continue
        cuts.append(m.start() + 1)
    bounds = [0, *cuts, len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b].strip()]


_PIECE_START = re.compile(r"[\s;.]*(?:đồng thời\s*,?\s*)?")


def sub_item(item: Item, folded: str, a: int, b: int) -> Item:
    """One assignment of an item's paragraph (`folded` is the item's), with its own offsets."""
    start_match = _PIECE_START.match(folded_of(item), a)
    assert start_match is not None  # the pattern matches the empty string
    a = start_match.end()
    piece = item.text[a:b]
    start = item.start + a
    para = Paragraph(piece, start, start + len(piece))
    sub = Item(item.style, item.label, piece, para, ref=item.ref, parent=item.parent)
    sub.folded = folded_of(item)[a:b]
    return sub


def folded_of(item: Item) -> str:
    if not item.folded:
        item.folded = fold(item.text)
    return item.folded


# Clause ends inside one agency's paragraph: "…; định kỳ …", "… và báo cáo tổng kết trước …".
_CLAUSE_END = re.compile(r";\s+|\s+và\s+(?=báo cáo\b)")
_KINDS_THAT_SPLIT = ({"dated", "recurring"}, {"dated", "event"})


def term_pieces(
    text: str, folded: str, term_of: Callable[[str, str], str | None]
) -> list[tuple[int, int]]:
    """(start, end) of each duty of one agency that has a term of another kind.

    The genre joins a dated duty and a periodic report in one sentence ("X xây dựng kế hoạch,
    hoàn thành trước ngày 31/12; định kỳ 02 tuần/lần báo cáo UBND tỉnh"), or a dated duty and
    one bound to an event ("…, hoàn thành trước 17 giờ ngày 28/10; tổ chức sơ tán dân ngay khi
    có lệnh"): two tasks, each with its own term. `term_of(folded, text)` names a clause's term
    ("dated", "recurring", "event" or None); clauses with none stay with the one before.
    """
    if ";" not in folded and " và báo cáo" not in folded:
        return [(0, len(text))]
    bounds, depth, seen = [0], 0, 0
    for m in _CLAUSE_END.finditer(folded):
        depth += folded.count("(", seen, m.start()) - folded.count(")", seen, m.start())
        seen = m.start()
        if depth <= 0:
            bounds.append(m.end())
    if len(bounds) == 1:
        return [(0, len(text))]
    bounds.append(len(text))
    clauses = list(zip(bounds, bounds[1:], strict=False))
    terms = [term_of(folded[a:b], text[a:b]) for a, b in clauses]
    if {t for t in terms if t} not in _KINDS_THAT_SPLIT:
        return [(0, len(text))]
    cuts, current = [0], None
    for (a, _), term in zip(clauses, terms, strict=True):
        if term and current and term != current:
            cuts.append(a)
        current = term or current
    cuts.append(len(text))
    return list(zip(cuts, cuts[1:], strict=False))
