"""Tables as text: one pipe row per table row, line breaks inside a cell as "<br>".

Every reader (DOCX, HTML, PDF) writes tables this way, the way web copies of notices already
come (`| ỦY BAN NHÂN DÂN | CỘNG HÒA … |`), so the text parser reads one form only.
"""

from __future__ import annotations

from collections.abc import Iterable

CELL_BREAK = "<br>"


def cell_text(lines: Iterable[str]) -> str:
    """One cell: its lines with spaces folded, joined by <br>; no pipe inside."""
    parts = (" ".join(line.split()) for line in lines)
    return CELL_BREAK.join(p for p in parts if p).replace("|", "/")


def pipe_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def pipe_rows(rows: Iterable[Iterable[str]]) -> list[str]:
    """Rows of already-formatted cells; rows with no text at all are dropped."""
    out = []
    for row in rows:
        cells = list(row)
        if any(c.strip() for c in cells):
            out.append(pipe_row(cells))
    return out
