"""The genre's hard cases (issue 11, item 4), one class at a time, from short examples.

Each example is written from the genre (NĐ 30/2020 layout, how provinces, ministries and the
VPCP word their TB/CT/KH/CV), not copied from one document: the parser must read the class,
not the example.
"""

from __future__ import annotations

from datetime import date

import pytest

from directives.agencies import AgencyRegistry
from directives.drafts import DirectiveDraft, TaskDraft
from directives.models import Agency
from directives.parsing import NoticeError, parse_notice
from directives.parsing.names import _heuristic_end

HEAD = """UỶ BAN NHÂN DÂN
TỈNH AN GIANG
Số: 45/TB-UBND
An Giang, ngày 10 tháng 3 năm 2026
THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với Sở Xây dựng

Ngày 05/3/2026, đồng chí Nguyễn Văn An, Chủ tịch UBND tỉnh chủ trì buổi làm việc với Sở Xây \
dựng. Sau khi nghe báo cáo, Chủ tịch UBND tỉnh kết luận như sau:

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


def _parse(body: str, head: str = HEAD, foot: str = FOOT, **kw: object) -> DirectiveDraft:
    return parse_notice(head + body + foot, **kw)  # type: ignore[arg-type]


def _tasks(body: str, **kw: object) -> list[TaskDraft]:
    return _parse(body, **kw).tasks


def _one(tasks: list[TaskDraft], start: str) -> TaskDraft:
    found = [t for t in tasks if t.text.startswith(start)]
    assert len(found) == 1, [t.text[:50] for t in tasks]
    return found[0]


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
TABLE_HEADS = {
    "two rows": """| ỦY BAN NHÂN DÂN TỈNH AN GIANG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
| --- | --- |
| Số: 215/UBND-KT | Độc lập - Tự do - Hạnh phúc |
| V/v triển khai thực hiện vốn đầu tư công | An Giang, ngày 12 tháng 3 năm 2026 |

Kính gửi: Các sở, ban, ngành tỉnh.

""",
    "one row": """| UBND TỈNH AN GIANG Số: 215/UBND-KT V/v triển khai vốn đầu tư công | CỘNG \
HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc An Giang, ngày 12 tháng 3 năm 2026 |

Kính gửi: Các sở, ban, ngành tỉnh.

""",
    "no outer pipes": """ỦY BAN NHÂN DÂN TỈNH AN GIANG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
--- | ---
Số: 215/UBND-KT | Độc lập - Tự do - Hạnh phúc
V/v triển khai thực hiện vốn đầu tư công | An Giang, ngày 12 tháng 3 năm 2026

Kính gửi: Các sở, ban, ngành tỉnh.

