"""A 完成时限 cell as a date: 12月底前, 2025年6月, 2023.01-2023.12, 年底前, 6月30日前."""

from __future__ import annotations

import calendar
import re
from datetime import date

from minshi.quantity import chinese_number

_MONTH = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_FULL = re.compile(
    r"((?:19|20)\d{2})\s*[年.\-/]\s*(\d{1,2})(?!\d)\s*"
    r"(?:月\s*(?:(\d{1,2})\s*日)?|[.\-/]\s*(\d{1,2})(?!\d)\s*日?)?"
)
_IN_YEAR = re.compile(rf"{_MONTH}\s*月(?:\s*(\d{{1,2}})\s*日)?")
_YEAR_END = re.compile(r"年底|年内|年末|全年|12月底")
_QUARTER = re.compile(r"(?:第)?([一二三四1-4])季度")
_PLAIN = re.compile(r"^(?:前|底|底前|末|以前|之前|止|完成|内|期间|[-—～~至到])*$")


def read_deadline(text: str, year: int) -> tuple[date | None, str | None]:
    """The last day a cell allows, and a note when it says more than a date or none at all."""
    cell = re.sub(r"\s+", "", text)
    found = _last_date(cell, year)
    if found is None:
        return None, f"完成时限 “{text}” is not a date; no deadline was set"
    day, rest = found
    if _PLAIN.match(rest):
        return day, None
    return day, f"完成时限 “{text}” was read as {day.isoformat()} (the deadline of its metrics)"


def _last_date(cell: str, year: int) -> tuple[date, str] | None:
    """The latest date written in the cell, and the words that are not part of a date."""
    days: list[date] = []
    rest = cell
    for m in _FULL.finditer(cell):
        y, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            continue
        last = calendar.monthrange(y, month)[1]
        given = m[3] or m[4]
        day = int(given) if given and 1 <= int(given) <= last else last
        days.append(date(y, month, day))
        rest = rest.replace(m[0], "", 1)
    if not days:
        for m in _IN_YEAR.finditer(cell):
            month_value = chinese_number(m[1]) if not m[1].isdigit() else int(m[1])
            if month_value is None or not 1 <= int(month_value) <= 12:
                continue
            month = int(month_value)
            last = calendar.monthrange(year, month)[1]
            day = int(m[2]) if m[2] and 1 <= int(m[2]) <= last else last
            days.append(date(year, month, day))
            rest = rest.replace(m[0], "", 1)
    if not days and (q := _QUARTER.search(cell)):
        quarter = "一二三四".find(q[1]) + 1 if not q[1].isdigit() else int(q[1])
        month = quarter * 3
        days.append(date(year, month, calendar.monthrange(year, month)[1]))
        rest = rest.replace(q[0], "", 1)
    if not days and _YEAR_END.search(cell):
        days.append(date(year, 12, 31))
        rest = _YEAR_END.sub("", rest, count=1)
    if not days:
        return None
    return max(days), rest
