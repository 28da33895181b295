"""The genre's hard cases (issue 11, item 4), one class at a time, from short examples.

Each example is written from the genre (NĐ 30/2020 layout, how provinces, ministries and the
VPCP word their TB/CT/KH/CV), not copied from one document: the parser must read the class,
not the example.
"""

from __future__ import annotations

from datetime import date

import pytest

from directives.parsing import NoticeError, parse_notice
from directives.parsing.names import _heuristic_end
from tests.directives.genre_notice import HEAD, TABLE_HEADS
from tests.directives.genre_notice import parse as _parse
from tests.directives.genre_notice import tasks as _tasks

# --- the known crash -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ban Quản lý dự án đầu tư xây dựng công trình giao thông tỉnh",
        "Giao Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng tỉnh",
        "Ban An toàn giao thông tỉnh",
    ],
)
def test_a_lower_case_unit_name_ending_the_text_on_its_level_does_not_crash(text: str) -> None:
    pos = text.find("Ban")
    assert _heuristic_end(text, pos) == len(text)
    assert parse_notice(HEAD + f"1. {text} chủ trì rà soát hồ sơ các dự án.\n\n2. {text}")


# --- a header laid out as a table; headerless web copies ------------------------------------

TABLE_BODY = """1. Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát nguồn vốn, báo \
cáo UBND tỉnh trước ngày 30/4/2026.

2. Sở Nội vụ hướng dẫn sắp xếp bộ máy, hoàn thành trong tháng 5/2026.
"""


@pytest.mark.parametrize("layout", sorted(TABLE_HEADS))
def test_a_header_laid_out_as_a_table_is_read_as_a_header(layout: str) -> None:
    draft = _parse(TABLE_BODY, head=TABLE_HEADS[layout], foot="")
    assert (draft.number, draft.doc_type, draft.issued) == ("215/UBND-KT", "CV", date(2026, 3, 12))
    assert [(t.ref, t.lead, t.deadline) for t in draft.tasks] == [
        ("1", "Sở Tài chính", date(2026, 4, 30)),
        ("2", "Sở Nội vụ", date(2026, 5, 31)),
    ]


def test_a_header_date_written_with_slashes_is_the_issue_date() -> None:
    head = HEAD.replace("An Giang, ngày 10 tháng 3 năm 2026", "An Giang, ngày 10/3/2026")
    draft = _parse("1. Sở Nội vụ rà soát, báo cáo chậm nhất ngày 30-4.\n", head=head)
    assert draft.issued == date(2026, 3, 10)
    assert draft.tasks[0].deadline == date(2026, 4, 30)


WEB_COPY = """Chủ tịch UBND tỉnh chỉ đạo đẩy nhanh giải ngân vốn đầu tư công năm 2026

Chủ tịch UBND tỉnh yêu cầu Sở Tài chính rà soát, tham mưu điều chuyển vốn của các dự án chậm \
giải ngân, báo cáo trước ngày 15/4/2026.

Giao Ban Quản lý dự án đầu tư xây dựng tỉnh đẩy nhanh tiến độ thi công các công trình trọng điểm.

Sở Xây dựng tổ chức hội nghị tổng kết năm 2025 vào chiều 12/3.
"""


def test_a_headerless_web_copy_gives_its_assignments_with_a_warning() -> None:
    draft = parse_notice(WEB_COPY)
    assert [t.lead for t in draft.tasks] == [
        "Sở Tài chính",
        "Ban Quản lý dự án đầu tư xây dựng tỉnh",
    ]
    assert draft.tasks[0].deadline == date(2026, 4, 15)
    assert any("web copy" in w for w in draft.warnings)


def test_a_news_item_that_assigns_nothing_is_still_refused() -> None:
    with pytest.raises(NoticeError, match="no task section"):
        parse_notice("Chiều 17/1, Sở Ngoại vụ tổng kết công tác năm.\n\nHội nghị đã thành công.")


# --- a section's period deadline is spread only where the section's words govern its items ---

ITEMS = """
1. Sở Y tế tăng cường kiểm tra an toàn thực phẩm tại các chợ.

2. Sở Tài chính bố trí kinh phí, hoàn thành trước ngày 30/6/2026.
"""


