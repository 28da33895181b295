"""The genre's hard cases (issue 11, item 4), continued: where an item starts inside a paragraph,
what assigns nothing (plan content, assessments, closings), and whose item it is.

Examples written from the genre, not copied from one document (see test_parser_genre_classes).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.directives.genre_notice import parse as _parse
from tests.directives.genre_notice import tasks as _tasks

# --- task starts inside a paragraph, after a page break, requirements with no subject -------

CV_HEAD = """UBND TỈNH AN GIANG
Số: 215/UBND-KT
V/v rà soát các dự án chậm tiến độ
An Giang, ngày 12 tháng 3 năm 2026

Kính gửi: Sở Xây dựng.

"""


def test_a_second_assignment_inside_a_paragraph_is_its_own_task() -> None:
    tasks = _tasks(
        "1. Sở Tài chính rà soát nguồn vốn, báo cáo UBND tỉnh trước ngày 30/4/2026; giao Sở Xây "
        "dựng kiểm tra chất lượng công trình, hoàn thành trong tháng 6/2026.\n"
    )
    assert [(t.ref, t.lead, t.deadline) for t in tasks] == [
        ("1", "Sở Tài chính", date(2026, 4, 30)),
        ("1", "Sở Xây dựng", date(2026, 6, 30)),
    ]
    assert tasks[1].text.startswith("giao Sở Xây dựng kiểm tra")


@pytest.mark.parametrize(
    "text",
    [
        "1. Sở Nội vụ chủ trì thẩm định đề án (Sở Tài chính; Sở Tư pháp phối hợp).\n",
        "1. Sở Nội vụ chủ trì, phối hợp với Sở Tài chính; Sở Tư pháp phối hợp thẩm định đề án.\n",
        "1. Sở Nội vụ, Sở Tài chính; Sở Tư pháp thẩm định đề án theo quy định.\n",
    ],
)
def test_coordinators_and_lists_after_a_semicolon_are_no_second_task(text: str) -> None:
    tasks = _tasks(text)
    assert [t.lead for t in tasks] == ["Sở Nội vụ"]


def test_a_page_break_starts_a_new_item() -> None:
    tasks = _tasks(
        "1. Sở Y tế tổ chức tiêm chủng mở rộng.\f2. Sở Du lịch xây dựng kế hoạch quảng bá.\n"
    )
    assert [(t.ref, t.lead) for t in tasks] == [("1", "Sở Y tế"), ("2", "Sở Du lịch")]


def test_items_run_together_on_one_line_are_separated() -> None:
    tasks = _tasks(
        "1. Sở Y tế tổ chức tiêm chủng, hoàn thành trong tháng 5/2026. 2. Sở Du lịch xây dựng kế "
        "hoạch quảng bá. 3. Công an tỉnh: a) Tăng cường tuần tra; b) Xử lý nghiêm vi phạm.\n"
    )
    assert [(t.ref, t.lead) for t in tasks] == [
        ("1", "Sở Y tế"),
        ("2", "Sở Du lịch"),
        ("3.a", "Công an tỉnh"),
        ("3.b", "Công an tỉnh"),
    ]


def test_a_requirement_with_no_subject_goes_to_the_addressee_with_a_warning() -> None:
    draft = _parse(
        "UBND tỉnh yêu cầu khẩn trương rà soát hồ sơ các dự án chậm tiến độ, báo cáo trước ngày "
        "20/4/2026.\n\nĐề nghị Quý Sở quan tâm, phối hợp thực hiện./.\n",
        head=CV_HEAD,
        foot="",
    )
    assert [(t.lead, t.deadline) for t in draft.tasks] == [("Sở Xây dựng", date(2026, 4, 20))]
    assert any("addressee" in w for w in draft.tasks[0].warnings)


# --- plan content that assigns nothing; assessment sentences -----------------------------

PLAN_ITEMS = """1. Sở Y tế tăng cường kiểm tra an toàn thực phẩm tại các chợ.

Nhìn chung, công tác bảo đảm an toàn thực phẩm đã có chuyển biến tích cực.

Tuy nhiên, vẫn còn một số hạn chế như: kiểm tra chưa thường xuyên, xử lý vi phạm chưa nghiêm.

2. Thời gian: từ ngày 15/4/2026 đến ngày 30/5/2026.

3. Địa điểm: tại các xã, phường trên địa bàn tỉnh.

4. Kinh phí: từ nguồn ngân sách tỉnh năm 2026.

5. Cách thức kiểm tra: kiểm tra trực tiếp tại cơ sở, kết hợp kiểm tra hồ sơ.

6. Sở Tài chính tham mưu bố trí kinh phí thực hiện.
"""
PLAN_SECTIONS = """III. THỜI GIAN, ĐỊA ĐIỂM

