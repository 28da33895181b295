"""The end of a recurring task (ngày kết thúc định kỳ): read from the text, stored, edited.

A recurring task has a rule, a start and an optional end. The parser reads the end when the
sentence of the recurrence wording says it; no period is planned whose nominal deadline is after
it; the secretariat edits it next to the rule (a bad end is refused, nothing changed).
"""

from __future__ import annotations

from datetime import date

import pytest

from directives.parsing.recurrence_end import recurrence_until
from directives.parsing.recurring import find_recurring
from directives.parsing.dates import Reader
from directives.calendar import DEFAULT_CALENDAR
from directives.agencies import fold


def _until(text: str) -> date | None:
    folded = fold(text)
    found = find_recurring(folded, text, Reader(date(2027, 1, 4), DEFAULT_CALENDAR))
    assert found is not None and found.recurrence
    return found.until


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("Báo cáo định kỳ hằng tháng trước ngày 20, đến hết năm 2027.", date(2027, 12, 31)),
        ("Hằng tháng báo cáo trước ngày 5 đến ngày 31/12/2027.", date(2027, 12, 31)),
        ("Báo cáo hằng quý, thực hiện đến hết ngày 30/6/2028.", date(2028, 6, 30)),
        ("Báo cáo hằng tháng trước ngày 25 đến hết tháng 02/2028.", date(2028, 2, 29)),
        ("Báo cáo hằng tháng trước ngày 20 cho đến khi kết thúc dự án.", None),
        ("Báo cáo hằng tháng trước ngày 20.", None),
    ],
)
def test_the_end_written_with_the_recurrence_is_read(text: str, end: date | None) -> None:
    assert _until(text) == end


def test_an_end_in_another_sentence_is_not_the_recurrence_end() -> None:
    text = "Báo cáo hằng tháng trước ngày 20. Dự án triển khai đến hết năm 2027."
    assert _until(text) is None
    assert recurrence_until(fold(text), 0) is None


def test_an_impossible_date_gives_no_end() -> None:
    assert _until("Báo cáo hằng tháng trước ngày 20 đến ngày 31/02/2027.") is None
