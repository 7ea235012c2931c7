"""What clerks submit, judged before anything is written: the one place every rule and every
doubt about a figure lives.

The same rules serve `progress update` (one submission typed by a clerk) and every import (CSV
or the fill-in sheet): every row is checked, every problem named by its place, and a file with
any bad row is refused whole. What is accepted but looks like a slip (a cumulative figure going
down, 40.5 个, a rate written 0.8) is accepted with a warning, for typed and imported figures
alike (`doubts`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import TypeVar

from minshi.catalog import Catalog
from minshi.days import parse_day
from minshi.errors import InputError
from minshi.models import Metric, Notice, Task
from minshi.quantity import parse_value, plain_number
from minshi.status import target_as_of
from minshi.store import NewEntry, ProgressEntry
from minshi.tuples import NamedTuple

T = TypeVar("T")

FAR_ABOVE = 3  # a value over 3× its target is taken for a typo unless forced (40 vs 4000)
MAX_TEXT = 2000  # characters in a note or stage


class Submission(NamedTuple):
    """One progress report as given, before checking: text fields, as typed or read."""

    task: str
    metric: str | None = None
    value: str | None = None
    date: str | None = None
    note: str = ""
    notice: str | None = None
    done: str | None = None
    stage: str | None = None
    percent: str | None = None
    invested: str | None = None
    by: str | None = None
    where: str = ""  # "line 3" or "进度!D5", to name it in messages
    allocated: str | None = None  # 万元 of the task's funds allocated (到位), cumulative
    paid: str | None = None  # 万元 paid out (支付), cumulative


class Checked(NamedTuple):
    entry: NewEntry
    notice: Notice
    task: Task
    metric: Metric
    warnings: list[str] = []  # accepted, but worth a second look
    where: str = ""  # the report's place in its file ("line 3"), for messages


class Problems:
    """Every problem of a file, one line each, to refuse it whole."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.lines.append(f"{where}: {what}" if where else what)


def parse_number(text: str, what: str, *, unit: str | None = None, scaled: bool = True) -> Decimal:
    """A finite, non-negative number as clerks write it (`quantity.parse_value`: 1,200, ４０,
    四十, 1.2万, with the metric's unit after it); `scaled=False` for amounts counted in 万
    already (万元), where a 万 would multiply them by mistake."""
    return parse_value(text, what, unit=unit, scaled=scaled)


def parse_flag(text: str, what: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "y", "是", "已完成", "完成", "done", "x", "√", "✓"):
        return True
    if value in ("", "0", "false", "no", "n", "否", "未完成"):
        return False
    raise InputError(f"{what} '{text}' is not yes or no (是/否)")


def find_metric(task: Task, ref: str | None) -> Metric:
    """A metric by key, name or 1-based index; the task's primary metric when not given."""
    if ref is None or not ref.strip():
        return task.primary
    ref = ref.strip()
    for metric in task.metrics:
        if ref in (metric.key, metric.name):
            return metric
    if ref.isascii() and ref.isdigit() and len(ref) < 4 and 1 <= int(ref) <= len(task.metrics):
        return task.metrics[int(ref) - 1]
    choices = "、".join(f"{i}={m.key}" for i, m in enumerate(task.metrics, 1))
    raise InputError(f"task {task.id} has no metric '{ref}' (its metrics: {choices})")


