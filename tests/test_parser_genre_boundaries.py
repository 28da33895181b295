"""The genre's hard cases, round 3 of issue 11: where a task starts and ends, and what is none.

Short examples written from the genre (how TB/CT/KH/CV word attendance lists, watcher clauses,
periodic reports beside a dated duty, closing lines and web copies), not copied from a document.
"""

from __future__ import annotations

from datetime import date

import pytest

from directives.parsing import NoticeError, parse_notice

HEAD = """ỦY BAN NHÂN DÂN
TỈNH HÀ NAM
Số: 88/TB-UBND
Hà Nam, ngày 02 tháng 3 năm 2026
THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về công tác giải phóng mặt bằng

"""
FOOT = """

Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.

Nơi nhận:
- Như trên;
- Lưu: VT.

TL. CHỦ TỊCH
CHÁNH VĂN PHÒNG

Trần Văn Bình
"""


def _tasks(body: str) -> list[tuple[str, str | None, date | None, bool]]:
    draft = parse_notice(HEAD + body + FOOT)
    return [(t.ref, t.lead, t.deadline, t.recurring) for t in draft.tasks]


# --- an attendance list after a colon names who came, it opens no task section ---


def test_an_attendance_list_after_a_colon_is_no_task_section() -> None:
    body = """Ngày 25/02/2026, Chủ tịch UBND tỉnh chủ trì cuộc họp về giải phóng mặt bằng.
Tham dự cuộc họp có các Phó Chủ tịch UBND tỉnh:
Nguyễn Văn Hải, Lê Thị Mai, Giám đốc Sở Xây dựng Phạm Văn Đức;
Giám đốc Sở Tài chính Hoàng Minh Tú, lãnh đạo UBND các huyện: Duy Tiên, Kim Bảng.
Sau khi nghe báo cáo, Chủ tịch UBND tỉnh kết luận như sau:
1. Sở Xây dựng hoàn thành hồ sơ thiết kế trước ngày 30/3/2026.
2. Sở Tài chính bố trí kinh phí giải phóng mặt bằng."""
    assert _tasks(body) == [
        ("1", "Sở Xây dựng", date(2026, 3, 30), False),
        ("2", "Sở Tài chính", None, False),
    ]


def test_a_document_cut_inside_its_attendance_list_is_refused() -> None:
    body = """Sáng ngày 25/02/2026, Chủ tịch UBND tỉnh chủ trì cuộc họp trực tuyến.
Tham dự cuộc họp tại đầu cầu tỉnh có:
Giám đốc Sở Y tế Nguyễn Văn Hải, Giám đốc Sở Tài chính Lê Thị Mai;
lãnh đạo các sở: Xây dựng, Công Thương,"""
    with pytest.raises(NoticeError, match="no task section"):
        parse_notice(HEAD + body)


# --- a watcher is no task, unless it also owes a report by a term ---


def test_a_watcher_who_reports_by_a_date_or_a_period_has_a_task() -> None:
    body = """Chủ tịch UBND tỉnh kết luận như sau:
1. Sở Xây dựng hoàn thành hồ sơ thiết kế trước ngày 30/3/2026.
2. Sở Kế hoạch và Đầu tư theo dõi, đôn đốc; tổng hợp, báo cáo UBND tỉnh trước ngày 15/4/2026.
3. Ban Quản lý dự án tỉnh theo dõi, tổng hợp, báo cáo tiến độ trước ngày 10 hằng tháng.
4. Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện Thông báo này; tổng hợp, báo cáo \
Chủ tịch UBND tỉnh."""
    tasks = _tasks(body)
    assert [(ref, lead) for ref, lead, _, _ in tasks] == [
        ("1", "Sở Xây dựng"),
        ("2", "Sở Kế hoạch và Đầu tư"),
        ("3", "Ban Quản lý dự án tỉnh"),
    ]
    assert tasks[1][2] == date(2026, 4, 15)
    assert tasks[2][3] is True  # monthly


def test_the_front_supervising_is_a_task_not_a_watcher() -> None:
    body = """Chủ tịch UBND tỉnh kết luận như sau:
1. Sở Nội vụ hướng dẫn UBND cấp xã kiện toàn bộ máy trước ngày 31/3/2026.
2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh giám sát việc giải quyết thủ tục hành chính \
tại cấp xã."""
    assert [lead for _, lead, _, _ in _tasks(body)] == [
        "Sở Nội vụ",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    ]
