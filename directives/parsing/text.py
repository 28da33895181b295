"""Text clean-up before parsing: Unicode, markdown residue, and paragraphs broken by pages.

PDF and DOCX extraction break a paragraph at page ends ("… cửa khẩu" / blank lines /
"quốc tế Hữu Nghị …"), sometimes mid-word ("giới" / "thiệt"), and may leave the page number
(NĐ 30/2020: from page 2, alone at the top of the page) between the two halves. A line that
does not end a sentence and is followed by a line starting in lower case is one paragraph with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from directives.normalize import key as _key
from directives.normalize import nfc

_HEADINGS = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_SPACES = re.compile(r" {2,}")
# One pass for odd spaces (to " ") and control characters (dropped).
_TRANSLATE: dict[int, str | None] = {c: " " for c in (0x09, 0xA0, 0x202F, 0x3000)}
_TRANSLATE |= {c: " " for c in range(0x2000, 0x200B)}
_TRANSLATE |= {c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}
_TRANSLATE |= {0x200B: None, 0xFEFF: None, 0xFFFE: None}
_ODD = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")
_DASHES = re.compile(r"^[\u2010-\u2015\u2212•·▪●◦*]\s*", re.MULTILINE)
_SENTENCE_END = (".", ";", ":", "!", "?", "./.", ")")
_NUMBERED = re.compile(r"^(?:[a-zđ]\)|[-+•])")
_PAGE_NUMBER = re.compile(r"^[-–]?\s*\d{1,3}\s*[-–]?$")


@lru_cache(maxsize=8192)
def key(text: str) -> str:
    """`directives.normalize.key`, cached: names repeat across a document's tasks."""
    return _key(text)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of the normalised text with its character offsets."""

    text: str
    start: int
    end: int


def clean(text: str) -> str:
    """NFC, Ð→Đ, no markdown bold, one kind of space and dash bullet, LF line ends."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    if _ODD.search(text):
        text = text.translate(_TRANSLATE)
    text = text.replace("**", "").replace("__", "")
    if "#" in text:
        text = _HEADINGS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _DASHES.sub("- ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _continues(previous: str, line: str) -> bool:
    if not previous or not line:
        return False
    if previous.endswith(","):
        return not _NUMBERED.match(line) and not line[:1].isdigit()
    if previous.endswith(_SENTENCE_END):
        return False
    return (line[0].islower() or line[0] == "(") and not _NUMBERED.match(line)


def join_paragraphs(text: str) -> str:
    """Join lines broken by pages or wrapping; paragraphs end up one per line."""
    out: list[str] = []
    for line in text.split("\n"):
        if not line or _PAGE_NUMBER.match(line):
            continue
        if out and _continues(out[-1], line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def normalise(text: str) -> str:
    """The text spans refer to: cleaned, one paragraph per line."""
    return join_paragraphs(clean(text))


def paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of normalised text with offsets."""
    found: list[Paragraph] = []
    pos = 0
    for line in text.split("\n"):
        if line:
            found.append(Paragraph(line, pos, pos + len(line)))
        pos += len(line) + 1
    return found
