"""Validating a notice: the schema (pydantic), then the invariants a schema cannot say.

Every problem in a file is reported at once as `file:line: where: what`, checking the header, each
unit and each task on its own, so that one bad task does not hide the problems of the others.

A value of another type than the schema's is accepted only when it can mean one thing, and then
with a warning (`ValidatedNotice.warnings`): a number in quotes ("95"), a date in quotes
("2024-03-09", exactly that form), yes/no written as text or 0/1. A yes/no where a number
belongs, or a number or any other text where a date belongs, is refused.

pydantic is imported only here, inside the functions: a run that reads the cache never needs it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from minshi.catalog.files import MAX_FILE_BYTES
from minshi.catalog.plans import plan_problems
from minshi.catalog.yamlsafe import Loc, decode, line_of, read_yaml
from minshi.errors import DataFileError, FileAccessError
from minshi.files import NotRegularFile, TooLarge, read_regular
from minshi.models import (
    MAX_TASK_ID,
    Metric,
    Notice,
    NoticeInfo,
    Task,
    Unit,
    is_model,
    schema_constraints,
)
from minshi.quantity import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS
from minshi.tuples import NamedTuple


class Problem(NamedTuple):
    """One thing wrong with a data file, located as precisely as the file allows."""

    path: str
    line: int | None
    where: str
    what: str

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else self.path
        return f"{place}: {self.where}: {self.what}" if self.where else f"{place}: {self.what}"


def _where(data: Any, loc: Loc) -> str:
    """`task 16 → metrics[1].target` rather than `tasks.15.metrics.1.target`."""
    parts: list[str] = []
    rest = list(loc)
    if len(rest) >= 2 and rest[0] == "tasks" and isinstance(rest[1], int):
        task_id: Any = None
        try:
            task_id = data["tasks"][rest[1]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
        named = isinstance(task_id, (int, str)) and not isinstance(task_id, bool)
        named = named and len(str(task_id)) <= len(str(MAX_TASK_ID))  # never 5,000 digits
        parts.append(f"task {task_id}" if named else f"tasks[{rest[1]}]")
        rest = rest[2:]
    text = ""
    for part in rest:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    if text:
        parts.append(text)
    return " → ".join(parts)


_TOP_KEYS = ("notice", "tasks", "units", "review")


class _Findings:
    def __init__(self) -> None:
        self.problems: list[tuple[Loc, str]] = []
        self.warnings: list[tuple[Loc, str]] = []


@functools.cache
def _adapter(kind: Any) -> Any:
    """One validator per schema type: building one costs more than validating a task with it."""
    from pydantic import TypeAdapter  # pydantic only when a file is validated: the cache spares it

    schema_constraints()
    return TypeAdapter(kind)


_DATE_ERRORS = ("date_from_datetime", "date_parsing")
_NUMBER_ERRORS = ("decimal_parsing", "int_parsing")


def _validated(kind: Any, value: Any, loc: Loc, found: _Findings) -> Any:
    """`value` validated as `kind`, or None with its problems noted (located from `loc`)."""
    from pydantic import ValidationError  # see _adapter

    try:
        result = _adapter(kind).validate_python(value)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            what = err["msg"]
            if err["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
                what = "unknown field (check the spelling)"
            elif err["type"] in ("missing_argument", "missing"):
                what = "required field is missing"
            elif err["type"].startswith(_DATE_ERRORS) and isinstance(err["input"], (str, int)):
                what = f"{err['input']!r} is not a date; write YYYY-MM-DD, e.g. 2024-03-09"
            elif err["type"] in _NUMBER_ERRORS and isinstance(err["input"], str):
                what = f"{err['input']!r} is not a number; write digits only, e.g. 95 or 2840000"
            found.problems.append(((*loc, *err["loc"]), what))
        return None
    before = len(found.problems)
    _conversions(value, result, loc, found)
    return result if len(found.problems) == before else None


_ISO_DAY = r"\d{4}-\d{2}-\d{2}"


def _conversions(raw: Any, value: Any, loc: Loc, found: _Findings) -> None:
    """Compare what the file says with what validation made of it: pydantic's lax mode turns
    "95" into 95 and 0 into 1970-01-01 without a word. The first kind is noted as a warning,
    the second refused."""
    if is_model(value) and isinstance(raw, dict):
        for name in value._fields:
            if name in raw:
                _conversions(raw[name], getattr(value, name), (*loc, name), found)
    elif isinstance(value, list) and isinstance(raw, list):
        for i, (r, v) in enumerate(zip(raw, value, strict=False)):
            _conversions(r, v, (*loc, i), found)
    elif isinstance(value, bool):
        if not isinstance(raw, bool):
            yes_no = "true" if value else "false"
            found.warnings.append((loc, f"yes/no written as {raw!r}; write {yes_no}"))
    elif isinstance(value, (int, Decimal)):
        if isinstance(raw, bool):
            found.problems.append((loc, f"{str(raw).lower()} is yes/no, not a number"))
        elif _out_of_bounds(value):
            found.problems.append((loc, _out_of_bounds(value)))
        elif isinstance(raw, str):
            number = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
            found.warnings.append(
                (loc, f'number written as text ("{raw}"); write {number} without quotes')
            )
    elif isinstance(value, date):
        if isinstance(raw, date):
            return
        if isinstance(raw, str) and re.fullmatch(_ISO_DAY, raw.strip()):
            found.warnings.append(
                (loc, f'date written as text ("{raw}"); write {value} without quotes')
            )
        else:
            found.problems.append(
                (loc, f"{raw!r} is not a date; write YYYY-MM-DD, e.g. 2024-03-09")
            )


def _out_of_bounds(value: int | Decimal) -> str:
    """What is wrong with a number no figure of a notice can be (the bounds the store keeps:
    30 digits before the point, 12 after), or ""."""
    if isinstance(value, int):
        return "far too large a number" if abs(value).bit_length() > 100 else ""
    if not value.is_finite():
        return ""  # said by the rules of the field (a target must be a finite number above 0)
    if value != 0 and value.adjusted() >= MAX_INTEGER_DIGITS:
        return "far too large a number"
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_FRACTION_DIGITS:
        return f"more than {MAX_FRACTION_DIGITS} digits after the decimal point"
    return ""


def _schema_problems(data: dict[str, Any]) -> tuple[Notice | None, _Findings]:
    """Validate the header, each unit and each task on its own, so that one bad task does not
    hide the problems of the others; then check what a schema cannot say."""
    found = _Findings()
    problems = found.problems
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(((str(key),), "unknown field (check the spelling)"))
    info = _validated(NoticeInfo, data.get("notice"), ("notice",), found)
    sections: dict[str, list[Any]] = {}
    for key, kind in (("tasks", Task), ("units", Unit)):
        raw = data.get(key, [])
        if not isinstance(raw, list):
            problems.append(((key,), "must be a list"))
            raw = []
        sections[key] = [_validated(kind, item, (key, i), found) for i, item in enumerate(raw)]
    if "tasks" not in data:
        problems.append((("tasks",), "required field is missing"))
    review = _validated(list[str], data.get("review", []), ("review",), found)
    tasks: list[Any] = [_with_plan(task) for task in sections["tasks"]]
    units = sections["units"]
    problems.extend(_invariant_problems(info, tasks, [u for u in units if u is not None]))
    if problems or info is None:
        return None, found
    return Notice(notice=info, tasks=tasks, units=units, review=review), found


def _invariant_problems(
    info: NoticeInfo | None, tasks: list[Task | None], units: list[Unit]
) -> Iterator[tuple[Loc, str]]:
    if info is not None and info.period.end < info.period.start:
        yield ("notice", "period", "end"), "the period ends before it starts"
    names: dict[str, str] = {}
    for i, unit in enumerate(units):
        for name in (unit.name, *unit.aliases):
            if name in names and names[name] != unit.name:
                yield ("units", i), f"'{name}' already names {names[name]}"
            elif name in names and name == unit.name:
                yield ("units", i, "name"), f"unit '{name}' is listed twice"
            names[name] = unit.name
    seen_tasks: set[int] = set()
    for i, task in enumerate(tasks):
        if task is None:
            continue
        if task.id in seen_tasks:
            yield ("tasks", i, "id"), f"task id {task.id} is used twice"
        seen_tasks.add(task.id)
        if names:
            for role in ("lead", "cooperating"):
                for j, unit_name in enumerate(getattr(task, role)):
                    if unit_name not in names:
                        yield ("tasks", i, role, j), f"unit '{unit_name}' is not in the units list"
        yield from ((("tasks", i, "funds") + sub, what) for sub, what in _funds_problems(task))
        keys = [m.key for m in task.metrics]
        for j, metric in enumerate(task.metrics):
            loc: Loc = ("tasks", i, "metrics", j)
            if keys.index(metric.key) != j:
                yield (*loc, "key"), f"metric key '{metric.key}' is used twice in this task"
            yield from ((loc + sub, what) for sub, what in _metric_problems(metric, task))
            if metric.parent is not None and metric.parent not in keys:
                yield (*loc, "parent"), f"no metric '{metric.parent}' in this task"
            if metric.owner is not None and names and metric.owner not in names:
                yield (*loc, "owner"), f"unit '{metric.owner}' is not in the units list"
            if info and metric.deadline is not None and metric.deadline < info.period.start:
                yield (*loc, "deadline"), "the deadline is before the notice's period starts"
        yield from ((("tasks", i, *sub), what) for sub, what in plan_problems(task, info))


def _with_plan(task: Task | None) -> Task | None:
    """`funds.plan` and `investment_plan` are one figure: a task giving one has both."""
    if task is None or task.funds is None:
        return task
    if task.investment_plan is None and task.funds.plan is not None:
        return task._replace(investment_plan=task.funds.plan)
    if task.funds.plan is None and task.investment_plan is not None:
        return task._replace(funds=task.funds._replace(plan=task.investment_plan))
    return task


def _funds_problems(task: Task) -> Iterator[tuple[Loc, str]]:
    funds = task.funds
    if funds is None or funds.plan is None:
        return
    if task.investment_plan is not None and task.investment_plan != funds.plan:
        yield (
            ("plan",),
            (
                f"the plan {funds.plan} differs from investment_plan {task.investment_plan}: "
                "give one of them"
            ),
        )
    given = sum(funds.sources.values(), Decimal(0))
    if given > funds.plan:
        yield ("sources",), f"the sources add up to {given} 万元, more than the plan {funds.plan}"


def _metric_problems(metric: Metric, task: Task) -> Iterator[tuple[Loc, str]]:
    if metric.kind == "milestone":
        if metric.target is not None:
            yield ("target",), "a milestone has no target number (use kind: quantity)"
        return
    if metric.target is None:
        yield ("target",), f"a {metric.kind} metric needs a target"
        return
    if not metric.target.is_finite() or metric.target <= 0:
        yield ("target",), "the target must be a number above 0"
    if not metric.unit:
        yield ("unit",), f"a {metric.kind} metric needs a unit (个, 人, 平方米, % …)"
    if metric.comparator is None:
        yield ("comparator",), "say how the target is met: '>=', '<=', '~' or '='"
    if metric.kind == "percent":
        if metric.unit not in (None, "%"):
            yield ("unit",), "a percent metric has unit '%'"
        if metric.target > 100 and f"{metric.target}%" not in task.target_text:
            yield ("target",), "a percentage above 100 that the target text does not state"
    if (
        metric.comparator == "<="
        and metric.baseline is not None
        and metric.baseline <= metric.target
    ):
        yield ("baseline",), "for a '<=' target the baseline must be above the target"


class ValidatedNotice(NamedTuple):
    """A valid notice, with what was accepted but should be written differently."""

    notice: Notice
    warnings: list[str]  # `file:line: where: what`, in line order
    id_line: int | None = None  # where the notice's id is, to point at a duplicate


def validated(data: Any, source: str, root: Any = None) -> ValidatedNotice:
    """Parsed YAML data as a notice, with its warnings; DataFileError listing every problem."""
    if not isinstance(data, dict) or not any(key in data for key in _TOP_KEYS):
        # said without its content: a file that is not a notice may be anybody's secrets
        raise DataFileError(f"{source}: not a notice file (expected keys notice, tasks, units)")
    notice, found = _schema_problems(data)

    def located(items: list[tuple[Loc, str]]) -> list[Problem]:
        result = [
            Problem(
                source, line_of(root, loc) if root is not None else None, _where(data, loc), what
            )
            for loc, what in items
        ]
        result.sort(key=lambda p: p.line or 0)
        return result

    if found.problems:
        problems = located(found.problems)
        raise DataFileError(
            f"{source}: {len(problems)} problem{'s' if len(problems) > 1 else ''} found",
            details=[str(p) for p in problems],
        )
    assert notice is not None
    id_line = line_of(root, ("notice", "id")) if root is not None else None
    return ValidatedNotice(notice, [str(p) for p in located(found.warnings)], id_line)


def validate_data(data: Any, source: str, root: Any = None) -> Notice:
    """Validate parsed YAML data as a notice; raise DataFileError listing every problem."""
    return validated(data, source, root).notice


def validated_text(text: str, source: str) -> ValidatedNotice:
    doc = read_yaml(text, source)
    return validated(doc.data, source, doc.root)


def validate_text(text: str, source: str) -> Notice:
    return validated_text(text, source).notice


def read_notice(path: Path) -> ValidatedNotice:
    """Read and validate one notice file (no cache), keeping its warnings."""
    limit = f"limit {MAX_FILE_BYTES // 1024 // 1024} MB"
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a folder") from None
    except NotRegularFile:  # a FIFO without a writer would wait for ever
        raise DataFileError(
            f"{path}: not a regular file (a pipe or a device); give a .yaml file"
        ) from None
    except TooLarge as e:
        size = f"{e.size / 1024 / 1024:.0f} MB is far" if e.size else "far"
        raise DataFileError(f"{path}: {size} too large for a notice file ({limit})") from None
    except FileNotFoundError as e:
        raise DataFileError(f"{path}: no such file") from e
    except OSError as e:
        raise FileAccessError(f"{path}: cannot read: {e.strerror}") from e
    return validated_text(decode(raw, str(path)), str(path))
