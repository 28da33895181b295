"""PDF text layer → pages of words with geometry, bounded in pages, size and time.

pdfplumber (pdfminer.six) opens the file, checks each page's content size and finds ruled tables
(from the drawn lines) on the pages that draw lines; the characters and their boxes come from
PDFium (pypdfium2, which pdfplumber ships with), ten times faster than pdfminer's interpreter.
Words outside tables go to `layout` to become paragraphs. Pages with no text but an image are
scans: their numbers are handed back for OCR, which happens outside directives/.
"""

from __future__ import annotations

import io
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from directives.formats.layout import Page, Table, Word
from directives.formats.limits import ReadLimits
from directives.parsing import NoticeError


@dataclass(slots=True)
class PdfReading:
    """The pages read from the text layer; `scanned` lists pages that need OCR (0-based)."""

    pages: list[Page]
    scanned: list[int] = field(default_factory=list)
    sizes: list[tuple[float, float]] = field(default_factory=list)  # (width, height) in points


def _open(data: bytes, name: str) -> Any:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    if not data.lstrip()[:1024].find(b"%PDF-") >= 0:
        raise NoticeError(f"{name}: not a readable PDF (no %PDF header)")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pdf.pages  # noqa: B018 - reads the page tree now, so a broken one fails here
    except (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise NoticeError(f"{name}: not a readable PDF ({exc or type(exc).__name__})") from None
    return pdf


def _content_bytes(page: Any, limit: int) -> int:
    """Decoded size of the page's content streams, never inflating more than `limit` + 1."""
    total = 0
    for stream in page.page_obj.contents or []:
        raw = getattr(stream, "rawdata", None) or getattr(stream, "data", None) or b""
        filters = stream.get_filters() if hasattr(stream, "get_filters") else []
        if filters and str(filters[0][0]).strip("/'\"").endswith("FlateDecode"):
            try:
                total += len(zlib.decompressobj().decompress(raw, limit + 1))
            except zlib.error:
                continue
        else:
            total += len(raw)
        if total > limit:
            break
    return total


def _tables(page: Any) -> tuple[list[Table], list[tuple[float, float, float, float]]]:
    if len(page.lines) + len(page.rects) + len(page.curves) < 4:
        return [], []
    tables, boxes = [], []
    for found in page.find_tables():
        rows = found.extract()
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            continue
        x0, top, x1, bottom = found.bbox
        cells = [[(c or "").split("\n") for c in row] for row in rows]
        tables.append(Table(top, bottom, cells))
        boxes.append((x0, top, x1, bottom))
    return tables, boxes


def _inside(w: Word, boxes: list[tuple[float, float, float, float]]) -> bool:
    x, y = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _page(page: Any, doc_page: Any, number: int, name: str, limits: ReadLimits) -> Page | None:
    if _content_bytes(page, limits.max_page_bytes) > limits.max_page_bytes:
        raise NoticeError(
            f"{name}: refused: page {number + 1} draws more than "
            f"{limits.max_page_bytes // 1024 // 1024} MB of content"
        )
    width, height = float(page.width), float(page.height)
    words = _words(doc_page, height, number, name, limits)
    if not words:
        return None if _has_image(doc_page) else Page(width, height, [])
    tables, boxes = _tables(page) if _paths(doc_page) >= 4 else ([], [])
    kept = [w for w in words if not _inside(w, boxes)]
    return Page(width, height, kept, tables)


def _paths(doc_page: Any) -> int:
    import pypdfium2.raw as raw

    n = raw.FPDFPage_CountObjects(doc_page)
    kinds = (raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(doc_page, i)) for i in range(n))
    return sum(1 for k in kinds if k == raw.FPDF_PAGEOBJ_PATH)


def _has_image(doc_page: Any) -> bool:
    import pypdfium2.raw as raw

    n = raw.FPDFPage_CountObjects(doc_page)
    kinds = (raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(doc_page, i)) for i in range(n))
    return any(k in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM) for k in kinds)


def _words(doc_page: Any, height: float, number: int, name: str, limits: ReadLimits) -> list[Word]:
    """Words from PDFium's characters: split at spaces, size changes and gaps; boxes y-down."""
    import pypdfium2.raw as raw

    text_page = doc_page.get_textpage()
    try:
        count = text_page.count_chars()
        if count > limits.max_page_chars:
            raise NoticeError(
                f"{name}: refused: page {number + 1} has {count} characters "
                f"(limit {limits.max_page_chars})"
            )
        box = raw.FS_RECTF()
        words: list[Word] = []
        word: Word | None = None
        for i in range(count):
            ch = chr(raw.FPDFText_GetUnicode(text_page, i))
            if ch.isspace() or ch in "\x00\ufffe\uffff":
                word = None
                continue
            raw.FPDFText_GetLooseCharBox(text_page, i, box)
            size = raw.FPDFText_GetFontSize(text_page, i)
            x0, x1, top, bottom = box.left, box.right, height - box.top, height - box.bottom
            if (
                word is None
                or abs(size - word.size) > 0.3
                or not -0.2 * size < x0 - word.x1 < 0.15 * size
                or abs(top - word.top) > 0.5 * size
            ):
                word = Word(ch, x0, x1, top, bottom, size)
                words.append(word)
            else:
                word.text += ch
                word.x1, word.bottom = max(word.x1, x1), max(word.bottom, bottom)
        return words
    finally:
        text_page.close()


def read_pdf(
    data: bytes, name: str, limits: ReadLimits, clock: Callable[[], float] = time.monotonic
) -> PdfReading:
    """Every page's words and tables; pages with only images are listed as scanned."""
    import pypdfium2 as pdfium
    from pdfminer.psparser import PSException

    started = clock()
    pdf = _open(data, name)
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        pdf.close()
        raise NoticeError(f"{name}: not a readable PDF ({exc})") from None
    with pdf, doc:
        if len(doc) != len(pdf.pages):
            raise NoticeError(f"{name}: not a readable PDF (page tree is inconsistent)")
        if len(pdf.pages) > limits.max_pages:
            raise NoticeError(f"{name}: refused: {len(pdf.pages)} pages (limit {limits.max_pages})")
        reading = PdfReading([])
        for number, page in enumerate(pdf.pages):
            try:
                doc_page = doc[number]
                try:
                    found = _page(page, doc_page, number, name, limits)
                finally:
                    doc_page.close()
            except (PSException, ValueError, KeyError, TypeError, AttributeError) as exc:
                raise NoticeError(f"{name}: page {number + 1} is not readable ({exc})") from None
            reading.sizes.append((float(page.width), float(page.height)))
            if found is None:
                reading.scanned.append(number)
                reading.pages.append(Page(float(page.width), float(page.height), []))
            else:
                reading.pages.append(found)
            page.close()
            if clock() - started > limits.max_seconds:
                raise NoticeError(
                    f"{name}: refused: reading took over {limits.max_seconds:.0f} s "
                    f"(at page {number + 1} of {len(pdf.pages)})"
                )
    return reading
