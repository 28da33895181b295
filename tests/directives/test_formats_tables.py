"""Tables: a header laid out as a table, and task appendices, in every form they come in.

tests/fixtures/tables/ holds a plan (KH) whose header is a table and whose tasks are an appendix
table (STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành, with group
rows I/II/III): as the pipe rows of a web copy (.md), a Word file with real tables, a portal's
HTML and LibreOffice's PDF (a ruled table across a page break). The smaller cases are built here.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from directives.drafts import DirectiveDraft
from directives.formats import extract
from directives.normalize import key
from directives.parsing import parse_notice

TABLES = Path(__file__).parents[1] / "fixtures" / "tables"
PLAN = "kh-quang-tri-2025-03-10-chuyen-doi-so"
KHCN, VP, TC = "Sở Khoa học và Công nghệ", "Văn phòng UBND tỉnh", "Sở Tài chính"
GD, DISTRICTS = "Sở Giáo dục và Đào tạo", "UBND các huyện, thị xã, thành phố"
S1, S2, S3 = (
    "I. Phát triển hạ tầng số",
    "II. Phát triển chính quyền số",
    "III. Phát triển kinh tế số, xã hội số",
)
# (ref, lead, coordinators, deadline, section)
PLAN_TASKS = [
    ("III", KHCN, [], "2025-12-15", None),
    ("1", KHCN, [TC, VP], "2025-06-30", S1),
    ("2", KHCN, ["Các doanh nghiệp viễn thông", DISTRICTS], "2025-09-30", S1),
    ("3", VP, ["Các sở, ban, ngành", DISTRICTS], "2025-12-31", S2),
    ("4", TC, [KHCN], "2025-09-30", S2),
    ("5", "Sở Nội vụ", [KHCN, GD], "2025-03-31", S2),
    ("6", "Sở Công Thương", ["Liên minh Hợp tác xã tỉnh"], "2025-10-31", S3),
    ("7", "Sở Y tế", [GD, "Ngân hàng Nhà nước chi nhánh Khu vực 11"], "2025-12-31",
     S3),
]  # fmt: skip


def _parse(data: bytes, name: str) -> DirectiveDraft:
    extracted = extract(data, name)
    return parse_notice(extracted.text, source=extracted.source)


def _rows(draft: DirectiveDraft) -> list[tuple]:
    return [
        (
            t.ref,
            key(t.lead or ""),
            sorted(key(c) for c in t.coordinators),
            t.deadline.isoformat() if t.deadline else None,
            t.section,
        )
        for t in draft.tasks
    ]


def _want(tasks: list[tuple]) -> list[tuple]:
    return [(r, key(lead), sorted(key(c) for c in co), d, s) for r, lead, co, d, s in tasks]


@pytest.mark.parametrize("suffix", [".md", ".docx", ".html", ".pdf"])
def test_plan_with_a_header_table_and_a_task_appendix(suffix: str) -> None:
    path = TABLES / f"{PLAN}{suffix}"
    draft = _parse(path.read_bytes(), path.name)
    assert (draft.doc_type, draft.number, str(draft.issued)) == ("KH", "45/KH-UBND", "2025-03-10")
    assert draft.issuer == "UBND tỉnh Quảng Trị"
    assert draft.subject == "Triển khai nhiệm vụ chuyển đổi số năm 2025"
    assert draft.signer == "Hoàng Nam"  # the appendix after the signature is no signer
    assert _rows(draft) == _want(PLAN_TASKS)
    periodic = next(t for t in draft.tasks if t.ref == "5")
    assert periodic.recurring and periodic.deadline_text == "Hằng quý"


WEB_COPY = """\
ỦY BAN NHÂN DÂN TỈNH GIA LAI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
--- | ---
Số: 218/TB-UBND | Gia Lai, ngày 14 tháng 8 năm 2025

THÔNG BÁO
Kết luận của đồng chí Nguyễn Tuấn Anh, Phó Chủ tịch UBND tỉnh tại buổi làm việc về phòng chống thiên tai

Đồng chí Phó Chủ tịch UBND tỉnh kết luận, giao nhiệm vụ như sau:

| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
|:--:|---|---|---|---|
| (1) | (2) | (3) | (4) | (5) |
| 1 | Rà soát phương án ứng phó bão, lũ tại các xã ven sông | Sở Nông nghiệp và Môi trường | Bộ Chỉ huy Quân sự tỉnh | Trước ngày 30/8/2025 |
| | và các khu dân cư có nguy cơ sạt lở | | Công an tỉnh | |
| 2 | Kiểm tra an toàn các hồ chứa thủy lợi | Sở Nông nghiệp và Môi trường | | Tháng 9/2025 |
| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
| 3 | Bố trí kinh phí dự phòng cho công tác khắc phục hậu quả thiên tai | Sở Tài chính | | Thường xuyên |

