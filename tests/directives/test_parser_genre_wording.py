"""The genre's hard cases (issue 11, item 4), continued: periodic wording and ranges, names
written another way than the registry's, linearity, and causes found on the blind corpus.

Examples written from the genre, not copied from one document (see test_parser_genre_classes).
"""

from __future__ import annotations

from datetime import date

import pytest

from directives.agencies import AgencyRegistry
from directives.models import Agency
from directives.parsing import parse_notice
from tests.directives.genre_notice import HEAD, TABLE_HEADS
from tests.directives.genre_notice import parse as _parse
from tests.directives.genre_notice import tasks as _tasks

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
