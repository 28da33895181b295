"""The genre's hard cases, round 3 of issue 11: where a task starts and ends, and what is none.

Short examples written from the genre (how TB/CT/KH/CV word attendance lists, watcher clauses,
periodic reports beside a dated duty, closing lines and web copies), not copied from a document.
"""

from __future__ import annotations

from datetime import date

import pytest

from directives.parsing import NoticeError, parse_notice
from tests.directives.genre_notice import FOOT

HEAD = """ỦY BAN NHÂN DÂN
TỈNH HÀ NAM
Số: 88/TB-UBND
Hà Nam, ngày 02 tháng 3 năm 2026
THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về công tác giải phóng mặt bằng

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


# --- one agency's dated duty and its periodic report (or event-bound duty): two tasks ---


def test_a_dated_duty_and_a_periodic_report_in_one_paragraph_are_two_tasks() -> None:
    body = """Chủ tịch UBND tỉnh kết luận như sau:
1. Sở Công Thương chủ trì, phối hợp với Sở Tài chính lập phương án bình ổn giá, hoàn thành \
trước ngày 31/3/2026; định kỳ hằng tháng, trước ngày 20, báo cáo UBND tỉnh diễn biến giá cả.
2. Sở Y tế kiểm tra an toàn thực phẩm trong Quý II/2026 và báo cáo kết quả trước ngày 10/7/2026."""
    draft = parse_notice(HEAD + body + FOOT)
    first, report, third = draft.tasks
    assert (first.lead, first.deadline) == ("Sở Công Thương", date(2026, 3, 31))
    assert not first.recurring
    assert first.coordinators == ["Sở Tài chính"]
    assert (report.ref, report.lead, report.recurring) == ("1", "Sở Công Thương", True)
    assert report.deadline == date(2026, 3, 20) and report.coordinators == []
    assert any("first duty" in w for w in report.warnings)
    assert (third.lead, third.deadline) == ("Sở Y tế", date(2026, 7, 10))  # both dated: one task


def test_a_final_report_after_a_periodic_one_is_a_task_of_its_own() -> None:
    body = """Chủ tịch UBND tỉnh kết luận như sau:
1. Sở Nông nghiệp và Môi trường là cơ quan thường trực, tổng hợp, báo cáo UBND tỉnh định kỳ \
hằng tháng và báo cáo tổng kết trước ngày 15/12/2026."""
    assert _tasks(body) == [
        ("1", "Sở Nông nghiệp và Môi trường", date(2026, 3, 31), True),
        ("1", "Sở Nông nghiệp và Môi trường", date(2026, 12, 15), False),
    ]


def test_a_dated_duty_and_an_event_bound_one_are_two_tasks() -> None:
    body = """Chủ tịch UBND tỉnh kết luận như sau:
1. UBND các huyện ven biển kêu gọi tàu thuyền vào nơi tránh trú, hoàn thành trước 17 giờ ngày \
05/3/2026; tổ chức sơ tán dân khỏi vùng nguy hiểm ngay khi có lệnh của Ban Chỉ huy."""
    tasks = _tasks(body)
    assert [(lead, deadline) for _, lead, deadline, _ in tasks] == [
        ("UBND các huyện ven biển", date(2026, 3, 5)),
        ("UBND các huyện ven biển", None),
    ]


def test_a_periodic_report_beside_a_whole_year_scope_stays_one_task() -> None:
    body = """Chủ tịch UBND tỉnh kết luận như sau:
1. Sở Xây dựng bảo đảm hoàn thành các công trình trong năm 2026; định kỳ hằng quý báo cáo \
UBND tỉnh.
2. Sở Y tế tuyên truyền phòng bệnh; kiểm tra các cơ sở; báo cáo vào thứ Hai hằng tuần."""
    assert _tasks(body) == [
        ("1", "Sở Xây dựng", date(2026, 3, 31), True),
        ("2", "Sở Y tế", date(2026, 3, 9), True),
    ]


def test_a_weekday_written_before_the_weekly_words_is_the_report_day() -> None:
    body = """Chủ tịch UBND tỉnh kết luận như sau:
1. Sở Y tế báo cáo tình hình dịch bệnh trước 15 giờ thứ Năm hằng tuần.
2. Sở Xây dựng báo cáo tiến độ hằng tuần."""
    first, second = parse_notice(HEAD + body + FOOT).tasks
    assert (first.recurrence, first.deadline) == ("weekly:thu", date(2026, 3, 5))
    assert (second.recurrence, second.deadline) == ("weekly:fri", date(2026, 3, 6))


# --- a web copy with no header block: its number, kind and date from how it names itself ---


@pytest.mark.parametrize(
    ("text", "number", "kind", "issued"),
    [
        ("Chỉ thị số 07/CT-UBND ngày 05/3/2026 của UBND tỉnh Hà Nam về phòng, chống cháy rừng\n"
         "(Cổng thông tin điện tử tỉnh)\n\n"
         "1. Sở Nông nghiệp và Môi trường kiểm tra các vùng rừng trước ngày 30/3/2026.",
         "07/CT-UBND", "CT", date(2026, 3, 5)),
        ("UBND tỉnh chỉ đạo ứng phó mưa lũ\n\n"
         "Ngày 12/9/2026, UBND tỉnh Hà Nam ban hành Công văn số 915/UBND-KT về ứng phó mưa "
         "lũ, thực hiện Công văn số 88/VPCP-NN ngày 10/9/2026 của Văn phòng Chính phủ.\n\n"
         "Theo đó, UBND tỉnh giao Sở Xây dựng kiểm tra các công trình trước ngày 20/9/2026.",
         "915/UBND-KT", "CV", date(2026, 9, 12)),
        ("UBND tỉnh có ý kiến như sau:\n"
         "Giao Sở Tài chính chủ trì tham mưu phương án, hoàn thành trước ngày 15/10/2026./.\n"
         "(Theo Công văn số 1204/UBND-TH, ngày 02/10/2026)",
         "1204/UBND-TH", "CV", date(2026, 10, 2)),
        ("Sáng 24-9, UBND tỉnh phát đi công điện số 11/CĐ-UBND về ứng phó bão.\n\n"
         "Chủ tịch UBND tỉnh yêu cầu Sở Nông nghiệp và Môi trường theo dõi chặt chẽ diễn biến "
         "của bão, chủ động phương án sơ tán dân.",
         "11/CĐ-UBND", "CĐ", None),
    ],
)  # fmt: skip
def test_a_web_copy_names_itself(text: str, number: str, kind: str, issued: date | None) -> None:
    draft = parse_notice(text)
    assert (draft.number, draft.doc_type, draft.issued) == (number, kind, issued)
    assert len(draft.tasks) == 1
    assert any("own citation" in w for w in draft.warnings)


def test_a_portal_source_line_is_no_task() -> None:
    text = """Ngày 09/02/2026, UBND tỉnh ban hành Công văn số 51/UBND-NC như sau:

1. Công an tỉnh tăng cường tuần tra, kiểm soát trong dịp Tết.

*Nguồn: Văn phòng UBND tỉnh*"""
    assert [t.lead for t in parse_notice(text).tasks] == ["Công an tỉnh"]


def test_a_header_date_cut_by_its_cell_is_read_whole() -> None:
    head = HEAD.replace("Hà Nam, ngày 02 tháng 3 năm 2026", "Hà Nam, ngày 02 tháng 3 năm\n2026")
    draft = parse_notice(head + "1. Sở Xây dựng kiểm tra các công trình." + FOOT)
    assert draft.issued == date(2026, 3, 2)
    head = HEAD.replace("Hà Nam, ngày 02 tháng 3 năm 2026", "Hà Nam, ngày\n02 tháng 3 năm 2026")
    assert parse_notice(head + "1. Sở Xây dựng kiểm tra các công trình." + FOOT).issued == date(
        2026, 3, 2
    )


# --- a period counted from another act has no date; counted from this document it has ---


@pytest.mark.parametrize(
    ("words", "deadline"),
    [
        ("trong 10 ngày làm việc kể từ ngày nhận đủ hồ sơ", None),
        ("trong vòng 05 ngày làm việc kể từ ngày quyết định công bố có hiệu lực", None),
        ("trong 10 ngày làm việc kể từ ngày nhận được đề nghị của các địa phương", None),
        ("trong 07 ngày làm việc kể từ ngày ký Thông báo này", date(2026, 3, 11)),
        ("trong 10 ngày làm việc kể từ ngày nhận được văn bản", date(2026, 3, 16)),
    ],
)
def test_a_period_counted_from_an_event(words: str, deadline: date | None) -> None:
    body = f"1. Sở Tài chính thẩm định phương án giá đất {words}."
    (task,) = parse_notice(HEAD + body + FOOT).tasks
    assert task.deadline == deadline
    if deadline is None:
        assert any("counted from an event" in w for w in task.warnings)


def test_closing_requests_with_no_object_are_no_tasks() -> None:
    body = """1. Sở Công Thương kiểm tra thị trường hàng hóa dịp Tết.
2. Yêu cầu Thủ trưởng các sở, ban, ngành, Chủ tịch UBND các huyện, thị xã, thành phố và các \
cơ quan, đơn vị có liên quan nghiêm túc thực hiện./.
3. Yêu cầu các cơ quan, đơn vị, doanh nghiệp nghiêm túc thực hiện; quá trình thực hiện có vướng \
mắc, báo cáo UBND tỉnh để xem xét, giải quyết."""
    assert _tasks(body) == [("1", "Sở Công Thương", None, False)]
