"""Quantities in Chinese text: 13万人, 约2万平方米, 100%以上 (DESIGN.md, "Quantities …").

Numbers stay exact: they are read into `Decimal` and scaled by 万 (×10⁴) and 亿 (×10⁸) with
`scaleb`, which never rounds. `parse_quantity` reads one quantity a user typed or a cell holds;
`find_quantities` scans a sentence of a notice for the numbers that set targets; and
`format_quantity` prints a number the way a notice writes it.

Standard library only: the rest of the code (and the importer) can use it at no start-up cost.
"""

from __future__ import annotations

import decimal
import functools
import re
from decimal import Decimal
from typing import Literal

from minshi.errors import InputError
from minshi.tuples import NamedTuple

Comparator = Literal[">=", "<=", "~", "="]  # as in minshi.models, without importing the schema


def _longest_first(words: str) -> tuple[str, ...]:
    return tuple(sorted(set(words.split()), key=lambda w: (-len(w), w)))


# Units a target is counted in; the longest is tried first (个百分点 before 个, 平方米 before 米).
UNITS: tuple[str, ...] = _longest_first(
    """
    个百分点 百分点 % ‰
    平方公里 平方米 立方米 公顷 亩 公里 千米 米 千瓦时 千瓦 兆瓦 吨 公斤 千克 元
    个 所 人次 人 户 件 家 台 套 条 只 次 场 项 处 座 栋 幢 间 张 床 辆 艘 名 位 班
    批 支 部 本 册 株 棵 盏 根 块 片 口 眼 头 匹 例 份 种 类 门 组 队 趟 倍 天
    """
)
# Units that describe a thing rather than count it: "10千伏线路98公里" is 98 公里 of 10 kV line,
# "2～3岁幼儿" are children of an age, "2024年" is a year.
DESCRIPTIVE_UNITS: tuple[str, ...] = _longest_first(
    "千伏 伏 周岁 岁 年 月 日 号 级 星级 星 层 期 届 路 分钟 小时 千米/小时"
)
MULTIPLIERS: dict[str, int] = {"亿": 8, "万": 4}  # powers of ten

# Context words that say how a target is met; the longest match wins (不低于 before 低于).
COMPARATOR_BEFORE: dict[str, Comparator] = {
    "不低于": ">=",
    "不少于": ">=",
    "至少": ">=",
    "最少": ">=",
    "超过": ">=",
    "达到": ">=",
    "达": ">=",
    "不超过": "<=",
    "不高于": "<=",
    "不多于": "<=",
    "控制在": "<=",
    "最多": "<=",
    "低于": "<=",
    "大约": "~",
    "约": "~",
}
# Adverbs that may stand before the verb of the clause rather than the number.
_COMPARATOR_ADVERBS: dict[str, Comparator] = {"至少": ">=", "最多": "<="}
COMPARATOR_AFTER: dict[str, Comparator] = {
    "及以上": ">=",
    "以上": ">=",
    "以内": "<=",
    "以下": "<=",
    "左右": "~",
    "上下": "~",
}

# Full-width digits and signs, mapped one character to one so that spans stay valid.
# full-width digits, point and percent, as a Chinese keyboard types them
HALF_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
# 四十, 一百二十, 两, 十万: read only where a unit follows (一是, 十四五 are words, not counts)
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_SMALL = {"十": 1, "百": 2, "千": 3}
_CHINESE = (
    r"[一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*"
    r"(?:[万亿][零〇一二两三四五六七八九十百千]*)*"
)
# a lone 一 counts only after a verb that makes something (新建一所); 一批, 统一, 一件事 are words
_ONE_AFTER = frozenset("建增设成造办开改装配置完")
_CLAUSE_BREAKS = frozenset("，。；;：:！？!?\n")  # a thing counted never reaches across these
_LIST_BREAKS = _CLAUSE_BREAKS | {"、", ","}
_RANGE_SIGNS = frozenset("～~〜-—–至到")
_OPENING = frozenset("〔[【(（")


class Quantity(NamedTuple):
    """A number in its base unit: 13万人 → Quantity(Decimal(130000), "人")."""

    value: Decimal
    unit: str | None = None
    comparator: Comparator | None = None