@pytest.mark.parametrize(
    "opening",
    [
        "II. NHIỆM VỤ TRỌNG TÂM TRONG NĂM 2026\n",
        "Trong năm 2026, đề nghị các sở, ngành thực hiện tốt các nhiệm vụ sau:\n",
        "Nhiệm vụ trọng tâm trong năm 2026 như sau:\n",
    ],
)
def test_a_year_that_is_the_sections_scope_is_not_each_items_deadline(opening: str) -> None:
    tasks = _tasks(opening + ITEMS)
    assert [(t.deadline, t.inherited_deadline) for t in tasks] == [
        (None, False),
        (date(2026, 6, 30), False),
    ]


@pytest.mark.parametrize(
    ("opening", "on"),
    [
        ("Các nhiệm vụ sau đây hoàn thành trong năm 2026:\n", date(2026, 12, 31)),
        (
            "Để hoàn thành các mục tiêu, nhiệm vụ trong năm 2026, đề nghị các sở, ngành thực "
            "hiện các nhiệm vụ sau:\n",
            date(2026, 12, 31),
        ),
        ("II. NHIỆM VỤ TRỌNG TÂM QUÝ IV/2026\n", date(2026, 12, 31)),
        ("I. Chuẩn bị Tết (hoàn thành trong tháng 12/2026)\n", date(2026, 12, 31)),
    ],
)
def test_a_term_said_for_the_sections_items_is_inherited(opening: str, on: date) -> None:
    first = _tasks(opening + ITEMS)[0]
    assert (first.deadline, first.inherited_deadline) == (on, True)


# --- lines broken by PDF extraction --------------------------------------------------------

BROKEN = """1. Sở Công Thương chủ trì, phối hợp với Cục Hải quan tỉnh đẩy nhanh thông quan hàng \
hóa tại các cửa khẩu của
Trung Quốc, hoàn thành trong tháng 6/2026.

2. Sở Tài chính rà soát các khoản chi theo Thông tư số 12/2024/TT-BTC4, báo cáo trước ngày \
15/5/2026.

4 Thông tư số 12/2024/TT-BTC ngày 01/3/2024 của Bộ Tài chính hướng dẫn quản lý kinh phí.

Trang 2/3

3. Sở Xây dựng kiểm tra chất lượng công trình trên tuyến đường tỉnh 941 và
Quốc lộ 91.

- 2 -

4. Công an tỉnh bảo đảm an ninh trật tự tại các điểm du lịch.
"""


def test_continuations_footnotes_and_page_numbers_are_no_tasks() -> None:
    tasks = _tasks(BROKEN)
    assert [(t.ref, t.lead) for t in tasks] == [
        ("1", "Sở Công Thương"),
        ("2", "Sở Tài chính"),
        ("3", "Sở Xây dựng"),
        ("4", "Công an tỉnh"),
    ]
    assert tasks[0].text.endswith("cửa khẩu của Trung Quốc, hoàn thành trong tháng 6/2026.")
    assert tasks[0].deadline == date(2026, 6, 30)
    assert tasks[2].text.endswith("941 và Quốc lộ 91.")
    assert not any("Thông tư số 12/2024/TT-BTC ngày" in t.text for t in tasks)


# --- leads that are no registry agency ------------------------------------------------------

PARTIES = """1. Giao Công ty Cổ phần Cấp nước An Giang khẩn trương sửa chữa đường ống bị vỡ, hoàn \
thành trong tháng 4/2026.

2. Đề nghị chủ đầu tư dự án Khu đô thị mới Bình Khánh khẩn trương hoàn thiện hồ sơ pháp lý.

3. Các đơn vị nêu trên báo cáo kết quả thực hiện trước ngày 30/4/2026.

4. Đồng chí Nguyễn Văn Cường, Phó Giám đốc Sở Xây dựng trực tiếp chỉ đạo việc kiểm tra hồ sơ.

5. Đoàn kiểm tra liên ngành hoàn thiện báo cáo kết quả kiểm tra, gửi UBND tỉnh trước ngày \
20/4/2026.

6. Các Bộ: Tài chính, Kế hoạch và Đầu tư, Xây dựng khẩn trương hướng dẫn các địa phương tháo \
gỡ vướng mắc.
"""


