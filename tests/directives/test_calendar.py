"""The working-day calendar on real Vietnamese dates of 2024–2026."""

from datetime import date

import pytest

from directives.calendar import DEFAULT_CALENDAR as CAL


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 27), False),  # Tết Ất Tỵ 2025: 27/1–31/1 off
        (date(2025, 1, 31), False),
        (date(2025, 2, 3), True),  # first working day after Tết 2025
        (date(2025, 4, 26), True),  # make-up Saturday for 2/5/2025
        (date(2025, 5, 2), False),
        (date(2026, 1, 1), False),  # Tết Dương lịch
        (date(2026, 1, 2), False),  # 2026 New Year swap the package misses
        (date(2026, 1, 10), True),  # the make-up Saturday for it
        (date(2026, 2, 17), False),  # Tết Bính Ngọ
        (date(2026, 4, 27), False),  # Giỗ Tổ (Sunday 26/4) observed on Monday
        (date(2026, 9, 2), False),  # Quốc khánh
        (date(2024, 5, 4), True),  # make-up Saturday 2024
        (date(2024, 3, 27), True),  # an ordinary Wednesday
        (date(2024, 3, 30), False),  # an ordinary Saturday
    ],
)
def test_working_days_of_real_years(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_deadline_on_a_day_off_moves_to_next_working_day() -> None:
    assert CAL.roll_forward(date(2025, 1, 25)) == date(2025, 2, 3)  # Saturday before Tết
    assert CAL.roll_forward(date(2026, 1, 1)) == date(2026, 1, 5)  # 1/1, 2/1 off, weekend
    assert CAL.roll_forward(date(2024, 3, 27)) == date(2024, 3, 27)


def test_add_working_days_skips_tet_and_counts_make_up_saturday() -> None:
    assert CAL.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert CAL.add_working_days(date(2026, 1, 9), 1) == date(2026, 1, 10)  # Saturday worked
    assert CAL.add_working_days(date(2026, 1, 5), -1) == date(2025, 12, 31)
    assert CAL.add_working_days(date(2024, 3, 27), 10) == date(2024, 4, 10)


def test_working_days_between_counts_start_exclusive_end_inclusive() -> None:
    assert CAL.working_days_between(date(2024, 3, 25), date(2024, 3, 29)) == 4
    assert CAL.working_days_between(date(2024, 3, 29), date(2024, 3, 25)) == -4
    assert CAL.working_days_between(date(2025, 1, 24), date(2025, 2, 3)) == 1
