"""Quantities in Chinese text: exact numbers, units, comparators, and what is not a target."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minshi.errors import InputError
from minshi.quantity import UNITS, Quantity, find_quantities, format_quantity, parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13万人", Quantity(Decimal(130000), "人")),
        ("14.5万", Quantity(Decimal(145000))),
        ("1.2亿", Quantity(Decimal(120000000))),
        ("284万平方米", Quantity(Decimal(2840000), "平方米")),
        ("100%", Quantity(Decimal(100), "%")),
        ("１００％", Quantity(Decimal(100), "%")),
        ("约2万平方米", Quantity(Decimal(20000), "平方米", "~")),
        ("2公里左右", Quantity(Decimal(2), "公里", "~")),
        ("8000人以上", Quantity(Decimal(8000), "人", ">=")),
        ("至少1次", Quantity(Decimal(1), "次", ">=")),
        ("不低于80%", Quantity(Decimal(80), "%", ">=")),
        ("达到80%", Quantity(Decimal(80), "%", ">=")),
        ("达13万人", Quantity(Decimal(130000), "人", ">=")),
        ("控制在5%以内", Quantity(Decimal(5), "%", "<=")),
        ("不超过3个", Quantity(Decimal(3), "个", "<=")),
        ("低于5%", Quantity(Decimal(5), "%", "<=")),
        ("≥ 8000人", Quantity(Decimal(8000), "人", ">=")),
        ("1,000 户", Quantity(Decimal(1000), "户")),
        ("5个百分点", Quantity(Decimal(5), "个百分点")),
        ("3.5", Quantity(Decimal("3.5"))),
    ],
)
def test_parse_quantity(text: str, expected: Quantity) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no number"),
        ("人", "no number"),
        ("2～3岁", "more than one number"),
        ("新增1000个", "the number must come first"),
        ("13万 人 次", "not understood"),
    ],
)
def test_parse_quantity_refuses_what_is_not_one_quantity(text: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        parse_quantity(text)


def _targets(text: str) -> list[tuple[str, Decimal, str | None, str | None]]:
    return [(f.before, f.value, f.unit, f.comparator) for f in find_quantities(text)]


def test_find_quantities_reads_each_target_with_what_it_counts() -> None:
    text = "全区参与教师达8000人以上，学生达13万人以上，对有课后服务需求的学生保持100%以上。"
    assert _targets(text) == [
        ("全区参与教师", Decimal(8000), "人", ">="),
        ("学生", Decimal(130000), "人", ">="),
        ("对有课后服务需求的学生保持", Decimal(100), "%", ">="),
    ]


def test_find_quantities_span_covers_comparator_words() -> None:
    text = "实施街头绿地提质项目2个、面积约2万平方米。"
    found = find_quantities(text)
    assert [text[slice(*f.span)] for f in found] == ["2个", "约2万平方米"]
    assert [f.before for f in found] == ["实施街头绿地提质项目", "面积"]
    assert [parse_quantity(text[slice(*f.span)]) for f in found] == [f.quantity for f in found]


def test_find_quantities_gives_the_words_after_a_unit() -> None:
    (found,) = find_quantities("安装5台化粪池安全监测系统，完成")
    assert (found.before, found.after) == ("安装", "化粪池安全监测系统")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新（改）建农村电网10千伏线路98公里", [(Decimal(98), "公里")]),
        ("鼓励和支持有条件的幼儿园招收2～3岁幼儿。", []),
        ("156所学校（含校点）实现“5+2”全覆盖", [(Decimal(156), "所")]),
        ("（万州府〔2024〕18号）2024年3月9日", []),
        ("第1批5G基站30个", [(Decimal(30), "个")]),
        ("3.5～4公里", []),
    ],
)
def test_descriptive_numbers_are_not_targets(text: str, expected: list[object]) -> None:
    assert [(f.value, f.unit) for f in find_quantities(text)] == expected


def test_a_number_without_a_known_unit_is_reported_without_unit() -> None:
    found = find_quantities("新建12幢楼、3座桥梁，完成投资7，培训13万")
    assert [(f.value, f.unit) for f in found] == [
        (Decimal(12), "幢"),
        (Decimal(3), "座"),
        (Decimal(7), None),
        (Decimal(130000), None),
    ]


def test_at_least_before_the_verb() -> None:
    (found,) = find_quantities("学生至少开展1次心理健康测评")
    assert (found.comparator, found.before, found.after) == (">=", "学生开展", "心理健康测评")


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (130000, "人", "13万人"),
        (145000, None, "14.5万"),
        (120000000, None, "1.2亿"),
        (2840000, "平方米", "284万平方米"),
        (20000, "平方米", "2万平方米"),
        (10090, "只", "10090只"),
        (8000, "人", "8000人"),
        (100, "%", "100%"),
        (Decimal("0.5"), "亩", "0.5亩"),
        (Decimal("12345.6"), "元", "12345.6元"),
        (Decimal("115400000000"), "元", "1154亿元"),
        (5000, "万元", "5000万元"),
    ],
)
def test_format_quantity_as_the_notice_writes_it(value: int, unit: str | None, text: str) -> None:
    assert format_quantity(Decimal(value), unit) == text


def test_format_quantity_refuses_negative_and_nan() -> None:
    for value in (Decimal(-1), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(ValueError):
            format_quantity(value, "人")


# Property tests -----------------------------------------------------------------------------

decimals = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False)
positive = st.decimals(min_value=Decimal("0.0001"), max_value=10**6, places=4, allow_nan=False)
count_units = st.sampled_from([u for u in UNITS if u not in ("%", "‰")])


@given(positive, count_units)
def test_wan_is_ten_thousand_exactly(n: Decimal, unit: str) -> None:
    q = parse_quantity(f"{n:f}万{unit}")
    assert q.value == n * 10**4
    assert q.unit == unit
    assert "E" not in str(q.value)  # printed in full, no float or exponent artefacts


@given(positive)
def test_yi_is_a_hundred_million_exactly(n: Decimal) -> None:
    q = parse_quantity(f"{n:f}亿元")
    assert q == Quantity(n * 10**8, "元")
    assert "E" not in str(q.value)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=9))
def test_decimal_wan_has_no_float_artefacts(whole: int, tenth: int) -> None:
    # 0.1万 is 1000, never 1000.0000000000001
    assert parse_quantity(f"{whole}.{tenth}万").value == whole * 10000 + tenth * 1000


@given(decimals, st.one_of(st.none(), st.sampled_from(UNITS)))
def test_parse_reads_back_what_format_wrote(value: Decimal, unit: str | None) -> None:
    assert parse_quantity(format_quantity(value, unit)) == Quantity(value, unit)


@given(positive, count_units, st.sampled_from(["约", "达", "至少", ""]))
def test_find_quantities_agrees_with_parse(value: Decimal, unit: str, word: str) -> None:
    written = word + format_quantity(value, unit)
    text = f"完成某项工作{written}，其他内容。"
    (found,) = find_quantities(text)
    assert text[slice(*found.span)] == written
    assert found.quantity == parse_quantity(written)
    assert found.before == "完成某项工作"


# ---------------------------------------------------------------------------------------------
# Chinese numerals and a clerk's single value (parse_value), one parser for both

from minshi.quantity import chinese_number, parse_value  # noqa: E402

_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """How a notice writes 0 < n < 10⁸ in Chinese numerals (十二, 一百零五, 三万二千)."""
    if n >= 10000:
        high, low = divmod(n, 10000)
        rest = _chinese(low) if low else ""
        zero = "零" if 0 < low < 1000 else ""
        return _chinese(high) + "万" + zero + rest
    out, zero = "", False
    for power, word in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // power % 10
        if digit:
            if zero and out:
                out += "零"
            out += _DIGITS[digit] + word
            zero = False
        else:
            zero = bool(out)
    return out.removeprefix("一") if 10 <= n < 20 else out  # 十二, not 一十二


@pytest.mark.parametrize(
    ("text", "value"),
    [("四十", 40), ("一百二十", 120), ("两", 2), ("十", 10), ("十万", 100000), ("三千零五", 3005)],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_number(text) == value


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_read_back(n: int) -> None:
    assert chinese_number(_chinese(n)) == n


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("两所", Quantity(Decimal(2), "所")),
        ("十余个", Quantity(Decimal(10), "个", ">=")),
        ("四十个以上", Quantity(Decimal(40), "个", ">=")),
        ("３００余米", Quantity(Decimal(300), "米", ">=")),
    ],
)
def test_parse_quantity_in_chinese(text: str, expected: Quantity) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("新建一所学校、两所幼儿园", [(Decimal(1), "所"), (Decimal(2), "所")]),
        ("推进一批街心公园建设", []),  # 一批 says nothing countable
        ("打造15分钟便民生活圈", []),  # a service circle, not a target
        ("对100米以上高层建筑开展消防检查", []),  # which buildings, not how many metres
        ("新增托位1000个以上", [(Decimal(1000), "个")]),
    ],
)
def test_numbers_that_describe_are_not_targets(text: str, found: list[Any]) -> None:
    assert [(f.value, f.unit) for f in find_quantities(text)] == found


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("40", "个", 40),
        ("40个", "个", 40),
        ("1,200", "个", 1200),
        ("１，２００", "个", 1200),
        ("四十", "个", 40),
        ("1.2万", "人", 12000),
        ("95%", "%", 95),
        ("000040.50", "个", Decimal("40.5")),
    ],
)
def test_parse_value(text: str, unit: str, value: Decimal) -> None:
    assert parse_value(text, unit=unit) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2,3", "value '1,2,3' is not a number: commas go between groups of three digits"),
        ("12,00", "commas go between groups of three digits"),
        ("-5", "value '-5' is negative; progress is counted from 0 up"),
        ("abc", "value 'abc' is not a number; write digits, e.g. 40"),
        ("1e-99999999", "is not a number"),
        ("0e-999999", "is not a number"),
        ("NaN", "is not a number"),
        ("30%", "is a percentage, but this figure counts 个"),
        ("1.0000000000001", "more than 12 digits after the decimal point"),
        ("9" * 31, "far too large"),
    ],
)
def test_parse_value_refuses(text: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        parse_value(text, unit="个")


def test_parse_value_in_万元_refuses_a_second_万() -> None:
    with pytest.raises(InputError, match="counted in 万元 already"):
        parse_value("12万", "invested", unit="万元", scaled=False)


@given(
    st.decimals(min_value=0, max_value=Decimal(10) ** 20, places=4, allow_nan=False).map(
        lambda d: d.normalize()
    )
)
def test_parse_value_reads_back_what_is_written(number: Decimal) -> None:
    value = parse_value(f"{number:f}")
    assert value == number
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int) and exponent >= -12 and value.adjusted() < 30


@given(st.integers(min_value=1000, max_value=10**15))
def test_parse_value_reads_thousands_separators(n: int) -> None:
    assert parse_value(f"{n:,}") == n
    assert parse_value(f"{n:,}".replace(",", "，")) == n


@given(st.integers(min_value=1, max_value=99_999_999))
def test_parse_value_reads_chinese_numerals_like_digits(n: int) -> None:
    assert parse_value(_chinese(n), unit="个") == parse_value(f"{n}个", unit="个") == n
