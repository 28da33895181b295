"""Text clean-up before parsing: Unicode, markdown residue, tables, and paragraphs broken by pages.

PDF and DOCX extraction break a paragraph at page ends ("… cửa khẩu" / blank lines /
"quốc tế Hữu Nghị …"), sometimes mid-word ("giới" / "thiệt"), and may leave the page number
(NĐ 30/2020: from page 2, alone at the top of the page) between the two halves. A line that
does not end a sentence and is followed by a line starting in lower case is one paragraph with it.

Tables come as pipe rows (`| a | b |`, from web copies or from our DOCX/HTML/PDF readers) or
aligned with spaces. A task table (its header names the content and the lead or the deadline
columns) stays as pipe rows for `parsing.table`; any other table (the NĐ 30 header and
signature blocks) becomes its cells' lines, row by row, so the header reader sees "Số: …" alone.
The stamp of a digital signature ("Ký bởi: …", "Thời gian ký: …") is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from directives.normalize import key as _key
from directives.normalize import nfc
from directives.parsing.columns import header_roles

_HEADINGS = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_SPACES = re.compile(r" {2,}")
# One pass for odd spaces (to " ") and control characters (dropped).
_TRANSLATE: dict[int, str | None] = {c: " " for c in (0x09, 0xA0, 0x202F, 0x3000)}
_TRANSLATE |= {c: " " for c in range(0x2000, 0x200B)}
_TRANSLATE |= {c: None for c in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F)}
_TRANSLATE |= {0x0B: "\n", 0x0C: "\n"}  # Word's line break, a PDF's page break: a new line
_TRANSLATE |= {0x200B: None, 0xFEFF: None, 0xFFFE: None}
_ODD = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")
_DASHES = re.compile(r"^[\u2010-\u2015\u2212•·▪●◦*]\s*", re.MULTILINE)
_SENTENCE_END = (".", ";", ":", "!", "?", "./.", ")")
_NUMBERED = re.compile(r"^(?:[a-zđ]\)|[-+•])")
_PAGE_NUMBER = re.compile(
    r"^(?:[-–]?\s*\d{1,3}\s*[-–]?|[Tt]rang\s+\d{1,3}(?:\s*(?:/|trên)\s*\d{1,3})?)$"
)
_RULE = re.compile(r"^[-–—_=*|:\s]{3,}$")
# A PDF's footnote at the page foot: its number, then the document it cites ("4 Thông tư số …").
_FOOTNOTE = re.compile(
    r"^\d{1,2}\s+(?:Thông tư|Nghị định|Quyết định|Nghị quyết|Công văn|Kế hoạch|Chỉ thị|Luật"
    r"|Thông báo|Văn bản|Báo cáo|Tờ trình|Công điện|Chương trình|Đề án|Theo|Tại|Xem)\b"
)
# A line cut after a word that cannot end a sentence ("… tại các cửa khẩu của" / "Trung Quốc"):
# the next line continues it even when it starts with a capital (a proper name).
_HANGING = re.compile(
    r"(?:^|\s)(?:và|của|với|tại|các|cho|từ|đến|về|trên|theo|những|là|để|trong|thuộc|hoặc"
    r"|cùng|như|số|ngày|tháng|nhằm|bằng)$"
)
_ITEM_START = re.compile(r"^(?:[IVXL]{1,6}\s*[.)]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\)|[-+•|])")
_SEPARATOR_ROW = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_HEAD_CUT = re.compile(r"\s+(?=Số\s*:|V/v\b)")
_STAMP = re.compile(r"^(?:Ký bởi|Người ký|Ký số bởi|Được ký bởi|Signed by)\s*:", re.IGNORECASE)
_STAMP_MORE = re.compile(
    r"^(?:E-?mail|Cơ quan|Chức vụ|Thời gian ký|Ngày ký|Ký ngày|Date|Reason|Location)\s*:",
    re.IGNORECASE,
)
_GAP = re.compile(r"\S+(?: \S+)*")
_TWO_GAPS = re.compile(r"\S(?: {2,}|\t)\S.*\S(?: {2,}|\t)\S")  # a line with two column gaps
_STAMP_ANYWHERE = re.compile(
    r"^(?:Ký bởi|Người ký|Ký số bởi|Được ký bởi|Signed by)\s*:", re.IGNORECASE | re.MULTILINE
)
CELL_BREAK = "<br>"


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
    """NFC, Ð→Đ, no markdown bold, one kind of space and dash bullet, LF line ends, tables."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    if ("  " in text or "\t" in text) and _TWO_GAPS.search(text):
        text = aligned_tables(text)
    if _ODD.search(text):
        text = text.translate(_TRANSLATE)
    text = text.replace("**", "").replace("__", "")
    if "#" in text:
        text = _HEADINGS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _DASHES.sub("- ", text)
    lines = [line.strip() for line in text.split("\n")]
    if "|" in text:
        lines = _tables(lines)
    stamped = ("bởi" in text or "Signed" in text) and _STAMP_ANYWHERE.search(text)
    return "\n".join(_drop_stamps(lines) if stamped else lines)


