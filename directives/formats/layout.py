"""Page geometry → paragraphs: the same reading for a PDF's text layer and for OCR'd pages.

Hand-written: pdfplumber and Tesseract give words with boxes, but no library joins a wrapped
line to the next by the rules a typesetter follows. A line was wrapped when the next line's first
word would not have fitted after it (measured against the text block's right edge), the next line
is not indented more than it, and the line spacing is the paragraph's own. Side-by-side columns
(the NĐ 30 header and signature blocks) are cut at wide gaps and become one pipe row; running
page numbers and footnotes (small text at the page bottom under a superscript reference) go.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from directives.formats.pipes import cell_text, pipe_row

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–—])?$", re.IGNORECASE
)
_MARKER = re.compile(r"^(?:[a-zđ]\)|\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}[.)]|[IVXL]{1,6}\.|[-+•–])$")
_TABLE_WORDS = re.compile(r"\b(?:STT|TT|Nội dung|Chủ trì|Phối hợp|Thời hạn|Thời gian)\b", re.I)


@dataclass(slots=True)
class Word:
    """A word with its box (points, y down from the page top) and OCR confidence if any."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    conf: float | None = None


@dataclass(slots=True)
class Line:
    """Words on one line, left to right; its box and main size kept as words are added."""

    words: list[Word]
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0

    def __post_init__(self) -> None:
        self.top = min(w.top for w in self.words)
        self.bottom = max(w.bottom for w in self.words)
        self.size = self.words[0].size

    def add(self, word: Word) -> None:
        self.words.append(word)
        self.top, self.bottom = min(self.top, word.top), max(self.bottom, word.bottom)

    def settle(self) -> Line:
        """Sort the words and take the size most of its characters have."""
        self.words.sort(key=lambda w: w.x0)
        sizes: Counter[float] = Counter()
        for w in self.words:
            sizes[round(w.size, 1)] += len(w.text)
        self.size = sizes.most_common(1)[0][0]
        return self

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def text(self) -> str:
        """Words joined by spaces, except where they touch (a size change split a word)."""
        out = self.words[0].text
        for a, b in zip(self.words, self.words[1:], strict=False):
            touching = b.conf is None and b.x0 - a.x1 < 0.08 * a.size  # OCR words are words
            out += ("" if touching else " ") + b.text
        return out


@dataclass(slots=True)
class Table:
    """A ruled table found on the page: its vertical extent and its rows of cell lines."""

    top: float
    bottom: float
    rows: list[list[list[str]]]


@dataclass(slots=True)
class Page:
    """One page to lay out: words outside tables, and the tables."""

    width: float
    height: float
    words: list[Word]
    tables: list[Table] = field(default_factory=list)


@dataclass(slots=True)
class _Block:
    """A run of lines holding side-by-side columns; cells[c] are the lines of column c."""

    top: float
    cells: list[list[Line]]
    rows: list[list[str]] | None = None  # a task table laid out without rules: one row a line


@dataclass(slots=True)
class Metrics:
    """The body text's size, line pitch and text block edges, measured over the document."""

    size: float = 12.0
    pitch: float = 16.0
    left: float = 0.0
    right: float = 0.0
    indented: bool = False  # paragraphs start with a first-line indent


def lines_of(words: list[Word]) -> list[Line]:
    """Words grouped into lines by vertical overlap, each line's words left to right."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        mid = (word.top + word.bottom) / 2
        for line in reversed(lines[-3:]):
            if line.top - 1 <= mid <= line.bottom + 1 and _overlap(word, line) > 0.45:
                line.add(word)
                break
        else:
            lines.append(Line([word]))
    return _merge_raised(sorted((line.settle() for line in lines), key=lambda ln: ln.top))


def _merge_raised(lines: list[Line]) -> list[Line]:
    """Superscripts seen before their line's words made a line of their own: put them back."""
    out: list[Line] = []
    for line in lines:
        if out and _raised_into(line, out[-1]):
            line, small = out.pop(), line
        elif out and _raised_into(out[-1], line):
            small = out.pop()
        else:
            out.append(line)
            continue
        for word in small.words:
            line.add(word)
        out.append(line.settle())
    return out


def _raised_into(small: Line, big: Line) -> bool:
    shared = min(small.bottom, big.bottom) - max(small.top, big.top)
    return small.size < 0.8 * big.size and shared > 0.5 * (small.bottom - small.top)


def _overlap(word: Word, line: Line) -> float:
    shared = min(word.bottom, line.bottom) - max(word.top, line.top)
    return shared / max(0.1, min(word.bottom - word.top, line.bottom - line.top))


