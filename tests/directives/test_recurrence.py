"""Recurrence rules and period deadlines on the real working-day calendar (Tết 2027)."""

from datetime import date

import pytest

from directives.recurrence import (
    RecurrenceError,
    describe_rule,
    parse_rule,
    periods,
    validate_rule,
)


def test_monthly_through_2027_has_twelve_periods_and_tet_moves_the_february_deadline():
    spans = periods(parse_rule("monthly:5"), date(2027, 1, 4), date(2027, 12, 1))
    assert len(spans) == 12
    assert [s.seq for s in spans] == list(range(1, 13))
    feb = spans[1]
    assert feb.nominal == date(2027, 2, 5)  # Tết 2027: 4-10/2 are days off
    assert feb.deadline == date(2027, 2, 11)
    assert spans[2].starts == date(2027, 2, 12)
    assert spans[-1].deadline == date(2027, 12, 6)  # 5/12/2027 is a Sunday
    assert all(a.deadline < b.starts for a, b in zip(spans, spans[1:], strict=False))


def test_periods_only_begun_by_until_and_none_after_end():
    rule = parse_rule("monthly:25")
    assert len(periods(rule, date(2027, 1, 10), date(2027, 1, 10))) == 1
    assert len(periods(rule, date(2027, 1, 10), date(2027, 12, 31), end=date(2027, 6, 30))) == 6


@pytest.mark.parametrize(
    ("rule", "start", "first"),
    [
        ("quarterly:end", date(2027, 1, 4), date(2027, 3, 31)),
        ("quarterly:15", date(2027, 4, 1), date(2027, 6, 15)),
        ("yearly:06-30", date(2027, 7, 1), date(2028, 6, 30)),
        ("semiannual:06-30,12-31", date(2027, 7, 1), date(2027, 12, 31)),
        ("weekly:fri", date(2027, 1, 4), date(2027, 1, 8)),
        ("weeks:2:fri", date(2027, 1, 4), date(2027, 1, 8)),
        ("monthly:end", date(2027, 2, 1), date(2027, 3, 1)),  # 28/2/2027: Sunday → Monday
    ],
)
def test_first_deadline_of_each_genre(rule, start, first):
    spans = periods(parse_rule(rule), start, start)
    assert spans[0].deadline == first


def test_every_two_weeks():
    spans = periods(parse_rule("weeks:2:fri"), date(2027, 3, 1), date(2027, 4, 1))
    assert [s.nominal for s in spans] == [date(2027, 3, 5), date(2027, 3, 19), date(2027, 4, 2)]


@pytest.mark.parametrize(
    "bad", ["", "daily:1", "monthly:32", "weekly:xyz", "weeks:0:fri", "yearly:13-01",
            "semiannual:06-30", "yearly:02-30", "monthly", "x" * 50],
)  # fmt: skip
def test_bad_rules_get_one_vietnamese_message(bad):
    with pytest.raises(RecurrenceError) as err:
        parse_rule(bad)
    assert any(w in str(err.value) for w in ("không hợp lệ", "phải", "cần"))


def test_canonical_spelling_and_words():
    assert validate_rule(" Monthly:20 ") == "monthly:20"
    assert validate_rule("yearly:12-31,06-30") == "yearly:06-30,12-31"
    assert describe_rule(parse_rule("weeks:2:fri")) == "Định kỳ 02 tuần/lần, thứ Sáu"
