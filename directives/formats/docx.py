""".docx → text: paragraphs in order, tables as pipe rows; bounded before python-docx parses.

A .docx is a zip: the zip directory says how large each part unpacks to, so a zip bomb is refused
from the directory alone, and document.xml is streamed once (never more than the limit) to count
its paragraphs and cells before python-docx builds a tree of them.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

from lxml import etree

from directives.formats.limits import ReadLimits
from directives.formats.pipes import cell_text, pipe_rows
from directives.parsing import NoticeError

if TYPE_CHECKING:
    from docx.table import Table, _Cell

_DOCUMENT = "word/document.xml"
_PARAGRAPH = re.compile(rb"<w:p[\s>/]")
_CELL = re.compile(rb"<w:tc[\s>/]")
_CHUNK = 1024 * 1024


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_package(data: bytes, name: str, limits: ReadLimits) -> None:
    """Refuse a .docx whose parts unpack too large or that holds absurdly many paragraphs."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise NoticeError(f"{name}: not a readable .docx file ({exc})") from None
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    if xml > limits.max_xml_bytes:
        raise NoticeError(
            f"{name}: refused: its XML unpacks to {_mb(xml)} (limit {_mb(limits.max_xml_bytes)})"
        )
    if _DOCUMENT not in package.namelist():
        raise NoticeError(f"{name}: not a readable .docx file (no {_DOCUMENT})")
    paragraphs, cells = _count(package, name)
    if paragraphs > limits.max_paragraphs or cells > limits.max_table_cells:
        raise NoticeError(
            f"{name}: refused: {paragraphs} paragraphs and {cells} table cells "
            f"(limits {limits.max_paragraphs} and {limits.max_table_cells})"
        )


def _count(package: zipfile.ZipFile, name: str) -> tuple[int, int]:
    paragraphs = cells = 0
    tail = b""
    try:
        with package.open(_DOCUMENT) as stream:
            while chunk := stream.read(_CHUNK):
                window = tail + chunk
                # A tag cut by the chunk border starts at a "<" near the end: counted next time.
                cut = window.rfind(b"<", max(0, len(window) - 6))
                cut = len(window) if cut < 0 else cut
                paragraphs += len(_PARAGRAPH.findall(window, 0, cut))
                cells += len(_CELL.findall(window, 0, cut))
                tail = window[cut:]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise NoticeError(f"{name}: not a readable .docx file ({exc})") from None
    return paragraphs + len(_PARAGRAPH.findall(tail)), cells + len(_CELL.findall(tail))


def read_docx(data: bytes, name: str, limits: ReadLimits) -> str:
    """The text of a .docx: body paragraphs, and each table as pipe rows, in document order."""
    check_package(data, name, limits)
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                lines.extend(["", *table_rows(block), ""])
    except etree.XMLSyntaxError as exc:
        raise NoticeError(f"{name}: malformed XML in the .docx ({exc})") from None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise NoticeError(f"{name}: not a readable .docx file ({exc})") from None
    return "\n".join(lines)


def table_rows(table: Table) -> list[str]:
    """Pipe rows of a table; a vertically merged cell's text is given once, in its first row."""
    rows: list[list[str]] = []
    seen: set[object] = set()
    for row in table.rows:
        before = [""] * row.grid_cols_before
        cells: list[str] = []
        in_row: set[object] = set()
        for cell in row.cells:
            if cell._tc in seen and cell._tc not in in_row:
                cells.append("")  # the continuation of a vertical merge
                continue
            in_row.add(cell._tc)
            cells.append(_cell(cell))
        seen |= in_row
        rows.append(before + cells + [""] * row.grid_cols_after)
    return pipe_rows(rows)


def _cell(cell: _Cell) -> str:
    lines = [p.text for p in cell.paragraphs]
    for inner in cell.tables:
        lines.extend(r.strip("| ").replace(" | ", " ") for r in table_rows(inner))
    return cell_text(line for text in lines for line in text.split("\n"))