def segments(line: Line, size: float) -> list[Line]:
    """A line cut where the gap between two words is wider than any word space (2 em)."""
    parts = [Line([line.words[0]])]
    for word in line.words[1:]:
        if word.x0 - parts[-1].x1 > max(2.0 * size, 18.0):
            parts.append(Line([word]))
        else:
            parts[-1].add(word)
    if len(parts) == 1:
        return [line]
    return [part.settle() for part in parts]


def measure(pages: list[list[Line]]) -> Metrics:
    """Body size (most characters), pitch (most common line step) and the text block's edges."""
    sizes: Counter[float] = Counter()
    steps: Counter[float] = Counter()
    lefts: list[float] = []
    rights: list[float] = []
    for lines in pages:
        for ln in lines:
            sizes[ln.size] += sum(len(w.text) for w in ln.words)
        for a, b in zip(lines, lines[1:], strict=False):
            steps[round(b.top - a.top)] += 1
        lefts += [ln.x0 for ln in lines]
        rights += [ln.x1 for ln in lines]
    if not sizes:
        return Metrics()
    size = sizes.most_common(1)[0][0]
    pitch = next((s for s, _ in steps.most_common() if s >= size * 0.9), size * 1.3)
    rights.sort()
    right = rights[int(len(rights) * 0.9)] if rights else 0.0
    left = Counter(round(x) for x in lefts).most_common(1)[0][0] if lefts else 0.0
    indents = sum(1 for x in lefts if left + 0.5 * size < x < left + 4 * size)
    return Metrics(size, float(pitch), float(left), right, indents >= 0.08 * max(1, len(lefts)))


def _drop_superscripts(line: Line) -> Line | None:
    """Footnote references (small digits raised in a body line) removed."""
    size = line.size
    kept: list[Word] = []
    for w in line.words:
        if not (w.size < 0.8 * size and w.text.isdigit()):
            kept.append(w)
        elif kept and w.x0 - kept[-1].x1 < 0.08 * size:
            kept[-1] = replace(kept[-1], x1=w.x1)  # so "X¹;" reads "X;"
    if len(kept) == len(line.words):
        return line
    return Line(kept).settle() if kept else None


def _footnote_start(lines: list[Line], refs: set[str], m: Metrics) -> int:
    """Index of the first footnote line at the page bottom (len(lines) if none).

    Footnotes are small lines at the bottom that start with their number: a number referenced
    by a superscript in the page's body, or (scans, where superscripts are not seen) any number.
    """
    start = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if line.size > 0.92 * m.size:
            break
        first = line.words[0]
        number = first.text.rstrip(".)")
        raised = first.size < 0.9 * line.size and number.isdigit()
        if number in refs or raised or (not refs and number.isdigit() and len(number) <= 2):
            start = i
    return start


def _clean_page(page: Page, lines: list[Line], m: Metrics) -> list[Line]:
    refs = {w.text for ln in lines for w in ln.words if w.size < 0.8 * ln.size and w.text.isdigit()}
    lines = lines[: _footnote_start(lines, refs, m)]
    lines = [ln for ln in (_drop_superscripts(ln) for ln in lines) if ln is not None]
    edge = 0.1 * page.height
    return [ln for ln in lines if not (_page_number(ln, page) and _in_margin(ln, page, edge))]


def _in_margin(line: Line, page: Page, edge: float) -> bool:
    return line.top < edge or line.bottom > page.height - edge


def _page_number(line: Line, page: Page) -> bool:
    """ "2", "- 2 -", "Trang 2/5"; or one short centred word, as OCR may misread a number."""
    if _PAGE_NUMBER.match(line.text):
        return True
    centre = (line.x0 + line.x1) / 2
    return (
        len(line.words) == 1
        and len(line.text) <= 3
        and abs(centre - page.width / 2) < 0.1 * page.width
    )


def _blocks(lines: list[Line], m: Metrics) -> list[Line | _Block]:
    """Lines, with runs of side-by-side columns gathered into blocks.

    Each gap between columns is kept as the interval every line of the block leaves empty; a
    line joins the block while its words leave those intervals empty (narrowing them).
    """
    out: list[Line | _Block] = []
    block: _Block | None = None
    gaps: list[tuple[float, float]] = []
    last_bottom = 0.0
    for line in lines:
        parts = segments(line, m.size)
        # A line beside a block's column must follow it closely; another row may come later.
        reach = (2.5 if len(parts) > 1 else 1.2) * m.pitch
        near = block is not None and line.top - last_bottom < reach
        narrowed = _fit(parts, gaps) if near else None
        if narrowed is None and len(parts) > 1:
            block = _Block(line.top, [[] for _ in parts])
            out.append(block)
            narrowed = [(a.x1, b.x0) for a, b in zip(parts, parts[1:], strict=False)]
        if narrowed is None or block is None:
            block, gaps = None, []
            out.append(line)
            continue
        gaps = narrowed
        for part in parts:
            block.cells[sum(1 for lo, _ in gaps if part.x0 >= lo)].append(part)
        last_bottom = line.bottom
    return out