def check_submission(
    report: Submission, catalog: Catalog, *, today: date, by: str, force: bool = False
) -> Checked:
    """One report as a journal entry, or InputError naming what is wrong with it."""
    notice, task = catalog.find_task(report.task, report.notice or None)
    metric = find_metric(task, report.metric)
    parts = [m.key for m in task.metrics if m.parent == metric.key]
    if parts:
        raise InputError(
            f"task {task.id}'s {metric.key} is the sum of its parts; report a part with "
            f"--metric {' or --metric '.join(parts)}"
        )
    period = notice.notice.period
    day = parse_day(report.date, "date") if report.date and report.date.strip() else today
    if day > today:
        raise InputError(f"date {day} is in the future (today is {today})")
    if day < period.start:
        raise InputError(
            f"date {day} is before the notice's period ({period.start} – {period.end})"
        )
    value = _optional(report.value, partial(parse_number, unit=metric.unit), "value")
    percent = _optional(report.percent, partial(parse_number, unit="%"), "percent")
    amount = partial(parse_number, unit="万元", scaled=False)
    invested = _optional(report.invested, amount, "invested")
    allocated = _optional(report.allocated, amount, "allocated")
    paid = _optional(report.paid, amount, "paid")
    done = _optional(report.done, parse_flag, "done")
    stage = _text(report.stage or "", "stage").strip() or None
    note = _text(report.note, "note").strip()
    for what, text in (("note", note), ("stage", stage or "")):
        if len(text) > MAX_TEXT:
            raise InputError(f"the {what} is longer than {MAX_TEXT} characters")
    label = f"task {task.id} {metric.key}"
    if metric.kind == "milestone":
        if value is not None:
            raise InputError(
                f"{label} is a milestone: report it done, its stage or its 形象进度 percent "
                "(--done, --stage, --percent), not a value"
            )
        if percent is not None and percent > 100:
            raise InputError(f"percent '{report.percent}' is above 100")
        named = [s.name for s in metric.stages]
        if stage is not None and named and stage not in named:
            raise InputError(
                f"{label}: '{stage}' is not one of its stages; report one of {'、'.join(named)}"
            )
        if not done and percent is None and stage is None:
            # a note alone would read as "nothing done yet" and hide the stage reached before
            raise InputError(
                f"{label} is a milestone: report it done, its stage or its 形象进度 percent "
                "(--done, --stage TEXT, --percent P), with the note if you like"
            )
    else:
        if done or stage is not None or percent is not None:
            raise InputError(
                f"{label} is a {metric.kind} target: give --value (the cumulative figure), "
                "not --done/--stage/--percent"
            )
        if value is None:
            # every report carries the cumulative figure: a note or an amount alone would read
            # as "nothing reported" and hide the figure given before
            raise InputError(
                f"{label}: give the value (--value, the cumulative figure so far), "
                "also when only the note or the investment is new"
            )
        if not force:
            _check_plausible(value, metric, label, target_as_of(metric, day))
    entry = NewEntry(
        notice=notice.id,
        task=task.id,
        metric=metric.key,
        date=day,
        value=value,
        done=done,
        stage=stage,
        percent=Decimal(100) if done and percent is None else percent,
        invested=invested,
        note=note,
        by=_text((report.by or "").strip() or by, "reporter name (by)"),
        allocated=allocated,
        paid=paid,
    )
    doubts = _doubts(value, metric, label) + _money_doubts(entry, task, label)
    return Checked(entry, notice, task, metric, doubts, report.where)


def _money_doubts(entry: NewEntry, task: Task, label: str) -> list[str]:
    """Amounts that do not fit together: more paid than allocated, more allocated than
    planned. (Both happen — an advance, a plan raised — so they are not refused.)"""
    doubts = []
    if entry.paid is not None and entry.allocated is not None and entry.paid > entry.allocated:
        doubts.append(
            f"{label}: paid {entry.paid} 万元 is more than the {entry.allocated} 万元 allocated"
        )
    plan = task.investment_plan
    if entry.allocated is not None and plan is not None and entry.allocated > plan:
        doubts.append(
            f"{label}: allocated {entry.allocated} 万元 is more than the plan {plan} 万元"
        )
    return doubts


COUNTED_UNITS = frozenset("个所人户件家台条只次处座")


def _doubts(value: Decimal | None, metric: Metric, label: str) -> list[str]:
    """What is accepted but looks like a slip of the keyboard."""
    doubts: list[str] = []
    if value is None:
        return doubts
    if metric.unit in COUNTED_UNITS and value != value.to_integral_value():
        doubts.append(f"{label}: {plain_number(value)} {metric.unit} is not a whole number")
    target = metric.target
    if metric.kind == "percent" and 0 < value <= 1 and target is not None and target >= 10:
        doubts.append(
            f"{label}: {plain_number(value)}% is a very low rate; rates are written in percent "
            f"(e.g. {plain_number(value * 100)} for {plain_number(value * 100)}%)"
        )
    return doubts


