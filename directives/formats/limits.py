"""Bounds on the work one uploaded document may cost, and what a reader hands back.

The defaults are the library's; an installation sets its own in dondoc/settings.py (`notice_*`)
and passes them down, since directives/ imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directives.drafts import TextSource


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Giới hạn đọc văn bản: refuse a document before it costs more than this."""

    max_bytes: int = 20 * 1024 * 1024  # the file itself
    max_xml_bytes: int = 32 * 1024 * 1024  # a .docx's XML parts, unpacked (zip directory)
    max_paragraphs: int = 20_000  # .docx paragraphs / HTML block elements
    max_table_cells: int = 50_000
    max_pages: int = 200  # PDF pages (text layer or scanned)
    max_page_bytes: int = 8 * 1024 * 1024  # one PDF page's content streams, decoded
    max_page_chars: int = 60_000  # characters drawn on one PDF page
    max_seconds: float = 120.0  # reading a whole PDF's text layer
    max_image_pixels: int = 80_000_000  # a scanned image or a rendered page (A4 at 300 dpi: 8.7M)
    ocr_dpi: int = 300
    ocr_page_seconds: float = 120.0  # Tesseract on one page
    ocr_low_confidence: int = 70  # words under this Tesseract confidence (0-100) are flagged


@dataclass(frozen=True, slots=True)
class Extracted:
    """The text of a document and how it was read (layout, tables, OCR)."""

    text: str
    source: TextSource = field(default_factory=TextSource)
    pages: int = 0