class Found(NamedTuple):
    """A target number found in a sentence, with the words around it.

    `span` covers the comparator words, the number, 万/亿 and the unit (`text[slice(*span)]` is
    "约2万平方米"); `before` holds the words from the start of its clause (or the end of the
    previous number) up to it, comparator words left out: the thing counted ("新增婴幼儿托位");
    `after` the words that follow the unit up to the next 、，。 ("学校（含校点）…").
    """

    value: Decimal
    unit: str | None
    comparator: Comparator | None
    span: tuple[int, int]
    before: str
    after: str

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.value, self.unit, self.comparator)


class _Match(NamedTuple):
    start: int  # of the digits
    end: int  # after the unit (or the digits, 万/亿)
    value: Decimal
    unit: str | None
    descriptive: bool
    more: bool = False  # 十余个: more than the number


def _tidy(value: Decimal) -> Decimal:
    """145000.0 → 145000, 2.50 → 2.5: the same number, written the short way."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def share_of(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part ÷ whole as a ratio (占比, 到位率, 支付率), when both are known and the whole is
    above 0."""
    if part is None or whole is None or whole <= 0:
        return None
    return part / whole


def plain_number(number: Decimal) -> str:
    """A number as a person writes it, every digit kept: 2.50 → "2.5", 1E+3 → "1000"."""
    with decimal.localcontext(prec=EXACT_DIGITS):
        return format(number.normalize(), "f")


def chinese_number(text: str) -> Decimal | None:
    """四十 → 40, 一百二十 → 120, 两 → 2, 十万 → 100000, 三千零五 → 3005; None if not one."""
    if not text or not _pattern("chinese").fullmatch(text):
        return None
    total = Decimal(0)
    for power, part in _chinese_parts(text):
        small = _chinese_small(part)
        if small is None:
            return None
        total += small.scaleb(power)
    return total


def _chinese_parts(text: str) -> list[tuple[int, str]]:
    """一亿二千万 → [(8, 一), (4, 二千)]: the groups before 亿 and 万, with their powers of ten."""
    parts: list[tuple[int, str]] = []
    current = ""
    for ch in text:
        if ch in MULTIPLIERS:
            parts.append((MULTIPLIERS[ch], current or "一"))
            current = ""
        else:
            current += ch
    if current:
        parts.append((0, current))
    return parts


def _chinese_small(text: str) -> Decimal | None:
    """A number below 一万: 九千九百九十九, 十二, 零五 (after 千, 三千零五)."""
    value = 0
    digit: int | None = None
    last_power = 4
    for ch in text:
        if ch in _CN_DIGIT:
            if _CN_DIGIT[ch] == 0:
                continue  # 三千零五, 二万零十: 零 only marks a gap
            if digit is not None:
                return None  # 二三: not how a number is written
            digit = _CN_DIGIT[ch]
        elif ch in _CN_SMALL:
            power = _CN_SMALL[ch]
            if power >= last_power:
                return None  # 十百: powers must fall
            value += (1 if digit is None else digit) * 10**power
            digit, last_power = None, power
        else:
            return None
    return Decimal(value + (digit or 0))


def _read_number(digits: str, multiplier: str | None) -> Decimal:
    value = chinese_number(digits)
    if value is None:
        value = Decimal(digits.replace(",", ""))
    if multiplier:
        value = value.scaleb(MULTIPLIERS[multiplier])  # exact: only the exponent changes
    return _tidy(value)


def _unit_at(text: str, pos: int) -> tuple[str | None, bool]:
    """The unit starting at `pos`, and whether it is descriptive (千伏, 岁, 年 …)."""
    for unit in DESCRIPTIVE_UNITS:
        if text.startswith(unit, pos):
            return unit, True
    for unit in UNITS:
        if text.startswith(unit, pos):
            return unit, False
    return None, False


def _scan(text: str) -> list[_Match]:
    """Every number in `text` with its multiplier and unit, targets or not."""
    matches = []
    for m in _pattern("scan").finditer(text):
        chinese = not m.group()[0].isdigit()
        pos = m.end()
        while pos < len(text) and text[pos] == " ":
            pos += 1
        more = text.startswith("余", pos)  # 十余个, 300余米: more than the number
        if more:
            pos += 1
        unit, descriptive = _unit_at(text, pos)
        multiplier = None
        if unit is None and not chinese and pos < len(text) and text[pos] in MULTIPLIERS:
            multiplier = text[pos]
            pos += 1
            unit, descriptive = _unit_at(text, pos)
        if chinese and (unit is None or _vague_one(text, m)):
            continue  # a Chinese numeral counts only with its unit
        if unit is not None:
            end = pos + len(unit)
        elif multiplier is not None:
            end = pos
        else:
            end = m.end()
        value = _read_number(m.group(), multiplier)
        matches.append(_Match(m.start(), end, value, unit, descriptive, more))
    return matches


