"""Tesseract's TSV output → laid-out pages, and low-confidence words → spans of the final text.

Pure: running Tesseract is intake/'s job; this reads what it printed. Word boxes are pixels at
the render resolution, turned into points so the layout rules measure scans as PDFs. A word's
size is estimated from its line's mean character width: box heights say more about tone marks
("Ấp" against "145") than about the font.
"""

from __future__ import annotations

import csv
import io
import re
from statistics import median

from directives.drafts import TextSource
from directives.formats.layout import Page, Word
from directives.normalize import nfc
from directives.parsing.text import normalise

_EM_PER_CHAR = 0.47  # a Times-like font's mean advance (with the space) over its size
_WINDOW = 160  # how far ahead the next OCR word is looked for in the normalised text


def tsv_page(tsv: str, dpi: int, width_px: int, height_px: int) -> Page:
    """One page of `tesseract … tsv` output as words in points."""
    scale = 72.0 / dpi
    rows = list(csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE))
    found = [r for r in rows[1:] if len(r) >= 12 and r[0] == "5" and r[11].strip()]
    lines: dict[tuple[str, ...], list[list[str]]] = {}
    for row in found:
        lines.setdefault(tuple(row[1:5]), []).append(row)
    words: list[Word] = []
    for line in lines.values():
        left, right = int(line[0][6]), int(line[-1][6]) + int(line[-1][8])
        chars = sum(len(r[11].strip()) + 1 for r in line) - 1
        size = (right - left) * scale / max(1, chars) / _EM_PER_CHAR
        for row in line:
            x, y, w, h = (int(v) for v in row[6:10])
            words.append(
                Word(nfc(row[11].strip()), x * scale, (x + w) * scale, y * scale,
                     (y + h) * scale, size, float(row[10]))
            )  # fmt: skip
    return Page(width_px * scale, height_px * scale, words)


def settle_sizes(pages: list[Page]) -> None:
    """One size for the body lines of the whole document (estimates from widths vary by a
    tenth); smaller lines (footnotes, Nơi nhận) and larger ones (titles) keep their own."""
    sizes = [w.size for page in pages for w in page.words if w.conf is not None]
    if not sizes:
        return
    body = median(sizes)
    for page in pages:
        for w in page.words:
            if w.conf is not None and 0.9 * body <= w.size <= 1.12 * body:
                w.size = body


_LOOKALIKE = {"S": "5", "O": "0", "o": "0", "l": "1", "I": "1", "B": "8", "Z": "2", "g": "9"}
_MISREAD_MARK = re.compile(r"^([SOolIBZg])\.(?=\s+[A-ZĐÀ-Ỹ])", re.MULTILINE)
_DECIMAL_MARK = re.compile(r"^(\d{1,2})\.(?=\s)", re.MULTILINE)


_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
_MISREAD_ROMAN = re.compile(r"^([IVXHLl|]{1,5})([.,]?)\s+(\S+)")
_ROMAN_MARK = re.compile(r"^([IVX]{1,4})\.(?=\s)")


def _roman(line: str, expected: str) -> str:
    """ "IL ĐÁNH GIÁ" → "I. ĐÁNH GIÁ", "HI. VỀ" → "III. VỀ" when that is the next heading."""
    m = _MISREAD_ROMAN.match(line)
    if not m or (m[2] == "." and m[1] == expected) or not (m[3].isupper() and len(m[3]) > 1):
        return line  # a roman heading is in capitals: "II. NHIỆM VỤ"
    token = m[1].replace("H", "II").replace("l", "I").replace("|", "I")
    dot = m[2] == "." or token.endswith("L")
    token = token.removesuffix("L") if token.endswith("L") and token != "L" else token
    if dot and token == expected:
        return f"{expected}." + line[m.end(2) :]
    return line


def repair_numbering(text: str) -> str:
    """Heading numbers OCR read as letters ("S." after "4.", "HI." after "II.") put back, only
    where they continue the sequence."""
    out: list[str] = []
    last = roman = 0
    for line in text.split("\n"):
        m = _MISREAD_MARK.match(line)
        digit = _LOOKALIKE.get(m[1]) if m else None
        if m and digit and str(last + 1) == digit and not (m[1] == "I" and last == 0):
            line = digit + line[1:]
        if roman < len(_ROMANS):
            line = _roman(line, _ROMANS[roman])
        r = _ROMAN_MARK.match(line)
        if r and r[1] in _ROMANS:
            roman, last = _ROMANS.index(r[1]) + 1, 0
        n = _DECIMAL_MARK.match(line)
        last = int(n[1]) if n else last
        out.append(line)
    return "\n".join(out)


def ocr_source(text: str, words: list[Word], low: int) -> tuple[str, TextSource]:
    """The normalised text and where in it the words read under confidence `low` are."""
    clean = repair_numbering(normalise(text))
    spans: list[tuple[int, int]] = []
    confidences: list[tuple[float, int]] = []
    pos = 0
    for word in words:
        if word.conf is None or word.conf < 0:
            continue
        confidences.append((word.conf, len(word.text)))
        at = clean.find(word.text, pos, pos + len(word.text) + _WINDOW)
        if at < 0:
            continue  # a dropped line (page number, stamp) or a word the clean-up changed
        pos = at + len(word.text)
        if word.conf < low:
            if spans and at - spans[-1][1] <= 1:
                spans[-1] = (spans[-1][0], pos)
            else:
                spans.append((at, pos))
    letters = sum(n for _, n in confidences)
    mean = sum(c * n for c, n in confidences) / letters if letters else None
    return clean, TextSource("ocr", tuple(spans), round(mean, 1) if mean is not None else None)
