"""Table-driven checks of the parser's parts: deadlines, numbering, names and matching."""

from __future__ import annotations

from datetime import date

import pytest

from directives.agencies import AgencyRegistry, fold
from directives.models import Agency, DeadlineKind
from directives.normalize import key
from directives.parsing.deadlines import find_deadline
from directives.parsing.names import agency_list
from directives.parsing.structure import build_tree, letter_index
from directives.parsing.text import normalise, paragraphs

ISSUED = date(2024, 3, 27)

DEADLINES = [
    ("hoàn thành trước ngày 10/5/2026", "2026-05-10", DeadlineKind.FIXED),
    ("báo cáo chậm nhất ngày 30-6", "2024-06-30", DeadlineKind.FIXED),
    ("báo cáo chậm nhất ngày 15-1", "2025-01-15", DeadlineKind.FIXED),  # rolled to next year
    ("gửi trước ngày 20.7.2024", "2024-07-20", DeadlineKind.FIXED),
    ("trình trước ngày 30 tháng 6 năm 2024", "2024-06-30", DeadlineKind.FIXED),
    ("trước 16 giờ ngày 05/4/2024", "2024-04-05", DeadlineKind.FIXED),
    ("hoàn thành trong tháng 6/2024", "2024-06-30", DeadlineKind.PERIOD_END),
    ("trong Quý II/2024", "2024-06-30", DeadlineKind.PERIOD_END),
    ("hoàn thành quý 3 năm 2024", "2024-09-30", DeadlineKind.PERIOD_END),
    ("trong năm 2024", "2024-12-31", DeadlineKind.PERIOD_END),
    ("trong 6 tháng đầu năm", "2024-06-30", DeadlineKind.PERIOD_END),
    ("6 tháng cuối năm 2024", "2024-12-31", DeadlineKind.PERIOD_END),
    ("xong đầu tháng 5", "2024-05-01", DeadlineKind.PERIOD_END),
    ("giữa tháng 5/2024", "2024-05-15", DeadlineKind.PERIOD_END),
    ("cuối tháng 2/2025", "2025-02-28", DeadlineKind.PERIOD_END),
    (
        "trong 10 ngày làm việc kể từ ngày nhận được văn bản",
        "2024-04-10",
        DeadlineKind.WORKING_DAYS,
    ),
    ("định kỳ hằng tháng trước ngày 20", "2024-04-20", DeadlineKind.RECURRING),
    ("báo cáo hàng quý", "2024-03-31", DeadlineKind.RECURRING),
    ("thường xuyên", None, DeadlineKind.NONE),
    ("ngay sau khi được phê duyệt", None, DeadlineKind.EVENT),
]


@pytest.mark.parametrize(("phrase", "on", "kind"), DEADLINES)
def test_deadline_phrases(phrase: str, on: str | None, kind: DeadlineKind) -> None:
    found = find_deadline(fold(phrase), phrase, ISSUED)
    assert found is not None
    assert found.kind == kind
    assert (found.on.isoformat() if found.on else None) == on


@pytest.mark.parametrize(
    "text",
    [
        "theo Quyết định số 145/QĐ-UBND ngày 20/01/2024",
        "đánh giá kết quả quý I/2024",
        "Kế hoạch hoạt động đối ngoại năm 2024",
        "khắc phục những chỉ số còn thấp trong năm 2023",  # a past period is no deadline
    ],
)
def test_dates_that_are_not_deadlines(text: str) -> None:
    assert find_deadline(fold(text), text, ISSUED) is None


def test_recurring_monthly_gives_next_occurrence_and_rule() -> None:
    text = "Định kỳ hằng tháng, báo cáo UBND tỉnh trước ngày 20"
    found = find_deadline(fold(text), text, date(2024, 5, 6))
    assert found.recurrence == "monthly:20" and found.on == date(2024, 5, 20)


def test_working_days_skip_holidays() -> None:
    text = "trong 05 ngày làm việc"
    # From Fri 26/4/2024: 29/4 (swapped), 30/4, 1/5 off; Sat 4/5 is a make-up working day.
    found = find_deadline(fold(text), text, date(2024, 4, 26))
    assert found.on == date(2024, 5, 7)


