"""Text of an uploaded directive from the bytes handed in: .txt/.md, .docx, .html/.htm, .pdf.

Works on bytes only; reading the file, and running OCR for scans and images (`NeedsOcr`), is the
caller's job (intake/). Every reader is bounded by `ReadLimits` and writes tables as pipe rows.
Errors are NoticeError with one clear sentence, so the CLI and the web show them as they are.
"""

from __future__ import annotations

from directives.drafts import TextSource
from directives.formats.layout import Page, document_lines
from directives.formats.limits import Extracted, ReadLimits
from directives.formats.pdf import PdfReading, read_pdf
from directives.parsing import NoticeError

__all__ = [
    "SUFFIXES",
    "Extracted",
    "NeedsOcr",
    "ReadLimits",
    "extract",
    "extract_text",
    "from_pages",
    "kind_of",
]

_KINDS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}
SUFFIXES = tuple(_KINDS)


class NeedsOcr(NoticeError):
    """The document has pages with no text layer (a scan, an image): OCR must read them."""

    def __init__(self, message: str, reading: PdfReading | None = None) -> None:
        super().__init__(message)
        self.reading = reading


def kind_of(filename: str) -> str | None:
    """text, docx, html, pdf or image, from the file name; None if not supported."""
    name = filename.lower()
    return next((kind for suffix, kind in _KINDS.items() if name.endswith(suffix)), None)


def extract(data: bytes, filename: str, limits: ReadLimits | None = None) -> Extracted:
    """The text of a document and how it was read; NeedsOcr for scans and images."""
    limits = limits or ReadLimits()
    if not data:
        raise NoticeError(f"{filename}: empty file")
    if len(data) > limits.max_bytes:
        raise NoticeError(f"{filename}: too large ({len(data)} bytes; limit {limits.max_bytes})")
    kind = kind_of(filename)
    if kind == "text":
        return Extracted(_decode(data), TextSource("text"))
    if kind == "docx":
        from directives.formats.docx import read_docx

        return Extracted(read_docx(data, filename, limits), TextSource("docx"))
    if kind == "html":
        from directives.formats.html import read_html

        return Extracted(read_html(data, filename, limits), TextSource("html"))
    if kind == "pdf":
        reading = read_pdf(data, filename, limits)
        if reading.scanned:
            raise NeedsOcr(f"{filename}: PDF has no text layer (scanned?): OCR needed", reading)
        return from_pages(reading.pages, filename)
    if kind == "image":
        raise NeedsOcr(f"{filename}: a scanned image: OCR needed")
    raise NoticeError(
        f"{filename}: unsupported format (use .txt, .md, .docx, .html, .pdf, .png, .jpg, .tif)"
    )


def extract_text(data: bytes, filename: str, limits: ReadLimits | None = None) -> str:
    """The plain text of a document with a text layer (see `extract`)."""
    return extract(data, filename, limits).text


def from_pages(
    pages: list[Page], filename: str, ocr: bool = False, low_confidence: int = 70
) -> Extracted:
    """Text of laid-out pages; for OCR'd pages, the spans of words read with low confidence."""
    if ocr:
        from directives.formats.ocr import settle_sizes

        settle_sizes(pages)
    lines, words = document_lines(pages)
    text = "\n".join(lines)
    if not text.strip():
        raise NoticeError(f"{filename}: PDF has no text layer and no scanned page: nothing to read")
    if not ocr:
        return Extracted(text, TextSource("pdf"), pages=len(pages))
    from directives.formats.ocr import ocr_source

    text, source = ocr_source(text, words, low_confidence)
    return Extracted(text, source, pages=len(pages))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if len(data) > 3 and data[1:2] == b"\x00" and data[3:4] == b"\x00":
        return data.decode("utf-16-le", errors="replace")
    if b"\x00" in data[:4096]:
        raise NoticeError("binary junk, not text: is this the right file?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")
