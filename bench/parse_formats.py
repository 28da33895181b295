"""Speed of reading documents: PDF pages with their layout, and OCR of scanned pages.

PDF: the typeset fixtures (tests/fixtures/forms, tests/fixtures/tables) read by
`directives.formats.extract` (pdfplumber checks, PDFium characters, layout) and then parsed,
beside PDFium's bare text of the same pages (`get_text_range`, no geometry): the floor. Rounds
alternate the order of the two. OCR: each scan read by `intake.read_notice`; Tesseract's own
seconds (the floor) beside rendering (pdftoppm) and the rest (layout, alignment, parsing).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from directives.formats import extract
from directives.parsing import parse_notice
from dondoc.settings import Settings
from intake import OcrTimings, limits_from, read_notice

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
PDFS = [
    p
    for folder in ("forms", "tables")
    for p in sorted((FIXTURES / folder).glob("*.pdf"))
    if not p.name.endswith(".scan.pdf")
]
SCANS = sorted((FIXTURES / "forms").glob("*.scan.pdf"))


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _pages(data: bytes) -> int:
    with pdfium.PdfDocument(data) as doc:
        return len(doc)


def _bare(data: bytes) -> None:
    doc = pdfium.PdfDocument(data)
    for page in doc:
        text_page = page.get_textpage()
        text_page.get_text_range()
        text_page.close()
        page.close()
    doc.close()


def _layout(data: bytes, name: str) -> None:
    extracted = extract(data, name)
    parse_notice(extracted.text, source=extracted.source)


def pdf_speed(rounds: int = 6) -> dict[str, Any]:
    """Pages a second, layout + parse against PDFium's bare text, alternating the order."""
    files = [(p.name, p.read_bytes()) for p in PDFS]
    pages = sum(_pages(data) for _, data in files)
    spent = {"layout_and_parse": 0.0, "bare_pdfium_text": 0.0}
    for r in range(rounds):
        order = ("layout_and_parse", "bare_pdfium_text")
        for kind in order if r % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            for name, data in files:
                _layout(data, name) if kind == "layout_and_parse" else _bare(data)
            spent[kind] += time.perf_counter() - start
    rate = {k: round(pages * rounds / v, 1) for k, v in spent.items()}
    return {
        "documents": len(files),
        "pages": pages,
        "rounds": rounds,
        "pages_per_second": rate["layout_and_parse"],
        "floor_pages_per_second": rate["bare_pdfium_text"],
        "ms_per_page": round(spent["layout_and_parse"] / pages / rounds * 1000, 1),
        "floor_ms_per_page": round(spent["bare_pdfium_text"] / pages / rounds * 1000, 1),
    }


def ocr_speed() -> dict[str, Any]:
    """Seconds a scanned page: Tesseract's share, rendering, and dondoc's own work."""
    limits = limits_from(Settings())
    timings = OcrTimings()
    parse = 0.0
    for path in SCANS:
        extracted = read_notice(path.read_bytes(), path.name, limits, timings)
        start = time.perf_counter()
        parse_notice(extracted.text, source=extracted.source)
        parse += time.perf_counter() - start
    pages = max(1, timings.pages)
    own = timings.total_seconds - timings.tesseract_seconds - timings.render_seconds + parse
    return {
        "documents": len(SCANS),
        "pages": timings.pages,
        "dpi": limits.ocr_dpi,
        "seconds_per_page": round((timings.total_seconds + parse) / pages, 3),
        "tesseract_seconds_per_page": round(timings.tesseract_seconds / pages, 3),
        "render_seconds_per_page": round(timings.render_seconds / pages, 3),
        "dondoc_seconds_per_page": round(own / pages, 3),
        "overhead_over_tesseract": round(
            (timings.total_seconds + parse - timings.tesseract_seconds)
            / max(1e-9, timings.tesseract_seconds),
            3,
        ),
    }
