"""Any text gives a draft or a NoticeError, never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directives.drafts import DirectiveDraft
from directives.parsing import NoticeError, parse_notice

PIECES = [
    "Số: 12/TB-UBND\n",
    "Lạng Sơn, ngày 27 tháng 3 năm 2024\n",
    "THÔNG BÁO\n",
    "V/v rà soát\n",
    "1. ",
    "1.1. ",
    "a) ",
    "đ) ",
    "- ",
    "+ ",
    "II. ",
    "Giao Sở Nội vụ chủ trì, phối hợp với ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "UBND các huyện biên giới",
    "đề nghị ",
    "yêu cầu ",
    "trước ngày 31/2/2024",
    "trong Quý V/2024",
    "định kỳ hằng tháng trước ngày 40",
    "ngày 0/13",
    "thường xuyên",
    "ngay sau khi",
    ":\n",
    ".\n",
    "\n\n",
    "Nơi nhận:\n",
    "TL. CHỦ TỊCH\n",
    "./.",
    "Thống nhất chủ trương",
    "theo dõi, đôn đốc",
    "Kính gửi:",
    "**",
    "\x00",
    "\ufffd",
    "Ð",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_string(text: str) -> None:
    try:
        result = parse_notice(text)
    except NoticeError:
        return
    assert isinstance(result, DirectiveDraft)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40))
def test_any_document_shaped_string(pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        result = parse_notice(text)
    except NoticeError:
        return
    assert isinstance(result, DirectiveDraft)
    for task in result.tasks:
        start, end = task.span
        assert 0 <= start <= end <= len(result.text)