def test_vietnamese_letter_order() -> None:
    assert [letter_index(c) for c in "abcdđeg"] == [0, 1, 2, 3, 4, 5, 6]
    assert letter_index("f") == -1 and letter_index("z") == -1


def _refs(text: str) -> list[tuple[str, str]]:
    warnings: list[str] = []
    root = build_tree(paragraphs(normalise(text)), warnings)
    out: list[tuple[str, str]] = []

    def walk(item) -> None:  # noqa: ANN001
        for child in item.children:
            out.append((child.ref, child.text[:12]))
            walk(child)

    walk(root)
    return out


def test_numbering_tree_refs() -> None:
    text = "I. NHIỆM VỤ\n1. Một\n1.1. Hai\na) Ba\nđ) Bốn\n- Năm\n+ Sáu\n2. Bảy\nII. KHÁC\n1. Tám"
    assert [r for r, _ in _refs(text)] == [
        "I",
        "I.1",
        "I.1.1",
        "I.1.1.a",
        "I.1.1.đ",
        "I.1.1.đ",
        "I.1.1.đ",
        "I.2",
        "II",
        "II.1",
    ]


def test_numbering_skips_are_warned() -> None:
    warnings: list[str] = []
    build_tree(paragraphs(normalise("a) Một\nc) Ba\nc) Ba lại")), warnings)
    assert warnings == ["numbering skips: a then c", "numbering repeats: c then c"]


def test_page_broken_paragraph_is_joined_even_mid_word() -> None:
    text = "tăng cường quảng bá, giới\n\nthiệt về tỉnh.\n\nb) Mục khác"
    assert normalise(text) == "tăng cường quảng bá, giới thiệt về tỉnh.\nb) Mục khác"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Sở Văn hóa, Thể thao và Du lịch, Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tổ",
            ["Sở Văn hóa, Thể thao và Du lịch", "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch"],
        ),
        (
            "các sở, ngành, UBND các huyện biên giới trong",
            ["các sở, ngành", "UBND các huyện biên giới"],
        ),
        ("Sở Kế hoạch và Đầu tư và Sở Xây dựng rà soát", ["Sở Kế hoạch và Đầu tư", "Sở Xây dựng"]),
        ("sở Ngoại vụ tiếp tục", ["sở Ngoại vụ"]),
        (
            "Ban Quản lý các Khu công nghiệp tỉnh Thái Nguyên rà soát",
            ["Ban Quản lý các Khu công nghiệp tỉnh Thái Nguyên"],
        ),
        (
            "Giám đốc các sở, ban, ngành; Chủ tịch UBND các huyện, thị xã tập trung",
            ["các sở, ban, ngành", "UBND các huyện, thị xã"],
        ),
    ],
)
def test_agency_lists_never_split_names_on_commas(text: str, names: list[str]) -> None:
    assert [m.text for m in agency_list(text, fold(text), 0, None)] == names


def _registry() -> AgencyRegistry:
    return AgencyRegistry(
        [
            Agency(code="vh", name="Sở Văn hóa, Thể thao và Du lịch"),
            Agency(code="snv", name="Sở Nội vụ"),
            Agency(
                code="ubnd", name="UBND tỉnh", kind="province", aliases=["Ủy ban nhân dân tỉnh"]
            ),
        ]
    )


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Sở Văn hoá, Thể thao và Du lịch", "vh"),  # new-style tone
        ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "vh"),
        ("sở Nội vụ", "snv"),
        ("Nội vụ", "snv"),
        ("đồng chí Giám đốc Sở Nội vụ", "snv"),
        ("Sở Nội vụ tỉnh Lạng Sơn", "snv"),
        ("Uỷ ban nhân dân tỉnh", "ubnd"),
        ("\u00d0ồng chí Giám đốc Sở Nội vụ", "snv"),  # Ð (U+00D0) for Đ
    ],
)
def test_registry_matching_variants(name: str, code: str) -> None:
    assert _registry().match(name).code == code


def test_fold_keeps_offsets_and_matches_the_key() -> None:
    text = "Uỷ ban nhân dân tỉnh Khánh Hoà"
    folded = fold(text)
    assert len(folded) == len(text)
    assert key(text) == folded