1. Từ ngày 15/4/2026 đến ngày 30/5/2026.

2. Tại các xã, phường trên địa bàn tỉnh.

IV. KINH PHÍ

Kinh phí thực hiện từ nguồn ngân sách tỉnh năm 2026.

Sở Tài chính tham mưu bố trí kinh phí thực hiện.

V. PHƯƠNG PHÁP KIỂM TRA

1. Kiểm tra trực tiếp tại cơ sở.

VI. TỔ CHỨC THỰC HIỆN

1. Sở Y tế chủ trì tổ chức kiểm tra.
"""


@pytest.mark.parametrize("body", [PLAN_ITEMS, PLAN_SECTIONS], ids=["items", "sections"])
def test_plan_content_and_assessments_are_no_tasks(body: str) -> None:
    draft = _parse(body)
    assert [t.lead for t in draft.tasks] == [
        "Sở Y tế" if body is PLAN_ITEMS else "Sở Tài chính",
        "Sở Tài chính" if body is PLAN_ITEMS else "Sở Y tế",
    ]
    assert any("plan content" in w for w in draft.warnings)


# --- closing formulas, signature and Nơi nhận rows, separators, topic headings ------------

CLOSINGS = """1. Sở Y tế tăng cường kiểm tra an toàn thực phẩm tại các chợ.

- Về công tác giải phóng mặt bằng:

Sở Xây dựng phối hợp với UBND các xã đẩy nhanh tiến độ bồi thường.

--- | ---

---

2. Sở Tài chính tham mưu bố trí kinh phí thực hiện.

Trên đây là kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Sở Xây dựng.

Căn cứ nội dung chỉ đạo trên, yêu cầu các sở, ban, ngành, UBND các xã, phường khẩn trương \
triển khai thực hiện các nhiệm vụ được giao./.

UBND tỉnh trân trọng cảm ơn sự phối hợp của Quý cơ quan.

Như trên;

Lưu: VT, KT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
(Đã ký)
"""


def test_closings_signature_rows_separators_and_topic_headings_are_no_tasks() -> None:
    draft = _parse(CLOSINGS, foot="")
    assert [(t.ref, t.lead) for t in draft.tasks] == [
        ("1", "Sở Y tế"),
        ("1", "Sở Xây dựng"),
        ("2", "Sở Tài chính"),
    ]


def test_a_closing_that_still_assigns_real_work_stays_a_task() -> None:
    tasks = _tasks(
        "Căn cứ nội dung chỉ đạo trên, yêu cầu Sở Xây dựng tham mưu văn bản hướng dẫn, trình "
        "UBND tỉnh trước ngày 30/4/2026.\n",
        foot="",
    )
    assert [(t.lead, t.deadline) for t in tasks] == [("Sở Xây dựng", date(2026, 4, 30))]


# --- the item's own agency wins over the section's; two agencies in one paragraph ---------


def test_the_items_own_agency_wins_over_the_headings() -> None:
    tasks = _tasks(
        """1. Đối với Sở Giao thông vận tải:

a) Chủ trì rà soát các điểm đen tai nạn giao thông.

b) Công an tỉnh tăng cường tuần tra, kiểm soát trên các tuyến quốc lộ.

c) Phối hợp với Sở Tài chính bố trí kinh phí sửa chữa.

2. Sở Xây dựng chủ trì thực hiện các nội dung sau:

- Rà soát quy hoạch các khu dân cư;

- UBND các xã, phường rà soát quỹ đất tái định cư;
"""
    )
    assert [(t.ref, t.lead, t.coordinators) for t in tasks] == [
        ("1.a", "Sở Giao thông vận tải", []),
        ("1.b", "Công an tỉnh", []),
        ("1.c", "Sở Giao thông vận tải", ["Sở Tài chính"]),
        ("2", "Sở Xây dựng", []),
        ("2", "UBND các xã, phường", []),
    ]
    assert not any("implicit" in w for w in tasks[1].warnings + tasks[4].warnings)


def test_two_agencies_joined_by_dong_thoi_are_two_tasks_each_with_its_date() -> None:
    tasks = _tasks(
        "3. Sở Y tế chủ trì tổ chức tiêm chủng, hoàn thành trong tháng 5/2026; đồng thời Sở Giáo "
        "dục và Đào tạo chỉ đạo các trường tuyên truyền, hoàn thành trong tháng 4/2026.\n"
    )
    assert [(t.lead, t.deadline) for t in tasks] == [
        ("Sở Y tế", date(2026, 5, 31)),
        ("Sở Giáo dục và Đào tạo", date(2026, 4, 30)),
    ]
    assert not any("several deadlines" in w for t in tasks for w in t.warnings)