def _vague_one(text: str, m: re.Match[str]) -> bool:
    """一批, 统一, 一件事: a lone 一 that is a word, not a count (新建一所 is a count)."""
    if m.group() not in ("一", "两"):
        return False
    before = text[m.start() - 1] if m.start() > 0 else ""
    return m.group() == "一" and before not in _ONE_AFTER


def _is_target(text: str, match: _Match, previous: _Match | None, following: _Match | None) -> bool:
    """False for numbers that only describe: 10千伏, 2～3岁, “5+2”, 第1, 〔2024〕, 5G."""
    if match.descriptive:
        return False
    before = text[match.start - 1] if match.start > 0 else " "
    after = text[match.end] if match.end < len(text) else " "
    if before in "+＋第" or after in "+＋":
        return False
    if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
        return False
    if before in _OPENING and after in "〕]】)）":
        return False
    if after in _RANGE_SIGNS and following is not None and following.start == match.end + 1:
        return False
    if before in _RANGE_SIGNS and previous is not None and previous.end == match.start - 1:
        return False
    return True


def _comparator_before(text: str, start: int) -> tuple[str, Comparator | None]:
    head = text[:start].rstrip(" ")
    for word in sorted(COMPARATOR_BEFORE, key=len, reverse=True):
        if head.endswith(word):
            return word, COMPARATOR_BEFORE[word]
    return "", None


def _comparator_after(text: str, end: int) -> tuple[str, Comparator | None]:
    for word in sorted(COMPARATOR_AFTER, key=len, reverse=True):
        if text.startswith(word, end):
            return word, COMPARATOR_AFTER[word]
    return "", None


def find_quantities(text: str) -> list[Found]:
    """The target numbers of a sentence, in order: "学生达13万人以上" → 130000 人 ">=".

    Numbers that describe the thing counted (10千伏, 2～3岁, “5+2”, 2024年) are left out. A
    number without a known unit is returned with `unit=None`, so that a caller can tell it found
    a number it cannot account for.
    """
    plain = text.translate(HALF_WIDTH)
    matches = _scan(plain)
    targets = [
        match
        for i, match in enumerate(matches)
        if _is_target(
            plain,
            match,
            matches[i - 1] if i > 0 else None,
            matches[i + 1] if i + 1 < len(matches) else None,
        )
    ]
    found: list[Found] = []
    boundary = 0  # end of the previous target: the next one's `before` starts after it
    for i, match in enumerate(targets):
        word_before, comparator = _comparator_before(plain, match.start)
        word_after, comparator_after = _comparator_after(plain, match.end)
        if match.more and comparator_after is None:
            comparator_after = ">="
        if word_after in _BOUNDS and _describes(plain, match.end + len(word_after)):
            continue  # 100米以上高层建筑: the number says which buildings, it sets nothing
        start = match.start
        if word_before:
            start = len(plain[: match.start].rstrip(" ")) - len(word_before)
        end = match.end + len(word_after)
        clause_start = boundary
        for j in range(start - 1, boundary - 1, -1):
            if plain[j] in _CLAUSE_BREAKS:
                clause_start = j + 1
                break
        clause_end = end
        while clause_end < len(plain) and plain[clause_end] not in _LIST_BREAKS:
            clause_end += 1
        if i + 1 < len(targets):
            clause_end = max(end, min(clause_end, targets[i + 1].start))
        before = text[clause_start:start]
        for word, meaning in _COMPARATOR_ADVERBS.items():  # 至少开展1次: a verb in between
            if comparator is None and word in before:
                before, comparator = before.replace(word, "", 1), meaning
        found.append(
            Found(
                value=match.value,
                unit=match.unit,
                comparator=comparator or comparator_after,
                span=(start, end),
                before=before.strip(" 、，,"),
                after=text[end:clause_end].strip(" "),
            )
        )
        boundary = end
    return found