def _fit(parts: list[Line], gaps: list[tuple[float, float]]) -> list[tuple[float, float]] | None:
    """The gaps narrowed by this line's parts, or None if a part crosses one."""
    if not gaps or len(parts) > len(gaps) + 1:
        return None
    out = list(gaps)
    if len(parts) == len(gaps) + 1:
        for j, (a, b) in enumerate(zip(parts, parts[1:], strict=False)):
            out[j] = (max(out[j][0], a.x1), min(out[j][1], b.x0))
    else:
        for part in parts:
            for j, (lo, hi) in enumerate(out):
                if part.x1 <= hi:
                    out[j] = (max(lo, part.x1), hi) if part.x0 < lo else (lo, hi)
                elif part.x0 >= lo:
                    out[j] = (lo, min(hi, part.x0))
                else:
                    return None
    return out if all(lo < hi for lo, hi in out) else None


def _block_rows(block: _Block) -> list[str]:
    """One pipe row for a header or signature block; a row per line for a task table."""
    heads = " ".join(ln.text for col in block.cells for ln in col[:1])
    if len(block.cells) >= 3 and len(_TABLE_WORDS.findall(heads)) >= 2:
        rows: dict[float, list[str]] = {}
        for c, col in enumerate(block.cells):
            for ln in col:
                key = next((t for t in rows if abs(t - ln.top) < 3), ln.top)
                rows.setdefault(key, [""] * len(block.cells))[c] = ln.text
        return [pipe_row(rows[t]) for t in sorted(rows)]
    return [pipe_row([cell_text(ln.text for ln in col) for col in block.cells])]


def _continues(a: Line, b: Line, m: Metrics, same_page: bool) -> bool:
    """Is line `b` the continuation of the paragraph whose current last line is `a`?"""
    if abs(a.size - b.size) > 0.6:
        return False
    # Where paragraphs are indented, a line at the margin is a continuation whatever it starts
    # with ("Đài Phát thanh" / "- Truyền hình tỉnh"); elsewhere a list marker starts an item.
    if _MARKER.match(b.words[0].text) and not (m.indented and b.x0 < m.left + 2):
        return False
    if same_page and b.top - a.top > 1.45 * m.pitch:
        return False
    space = 0.25 * a.size
    needed = b.words[0].x1 - b.words[0].x0 + space
    width = m.right - m.left
    off_centre = abs((a.x0 + a.x1) / 2 - (m.left + m.right) / 2)
    centred = off_centre < 0.02 * width and a.x0 > m.left + a.size
    if centred:
        return a.x1 - a.x0 + needed > width - 1 and abs((b.x0 + b.x1) / 2 - (a.x0 + a.x1) / 2) < 3
    hanging = len(a.words) > 1 and abs(b.x0 - a.words[1].x0) < 2 and _MARKER.match(a.words[0].text)
    return a.x1 + needed > m.right - 1 and (b.x0 <= a.x0 + 2 or bool(hanging))


def document_lines(pages: list[Page]) -> tuple[list[str], list[Word]]:
    """The text's lines (one paragraph or pipe row each) and the words in the order written."""
    page_lines = [lines_of(page.words) for page in pages]
    m = measure(page_lines)
    out: list[str] = []
    order: list[Word] = []
    last: Line | None = None
    last_page = -1
    for number, page in enumerate(pages):
        items: list[tuple[float, Line | _Block | Table]] = [
            (item.top, item) for item in _blocks(_clean_page(page, page_lines[number], m), m)
        ]
        items += [(t.top, t) for t in page.tables]
        for _, item in sorted(items, key=lambda pair: pair[0]):
            if isinstance(item, Line):
                if last is not None and _continues(last, item, m, number == last_page):
                    out[-1] += " " + item.text
                else:
                    out.append(item.text)
                order += item.words
                last, last_page = item, number
                continue
            last = None
            if isinstance(item, _Block):
                out += ["", *_block_rows(item), ""]
                order += [w for col in item.cells for ln in col for w in ln.words]
            else:
                out += ["", *(pipe_row(cell_text(c) for c in row) for row in item.rows), ""]
    return out, order
