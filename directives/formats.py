"""Text of an uploaded directive (.txt, .docx, .pdf) from the bytes handed in.

Works on bytes only; reading the file is the caller's job. Errors are NoticeError with one
clear sentence, so the CLI and the web can show them as they are.
"""

from __future__ import annotations

import io
import zipfile

from directives.parsing import NoticeError

_TEXT_SUFFIXES = (".txt", ".text", ".md")


def extract_text(data: bytes, filename: str) -> str:
    """The plain text of a .txt, .docx or .pdf document given as bytes."""
    name = filename.lower()
    if not data:
        raise NoticeError(f"{filename}: empty file")
    if name.endswith(_TEXT_SUFFIXES):
        return _decode(data)
    if name.endswith(".docx"):
        return _docx(data, filename)
    if name.endswith(".pdf"):
        return _pdf(data, filename)
    raise NoticeError(f"{filename}: unsupported format (use .txt, .docx or .pdf)")


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


def _docx(data: bytes, filename: str) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise NoticeError(f"{filename}: not a readable .docx file ({exc})") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return "\n".join(lines)


def _table_lines(table: object) -> list[str]:
    lines: list[str] = []
    seen: set[object] = set()  # the cell elements themselves: merged cells repeat
    for row in table.rows:  # type: ignore[attr-defined]
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            lines.extend(p.text for p in cell.paragraphs)
            for inner in cell.tables:
                lines.extend(_table_lines(inner))
    return lines


def _pdf(data: bytes, filename: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise NoticeError(f"{filename}: not a readable PDF ({exc})") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise NoticeError(f"{filename}: PDF has no text layer (scanned?): run OCR first")
    return text
