"""Reading an uploaded notice: text layers through directives.formats, scans through Tesseract.

directives/ stays pure (bytes in, text out); this package is where files and processes are:
poppler's pdftoppm renders scanned pages, Tesseract (with its Vietnamese model) reads them. The
CLI and the web call `read_notice` alike. Imports directives only.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from directives.formats import Extracted, NeedsOcr, ReadLimits, extract
from intake.ocr import OcrTimings, ocr_document

__all__ = ["OcrTimings", "limits_from", "read_notice"]


def read_notice(
    data: bytes, filename: str, limits: ReadLimits, timings: OcrTimings | None = None
) -> Extracted:
    """The text of any supported document; pages without a text layer are OCR'd."""
    try:
        return extract(data, filename, limits)
    except NeedsOcr as need:
        return ocr_document(data, filename, limits, need.reading, timings)


def limits_from(settings: Any) -> ReadLimits:
    """ReadLimits from an object with a `notice_<field>` attribute per field (dondoc Settings)."""
    return ReadLimits(**{f.name: getattr(settings, f"notice_{f.name}") for f in fields(ReadLimits)})
