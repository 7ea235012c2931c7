"""Escalation rules (`[[escalation]]` in minshi.toml): the defaults, the office's own, which one
applies, and every mistake in the file refused with the file named."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from minshi.config import DEFAULT_ESCALATION, Escalation, action_due
from tests.conftest import Invoke

DEFAULTS = (
    "连续滞后1个月，督促整改；连续滞后2个月，约谈单位主要负责人；连续滞后3个月及以上，通报批评"
)


def setting(cli: Invoke, name: str) -> dict[str, str]:
    result = cli("config", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, str]] = json.loads(result.stdout)
    return next(r for r in rows if r["setting"] == name)


def test_the_defaults(cli: Invoke) -> None:
    assert setting(cli, "escalation") == {
        "setting": "escalation",
        "value": DEFAULTS,
        "source": "default",
    }


@pytest.mark.parametrize(
    ("months", "day", "action"),
    [
        (0, date(2024, 6, 30), None),
        (1, date(2024, 6, 30), "督促整改"),
        (2, date(2024, 6, 30), "约谈单位主要负责人"),
        (7, date(2024, 6, 30), "通报批评"),
    ],
)
def test_the_defaults_by_months(months: int, day: date, action: str | None) -> None:
    assert action_due(months, day, DEFAULT_ESCALATION) == action


def test_the_last_rule_that_applies_counts() -> None:
    """A city's rules: two months behind, 约谈; behind in the third quarter, 通报批评."""
    rules = [Escalation(2, "约谈"), Escalation(1, "通报批评", since=(7, 1))]
    assert action_due(1, date(2024, 6, 30), rules) is None
    assert action_due(2, date(2024, 6, 30), rules) == "约谈"
    assert action_due(1, date(2024, 7, 1), rules) == "通报批评"
    assert action_due(3, date(2024, 9, 30), rules) == "通报批评"
    assert action_due(5, date(2024, 6, 30), []) is None


def test_the_office_s_rules_replace_the_defaults(cli: Invoke, isolated: Path) -> None:
    config = isolated / "minshi.toml"
    config.write_text(
        '[[escalation]]\nmonths = 2\naction = "约谈"\n\n'
        '[[escalation]]\nmonths = 1\naction = "通报批评"\nsince = "07-01"\n',
        encoding="utf-8",
    )
    assert setting(cli, "escalation") == {
        "setting": "escalation",
        "value": "连续滞后2个月及以上，约谈；7月1日起连续滞后1个月及以上，通报批评",
        "source": str(config),
    }
    config.write_text("escalation = []\n", encoding="utf-8")
    assert setting(cli, "escalation")["value"] == "未设处置规则"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("escalation = 2\n", "[[escalation]] must be tables, e.g. [[escalation]] months = 2 …"),
        (
            '[[escalation]]\nmonth = 2\naction = "约谈"\n',
            "[[escalation]] number 1: unknown key month (known: months, action, since)",
        ),
        (
            '[[escalation]]\nmonths = "2"\naction = "约谈"\n',
            "[[escalation]] number 1: months must be a whole number, e.g. months = 2",
        ),
        (
            '[[escalation]]\nmonths = true\naction = "约谈"\n',
            "[[escalation]] number 1: months must be a whole number, e.g. months = 2",
        ),
        (
            '[[escalation]]\nmonths = 0\naction = "约谈"\n',
            "[[escalation]] number 1: months must be from 1 to 120, not 0",
        ),
        (
            "[[escalation]]\nmonths = 2\n",
            '[[escalation]] number 1: action must be text in quotes, e.g. action = "约谈"',
        ),
        (
            '[[escalation]]\nmonths = 2\naction = "约谈\\n\\u001b[2J"\n',
            "[[escalation]] number 1: action must be one line of at most 200 characters",
        ),
        (
            '[[escalation]]\nmonths = 2\naction = "约谈"\nsince = "7-1"\n',
            '[[escalation]] number 1: since must be a day of the year as "MM-DD", '
            'e.g. since = "07-01"',
        ),
        (
            '[[escalation]]\nmonths = 2\naction = "约谈"\nsince = "02-30"\n',
            '[[escalation]] number 1: since must be a day of the year as "MM-DD", '
            'e.g. since = "07-01"',
        ),
        (
            '[[escalation]]\nmonths = 2\naction = "约谈"\n'
            '[[escalation]]\nmonths = 2\naction = "x"\n',
            "[[escalation]] number 2: a second rule for 2 months",
        ),
        ("rules = 1\n", "unknown setting rules (known: data, db, basis, escalation, rating)"),
    ],
)
def test_a_bad_rule_is_refused(cli: Invoke, isolated: Path, text: str, problem: str) -> None:
    config = isolated / "minshi.toml"
    config.write_text(text, encoding="utf-8")
    for command in (("config",), ("list",), ("circular", "--month", "2024-06")):
        result = cli(*command)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == f"minshi: error: {config}: {problem}\n"