_BOUNDS = frozenset({"以上", "以下", "及以上"})
_JOINING = frozenset("并和及且或")


def _describes(text: str, pos: int) -> bool:
    """A noun right after 以上/以下 (高层建筑, 的企业): the bound picks things out."""
    return pos < len(text) and "\u4e00" <= text[pos] <= "\u9fff" and text[pos] not in _JOINING


_SIGNS: dict[str, Comparator] = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "~": "~"}


def parse_quantity(text: str) -> Quantity:
    """One quantity as written: "13万人", "14.5万", "约2万平方米", "100%以上", "≥8000人".

    Raises InputError when `text` is not exactly one number with an optional unit.
    """
    shown = text.strip()
    plain = text.translate(HALF_WIDTH).strip()
    comparator: Comparator | None = None
    for sign, meaning in _SIGNS.items():
        if plain.startswith(sign):
            plain, comparator = plain[len(sign) :].lstrip(), meaning
            break
    numbers = [
        m
        for m in _pattern("scan").finditer(plain)
        if m.group()[0].isdigit() or _unit_follows(plain, m)
    ]
    if len(numbers) != 1:
        what = "no number" if not numbers else "more than one number"
        raise InputError(f"'{shown}' is not a quantity ({what}; e.g. 13万人, 约2万平方米)")
    number = numbers[0]
    word, meaning_before = _comparator_before(plain, number.start())
    if plain[: number.start()].strip() != word:
        raise InputError(f"'{shown}' is not a quantity (the number must come first)")
    comparator = comparator or meaning_before
    rest = plain[number.end() :].strip()
    if rest.startswith("余"):
        rest, comparator = rest[1:], comparator or ">="
    multiplier = None
    if _unit_at(rest, 0)[0] is None and rest[:1] in MULTIPLIERS:
        multiplier, rest = rest[0], rest[1:].strip()
    for word in sorted(COMPARATOR_AFTER, key=len, reverse=True):
        if rest.endswith(word):
            rest = rest[: -len(word)].strip()
            comparator = comparator or COMPARATOR_AFTER[word]
            break
    if any(ch.isdigit() or ch.isspace() for ch in rest):
        raise InputError(f"'{shown}' is not a quantity (unit '{rest}' not understood)")
    return Quantity(_read_number(number.group(), multiplier), rest or None, comparator)


def _unit_follows(text: str, m: re.Match[str]) -> bool:
    """A Chinese numeral followed by a unit, 余 or nothing (四十, 两所, 十余个)."""
    rest = text[m.end() :].lstrip().removeprefix("余")
    return not rest or _unit_at(rest, 0)[0] is not None or rest[:1] in MULTIPLIERS


def format_quantity(value: Decimal, unit: str | None = None) -> str:
    """A number the way a notice prints it: 130000 人 → "13万人", 10090 只 → "10090只".

    万 or 亿 is used when the scaled number needs at most two decimals (1.2亿, 14.5万, 284万);
    otherwise the number is printed in full. Exact: `parse_quantity` reads the result back to
    the same value. Units that already carry 万/亿 (万元) and percentages are never scaled.
    """
    if not value.is_finite() or value < 0:
        raise ValueError(f"cannot format {value} as a quantity")
    unit = unit or ""
    if value < 10000 and value == value.to_integral_value():  # most figures: 40, 95, 1000
        return f"{int(value)}{unit}"
    with decimal.localcontext(prec=EXACT_DIGITS):  # every digit a store keeps
        number = _tidy(value)
        suffix = ""
        if unit not in ("%", "‰") and not unit.startswith(tuple(MULTIPLIERS)):
            for multiplier, power in MULTIPLIERS.items():  # 亿 first
                scaled = number.scaleb(-power)
                if scaled >= 1 and _tidy(scaled).as_tuple().exponent >= -2:  # type: ignore[operator]
                    number, suffix = _tidy(scaled), multiplier
                    break
        return f"{number:f}{suffix}{unit}"


