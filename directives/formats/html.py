"""HTML copied from a portal → text: block elements as lines, tables as pipe rows.

lxml parses (and finds the charset); this walks the tree. Row and column spans are laid out on
a grid so a merged STT or lead cell does not shift the columns of the rows below.
"""

from __future__ import annotations

import re

from lxml import etree, html

from directives.formats.limits import ReadLimits
from directives.formats.pipes import cell_text, pipe_rows
from directives.parsing import NoticeError

_BLOCKS = frozenset(
    "p div section article header footer main aside h1 h2 h3 h4 h5 h6 li ul ol dl dt dd "
    "blockquote pre center form fieldset address figure figcaption caption".split()
)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SKIP = frozenset(("script", "style", "head", "noscript", "template", "iframe", "svg", "button"))


def read_html(data: bytes, name: str, limits: ReadLimits) -> str:
    """The text of an HTML page: one line per block, each table as pipe rows."""
    try:
        root = html.document_fromstring(_XML_DECLARATION.sub("", _decode(data), count=1))
    except (etree.ParserError, ValueError) as exc:
        raise NoticeError(f"{name}: not readable HTML ({exc})") from None
    elements = sum(1 for _ in root.iter())
    cells = sum(1 for _ in root.iter("td", "th"))
    if elements > limits.max_paragraphs * 10 or cells > limits.max_table_cells:
        raise NoticeError(
            f"{name}: refused: {elements} HTML elements and {cells} table cells "
            f"(limits {limits.max_paragraphs * 10} and {limits.max_table_cells})"
        )
    out: list[str] = []
    body = root.find("body")
    _walk(body if body is not None else root, out)
    return "\n".join(out)


def _decode(data: bytes) -> str:
    """The page as text: its declared charset, else UTF-8, else Windows-1258 (old portals)."""
    declared = _CHARSET.search(data[:4096])
    for codec in ([declared[1].decode("ascii")] if declared else []) + ["utf-8"]:
        try:
            return data.decode(codec).lstrip("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1258", errors="replace")


def _walk(node: etree._Element, out: list[str]) -> None:
    """Append the text of `node`: inline runs join the current line, blocks start new ones."""
    if not isinstance(node.tag, str) or node.tag in _SKIP:
        _tail(node, out)
        return
    if node.tag == "table":
        out.extend(["", *_table(node), ""])
        _tail(node, out)
        return
    if node.tag == "br":
        out.append("")
    elif node.tag in _BLOCKS or node.tag == "tr":
        out.append("")
    _inline(node.text, out)
    for child in node:
        _walk(child, out)
    if node.tag in _BLOCKS:
        out.append("")
    _tail(node, out)


def _tail(node: etree._Element, out: list[str]) -> None:
    _inline(node.tail, out)


def _inline(text: str | None, out: list[str]) -> None:
    """Add an inline run to the current line, one space between runs."""
    if not text:
        return
    if not out:
        out.append("")
    words = " ".join(text.split())
    if out[-1] and not out[-1].endswith(" ") and (text[0].isspace() or not words):
        out[-1] += " "
    out[-1] += words + (" " if words and text[-1].isspace() else "")


def _cell_lines(cell: etree._Element) -> list[str]:
    lines = [""]
    _inline(cell.text, lines)
    for child in cell:
        _walk(child, lines)
    return [line.strip() for line in lines if line.strip()]


def _table(table: etree._Element) -> list[str]:
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.iter("tr") if _own(tr, table)]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = cell_text(_cell_lines(cell))
            span_r = _span(cell, "rowspan", len(rows) - r)
            for dc in range(_span(cell, "colspan", 50)):
                grid[(r, c + dc)] = text
                for dr in range(1, span_r):
                    grid[(r + dr, c + dc)] = ""  # the merged cell's text stays in its first row
            c += _span(cell, "colspan", 50)
    width = max((c for _, c in grid), default=-1) + 1
    return pipe_rows([grid.get((r, c), "") for c in range(width)] for r in range(len(rows)))


def _own(tr: etree._Element, table: etree._Element) -> bool:
    """A row of this table, not of a table nested in one of its cells."""
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent is table


def _span(cell: etree._Element, attribute: str, most: int) -> int:
    try:
        return max(1, min(most, int(cell.get(attribute, "1"))))
    except ValueError:
        return 1