def is_pipe_row(line: str) -> bool:
    return line.startswith("|") and line.endswith("|") and len(line) > 2


def cells(row: str) -> list[str]:
    """The cells of a pipe row, stripped."""
    return [c.strip() for c in row.strip()[1:-1].split("|")]


def _table_runs(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of pipe rows; blank lines inside a run belong to it."""
    runs: list[tuple[int, int]] = []
    start = last = -1
    for i, line in enumerate(lines):
        if is_pipe_row(line) or (start >= 0 and _SEPARATOR_ROW.match(line)):
            start = i if start < 0 else start
            last = i
        elif line and start >= 0:
            runs.append((start, last + 1))
            start = -1
    if start >= 0:
        runs.append((start, last + 1))
    return runs


def _outer_pipes(lines: list[str]) -> list[str]:
    """Markdown rows written without outer pipes ("a | b" over "--- | ---") get them."""
    for i, line in enumerate(lines):
        if not (_SEPARATOR_ROW.match(line) and "-" in line and "|" in line) or is_pipe_row(line):
            continue
        j = i - 1
        while j >= 0 and "|" in lines[j] and not is_pipe_row(lines[j]):
            lines[j] = f"| {lines[j].strip('| ')} |"
            j -= 1
        j = i + 1
        while j < len(lines) and "|" in lines[j] and not is_pipe_row(lines[j]):
            lines[j] = f"| {lines[j].strip('| ')} |"
            j += 1
    return lines


def _tables(lines: list[str]) -> list[str]:
    """Task tables kept as pipe rows (separators dropped); other tables become cell lines."""
    lines = _outer_pipes(lines)
    out: list[str] = []
    done = 0
    for start, end in _table_runs(lines):
        out += lines[done:start]
        rows = [cells(r) for r in lines[start:end] if is_pipe_row(r)]
        rows = [r for r in rows if not _SEPARATOR_ROW.match("|".join(r))]
        if header_roles(rows):
            out += ["", *(_row(row) for row in rows), ""]
        else:
            out += ["", *_cell_lines(rows), ""]
        done = end
    return out + lines[done:]


def _row(row: list[str]) -> str:
    return "| " + " | ".join(_SPACES.sub(" ", c) for c in row) + " |"


def _cell_lines(rows: list[list[str]]) -> list[str]:
    """A layout table read row by row, cell by cell; a header cell "UBND … Số: 12/UBND" is cut."""
    out: list[str] = []
    for row in rows:
        for cell in row:
            for line in cell.split(CELL_BREAK):
                out += [part.strip() for part in _HEAD_CUT.split(line) if part.strip()]
    return out


def _drop_stamps(lines: list[str]) -> list[str]:
    """Lines of a digital signature's stamp (VGCA: Ký bởi, Email, Cơ quan, Thời gian ký) go."""
    out: list[str] = []
    stamp = 0
    for line in lines:
        if _STAMP.match(line):
            stamp = 5
            continue
        if stamp and (_STAMP_MORE.match(line) or not line):
            stamp -= 1
            continue
        stamp = 0
        out.append(line)
    return out


def aligned_tables(text: str) -> str:
    """A task table laid out with spaces (pdftotext -layout, text mails) as pipe rows."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        starts = _header_starts(lines[i])
        if starts is None:
            out.append(lines[i])
            i += 1
            continue
        rows, i = _aligned_rows(lines, i, starts)
        out += ["", *(f"| {' | '.join(r)} |" for r in rows), ""]
    return "\n".join(out)


def _chunks(line: str) -> list[tuple[int, str]]:
    """Pieces of a line separated by two or more spaces, with their columns."""
    line = line.expandtabs(8)
    return [(m.start(), m.group()) for m in _GAP.finditer(line)]


def _header_starts(line: str) -> list[int] | None:
    chunks = _chunks(line)
    if len(chunks) < 3 or len(chunks) > 12:
        return None
    return [c for c, _ in chunks] if header_roles([[t for _, t in chunks]]) else None


def _aligned_rows(lines: list[str], i: int, starts: list[int]) -> tuple[list[list[str]], int]:
    rows = [[t for _, t in _chunks(lines[i])]]
    i += 1
    while i < len(lines):
        chunks = _chunks(lines[i])
        if not chunks:
            if i + 1 < len(lines) and _fits(_chunks(lines[i + 1]), starts):
                i += 1
                continue
            break
        if not _fits(chunks, starts):
            break
        row = [""] * len(starts)
        for col, piece in chunks:
            c = max(k for k, s in enumerate(starts) if s <= col + 3) if col + 3 >= starts[0] else 0
            row[c] = f"{row[c]} {piece}".strip()
        rows.append(row)
        i += 1
    return rows, i


def _fits(chunks: list[tuple[int, str]], starts: list[int]) -> bool:
    """A row of the table: its first column holds a number (or nothing), not a paragraph."""
    if not chunks:
        return False
    first_col = chunks[0][0] + 3 < starts[1]
    if first_col and len(chunks[0][1]) > max(6, starts[1] - starts[0]):
        return False
    return len(chunks) > 1 or not first_col


def _continues(previous: str, line: str) -> bool:
    if not previous or not line or previous[0] == "|" or line[0] == "|":
        return False
    if previous.endswith(","):
        return not _NUMBERED.match(line) and not line[:1].isdigit()
    if previous.endswith(_SENTENCE_END):
        return False
    if line[0].islower() or line[0] == "(":
        return not _NUMBERED.match(line)
    return (
        not previous.isupper()
        and bool(_HANGING.search(previous[-12:].lower()))
        and not _ITEM_START.match(line)
    )


def join_paragraphs(text: str) -> str:
    """Join lines broken by pages or wrapping; paragraphs end up one per line."""
    out: list[str] = []
    for line in text.split("\n"):
        if not line or _PAGE_NUMBER.match(line) or (_FOOTNOTE.match(line) and out):
            continue
        if _RULE.match(line):  # "--- | ---" left of a lost table, a markdown rule "---"
            continue
        if out and _continues(out[-1], line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


# Items run together by a copy that lost its line breaks ("… thực hiện. 2. Sở Y tế …",
# "…; b) Công an tỉnh …"): the marker after a sentence end starts a new line (same length).
_INLINE_ITEM = re.compile(
    r"(?<=[.;:])[ ](?=(?:[a-eg-ik-vxyđ]\)|\d{1,2}(?:\.\d{1,2}){0,2}\.)[ ][A-ZĐÀ-Ỹ])"
)


def _split_items(text: str) -> str:
    if ") " not in text and ". " not in text:
        return text
    return "\n".join(
        line if line.startswith("|") else _INLINE_ITEM.sub("\n", line) for line in text.split("\n")
    )


def normalise(text: str) -> str:
    """The text spans refer to: cleaned, one paragraph per line."""
    return _split_items(join_paragraphs(clean(text)))


def paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of normalised text with offsets."""
    found: list[Paragraph] = []
    pos = 0
    for line in text.split("\n"):
        if line:
            found.append(Paragraph(line, pos, pos + len(line)))
        pos += len(line) + 1
    return found