""",
}


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


# --- periodic wording, ranges and the issue date (RECURRENCE.md) ---------------------------


@pytest.mark.parametrize(
    ("sentence", "rule", "first"),
    [
        # Every N weeks from the first such weekday after the issue date (both blind corpora
        # annotate the first report in the first week, not at the end of the first N weeks).
        ("báo cáo tình hình định kỳ 02 tuần/lần về UBND tỉnh.", "weeks:2:fri", date(2026, 3, 13)),
        ("báo cáo định kỳ 02 tuần/lần (trước 15 giờ thứ Năm).", "weeks:2:thu", date(2026, 3, 12)),
        ("báo cáo kết quả giải ngân hằng quý.", "quarterly:end", date(2026, 3, 31)),
        ("báo cáo kết quả trước ngày 30 tháng 6 hằng năm.", "yearly:06-30", date(2026, 6, 30)),
        ("báo cáo hằng tuần vào thứ Hai.", "weekly:mon", date(2026, 3, 16)),
        ("họp giao ban hằng tuần vào chiều thứ 5.", "weekly:thu", date(2026, 3, 12)),
        ("báo cáo định kỳ 03 tháng/lần.", "quarterly:end", date(2026, 3, 31)),
        ("báo cáo định kỳ hằng tháng, trước ngày 25 hằng tháng.", "monthly:25", date(2026, 3, 25)),
    ],
)
def test_periodic_wording_gives_its_rule_and_first_date(
    sentence: str, rule: str, first: date
) -> None:
    task = _tasks(f"1. Sở Y tế {sentence}\n")[0]
    assert (task.recurring, task.recurrence, task.deadline) == (True, rule, first)


def test_a_range_ends_on_its_last_day() -> None:
    task = _tasks("1. Sở Xây dựng kiểm tra các công trình từ ngày 15/4/2026 đến ngày 30/5/2026.\n")[
        0
    ]
    assert task.deadline == date(2026, 5, 30) and not task.recurring


def test_the_issue_date_in_a_table_header_is_no_deadline() -> None:
    draft = _parse(
        "1. Sở Nội vụ hướng dẫn sắp xếp bộ máy các cơ quan chuyên môn.\n",
        head=TABLE_HEADS["two rows"],
        foot="",
    )
    assert draft.issued == date(2026, 3, 12)
    assert [(t.lead, t.deadline) for t in draft.tasks] == [("Sở Nội vụ", None)]


# --- agency names written another way than the registry's ---------------------------------

REGISTRY = AgencyRegistry(
    [
        Agency(code="xa-phuong", name="Ủy ban nhân dân các xã, phường"),
        Agency(code="tnmt", name="Sở Tài nguyên và Môi trường"),
        Agency(code="tc", name="Sở Tài chính"),
        Agency(code="vhttdl", name="Sở Văn hóa, Thể thao và Du lịch"),
        Agency(code="p1", name="UBND phường 1"),
    ]
)


def test_abbreviated_misspelled_and_differently_written_names_are_matched() -> None:
    tasks = _tasks(
        """1. UBND các xã, phường rà soát quỹ đất tái định cư.

2. Sở TN&MT chủ trì, phối hợp với Sở Tài chánh xây dựng bảng giá đất.

3. Sở Văn hoá, Thể thao và Du lich tổ chức lễ hội.
""",
        registry=REGISTRY,
    )
    assert [(t.lead_code, t.coordinator_codes) for t in tasks] == [
        ("xa-phuong", []),
        ("tnmt", ["tc"]),
        ("vhttdl", []),
    ]
    assert "đã hiểu “Sở Tài chánh” là “Sở Tài chính” (khác 1 chữ)" in tasks[1].warnings
    assert any(w.startswith("đã hiểu “Sở Văn hoá") for w in tasks[2].warnings)
    assert not any("unknown agency" in w for t in tasks for w in t.warnings)


def test_a_different_number_is_another_agency_not_a_typo() -> None:
    from directives.parsing.matching import resolve

    assert resolve("UBND phường 2", REGISTRY) == (None, None)
    assert resolve("UBND phường 1", REGISTRY)[0].code == "p1"  # type: ignore[union-attr]
    assert resolve("Ủy ban nhân dân phường 1", REGISTRY)[0].code == "p1"  # type: ignore[union-attr]
    assert resolve("Sở Y tế", REGISTRY) == (None, None)


# --- the new readings keep the parser linear ----------------------------------------------

UNIT = (
    "Sở Tài chính rà soát nguồn vốn (đợt 1; đợt 2), báo cáo trước ngày 30/4/2026; giao Sở Xây "
    "dựng kiểm tra công trình từ ngày 1/4/2026 đến ngày 30/5/2026; đồng thời Các Bộ: Tài chính, "
    "Xây dựng hướng dẫn định kỳ 02 tuần/lần; "
)


def _seconds(n: int) -> float:
    import time

    text = HEAD + "1. " + UNIT * n + ".\n"
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        parse_notice(text)
        best = min(best, time.perf_counter() - start)
    return best


def test_one_long_paragraph_of_split_assignments_parses_in_linear_time() -> None:
    small, large = _seconds(60), _seconds(480)  # 8 times the text
    assert large < 20 * max(small, 0.002), (small, large)


def test_a_topic_before_a_colon_leaves_the_agency_after_it_the_lead() -> None:
    draft = _parse(
        """1. Về công tác giải phóng mặt bằng: Sở Tài chính phối hợp với UBND các xã đẩy nhanh \
tiến độ bồi thường.

