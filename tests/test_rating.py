"""The grade of a 满意度测评 at its boundaries, and the votes that cannot be."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minshi.errors import InputError
from minshi.rating import GradeRule, Votes, check_rule, check_votes, grade


def votes(s: str, b: str, u: str, percent: bool = False) -> Votes:
    return check_votes(Decimal(s), Decimal(b), Decimal(u), percent=percent)


@pytest.mark.parametrize(
    ("satisfied", "basic", "unsatisfied", "expected"),
    [
        ("6", "0", "5", "satisfied"),  # 满意 just over half
        ("5", "0", "5", "unsatisfied"),  # exactly half is not over half
        ("5", "1", "4", "basic"),  # 满意 half, 满意 + 基本满意 over half
        ("3", "2", "5", "unsatisfied"),  # 满意 + 基本满意 exactly half
        ("3", "3", "5", "basic"),  # … just over
        ("0", "51", "49", "basic"),
        ("0", "0", "1", "unsatisfied"),
        ("1", "0", "0", "satisfied"),
        ("500001", "0", "500000", "satisfied"),  # one vote decides, however many there are
        ("500000", "0", "500000", "unsatisfied"),
    ],
)
def test_grade_at_the_boundaries(
    satisfied: str, basic: str, unsatisfied: str, expected: str
) -> None:
    assert grade(votes(satisfied, basic, unsatisfied)) == expected


@pytest.mark.parametrize(
    ("satisfied", "basic", "unsatisfied", "expected"),
    [
        ("50.1", "0", "49.9", "satisfied"),
        ("50", "0", "50", "unsatisfied"),
        ("50", "0.1", "49.9", "basic"),
        ("33.3", "33.3", "33.3", "basic"),  # rounded shares: judged on the whole they add up to
        ("33.4", "16.6", "50", "unsatisfied"),
    ],
)
def test_percentages_grade_like_counts(
    satisfied: str, basic: str, unsatisfied: str, expected: str
) -> None:
    assert grade(votes(satisfied, basic, unsatisfied, percent=True)) == expected


def test_an_office_may_ask_more() -> None:
    strict = check_rule(Decimal(80), Decimal(60))
    assert grade(votes("80", "10", "10"), strict) == "basic"  # 80% is not over 80%
    assert grade(votes("81", "0", "19"), strict) == "satisfied"
    assert grade(votes("50", "10", "40"), strict) == "unsatisfied"  # 60% is not over 60%
    assert grade(votes("50", "11", "39"), strict) == "basic"


@pytest.mark.parametrize(
    ("args", "percent", "message"),
    [
        (("-1", "0", "5"), False, "--satisfied cannot be negative"),
        (("0", "0", "0"), False, "a rating needs votes"),
        (("2.5", "0", "5"), False, "not a whole number of votes; for shares add --percent"),
        (("60", "30", "20"), True, "add up to 110%"),
        (("101", "0", "0"), True, "more than 100%"),
        (("NaN", "0", "5"), False, "--satisfied must be a number"),
        (("1", "Infinity", "5"), False, "--basic must be a number"),
        (("1", "0", "2000000000"), False, "--unsatisfied 2000000000 is more than"),
    ],
)
def test_votes_that_cannot_be_are_refused(
    args: tuple[str, str, str], percent: bool, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        votes(*args, percent=percent)


@pytest.mark.parametrize(("s", "b"), [("-1", "50"), ("100", "50"), ("50", "60"), ("NaN", "1")])
def test_a_rule_that_cannot_be_is_refused(s: str, b: str) -> None:
    with pytest.raises(InputError):
        check_rule(Decimal(s), Decimal(b))


counts = st.integers(min_value=0, max_value=10**6)


@given(counts, counts, counts)
def test_the_grade_follows_the_shares(s: int, b: int, u: int) -> None:
    if s + b + u == 0:
        return
    found = grade(check_votes(Decimal(s), Decimal(b), Decimal(u)))
    total = s + b + u
    if 2 * s > total:
        assert found == "satisfied"
    elif 2 * (s + b) > total:
        assert found == "basic"
    else:
        assert found == "unsatisfied"
    assert grade(check_votes(Decimal(s), Decimal(b), Decimal(u)), GradeRule()) == found
