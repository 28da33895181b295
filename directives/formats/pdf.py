"""PDF text layer → pages of words with geometry (pdfplumber), bounded in pages, size and time.

Ruled tables are found by pdfplumber (from the drawn lines) and kept as rows; the words outside
them go to `layout` to become paragraphs. Pages with no text but an image are scans: their
numbers are handed back for OCR, which happens outside directives/.
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


def _inside(w: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x, y = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _page(page: Any, number: int, name: str, limits: ReadLimits) -> Page | None:
    if _content_bytes(page, limits.max_page_bytes) > limits.max_page_bytes:
        raise NoticeError(
            f"{name}: refused: page {number + 1} draws more than "
            f"{limits.max_page_bytes // 1024 // 1024} MB of content"
        )
    chars = page.chars
    if len(chars) > limits.max_page_chars:
        raise NoticeError(
            f"{name}: refused: page {number + 1} has {len(chars)} characters "
            f"(limit {limits.max_page_chars})"
        )
    if not any(c["text"].strip() for c in chars):
        return None if page.images else Page(float(page.width), float(page.height), [])
    tables, boxes = _tables(page)
    words = [
        Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["size"])
        for w in page.extract_words(extra_attrs=["size"], use_text_flow=False)
        if not _inside(w, boxes)
    ]
    return Page(float(page.width), float(page.height), words, tables)


def read_pdf(
    data: bytes, name: str, limits: ReadLimits, clock: Callable[[], float] = time.monotonic
) -> PdfReading:
    """Every page's words and tables; pages with only images are listed as scanned."""
    from pdfminer.psparser import PSException

    started = clock()
    with _open(data, name) as pdf:
        if len(pdf.pages) > limits.max_pages:
            raise NoticeError(f"{name}: refused: {len(pdf.pages)} pages (limit {limits.max_pages})")
        reading = PdfReading([])
        for number, page in enumerate(pdf.pages):
            try:
                found = _page(page, number, name, limits)
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
