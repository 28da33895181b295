"""The numbering tree of a directive's body: I. → 1. → 1.1. → a) → - → +.

Levels are not fixed by the marker kind: a document may go straight from "1." to "-". An item
whose marker kind is already open closes everything below it (a sibling); a new kind opens a
child. So skipped or repeated numbers never break the tree, they only earn a warning. A bullet
("-", "+") holds no paragraphs: an unmarked paragraph after a bullet list is the list's sibling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from directives.parsing.text import Paragraph

# Vietnamese alphabet order for points (NĐ 30/2020 Phụ lục I): đ after d; no f, j, w, z.
VN_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}

_MARKER = re.compile(
    r"(?:(?:Phần|PHẦN|Mục|MỤC)\s+(?P<part>[IVXL]{1,6}|\d{1,2})\b\s*[.:\-–]?"
    r"|(?P<roman>[IVXL]{1,6})\s*[.)](?!\w)"
    r"|(?:Điều|ĐIỀU)\s+(?P<article>\d{1,3})\s*[.:]?"
    r"|(?P<dec>\d{1,2}(?:\.\d{1,2}){1,3})\.?(?=\s)"
    r"|(?P<num>\d{1,2})\s*[.)](?=\s|$)"
    r"|\((?P<pnum>\d{1,2})\)"
    r"|(?P<letter>[a-eg-ik-vxyđ])\s*\)"
    r"|(?P<letterdot>[a-eg-ik-vxyđ])\.(?=\s+[A-ZĐÀ-Ỹ])"
    r"|(?P<dash>-)(?!\d)"
    r"|(?P<plus>\+)"
    r")\s*"
)


def roman_value(numeral: str) -> int:
    """Value of a Roman numeral (I–L range used by documents)."""
    total = 0
    for a, b in zip(numeral, numeral[1:] + " ", strict=True):
        value = _ROMAN_VALUES[a]
        total += -value if b != " " and _ROMAN_VALUES[b] > value else value
    return total


def letter_index(letter: str) -> int:
    """Position of a point letter in the Vietnamese order (a=0, đ=4, e=5, g=6…); -1 if none."""
    return VN_LETTERS.find(letter)


@dataclass(eq=False, slots=True)
class Item:
    """A numbered item (or an unnumbered paragraph) of the body with its children."""

    style: str  # part, roman, article, dec1..dec4, pnum, letter, dash, plus, para
    label: str  # "II", "3.2", "a", "-", ""
    text: str  # content after the marker
    para: Paragraph
    folded: str = ""  # `text` folded for matching (same length)
    ref: str = ""
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.para.end - len(self.text)


def _classify(line: str) -> tuple[str, str, int]:
    m = _MARKER.match(line)
    if not m:
        return "para", "", 0
    kind = m.lastgroup or "para"
    label = m.group(kind)
    if kind == "dec":
        return f"dec{label.count('.') + 1}", label, m.end()
    style = {"num": "dec1", "article": "dec1", "letterdot": "letter"}.get(kind, kind)
    if style == "part":
        style = "roman" if not label.isdigit() else "dec1"
    return style, label, m.end()


def _ref(stack: list[Item]) -> str:
    points: list[str]
    roman, decimal, points = "", "", []
    for item in stack:
        if item.style == "roman":
            roman, decimal, points = item.label, "", []
        elif item.style.startswith("dec"):
            decimal, points = item.label, []
        elif item.style in ("letter", "pnum"):
            points.append(item.label)
    parts = [p for p in (roman, decimal, *points) if p]
    return ".".join(parts)


def build_tree(paras: list[Paragraph], warnings: list[str], folded: str = "") -> Item:
    """The numbering tree of the given paragraphs under a root item.

    `folded` is the whole text folded (same offsets); items get their slice of it.
    """
    root = Item("root", "", "", Paragraph("", 0, 0))
    stack: list[Item] = [root]
    last_label: dict[int, tuple[str, str]] = {}
    for para in paras:
        style, label, cut = _classify(para.text)
        text = para.text[cut:].strip()
        if style == "para":
            while stack[-1].style in ("dash", "plus"):
                stack.pop()
            item = Item("para", "", para.text, para, ref=_ref(stack[1:]), parent=stack[-1])
            item.folded = folded[para.start : para.end] if folded else ""
            stack[-1].children.append(item)
            continue
        depth = next((i for i, it in enumerate(stack) if it.style == style), None)
        if depth is not None:
            del stack[depth:]
        parent = stack[-1]
        item = Item(style, label, text, para, parent=parent)
        item.folded = folded[item.start : para.end] if folded else ""
        _check_order(id(parent), style, label, last_label, warnings)
        parent.children.append(item)
        stack.append(item)
        item.ref = _ref(stack[1:])
    return root


def _ordinal(style: str, label: str) -> int | None:
    if style == "letter":
        return letter_index(label)
    if style == "roman":
        return roman_value(label)
    if style.startswith("dec") or style == "pnum":
        return int(label.rsplit(".", 1)[-1])
    return None


def _check_order(
    parent: int, style: str, label: str, last: dict[int, tuple[str, str]], warnings: list[str]
) -> None:
    value = _ordinal(style, label)
    previous = last.get(parent)
    last[parent] = (style, label)
    if value is None or previous is None or previous[0] != style:
        return
    before = _ordinal(*previous)
    if before is not None and value != before + 1:
        verb = "repeats" if value <= before else "skips"
        warnings.append(f"numbering {verb}: {previous[1]} then {label}")
