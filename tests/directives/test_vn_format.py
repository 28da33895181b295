"""Vietnamese number and date style as offices write it (directives/vn_format.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from directives.calendar import TIMEZONE
from directives.vn_format import (
    vn_date,
    vn_datetime,
    vn_decimal,
    vn_int,
    vn_long_date,
    vn_long_date_blank,
    vn_percent,
    vn_short,
)


def test_dates_as_documents_write_them() -> None:
    assert vn_date(date(2025, 1, 5)) == "05/01/2025"
    assert vn_date(None) == "" and vn_date(None, empty="—") == "—"
    assert vn_long_date(date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert vn_long_date(date(2024, 3, 27)) == "ngày 27 tháng 3 năm 2024"
    assert vn_long_date(date(2024, 12, 9)) == "ngày 09 tháng 12 năm 2024"
    assert vn_long_date_blank(2025, 2) == "ngày      tháng 02 năm 2025"


def test_a_moment_is_shown_on_the_province_clock() -> None:
    utc = datetime(2025, 12, 31, 18, 30, tzinfo=UTC)
    assert vn_datetime(utc, TIMEZONE) == "01/01/2026 01:30"
    assert vn_datetime(None) == "—"


def test_numbers_group_with_dots_and_decimals_with_a_comma() -> None:
    assert vn_int(1234567) == "1.234.567"
    assert vn_int(12) == "12"
    assert vn_decimal(81.34) == "81,3"
    assert vn_decimal(3.0, places=2) == "3,00"
    assert vn_decimal(None) == "—"
    assert [vn_short(v) for v in (81.3, 0.5, 90.0, 2.25)] == ["81,3", "0,5", "90", "2,25"]
    assert vn_percent(2 / 3) == "66,7%"
    assert vn_percent(1.0) == "100,0%"
    assert vn_percent(None) == "—"