2. Về đề nghị của Sở Tài chính: UBND tỉnh sẽ xem xét sau khi có báo cáo thẩm định.
"""
    )
    assert [(t.ref, t.lead) for t in draft.tasks] == [("1", "Sở Tài chính")]
    assert not any("implicit" in w for w in draft.tasks[0].warnings)
    assert any("issuer's own undertaking" in w for w in draft.warnings)


# --- found on the blind corpus (round 2): general causes, own examples ---------------------


def test_a_portal_report_of_a_directive_gives_its_assignments() -> None:
    draft = parse_notice(
        """Chỉ đạo mới nhất về phòng chống sạt lở

Chủ tịch UBND tỉnh vừa có văn bản chỉ đạo Sở Nông nghiệp và Môi trường rà soát, khoanh vùng \
các khu vực sạt lở.

Sở Xây dựng tỉnh An Giang được yêu cầu chủ trì rà soát các công trình giao thông.

Theo đó, Sở Tài chính có trách nhiệm bố trí kinh phí. Đồng thời, chủ đầu tư các dự án phải \
hoàn tất thủ tục trong tháng 9/2026.
"""
    )
    assert [t.lead for t in draft.tasks] == [
        "Sở Nông nghiệp và Môi trường",
        "Sở Xây dựng",
        "Sở Tài chính",
        "chủ đầu tư các dự án",
    ]


@pytest.mark.parametrize(
    ("written", "lead"),
    [
        ("Sở NN&MT", "Sở Nông nghiệp và Môi trường"),
        ("Sở GTVT", "Sở Giao thông vận tải"),
        ("Sở Xây dưng", "Sở Xây dựng"),
        ("Sở Nông nghiệp và PTNT", "Sở Nông nghiệp và PTNT"),
        ("Cục Xúc tiến thương mại", "Cục Xúc tiến thương mại"),
        ("Trung tâm Phát triển quỹ đất tỉnh", "Trung tâm Phát triển quỹ đất tỉnh"),
    ],
)
def test_national_names_are_written_in_full_and_slips_put_right(written: str, lead: str) -> None:
    task = _tasks(f"1. {written} chủ trì rà soát hồ sơ các dự án.\n")[0]
    assert task.lead == lead
    assert (written == "Sở Xây dưng") == any(w.startswith("đã hiểu") for w in task.warnings)


def test_a_month_range_ends_with_its_last_month() -> None:
    task = _tasks("1. Chi cục Kiểm lâm tuần tra canh gác lửa rừng từ tháng 4 đến tháng 10/2026.\n")[
        0
    ]
    assert task.deadline == date(2026, 10, 31)


def test_a_task_table_whose_stt_header_is_broken_by_a_narrow_column_is_read() -> None:
    table = """
| ST<br>T | Nội dung nhiệm vụ | Cơ quan chủ trì | Thời hạn<br>hoàn thành |
| 1 | Xây dựng cơ sở dữ liệu hộ tịch | Sở Tư pháp | 30/6/2026 |
| 2 | Tập huấn kỹ năng quản trị dữ liệu | Sở Nội vụ | Quý III/2026 |
"""
    tasks = _tasks(table)
    assert [(t.ref, t.lead, t.deadline) for t in tasks] == [
        ("1", "Sở Tư pháp", date(2026, 6, 30)),
        ("2", "Sở Nội vụ", date(2026, 9, 30)),
    ]


@pytest.mark.parametrize(
    ("sentence", "lead"),
    [
        ("UBND các xã, phường ven sông rà soát các điểm sạt lở.", "UBND các xã, phường ven sông"),
        (
            "Các doanh nghiệp xuất khẩu cà phê trên địa bàn tỉnh chủ động xây dựng vùng trồng.",
            "Các doanh nghiệp xuất khẩu cà phê trên địa bàn tỉnh",
        ),
        ("UBND các xã, phường triển khai ngay phương án.", "UBND các xã, phường"),
        ("Ủy ban MTTQ Việt Nam tỉnh vận động Nhân dân.", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ],
)
def test_a_collective_keeps_its_qualifier_up_to_the_verb(sentence: str, lead: str) -> None:
    assert _tasks(f"1. {sentence}\n")[0].lead == lead
