"""Dates as clerks write them: 2024-06-30, 2024/6/30, 20240630, 2024年6月30日."""

from __future__ import annotations

import re
from datetime import date

from minshi.errors import InputError

_CHINESE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")


def parse_day(text: str, what: str = "date") -> date:
    """YYYY-MM-DD, or 2024/6/30, 20240630, 2024年6月30日; an impossible day is refused."""
    cleaned = text.strip()
    chinese = _CHINESE_DATE.fullmatch(cleaned)
    if chinese:
        parts = list(chinese.groups())
    elif len(cleaned) == 8 and cleaned.isascii() and cleaned.isdigit():
        parts = [cleaned[:4], cleaned[4:6], cleaned[6:]]
    else:
        parts = cleaned.replace("/", "-").replace(".", "-").split("-")
    try:
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
            raise ValueError
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise InputError(
            f"{what} '{text}' is not a real date (use YYYY-MM-DD, e.g. 2024-06-30)"
        ) from None


_MONTH = re.compile(r"(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))")


def parse_month(text: str, what: str = "month") -> tuple[int, int]:
    """A month as (year, month): 2024-06, 2024-6, 2024/06, 202406, 2024年6月."""
    found = _MONTH.fullmatch(text.strip())
    month = int(found.group(2) or found.group(3)) if found else 0
    if found is None or not 1 <= month <= 12 or not 1 <= int(found.group(1)):
        raise InputError(f"{what} '{text}' is not a month (use YYYY-MM, e.g. 2024-06)")
    return int(found.group(1)), month
