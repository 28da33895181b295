"""Page geometry → paragraphs: wrapped lines joined by position, page furniture dropped.

Pages are built here word by word (Times-like metrics: 14 pt, a 425 pt text block from x=85),
so each rule is seen on its own: a line is continued when the next line's first word would not
have fitted after it and the next line is not indented; columns become one pipe row; page
numbers, footnotes and their superscript references go.
"""

from __future__ import annotations

from directives.formats.layout import Page, Word, document_lines
from directives.parsing.text import normalise

LEFT, RIGHT, SIZE, PITCH = 85.0, 510.0, 14.0, 19.0
CHAR = 6.3  # mean advance of a 14 pt Times character


def _line(
    text: str, top: float, x: float = LEFT, size: float = SIZE, fill: bool = False
) -> list[Word]:
    """Words of one line from x; `fill` stretches the spaces to the right edge (justified)."""
    words = text.split()
    widths = [len(w) * CHAR * size / SIZE for w in words]
    space = 0.25 * size
    if fill and len(words) > 1:
        space = (RIGHT - x - sum(widths)) / (len(words) - 1)
    out, at = [], x
    for word, width in zip(words, widths, strict=True):
        out.append(Word(word, at, at + width, top, top + size * 1.15, size))
        at += width + space
    return out


def _page(*lines: list[Word], height: float = 842.0) -> Page:
    return Page(595.0, height, [w for line in lines for w in line])


# Text rules alone would get both wrong: line 1 ends a sentence before a capital (kept apart),
# line 3 runs on into a lower-case line 4 that is a new, indented paragraph (joined).
BODY = [
    ("Sở Tài chính rà soát nguồn vốn đầu tư công của tỉnh năm 2024.", True),
    ("Tổ chức kiểm tra các dự án chậm giải ngân, báo cáo UBND tỉnh.", False),
    ("Sở Xây dựng chủ trì thẩm định thiết kế các công trình khởi công", True),
    ("mới", False),
]


def _body(start: float = 100.0) -> list[list[Word]]:
    """Two paragraphs of two lines, first lines indented 1 cm and justified."""
    out = []
    for i, (text, fill) in enumerate(BODY):
        x = LEFT + 28 if i % 2 == 0 else LEFT
        out.append(_line(text, start + i * PITCH, x, fill=fill))
    return out


def _text(*pages: Page) -> list[str]:
    """The lines layout writes (before the text rules of `normalise`)."""
    return [line for line in document_lines(list(pages))[0] if line]


def test_wrapped_lines_join_and_indented_lines_start_paragraphs() -> None:
    lines = [*_body(), _line("năm 2024 theo quy định hiện hành.", 100 + 4 * PITCH, LEFT + 28)]
    assert _text(_page(*lines)) == [
        f"{BODY[0][0]} {BODY[1][0]}",
        f"{BODY[2][0]} {BODY[3][0]}",
        "năm 2024 theo quy định hiện hành.",
    ]


def test_a_wide_gap_between_lines_ends_a_paragraph() -> None:
    top = 100 + 4 * PITCH
    lines = [*_body(), _line(BODY[0][0], top, fill=True), _line(BODY[1][0], top + 2.2 * PITCH)]
    assert _text(_page(*lines))[-2:] == [BODY[0][0], BODY[1][0]]


def test_a_short_line_ends_its_paragraph_even_before_a_lower_case_line() -> None:
    lines = [
        _line("1. Sở Nội vụ:", 100, LEFT + 28),
        _line("a) Rà soát biên chế năm 2024 của các cơ quan", 119, LEFT + 28),
        _line("tỉnh, báo cáo UBND tỉnh.", 138),  # wrapped although the line above is not full
        _line("b) Trình UBND tỉnh đề án vị trí việc làm.", 157, LEFT + 28),
        *_body(176),  # full lines, so the page shows where its right edge is
    ]
    # The line above "tỉnh, …" stops short of the edge: layout keeps it apart, and the text rules
    # (no sentence end, lower case) join it after; a list marker is never joined.
    assert _text(_page(*lines))[1:3] == [
        "a) Rà soát biên chế năm 2024 của các cơ quan",
        "tỉnh, báo cáo UBND tỉnh.",
    ]
    assert normalise("\n".join(_text(_page(*lines)))).splitlines()[:3] == [
        "1. Sở Nội vụ:",
        "a) Rà soát biên chế năm 2024 của các cơ quan tỉnh, báo cáo UBND tỉnh.",
        "b) Trình UBND tỉnh đề án vị trí việc làm.",
    ]


def test_a_paragraph_continues_across_a_page_break_past_the_page_number() -> None:
    first = _page(*_body()[:3])
    second = _page(_line("2", 40, 292), _line(BODY[3][0], 80))
    assert _text(first, second) == [f"{BODY[0][0]} {BODY[1][0]}", f"{BODY[2][0]} {BODY[3][0]}"]


def test_side_by_side_columns_become_one_pipe_row_and_read_as_header_lines() -> None:
    header = [
        _line("ỦY BAN NHÂN DÂN", 40, 110, 13)
        + _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 40, 290, 13),
        _line("TỈNH LẠNG SƠN", 56, 118, 13) + _line("Độc lập - Tự do - Hạnh phúc", 56, 320, 13),
        _line("Số: 45/TB-UBND", 75, 115, 13)
        + _line("Lạng Sơn, ngày 27 tháng 3 năm 2024", 75, 300, 13),
    ]
    lines, _ = document_lines([_page(*header, *_body(120))])
    rows = [ln for ln in lines if ln.startswith("|")]
    assert rows == [
        "| ỦY BAN NHÂN DÂN<br>TỈNH LẠNG SƠN<br>Số: 45/TB-UBND | CỘNG HÒA XÃ HỘI CHỦ NGHĨA "
        "VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc<br>Lạng Sơn, ngày 27 tháng 3 năm 2024 |"
    ]
    assert normalise("\n".join(lines)).splitlines()[:3] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH LẠNG SƠN",
        "Số: 45/TB-UBND",
    ]


def test_footnotes_and_their_references_are_dropped() -> None:
    body = _body()
    mark = body[2][3]  # "phối" gets a raised, small "1" right after it
    body[2].insert(4, Word("1", mark.x1, mark.x1 + 4, mark.top - 3, mark.top + 6, 9.0))
    note = [
        Word("1", LEFT, LEFT + 4, 770, 777, 7.0),
        *_line("Theo Quyết định số 12/QĐ-UBND.", 770, LEFT + 6, 10),
    ]
    text = _text(_page(*body, note))
    assert text[1] == f"{BODY[2][0]} {BODY[3][0]}"
    assert not any("Quyết định số 12" in line for line in text)


def test_a_small_bottom_block_without_a_number_is_kept() -> None:
    recipients = [_line("Nơi nhận:", 700, LEFT, 12), _line("- Lưu: VT.", 716, LEFT, 11)]
    assert _text(_page(*_body(), *recipients))[-2:] == ["Nơi nhận:", "- Lưu: VT."]
