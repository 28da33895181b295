"""Agency names as notices write them: where a name ends (issue 11, cause A and B).

Own examples in the genre; each rule is general (NĐ 30/2020 writes unit names with a capital on
the type and the proper part only, so long lower-case runs, numbers and levels belong to names).
"""

from __future__ import annotations

import pytest

from directives.agencies import fold
from directives.parsing import parse_notice
from directives.parsing.names import agency_list


def _names(text: str) -> list[str]:
    return [m.text for m in agency_list(text, fold(text), 0, None)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # A syllable that ends a name only before its verb: "phối hợp", "quan tâm", "dự thảo".
        (
            "Văn phòng Điều phối xây dựng nông thôn mới tỉnh tổng hợp",
            ["Văn phòng Điều phối xây dựng nông thôn mới tỉnh"],
        ),
        ("Chi cục Hải quan cửa khẩu Tân Thanh hướng dẫn", ["Chi cục Hải quan cửa khẩu Tân Thanh"]),  # noqa: E501
        ("Ban Quản lý dự án 3 bàn giao mặt bằng", ["Ban Quản lý dự án 3"]),
        # A long lower-case run that ends on a proper name.
        (
            "Công ty Cổ phần Môi trường đô thị Vinh thu gom rác",
            ["Công ty Cổ phần Môi trường đô thị Vinh"],
        ),
        ("Cảng hàng không quốc tế Phú Bài phối hợp", ["Cảng hàng không quốc tế Phú Bài"]),
        # Units the type list did not know: a ministry's Vụ, a Hiệp hội, a coast guard unit.
        ("Vụ Pháp chế thẩm định", ["Vụ Pháp chế"]),
        ("Hiệp hội Doanh nghiệp tỉnh vận động", ["Hiệp hội Doanh nghiệp tỉnh"]),
        ("Chi cục Kiểm lâm; Hải đội 2 tuần tra", ["Chi cục Kiểm lâm", "Hải đội 2"]),
        # ";" (a wrapped table cell, a list) ends a name: it never glues two agencies.
        ("Bộ đội Biên phòng tỉnh; Công an tỉnh", ["Bộ đội Biên phòng tỉnh", "Công an tỉnh"]),
        (
            "Viện Kiểm sát nhân dân tỉnh; Tòa án nhân dân tỉnh",
            ["Viện Kiểm sát nhân dân tỉnh", "Tòa án nhân dân tỉnh"],
        ),
        # A fixed name written with its level or its own proper name; the issuer's province
        # ("tỉnh Nghệ An") is the place, not the name.
        ("Đài Phát thanh và Truyền hình tỉnh đưa tin", ["Đài Phát thanh và Truyền hình tỉnh"]),
        (
            "Đài Phát thanh và Truyền hình Nghệ An đưa tin",
            ["Đài Phát thanh và Truyền hình Nghệ An"],
        ),
        ("Sở Tư pháp tỉnh Nghệ An thẩm định", ["Sở Tư pháp"]),
        ("Sở Xây dựng TPHCM được giao", ["Sở Xây dựng"]),
        # A ministry writes to the department of every province.
        (
            "Sở Giáo dục và Đào tạo các tỉnh, thành phố trực thuộc Trung ương chỉ đạo",
            ["Sở Giáo dục và Đào tạo các tỉnh, thành phố trực thuộc Trung ương"],
        ),
        # Collectives keep a proper name and "trên địa bàn"; "sở, ngành, địa phương".
        ("UBND các xã, phường, đặc khu Phú Quý quản lý", ["UBND các xã, phường, đặc khu Phú Quý"]),  # noqa: E501
        (
            "Các doanh nghiệp vận tải trên địa bàn tỉnh bảo đảm",
            ["Các doanh nghiệp vận tải trên địa bàn tỉnh"],
        ),
        (
            "Các sở, ngành, địa phương có liên quan báo cáo",
            ["Các sở, ngành, địa phương có liên quan"],
        ),
        ("Cục Quản lý Khám, chữa bệnh hướng dẫn", ["Cục Quản lý Khám, chữa bệnh"]),
    ],
)
def test_where_a_name_ends(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_a_table_cell_names_agencies_whole() -> None:
    """A lead or coordinators cell holds names only: what the name reader cuts runs to ";"."""
    draft = parse_notice(
        """ỦY BAN NHÂN DÂN TỈNH AN GIANG
Số: 12/KH-UBND
An Giang, ngày 02 tháng 3 năm 2026

KẾ HOẠCH
Xúc tiến thương mại năm 2026

| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn |
| --- | --- | --- | --- | --- |
| 1 | Tổ chức hội chợ nông sản | Vụ Thị trường châu Á - châu Phi | Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch; Sở Công Thương | 30/6/2026 |
| 2 | Đánh giá tận dụng ưu đãi | Vụ Chính sách thương mại đa biên | Chi cục Thủy sản; Hải đoàn 28 | 30/9/2026 |
"""  # noqa: E501
    )
    assert [(t.lead, t.coordinators) for t in draft.tasks] == [
        (
            "Vụ Thị trường châu Á - châu Phi",
            ["Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", "Sở Công Thương"],
        ),
        ("Vụ Chính sách thương mại đa biên", ["Chi cục Thủy sản", "Hải đoàn 28"]),
    ]
