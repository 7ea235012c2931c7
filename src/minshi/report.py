"""The progress report the office publishes (目标任务及推进情况表), as data and as text.

`build_report` gathers, for one notice as of a date, what every format shows: the summary
sentence, counts by status, the table grouped by category with subtotals and a 合计 row, what is
overdue or far behind (grouped by lead unit) and the units that have stopped reporting. The
`*_text` functions below turn it into plain text, markdown, CSV and JSON; `report_html` and
`report_xlsx` do HTML and spreadsheets. Nothing here reads the clock: a report depends only on
the data, the journal and its as-of date, so a run can be reproduced byte for byte.

Decisions where the issue leaves room:

- Counts and the summary sentence count tasks (件), by each task's status (its worst metric's).
- The investment columns and the investment clause appear when some task of the selection has
  an `investment_plan` or a reported amount; JSON and CSV always carry the fields.
- 占比 of a subtotal, the 合计 and the summary counts only the tasks with an investment plan
  (above 0): their invested ÷ their plans. Money reported for a task without a plan (计划外)
  stays in 投资完成额度 and is named beside the share ("其中计划内500万元、占年度计划50.00%，
  计划外600万元"; in the tables, the 备注 of the row), so the figures printed always add up.
- 进展情况 is the newest note reported for the task as of the date, with its date.
- A unit is late reporting (`stale`) when it leads a task not yet done and has reported none of
  the metrics it answers for (those it owns, else the task's unowned ones) within `stale_days`
  before the as-of date; days are counted from the notice's issue (or the period's start, if
  later) when it never reported. Tasks already done need no more reports.
- `failing` (for `--fail-on`) looks at metrics, so that `--fail-on overdue` fires for a task
  whose worst metric is overdue and for one with any overdue metric alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from minshi.catalog import Catalog
from minshi.followup import (
    Journal,
    MetricView,
    TaskView,
    evaluate,
    metric_record,
    metric_summary,
    task_record,
)
from minshi.models import Notice, Task
from minshi.render import (
    Column,
    csv_text,
    number,
    pad,
    percent,
    plain,
    safe_text,
    to_json,
    width,
    wrap,
)
from minshi.status import STATUS_LABELS, Status, expected_progress
from minshi.store.base import ProgressEntry

EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
}
TEXT_WIDTH = 100  # plain text fits a mail client's 100 columns
DEFAULT_STALE_DAYS = 35

# Best first, the order of the summary sentence and of every count.
SUMMARY_ORDER: tuple[Status, ...] = (
    "done",
    "ahead",
    "on_track",
    "behind",
    "far_behind",
    "overdue",
    "not_measured",
)
# How the summary sentence names each status ("超序时进度2件，按序时推进12件").
SENTENCE_LABELS: dict[str, str] = {
    "done": "已完成",
    "ahead": "超序时进度",
    "on_track": "按序时推进",
    "behind": "滞后",
    "far_behind": "严重滞后",
    "overdue": "逾期未完成",
    "not_measured": "待评估",
}
ATTENTION: tuple[Status, ...] = ("overdue", "far_behind")  # 逾期及严重滞后
CHINESE_ORDINALS = "一二三四五六七八九十"


# ---------------------------------------------------------------------------------------------
# The report as data


@dataclass(frozen=True, slots=True)
class MetricLine:
    """One metric of a task as the report shows it."""

    view: MetricView
    summary: str  # "40/95 个 (42%)", "已完成", "进行中 60%，主体施工", "未报"
    lead: tuple[str, ...]  # its owner, or the task's lead units

    @property
    def status(self) -> Status:
        return self.view.state.status

    @property
    def name(self) -> str:
        return self.view.metric.name

    @property
    def progress(self) -> float | None:
        return self.view.state.progress

    @property
    def expected(self) -> float:
        return self.view.state.expected


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One task: a row of the table."""

    view: TaskView
    metrics: list[MetricLine]
    note: ProgressEntry | None  # the entry whose note is the 进展情况

    @property
    def task(self) -> Task:
        return self.view.task

    @property
    def status(self) -> Status:
        return self.view.status

    @property
    def plan(self) -> Decimal | None:
        return self.view.task.investment_plan

    @property
    def planned(self) -> bool:
        """Whether the notice sets this task an investment plan above 0 (计划内)."""
        return self.plan is not None and self.plan > 0

    @property
    def invested(self) -> Decimal | None:
        return self.view.invested

    @property
    def share(self) -> Decimal | None:
        return share_of(self.invested, self.plan)

    @property
    def expected(self) -> float:
        """序时进度 of the primary metric."""
        return self.metrics[0].expected


