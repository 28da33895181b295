"""The border districts' group ("UBND các huyện biên giới") ended on 30/6/2025 with no successor:
public sources did not confirm the list of Lạng Sơn's border communes after 1/7/2025, so a notice
naming the old group after its end gets a clear Vietnamese warning instead of a plain "unknown".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from directives.agencies import AgencyRegistry
from directives.parsing import parse_notice
from storage.agencies import read_agency_file, shipped_agency_file
from web.messages_vi import known, vietnamese

NOTICE = Path(__file__).parents[1] / "fixtures" / "succession" / "tb-2026-01-15.txt"
WARNING = (
    "Nhóm «UBND các huyện biên giới» đã kết thúc ngày 30/6/2025; chọn cơ quan thay thế"
    " (danh mục không có đơn vị kế thừa)"
)


def _registry() -> AgencyRegistry:
    return AgencyRegistry(read_agency_file(shipped_agency_file()))


def test_old_border_group_after_its_end_says_choose_a_replacement() -> None:
    found = _registry().resolve("UBND các huyện biên giới", date(2026, 1, 15))
    assert found.agency is None and found.written.code == "ubnd-cac-huyen-bien-gioi"
    assert found.warning == WARNING
    before = _registry().resolve("UBND các huyện biên giới", date(2025, 6, 30))
    assert before.agency.code == "ubnd-cac-huyen-bien-gioi" and before.warning is None


def test_2026_notice_naming_the_old_group_warns_in_vietnamese() -> None:
    text = NOTICE.read_text(encoding="utf-8").replace(
        "UBND xã Đồng Đăng", "UBND các huyện biên giới"
    )
    draft = parse_notice(text, _registry())
    warnings = [w for t in draft.tasks for w in t.warnings]
    assert WARNING in warnings
    assert not any(w == "unknown agency: UBND các huyện biên giới" for w in warnings)
    assert known(WARNING) and vietnamese(WARNING) == WARNING  # the page shows it as it is
