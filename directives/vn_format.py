"""Vietnamese number and date style, in one place (định dạng số, ngày tháng tiếng Việt).

Dates as offices write them (05/01/2025; "ngày 05 tháng 01 năm 2025"), thousands grouped with
dots and decimals with a comma (1.234.567; 81,3; 66,7%). Written by hand: Babel would bring its
locale data for four one-line rules.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

DASH = "—"


def vn_date(day: date | None, empty: str = "") -> str:
    """05/01/2025."""
    return f"{day:%d/%m/%Y}" if day else empty


def vn_datetime(moment: datetime | None, tz: tzinfo | None = None, empty: str = DASH) -> str:
    """05/01/2025 14:30, in `tz` when given."""
    if moment is None:
        return empty
    return f"{moment.astimezone(tz) if tz else moment:%d/%m/%Y %H:%M}"


def vn_long_date(day: date) -> str:
    """ "ngày 05 tháng 01 năm 2025": days < 10 and months 1–2 get a leading zero (Nghị định 30)."""
    return f"ngày {day.day:02d} tháng {_month(day.month)} năm {day.year}"


def vn_long_date_blank(year: int, month: int) -> str:
    """The dated line of a document still to be signed: the day left blank for the pen."""
    return f"ngày      tháng {_month(month)} năm {year}"


def _month(month: int) -> str:
    return f"{month:02d}" if month < 3 else str(month)


def vn_int(value: int) -> str:
    """1.234.567."""
    return f"{value:,}".replace(",", ".")


def vn_decimal(value: float | None, places: int = 1, empty: str = DASH) -> str:
    """81,3 (a fixed number of places)."""
    return empty if value is None else f"{value:.{places}f}".replace(".", ",")


def vn_short(value: float) -> str:
    """81,3; 0,5; 90: at most two places, trailing zeros dropped."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def vn_percent(ratio: float | None, empty: str = DASH) -> str:
    """0.667 → "66,7%"; a dash when there is nothing to divide."""
    return empty if ratio is None else vn_decimal(ratio * 100) + "%"