@dataclass(frozen=True, slots=True)
class Totals:
    """A subtotal (小计) or the 合计 row."""

    label: str
    tasks: int
    counts: dict[Status, int]
    plan: Decimal | None
    invested: Decimal | None  # 投资完成额度: every task's, planned or not
    planned_invested: Decimal | None  # of the tasks with a plan (0 once any money is reported)
    unplanned_invested: Decimal | None  # 计划外: of the tasks without one

    @property
    def share(self) -> Decimal | None:
        """占比: the planned tasks' invested ÷ their plans; 计划外 money does not count."""
        return share_of(self.planned_invested, self.plan)

    @property
    def unplanned(self) -> bool:
        """Whether money was reported for tasks without a plan while others have one, so the
        share must be told apart from 投资完成额度."""
        return bool(self.unplanned_invested) and self.share is not None

    @property
    def heading(self) -> str:
        """'市级小计（11件）', as the row is labelled in the table."""
        return f"{self.label}（{self.tasks}件）"


@dataclass(frozen=True, slots=True)
class Section:
    category: str
    heading: str  # 一、市级重点民生实事
    rows: list[TaskRow]
    subtotal: Totals


@dataclass(frozen=True, slots=True)
class AttentionGroup:
    """What one lead unit has overdue or far behind."""

    unit: str
    items: list[tuple[TaskRow, MetricLine]]


@dataclass(frozen=True, slots=True)
class StaleUnit:
    """A lead unit with tasks that have had no report from it within the window."""

    unit: str
    last_reported: date | None  # its newest report on any task of the report
    tasks: list[tuple[int, date | None]]  # the quiet tasks, each with its newest report


@dataclass(frozen=True, slots=True)
class Report:
    notice: Notice
    as_of: date
    title: str
    scope: str  # "" or e.g. "区住房城乡建委牵头 · 区级"
    expected: float  # the year's 序时进度 as of the date
    sections: list[Section]
    total: Totals
    summary: str
    attention: list[AttentionGroup]
    stale_days: int
    stale_units: list[StaleUnit]
    has_investment: bool

    @property
    def rows(self) -> list[TaskRow]:
        return [row for section in self.sections for row in section.rows]


# ---------------------------------------------------------------------------------------------
# Building it


def share_of(invested: Decimal | None, plan: Decimal | None) -> Decimal | None:
    """占比: invested ÷ plan as a ratio, when both are known and the plan is above 0."""
    if invested is None or plan is None or plan <= 0:
        return None
    return invested / plan


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def money(value: Decimal | None) -> str:
    """万元 as written: 1200.5, 300 (no exponent, no trailing zeros)."""
    return "" if value is None else plain(value)


