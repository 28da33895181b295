"""Dated overrides of the Vietnamese civil-service calendar that the `holidays` package misses.

Each entry cites the decision it comes from. `holidays` lags the yearly swap decisions of the
Prime Minister (it lacks the 2026 New Year swap), so this table is kept by hand.
"""

from datetime import date

# day -> (is_working, why)
OVERRIDES: dict[date, tuple[bool, str]] = {
    date(2026, 1, 2): (False, "Nghỉ bù Tết Dương lịch 2026 (Công văn 12729/VPCP-KGVX)"),
    date(2026, 1, 10): (True, "Làm bù thứ Bảy cho ngày 2/1/2026 (Công văn 12729/VPCP-KGVX)"),
}