Văn phòng UBND tỉnh thông báo để các cơ quan biết, thực hiện./.
"""


def test_web_copy_pipes_numbering_row_repeated_header_and_a_continued_row() -> None:
    draft = parse_notice(WEB_COPY)
    assert (draft.number, str(draft.issued), draft.issuer) == (
        "218/TB-UBND",
        "2025-08-14",
        "UBND tỉnh Gia Lai",
    )
    assert [t.ref for t in draft.tasks] == ["1", "2", "3"]
    first = draft.tasks[0]
    assert first.text.endswith("tại các xã ven sông và các khu dân cư có nguy cơ sạt lở")
    assert first.coordinators == ["Bộ Chỉ huy Quân sự tỉnh", "Công an tỉnh"]
    assert str(first.deadline) == "2025-08-30"
    assert str(draft.tasks[1].deadline) == "2025-09-30"
    assert draft.tasks[2].deadline is None and draft.tasks[2].deadline_text == "Thường xuyên"


ALIGNED = """\
Số: 77/KH-UBND                                   Bắc Kạn, ngày 02 tháng 4 năm 2025
KẾ HOẠCH
Tổ chức Tháng hành động vì an toàn thực phẩm năm 2025

Phân công nhiệm vụ như sau:

STT   Nội dung công việc              Cơ quan chủ trì     Cơ quan phối hợp      Thời gian
1     Tổ chức lễ phát động Tháng      Sở Y tế             Sở Công Thương        Tháng 4/2025
      hành động cấp tỉnh
2     Kiểm tra liên ngành các bếp     Sở Y tế             Công an tỉnh          Quý II/2025
      ăn tập thể

Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện Kế hoạch này./.
"""


def test_a_task_table_aligned_with_spaces() -> None:
    draft = parse_notice(ALIGNED)
    rows = [(t.ref, t.text, t.lead, t.coordinators, str(t.deadline)) for t in draft.tasks]
    assert rows[:2] == [
        ("1", "Tổ chức lễ phát động Tháng hành động cấp tỉnh", "Sở Y tế", ["Sở Công Thương"],
         "2025-04-30"),
        ("2", "Kiểm tra liên ngành các bếp ăn tập thể", "Sở Y tế", ["Công an tỉnh"], "2025-06-30"),
    ]  # fmt: skip


def _header_table_docx() -> bytes:
    document = docx.Document()
    head = document.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH CAO BẰNG"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số: 1523/UBND-KT\nV/v triển khai thu ngân sách năm 2025"
    head.cell(1, 1).text = "Cao Bằng, ngày 20 tháng 6 năm 2025"
    document.add_paragraph("Kính gửi: Sở Tài chính.")
    document.add_paragraph(
        "Ủy ban nhân dân tỉnh giao Sở Tài chính chủ trì, phối hợp với Thuế tỉnh rà soát các "
        "khoản thu, báo cáo UBND tỉnh trước ngày 15/7/2025."
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_docx_header_laid_out_as_a_table() -> None:
    draft = _parse(_header_table_docx(), "cv.docx")
    assert (draft.doc_type, draft.number, str(draft.issued)) == ("CV", "1523/UBND-KT", "2025-06-20")
    assert draft.issuer == "UBND tỉnh Cao Bằng"
    assert draft.subject == "triển khai thu ngân sách năm 2025"
    assert [(t.lead, str(t.deadline)) for t in draft.tasks] == [("Sở Tài chính", "2025-07-15")]


def test_a_portal_header_table_in_html() -> None:
    page = (
        "<html><body><script>x()</script><table><tr><td>UBND TỈNH CAO BẰNG<br>"
        "Số: 1523/UBND-KT<br>V/v triển khai thu ngân sách năm 2025</td><td>CỘNG HÒA XÃ HỘI CHỦ "
        "NGHĨA VIỆT NAM<br>Cao Bằng, ngày 20 tháng 6 năm 2025</td></tr></table><p>Kính gửi: Sở "
        "Tài chính.</p><p>Ủy ban nhân dân tỉnh giao Sở Tài chính chủ trì rà soát các khoản thu, "
        "báo cáo UBND tỉnh trước ngày 15/7/2025.</p></body></html>"
    )
    draft = _parse(page.encode(), "cv.htm")
    assert (draft.number, str(draft.issued), draft.issuer) == (
        "1523/UBND-KT",
        "2025-06-20",
        "UBND tỉnh Cao Bằng",
    )
    assert [t.lead for t in draft.tasks] == ["Sở Tài chính"]


MERGED = """<html><head><meta charset="utf-8"></head><body>
<p>Số: 09/TB-UBND</p><p>Yên Bái, ngày 3 tháng 3 năm 2025</p><p>THÔNG BÁO</p>
<p>Kết luận của đồng chí Vũ Thị Hiền Hạnh, Phó Chủ tịch UBND tỉnh như sau:</p>
<table>
<tr><th rowspan="2">STT</th><th rowspan="2">Nội dung</th><th colspan="2">Cơ quan thực hiện</th>
<th rowspan="2">Thời hạn</th></tr>
<tr><th>Chủ trì</th><th>Phối hợp</th></tr>
<tr><td>1</td><td>Rà soát quỹ đất tái định cư</td><td>Sở Nông nghiệp và Môi trường</td>
<td rowspan="2">Sở Tài chính</td><td>Quý II/2025</td></tr>
<tr><td>2</td><td>Đề xuất cơ chế hỗ trợ di dời</td><td>Sở Xây dựng</td><td>30/7/2025</td></tr>
</table></body></html>"""


def test_html_task_table_with_a_two_row_header_and_merged_cells() -> None:
    draft = _parse(MERGED.encode(), "tb.html")
    assert [(t.ref, t.lead, t.coordinators, str(t.deadline)) for t in draft.tasks] == [
        ("1", "Sở Nông nghiệp và Môi trường", ["Sở Tài chính"], "2025-06-30"),
        ("2", "Sở Xây dựng", [], "2025-07-30"),  # the merged cell's text stays in its first row
    ]