def test_leads_that_are_no_agency_are_kept_as_written_with_a_warning() -> None:
    tasks = _tasks(PARTIES)
    assert [(t.ref, t.lead) for t in tasks] == [
        ("1", "Công ty Cổ phần Cấp nước An Giang"),
        ("2", "chủ đầu tư dự án Khu đô thị mới Bình Khánh"),
        ("3", "Các đơn vị nêu trên"),
        ("4", "Nguyễn Văn Cường"),
        ("5", "Đoàn kiểm tra liên ngành"),
        ("6", "Bộ Tài chính"),
    ]
    for task in tasks[1:5]:
        assert any("not an agency" in w for w in task.warnings), task.lead
    assert tasks[3].coordinators == []  # the person's own office is no coordinator
    assert tasks[5].coordinators == ["Bộ Kế hoạch và Đầu tư", "Bộ Xây dựng"]
    assert not any("addressee" in w for t in tasks for w in t.warnings)


@pytest.mark.parametrize(
    ("sentence", "lead"),
    [
        ("Hội đồng thẩm định tỉnh hoàn thành thẩm định hồ sơ.", "Hội đồng thẩm định tỉnh"),
        ("Ban tổ chức lễ hội chuẩn bị chu đáo các điều kiện.", "Ban tổ chức lễ hội"),
        (
            "Tổ công tác đặc biệt của tỉnh rà soát các dự án tồn đọng.",
            "Tổ công tác đặc biệt của tỉnh",
        ),
        ("Nhà thầu thi công khắc phục các tồn tại về chất lượng.", "Nhà thầu"),
    ],
)
def test_teams_and_contractors_lead_as_written(sentence: str, lead: str) -> None:
    task = _tasks(f"1. {sentence}\n")[0]
    assert task.lead == lead and any("not an agency" in w for w in task.warnings)


@pytest.mark.parametrize(
    "sentence",
    [
        "1. Giao các Sở: Tài chính, Nội vụ rà soát biên chế, báo cáo trước ngày 30/4/2026.",
        "1. Giao Sở Tài chính, Sở Nội vụ rà soát biên chế, báo cáo trước ngày 30/4/2026.",
        "1. Các Sở: Tài chính, Nội vụ theo chức năng, nhiệm vụ rà soát biên chế, báo cáo trước "
        "ngày 30/4/2026.",
    ],
)
def test_a_named_list_of_departments_is_one_task_led_by_the_first(sentence: str) -> None:
    """A list that names its agencies is one task: the first named leads, the others coordinate.

    The convention of the genre as annotated blind in both corpora (tb-vpcp-2026-03-05 2.a,
    tb-ha-noi-2025-11-20 3, cv-lao-cai-2022-07-18 1, tb-cao-bang-2026-04-14 II.4, and the plain
    "UBND thành phố Phổ Yên, UBND huyện Phú Bình …" lists): "Các Sở: A, B" is "Sở A, Sở B"
    written with the type once, and one task has exactly one lead (NĐ 39/2022). The secretariat
    sees the warning and splits the task on the review page where each must answer for itself.
    Only an unnamed group ("UBND các huyện biên giới") fans out, at registration, over the
    registry's members (DESIGN: group leads).
    """
    tasks = _tasks(sentence + "\n")
    assert [(t.lead, t.coordinators, t.deadline) for t in tasks] == [
        ("Sở Tài chính", ["Sở Nội vụ"], date(2026, 4, 30)),
    ]
    assert any("the first is the lead" in w for w in tasks[0].warnings)


def test_a_ministry_list_as_coordinators_names_each_ministry() -> None:
    task = _tasks("1. Sở Tài chính chủ trì, phối hợp với các Bộ: Tài chính, Xây dựng rà soát.\n")[0]
    assert task.coordinators == ["Bộ Tài chính", "Bộ Xây dựng"]