def change_doubts(before: NewEntry | ProgressEntry, entry: NewEntry, metric: Metric) -> list[str]:
    """What looks wrong in `entry` beside the report standing before it (`before`, of the same
    metric): cumulative figures and amounts (万元) only grow and finished milestones stay
    finished. Rates are measured anew each time, and a "<=" figure is meant to come down."""
    doubts = []
    cumulative = metric.kind == "quantity" and metric.comparator != "<="
    if (
        cumulative
        and before.value is not None
        and entry.value is not None
        and entry.value < before.value
    ):
        unit = f" {metric.unit}" if metric.unit else ""
        earlier, later = plain_number(before.value), plain_number(entry.value)
        doubts.append(
            f"the cumulative figure goes down ({earlier}{unit} as of {before.date}"
            f" → {later}{unit}); if the earlier report was wrong, this corrects it, otherwise"
            " take this one back with: minshi progress undo"
        )
    for what, label in (("invested", "完成投资"), ("allocated", "到位资金"), ("paid", "已支付")):
        was, now = getattr(before, what), getattr(entry, what)
        if was is not None and now is not None and now < was:
            doubts.append(
                f"{what} ({label}) goes down ({plain_number(was)} 万元 as of {before.date} → "
                f"{plain_number(now)} 万元); amounts are cumulative: if the earlier one was "
                "wrong, this corrects it, otherwise take this one back with: minshi progress undo"
            )
    if before.done and not entry.done:
        doubts.append(
            f"task {entry.task} {entry.metric} was reported finished on {before.date}; "
            "this report says it is not (minshi progress undo takes it back)"
        )
    return doubts


def _text(text: str, what: str) -> str:
    """Text as typed; bytes that are not UTF-8 (a terminal set to another encoding) come into
    Python as lone surrogates, which could be neither stored nor shown."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"the {what} is not UTF-8 text; set the terminal to UTF-8 and type it again"
        ) from None
    return text


def _optional(text: str | None, parse: Callable[[str, str], T], what: str) -> T | None:
    return parse(text, what) if text is not None and text.strip() else None


def _check_plausible(value: Decimal, metric: Metric, label: str, target: Decimal | None) -> None:
    """Refuse what looks like a typo (40 vs 4000), against the target in force on the day."""
    if metric.kind == "percent" and value > 100:
        raise InputError(f"{label}: {value}% is above 100%; if that is right, add --force")
    # a "<=" target (控制在…以内) is met from above: the scale to compare with is its baseline
    scale = metric.baseline if metric.comparator == "<=" else target
    if scale is not None and scale > 0 and value > scale * FAR_ABOVE:
        unit = metric.unit or ""
        what = "baseline" if metric.comparator == "<=" else "target"
        raise InputError(
            f"{label}: {plain_number(value)} {unit} is more than {FAR_ABOVE}× the {what} "
            f"{plain_number(scale)} {unit}; if that is right, add --force"
        )


def check_all(
    reports: Sequence[Submission],
    catalog: Catalog,
    *,
    today: date,
    by: str,
    force: bool,
    source: str,
) -> list[Checked]:
    """Every report checked; any problem refuses the whole lot, naming every bad one."""
    problems = Problems()
    checked: list[Checked] = []
    for report in reports:
        try:
            checked.append(check_submission(report, catalog, today=today, by=by, force=force))
        except InputError as e:
            problems.add(report.where, e.message)
    if problems.lines:
        n = len(problems.lines)
        raise InputError(
            f"{source}: {n} bad row{'s' if n > 1 else ''}; nothing was imported",
            details=problems.lines,
        )
    if not checked:
        raise InputError(f"{source}: no progress rows to import")
    return checked
