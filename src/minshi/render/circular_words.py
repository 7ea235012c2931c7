"""The circular's words (督查通报), shared by every format of it: the summary sentence, the
ranking rule, the ranking table's cells, what each unit's items say.
"""

from __future__ import annotations

from datetime import date

from minshi.models import Notice
from minshi.render.labels import STATUS_LABELS, metric_state_text
from minshi.render.plan_words import day_text, forecast_text, lag_text
from minshi.render.report_words import chinese_date, counts_text
from minshi.render.text import percent
from minshi.report import Circular, Item, Missing, Report, Returned, UnitSection

DIGITS = "零一二三四五六七八九"
RANK_RULE = (
    "排名依据：连续滞后月数多者在前；相同的，依次比较逾期及严重滞后指标数、滞后指标数、"
    "本月未报送指标数、被退回报送数，多者在前；仍相同的按单位名称排列。"
)
TABLE_HEADERS = [
    "名次",
    "单位",
    "滞后指标",
    "其中逾期及严重滞后",
    "连续滞后月数",
    "应采取措施",
    "本月未报送",
    "被退回",
]


def chinese_number(n: int) -> str:
    """一 … 九十九, as sections are numbered (十一, 二十, 二十一)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else DIGITS[tens]
    return f"{head}十{DIGITS[ones] if ones else ''}" if n < 100 else str(n)


def month_text(circular: Circular) -> str:
    """'2024年6月'."""
    return f"{circular.as_of.year}年{circular.as_of.month}月"


def subtitle(circular: Circular) -> str:
    """'万州府办发〔2024〕18号 · 截至2024年6月30日 · 序时进度50%'."""
    doc = circular.notice.notice.doc_number
    return f"{doc} · 截至{chinese_date(circular.as_of)} · 序时进度{percent(circular.expected)}"


def summary_sentence(circular: Circular) -> str:
    """'截至2024年6月30日，21件民生实事中已完成1件，…。8个单位的15项指标滞后于序时进度（其中
    逾期未完成1项、严重滞后12项、滞后2项），连续两个月及以上滞后的9项；5个单位有12项指标本月未
    报送进展。'"""
    text = f"截至{chinese_date(circular.as_of)}，{circular.tasks}件民生实事中"
    text += f"{counts_text(circular.counts) or '尚无评估结果'}。"
    lagging = [item for unit in circular.units for item in unit.lagging]
    if lagging:
        units = sum(1 for u in circular.units if u.lagging)
        by_status = [
            f"{STATUS_LABELS[s]}{n}项"
            for s in ("overdue", "far_behind", "behind")
            if (n := sum(1 for item in lagging if item.status == s))
        ]
        text += f"{units}个单位的{len(lagging)}项指标滞后于序时进度（其中{'、'.join(by_status)}）"
        long = sum(1 for item in lagging if item.lag_months >= 2)
        if long:
            text += f"，连续两个月及以上滞后的{long}项"
    else:
        text += "各单位牵头的指标均未滞后于序时进度"
    missing = [m for unit in circular.units for m in unit.missing]
    if missing:
        units = sum(1 for u in circular.units if u.missing)
        text += f"；{units}个单位有{len(missing)}项指标本月未报送进展"
    returned = sum(len(u.returned) for u in circular.units)
    if returned:
        text += f"；{returned}份报送被退回"
    warned = sum(len(u.warnings) for u in (*circular.units, *circular.warnings))
    if warned:
        text += f"；另有{warned}项指标目前按序时推进，但按近期进度预计不能按期完成"
    return text + "。"


def unit_heading(section: UnitSection) -> str:
    """'区城市管理局：连续3个月滞后，应通报批评' (or what else it is named for)."""
    if section.lag_months:
        said = f"连续{section.lag_months}个月滞后"
        return f"{section.unit}：{said}" + (f"，应{section.action}" if section.action else "")
    if section.lagging:
        return f"{section.unit}：本月滞后"
    if section.missing:
        return f"{section.unit}：本月未报送进展"
    if section.returned:
        return f"{section.unit}：报送被退回"
    return section.unit


def table_row(rank: int, section: UnitSection) -> list[str]:
    """The unit's cells in the ranking table (TABLE_HEADERS)."""
    return [
        str(rank),
        section.unit,
        str(len(section.lagging)),
        str(section.severe),
        f"{section.lag_months}个月" if section.lag_months else "—",
        section.action or "—",
        str(len(section.missing)),
        str(len(section.returned)),
    ]


def _named(item: Item) -> str:
    """'第5项 实施城市绿荫工程 · 建设城市绿荫工程' (the metric only when it is not the task)."""
    task, metric = item.view.task, item.metric.metric
    head = f"第{task.id}项 {task.name}"
    return head if metric.name == task.name else f"{head} · {metric.name}"


def lagging_text(item: Item) -> str:
    """'第5项 … · …：—/2 个，严重滞后（序时进度50%）；连续3个月滞后，应通报批评'."""
    lag = lag_text(item.metric)
    return f"{_named(item)}：{metric_state_text(item.metric, mark_pending=False)}" + (
        f"；{lag}" if lag else ""
    )


def warning_text(item: Item, as_of: date) -> str:
    """'第2项 … · …：45/100 条 (45%)，按序时（序时进度50%）；按…进度，预计年底完成63%'."""
    said = forecast_text(item.metric, as_of) or ""
    return f"{_named(item)}：{metric_state_text(item.metric, mark_pending=False)}" + (
        f"；{said}" if said else ""
    )


def missing_text(missing: Missing) -> str:
    """'第5项 … · …（最近报送2024-04-30）' or '（本年度尚未报送）'."""
    last = missing.last_reported
    when = f"最近报送{last.isoformat()}" if last else "本年度尚未报送"
    return f"{_named(missing.item)}（{when}）"


def returned_text(back: Returned, notice: Notice, year: int) -> str:
    """'第16项 … · …：2024-06-30的报送（第12条）于7月2日退回，理由：…'."""
    task = notice.task(back.task)
    names = f"第{back.task}项"
    if task is not None:
        metric = next((m for m in task.metrics if m.key == back.metric), None)
        names += f" {task.name}"
        if metric is not None and metric.name != task.name:
            names += f" · {metric.name}"
    when = day_text(back.returned_on, year)
    reason = f"，理由：{back.reason}" if back.reason else ""
    return f"{names}：{back.as_of.isoformat()}的报送（第{back.entry}条）于{when}退回{reason}"


EARLY_WARNINGS = "按序时但预计不能按期完成"


def early_warning_lines(report: Report) -> list[str]:
    """The report's early warnings, one line each: '第2项 改造背街小巷：45/100 条 (45%)，按序时
    （序时进度50%）；按近三个月进度，预计年底完成63%'."""
    warned = report.early_warnings
    return [warning_text(Item(row.view, line.view), report.as_of) for row, line in warned]
