"""Reading an uploaded notice: text layers through directives.formats, scans through Tesseract.

directives/ stays pure (bytes in, text out); this package is where files and processes are:
poppler's pdftoppm renders scanned pages, Tesseract (with its Vietnamese model) reads them. The
CLI and the web call `read_notice` alike. Imports directives only.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from directives.formats import SUFFIXES, Extracted, NeedsOcr, ReadLimits, extract
from intake.ocr import OcrTimings, ocr_document

__all__ = ["OcrTimings", "document_of", "limits_from", "read_file", "read_notice"]


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


def read_file(path: Path, limits: ReadLimits, timings: OcrTimings | None = None) -> Extracted:
    """`read_notice` on a file's bytes."""
    return read_notice(path.read_bytes(), path.name, limits, timings)


def document_of(folder: Path, name: str) -> Path | None:
    """The document NAME.<supported suffix> in a folder (NAME.gold.json beside it is not one);
    with several, the first in SUFFIXES order (.txt, .md, .docx, .html, .pdf, images)."""
    for suffix in SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None