def share_text(share: Decimal | None) -> str:
    """占比 in percent with two decimals, as the office writes it: 88.76."""
    if share is None:
        return ""
    return str((share * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _task_row(view: TaskView) -> TaskRow:
    lines = [
        MetricLine(
            view=m,
            summary=metric_summary(m),
            lead=(m.metric.owner,) if m.metric.owner else tuple(view.task.lead),
        )
        for m in view.metrics
    ]
    return TaskRow(view=view, metrics=lines, note=view.note_entry)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _totals(label: str, rows: Sequence[TaskRow]) -> Totals:
    counts: dict[Status, int] = dict.fromkeys(SUMMARY_ORDER, 0)
    for row in rows:
        counts[row.status] += 1
    invested = _sum(r.invested for r in rows)
    planned = [r for r in rows if r.planned]
    planned_invested = _sum(r.invested for r in planned)
    if planned_invested is None and planned and invested is not None:
        planned_invested = Decimal(0)  # money is reported, none of it for the planned tasks
    return Totals(
        label=label,
        tasks=len(rows),
        counts=counts,
        plan=_sum(r.plan for r in rows),
        invested=invested,
        planned_invested=planned_invested,
        unplanned_invested=_sum(r.invested for r in rows if not r.planned),
    )


def share_clause(totals: Totals, share_word: str) -> str:
    """What follows the invested amount: '，占年度计划50.00%', or, with 计划外 money,
    '，其中计划内500万元、占年度计划50.00%，计划外600万元'; '' without a share."""
    if totals.share is None:
        return ""
    share = f"{share_word}{share_text(totals.share)}%"
    if not totals.unplanned:
        return f"，{share}"
    planned = money(totals.planned_invested)
    return f"，其中计划内{planned}万元、{share}，计划外{money(totals.unplanned_invested)}万元"


def totals_remark(totals: Totals) -> str:
    """备注 of a subtotal or 合计 row: '含计划外投资600万元，占比按计划内500万元计' when the
    row's 投资完成额度 holds money of tasks without a plan; '' otherwise."""
    if not totals.unplanned:
        return ""
    return (
        f"含计划外投资{money(totals.unplanned_invested)}万元，"
        f"占比按计划内{money(totals.planned_invested)}万元计"
    )


def counts_text(counts: Mapping[Status, int], labels: Mapping[str, str] = SENTENCE_LABELS) -> str:
    """'已完成3件，超序时进度2件，…' for the statuses that occur."""
    return "，".join(f"{labels[s]}{counts[s]}件" for s in SUMMARY_ORDER if counts.get(s))


def _summary(as_of: date, total: Totals, who: str, category: str, investment: bool) -> str:
    head = f"截至{chinese_date(as_of)}，"
    if total.tasks == 0:
        return head + f"没有{who}{category}民生实事。"
    text = head + f"{who}{total.tasks}件{category}民生实事中{counts_text(total.counts)}"
    if investment:
        text += f"；已完成投资{money(total.invested or Decimal(0))}万元"
        if total.invested is None and total.plan:
            text += "，占年度计划0.00%"  # plans, and nothing reported yet
        else:
            text += share_clause(total, "占年度计划")
    return text + "。"


def _attention(rows: Sequence[TaskRow], lead: str | None) -> list[AttentionGroup]:
    groups: dict[str, list[tuple[TaskRow, MetricLine]]] = {}
    for row in rows:
        for line in row.metrics:
            if line.status not in ATTENTION:
                continue
            for unit in line.lead:
                if lead is None or unit == lead:
                    groups.setdefault(unit, []).append((row, line))
    return [AttentionGroup(unit, items) for unit, items in groups.items()]


def _stale_units(
    notice: Notice, rows: Sequence[TaskRow], as_of: date, days: int, lead: str | None
) -> list[StaleUnit]:
    info = notice.notice
    since = max(info.period.start, info.issued)  # follow-up starts when the notice is out
    late: dict[str, list[tuple[int, date | None]]] = {}  # unit → (task, its newest report)
    newest_of: dict[str, date] = {}  # unit → its newest report on any task
    for row in rows:
        owners = [m.owner for m in row.task.metrics if m.owner]
        for name in dict.fromkeys([*row.task.lead, *owners]):
            if lead is not None and name != lead:
                continue
            owned = [m for m in row.view.metrics if m.metric.owner == name]
            answers = owned or [m for m in row.view.metrics if m.metric.owner is None]
            newest = max((m.entry.date for m in answers if m.entry is not None), default=None)
            if newest is not None and newest > newest_of.get(name, date.min):
                newest_of[name] = newest
            if row.status == "done" or all(m.state.status == "done" for m in answers):
                continue  # nothing more to report
            if (as_of - (newest or since)).days > days:
                late.setdefault(name, []).append((row.task.id, newest))
    result = [StaleUnit(name, newest_of.get(name), tasks) for name, tasks in late.items()]
    result.sort(key=lambda s: (s.last_reported or date.min, s.unit))
    return result


def build_report(
    catalog: Catalog,
    journal: Journal,
    as_of: date,
    *,
    notice: str | None = None,
    lead: str | None = None,
    unit: str | None = None,
    category: str | None = None,
    stale_days: int = DEFAULT_STALE_DAYS,
) -> Report:
    """The report on one notice as of a date, for all its tasks or those of a unit / category.

    `journal` is the journal as of that date (`followup.read_journal`). Unknown units,
    categories and notices raise InputError.
    """
    from minshi.errors import InputError

    if lead and unit:
        raise InputError("give --lead or --unit, not both")
    if stale_days < 1:
        raise InputError(f"--stale-days must be 1 or more, not {stale_days}")
    chosen = catalog.notice(notice)
    pairs = catalog.select(notice=chosen.id, lead=lead, unit=unit, category=category)
    who, scope = "", []
    lead_unit = catalog.resolve_unit(lead) if lead else None
    if lead or unit:
        name = lead_unit or catalog.resolve_unit(unit or "")
        who = f"{name}牵头的" if lead else f"{name}牵头或配合的"
        scope.append(f"{name}牵头" if lead else f"{name}牵头或配合")
    if category:
        scope.append(category)
    views = evaluate(catalog, journal, as_of, pairs)
    rows = [_task_row(v) for v in views]

    sections = []
    categories = list(dict.fromkeys(r.task.category for r in rows))
    for i, cat in enumerate(categories):
        in_cat = [r for r in rows if r.task.category == cat]
        ordinal = CHINESE_ORDINALS[i] if i < len(CHINESE_ORDINALS) else str(i + 1)
        sections.append(
            Section(cat, f"{ordinal}、{cat}重点民生实事", in_cat, _totals(f"{cat}小计", in_cat))
        )
    total = _totals("合计", rows)
    has_investment = any(r.plan is not None or r.invested is not None for r in rows)
    title = chosen.notice.title
    return Report(
        notice=chosen,
        as_of=as_of,
        title=f"{title}及推进情况表" if title.endswith("目标任务") else f"{title}推进情况表",
        scope=" · ".join(scope),
        expected=expected_progress(chosen.notice.period.start, chosen.notice.period.end, as_of),
        sections=sections,
        total=total,
        summary=_summary(as_of, total, who, category or "", has_investment),
        attention=_attention(rows, lead_unit),
        stale_days=stale_days,
        stale_units=_stale_units(chosen, rows, as_of, stale_days, lead_unit),
        has_investment=has_investment,
    )


def failing(report: Report, statuses: Iterable[str]) -> list[tuple[TaskRow, MetricLine]]:
    """The metrics of the report whose status is one of `statuses` (for `--fail-on`)."""
    wanted = set(statuses)
    return [(row, line) for row in report.rows for line in row.metrics if line.status in wanted]


def subtitle(report: Report) -> str:
    """'万州府办发〔2024〕18号 · 截至2024年6月30日 · 序时进度50%' (and the scope, if any)."""
    parts = [report.notice.notice.doc_number, f"截至{chinese_date(report.as_of)}"]
    parts.append(f"序时进度{percent(report.expected)}")
    if report.scope:
        parts.append(report.scope)
    return " · ".join(parts)


def note_text(row: TaskRow) -> str:
    """进展情况 with its date: '（2024-06-28）已开工40个。' — empty when nothing was said."""
    if row.note is None:
        return ""
    return f"（{row.note.date.isoformat()}）{row.note.note.strip()}"


def stale_heading(report: Report) -> str:
    return f"超过{report.stale_days}天未报送进展的牵头单位"


def stale_text(stale: StaleUnit) -> str:
    """'区教委：第3、20项超过35天未报送（最近报送2024-05-31）'."""
    ids = "、".join(str(task) for task, _ in stale.tasks)
    last = f"最近报送{stale.last_reported.isoformat()}" if stale.last_reported else "本年度尚未报送"
    return f"{stale.unit}：第{ids}项未报送（{last}）"


def metric_state_text(line: MetricLine) -> str:
    """'—/156 所，严重滞后（序时进度50%）' or '3/5 台，逾期未完成（截止2024-06-30）'."""
    state = line.view.state
    if line.status == "overdue":
        why = f"截止{state.deadline.isoformat()}"
    else:
        why = f"序时进度{percent(state.expected)}"
    return f"{summary_with_status(line.summary, line.status)}（{why}）"


def summary_with_status(summary: str, status: Status) -> str:
    """'40/95 个 (42%)，按序时'; a finished milestone says 已完成 once, not twice."""
    label = STATUS_LABELS[status]
    return summary if summary == label else f"{summary}，{label}"


def attention_by_task(group: AttentionGroup) -> list[tuple[TaskRow, list[MetricLine]]]:
    """A unit's overdue and far-behind metrics, task by task."""
    tasks: dict[int, tuple[TaskRow, list[MetricLine]]] = {}
    for row, line in group.items:
        tasks.setdefault(row.task.id, (row, []))[1].append(line)
    return list(tasks.values())


# ---------------------------------------------------------------------------------------------
# JSON


def _ratio(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _totals_record(totals: Totals) -> dict[str, Any]:
    return {
        "label": totals.label,
        "tasks": totals.tasks,
        "counts": dict(totals.counts),
        "investment_plan": number(totals.plan),
        "invested": number(totals.invested),
        "planned_invested": number(totals.planned_invested),
        "unplanned_invested": number(totals.unplanned_invested),
        "share": _ratio(totals.share),
        "remark": totals_remark(totals) or None,
    }


def _row_record(row: TaskRow) -> dict[str, Any]:
    record = task_record(row.view)
    record["note"] = row.note.note if row.note else None
    record["note_date"] = row.note.date.isoformat() if row.note else None
    record["share"] = _ratio(row.share)
    record["expected"] = _ratio(row.expected)
    record["remark"] = row.task.remark
    for item, line in zip(record["metrics"], row.metrics, strict=True):
        item["summary"] = line.summary
    return record


def report_record(report: Report) -> dict[str, Any]:
    """The report as one JSON object (a stable interface; changed only additively)."""
    info = report.notice.notice
    return {
        "notice": {"id": info.id, "title": info.title, "doc_number": info.doc_number},
        "title": report.title,
        "as_of": report.as_of.isoformat(),
        "scope": report.scope,
        "expected": _ratio(report.expected),
        "summary": report.summary,
        "counts": dict(report.total.counts),
        "categories": [
            {
                "category": s.category,
                "heading": s.heading,
                "tasks": [_row_record(r) for r in s.rows],
                "subtotal": _totals_record(s.subtotal),
            }
            for s in report.sections
        ],
        "total": _totals_record(report.total),
        "attention": [
            {
                "unit": group.unit,
                "items": [
                    {
                        "task": row.task.id,
                        "task_name": row.task.name,
                        **metric_record(line.view, report.notice),
                        "summary": line.summary,
                    }
                    for row, line in group.items
                ],
            }
            for group in report.attention
        ],
        "stale_days": report.stale_days,
        "stale_units": [
            {
                "unit": s.unit,
                "last_reported": s.last_reported.isoformat() if s.last_reported else None,
                "tasks": [
                    {"task": task, "last_reported": last.isoformat() if last else None}
                    for task, last in s.tasks
                ],
            }
            for s in report.stale_units
        ],
    }


def report_json(report: Report) -> str:
    return to_json(report_record(report))


# ---------------------------------------------------------------------------------------------
# CSV: the table, one row per task, then the subtotals and 合计 (same columns whatever the data)


def _table_records(report: Report) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for section in report.sections:
        for row in section.rows:
            records.append(
                {
                    "id": row.task.id,
                    "category": row.task.category,
                    "name": row.task.name,
                    "target_text": row.task.target_text,
                    "plan": row.plan,
                    "lead": "、".join(row.task.lead),
                    "metrics": "；".join(f"{m.name}：{m.summary}" for m in row.metrics),
                    "expected": round(row.expected * 100),
                    "status": STATUS_LABELS[row.status],
                    "status_code": row.status,
                    "note": row.note.note.strip() if row.note else "",
                    "note_date": row.note.date.isoformat() if row.note else "",
                    "invested": row.invested,
                    "share": share_text(row.share) or None,
                    "remark": row.task.remark or "",
                }
            )
        records.append(_totals_csv(section.subtotal, section.category))
    if report.sections:
        records.append(_totals_csv(report.total, ""))
    return records


def _totals_csv(totals: Totals, category: str) -> dict[str, Any]:
    return {
        "category": category,
        "name": totals.heading,
        "plan": totals.plan,
        "note": counts_text(totals.counts),
        "invested": totals.invested,
        "share": share_text(totals.share) or None,
        "remark": totals_remark(totals),
    }


CSV_COLUMNS = [
    Column("序号", lambda r: r.get("id")),
    Column("类别", lambda r: r.get("category")),
    Column("项目名称", lambda r: r.get("name")),
    Column("年度工作目标任务", lambda r: r.get("target_text")),
    Column("投资计划(万元)", lambda r: r.get("plan")),
    Column("责任单位", lambda r: r.get("lead")),
    Column("完成情况", lambda r: r.get("metrics")),
    Column("序时进度(%)", lambda r: r.get("expected")),
    Column("状态", lambda r: r.get("status")),
    Column("进展情况", lambda r: r.get("note")),
    Column("报送日期", lambda r: r.get("note_date")),
    Column("投资完成额度(万元)", lambda r: r.get("invested")),
    Column("占比(%)", lambda r: r.get("share")),
    Column("备注", lambda r: r.get("remark")),
    Column("status", lambda r: r.get("status_code")),
]


def report_csv(report: Report) -> str:
    """The table as CSV; text from the data that a spreadsheet would run is neutralised."""
    return csv_text(_table_records(report), CSV_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Plain text for mail: 100 columns, no escape codes


def _para(text: str, indent: int = 0, hang: int = 0, limit: int = TEXT_WIDTH) -> list[str]:
    """`text` wrapped to `limit` columns; the first line indented by `indent`, the rest by
    `indent + hang`."""
    first = wrap(safe_text(text), limit - indent)
    lines = [" " * indent + first[0]] if first else []
    rest = "".join(first[1:]) if len(first) > 1 else ""
    if rest:
        lines += [" " * (indent + hang) + part for part in wrap(rest, limit - indent - hang)]
    return [line.rstrip() for line in lines]


def _wrapped(text: str, indent: int = 0, hang: int = 0) -> list[str]:
    out: list[str] = []
    for paragraph in safe_text(text).split("\n"):
        out += _para(paragraph, indent, hang)
    return out


def _counts_table(report: Report) -> list[str]:
    cats = [s.category for s in report.sections]
    heads = ["状态", *cats, "合计"]
    rows = []
    for status in SUMMARY_ORDER:
        counts = [s.subtotal.counts[status] for s in report.sections]
        rows.append([STATUS_LABELS[status], *map(str, counts), str(report.total.counts[status])])
    tasks = [str(s.subtotal.tasks) for s in report.sections]
    rows.append(["合计", *tasks, str(report.total.tasks)])
    sizes = [max(width(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
    sizes = [max(s, 4) for s in sizes]

    def line(cells: list[str]) -> str:
        return "  ".join(pad(c, sizes[i], right=i > 0) for i, c in enumerate(cells)).rstrip()

    return [line(heads), "  ".join("─" * s for s in sizes), *(line(r) for r in rows)]


def _money_text(plan: Decimal | None, invested: Decimal | None) -> str:
    """'计划500万元，完成300万元', or '计划未定，完成300万元' when the notice sets no plan."""
    planned = f"计划{money(plan)}万元" if plan is not None else "计划未定"
    return f"{planned}，完成{money(invested) or '0'}万元"


def _totals_line(totals: Totals, investment: bool) -> str:
    text = f"{totals.label}：{totals.tasks}件"
    if totals.tasks:
        text += f"，{counts_text(totals.counts)}"
    if investment:
        text += f"；投资{_money_text(totals.plan, totals.invested)}"
        text += share_clause(totals, "占比")
    return text


def _row_lines(row: TaskRow, investment: bool) -> list[str]:
    task = row.task
    head = f"{task.id}. {task.name}【{STATUS_LABELS[row.status]}】"
    lines = _wrapped(head, 0, len(str(task.id)) + 2)
    body = len(str(task.id)) + 2
    lines += _wrapped(f"责任单位：{'、'.join(task.lead)}", body, 5 * 2)
    lines += _wrapped(f"年度工作目标任务：{task.target_text}", body, 9 * 2)
    lines += _wrapped(f"完成情况（序时进度{percent(row.expected)}）：", body)
    for m in row.metrics:
        lines += _wrapped(f"· {m.name}：{summary_with_status(m.summary, m.status)}", body + 2, 2)
    if row.note is not None:
        note = f"进展情况（{row.note.date.isoformat()}）：{row.note.note.strip()}"
        lines += _wrapped(note, body, 4 * 2)
    if investment and (row.plan is not None or row.invested is not None):
        money_text = f"投资：{_money_text(row.plan, row.invested)}"
        if row.share is not None:
            money_text += f"，占比{share_text(row.share)}%"
        lines += _wrapped(money_text, body, 3 * 2)
    if task.remark:
        lines += _wrapped(f"备注：{task.remark}", body, 3 * 2)
    return lines


def report_text(report: Report) -> str:
    """The report as plain text, every line at most 100 columns, for cron mail."""
    rule = "─" * (TEXT_WIDTH // 2)
    out = _wrapped(report.title)
    out += _wrapped(subtitle(report))
    out += [""]
    out += _wrapped(report.summary)
    if report.sections:
        out += ["", "按状态统计（件）", *_counts_table(report)]
    for section in report.sections:
        out += ["", rule, *_wrapped(f"{section.heading}（{section.subtotal.tasks}件）"), rule]
        for row in section.rows:
            out += ["", *_row_lines(row, report.has_investment)]
        out += ["", *_wrapped(_totals_line(section.subtotal, report.has_investment))]
    if report.sections:
        out += ["", rule, *_wrapped(_totals_line(report.total, report.has_investment)), rule]
    count = sum(len(g.items) for g in report.attention)
    out += ["", f"逾期及严重滞后（{count}项）"]
    if not report.attention:
        out += ["  无"]
    for group in report.attention:
        out += _wrapped(group.unit, 2)
        for row, lines in attention_by_task(group):
            out += _wrapped(f"{row.task.id}. {row.task.name}", 4, len(str(row.task.id)) + 2)
            for line in lines:
                out += _wrapped(f"· {line.name}：{metric_state_text(line)}", 6, 2)
    out += ["", f"{stale_heading(report)}（{len(report.stale_units)}个）"]
    if not report.stale_units:
        out += ["  无"]
    for stale in report.stale_units:
        out += _wrapped(stale_text(stale), 2, 2)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Markdown


def _md(text: str) -> str:
    from minshi.render import markdown_cell

    return markdown_cell(text)


def table_headers(report: Report) -> list[str]:
    """The table's columns: the office's nine, with status, metrics and 序时进度 after 责任单位;
    the investment columns only when the data has investment."""
    heads = ["序号", "项目名称", "年度工作目标任务"]
    if report.has_investment:
        heads.append("投资计划(万元)")
    heads += ["责任单位", "完成情况", "序时进度", "状态", "进展情况"]
    if report.has_investment:
        heads += ["投资完成额度(万元)", "占比(%)"]
    heads.append("备注")
    return heads


def report_markdown(report: Report) -> str:
    investment = report.has_investment
    out = [f"# {_md(report.title)}", "", _md(subtitle(report)), "", _md(report.summary), ""]
    if report.sections:
        cats = [s.category for s in report.sections]
        out += ["## 按状态统计（件）", ""]
        out += ["| 状态 | " + " | ".join(cats) + " | 合计 |"]
        out += ["| --- |" + " ---: |" * (len(cats) + 1)]
        for status in SUMMARY_ORDER:
            counts = [str(s.subtotal.counts[status]) for s in report.sections]
            total = report.total.counts[status]
            out.append(f"| {STATUS_LABELS[status]} | " + " | ".join(counts) + f" | {total} |")
        tasks = [str(s.subtotal.tasks) for s in report.sections]
        out += ["| 合计 | " + " | ".join(tasks) + f" | {report.total.tasks} |", ""]

        heads = table_headers(report)
        out += ["## 目标任务及推进情况", ""]
        out += ["| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)]

        def cells(values: list[str]) -> str:
            return "| " + " | ".join(values) + " |"

        def totals(t: Totals) -> str:
            values = ["", f"**{_md(t.heading)}**", ""]
            values += [money(t.plan)] if investment else []
            values += ["", "", "", "", _md(counts_text(t.counts))]
            values += [money(t.invested), share_text(t.share)] if investment else []
            return cells([*values, _md(totals_remark(t))])

        for section in report.sections:
            out.append(cells([f"**{_md(section.heading)}**", *[""] * (len(heads) - 1)]))
            for row in section.rows:
                values = [str(row.task.id), _md(row.task.name), _md(row.task.target_text)]
                values += [money(row.plan)] if investment else []
                values += [
                    _md("、".join(row.task.lead)),
                    "<br>".join(_md(f"{m.name}：{m.summary}") for m in row.metrics),
                    percent(row.expected),
                    STATUS_LABELS[row.status],
                    _md(note_text(row)),
                ]
                values += [money(row.invested), share_text(row.share)] if investment else []
                out.append(cells([*values, _md(row.task.remark or "")]))
            out.append(totals(section.subtotal))
        out += [totals(report.total), ""]

    count = sum(len(g.items) for g in report.attention)
    out += [f"## 逾期及严重滞后（{count}项）", ""]
    if not report.attention:
        out += ["无", ""]
    for group in report.attention:
        out += [f"### {_md(group.unit)}", ""]
        for row, lines in attention_by_task(group):
            out += [f"- {row.task.id}. {_md(row.task.name)}"]
            out += [f"  - {_md(line.name)}：{_md(metric_state_text(line))}" for line in lines]
        out += [""]
    out += [f"## {stale_heading(report)}（{len(report.stale_units)}个）", ""]
    out += [f"- {_md(stale_text(s))}" for s in report.stale_units] or ["无"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# One entry point for the command


def render_report(report: Report, fmt: str) -> bytes:
    """The report in `fmt` as bytes to write (CSV without a BOM: the command adds it for files)."""
    if fmt == "xlsx":
        from minshi.report_xlsx import report_xlsx

        return report_xlsx(report)
    if fmt == "html":
        from minshi.report_html import report_html

        return report_html(report).encode("utf-8")
    renderers: dict[str, Callable[[Report], str]] = {
        "text": report_text,
        "markdown": report_markdown,
        "json": report_json,
        "csv": report_csv,
    }
    return renderers[fmt](report).encode("utf-8")