# The bounds of a number, read and stored (the store checks them too): every number stays exact
# in every backend, and absurd input is caught.
MAX_INTEGER_DIGITS = 30
MAX_FRACTION_DIGITS = 12
# the precision at which no digit of such a number is rounded away in arithmetic or printing,
# where Python's default keeps 28 significant digits
EXACT_DIGITS = MAX_INTEGER_DIGITS + MAX_FRACTION_DIGITS + 8
# digits 0-9 only (full-width ones are made so first): other scripts' digits (४०, 𝟒𝟎) are not
# what a clerk in the office types, nor what anyone reading the journal would take them for
_VALUE = (
    r"(?P<sign>[-−－]?)"
    r"(?P<number>[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
)
_PATTERNS = {"chinese": _CHINESE, "scan": f"{_NUMBER}|{_CHINESE}", "value": _VALUE}


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    """A regular expression of this module, compiled when first used: a run that only prints
    numbers (every listing) does not pay for compiling the parser's."""
    return re.compile(_PATTERNS[name])


def parse_value(
    text: str, what: str = "value", *, unit: str | None = None, scaled: bool = True
) -> Decimal:
    """A clerk's figure: 40, 1,200, ４０, 四十, 1.2万, with the metric's unit after it (40个, 95%).

    `scaled=False` for amounts already counted in 万 (万元), where a 万 would multiply them by
    mistake. The result is exact and bounded (at most 30 digits before and 12 after the point);
    InputError says what is wrong with `text`, naming it as `what`.
    """
    cleaned = _without_spaces(text.strip().translate(HALF_WIDTH), text, what)
    if unit and cleaned.endswith(unit) and cleaned != unit:
        cleaned = cleaned[: -len(unit)].strip()
    elif cleaned.endswith(("%", "‰")):  # a rate given for a count: 30% of what?
        raise InputError(
            f"{what} '{text}' is a percentage, but this figure counts {unit or 'a number'}: "
            "give the cumulative figure itself"
        )
    multiplier = cleaned[-1:] if cleaned[-1:] in MULTIPLIERS else None
    if multiplier is not None and chinese_number(cleaned) is None:
        if not scaled:
            raise InputError(
                f"{what} '{text}' is counted in {unit or '万元'} already: write the number alone "
                f"(e.g. 100 for 100万元)"
            )
        cleaned = cleaned[:-1]
    else:
        multiplier = None
    number = _number_of(cleaned, text, what, unit)
    with decimal.localcontext(prec=EXACT_DIGITS):  # every digit typed
        if multiplier:
            number = number.scaleb(MULTIPLIERS[multiplier])
        number = _tidy(number)
    exponent = number.as_tuple().exponent
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        raise InputError(f"{what} '{text}' is far too large")
    if isinstance(exponent, int) and exponent < -MAX_FRACTION_DIGITS:
        raise InputError(
            f"{what} '{text}' has more than {MAX_FRACTION_DIGITS} digits after the decimal point"
        )
    return number


def _without_spaces(cleaned: str, text: str, what: str) -> str:
    """`cleaned` without its spaces, which may stand only between groups of three digits
    (1 200) or around the number: 4 0 is no number (it is not 40)."""
    for m in re.finditer(r"[0-9]+(?: +[0-9]+)+", cleaned):
        first, *groups = m[0].split()
        if len(first) > 3 or any(len(group) != 3 for group in groups):
            raise InputError(
                f"{what} '{text}' is not a number: spaces go only between groups of three digits "
                "(1 200), or leave them out"
            )
    return cleaned.replace(" ", "")


def _number_of(cleaned: str, text: str, what: str, unit: str | None) -> Decimal:
    chinese = chinese_number(cleaned)
    if chinese is not None:
        return chinese
    m = _pattern("value").fullmatch(cleaned)
    if m is None:
        example = "95" if unit == "%" else "40"
        if re.fullmatch(r"[-−－]?[0-9,，]+(?:\.[0-9]+)?", cleaned):
            raise InputError(
                f"{what} '{text}' is not a number: commas go between groups of three digits "
                f"(1,200), or leave them out"
            )
        raise InputError(f"{what} '{text}' is not a number; write digits, e.g. {example}")
    if m["sign"] and Decimal(m["number"].replace(",", "").replace("，", "")) != 0:
        raise InputError(f"{what} '{text}' is negative; progress is counted from 0 up")
    digits = m["number"].replace(",", "").replace("，", "")
    if len(digits.split(".")[0].lstrip("0")) > MAX_INTEGER_DIGITS + 8:  # before 万/亿 scaling
        raise InputError(f"{what} '{text}' is far too large")
    return Decimal(digits)
