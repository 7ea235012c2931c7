"""How tasks and metrics look in tables (columns, short texts); shared by the listing commands."""

from __future__ import annotations

from typing import Any

from minshi.render import STATUS_COLORS, Column, field, percent, plain


def status_color(record: dict[str, Any]) -> str | None:
    return STATUS_COLORS.get(record.get("status") or "")


def metric_summary(m: dict[str, Any], named: bool = False) -> str:
    """'40/95 个 (42%)' for a quantity; '已完成', '进行中 60%' or '未报' for a milestone."""
    if m["kind"] == "milestone":
        if m["status"] == "done":
            text = "已完成"
        else:
            stage = f"，{m['stage']}" if m.get("stage") else ""
            done = f" {plain(m['actual'])}%" if m.get("actual") is not None else ""
            text = f"进行中{done}{stage}" if (stage or done) else "未报"
        return f"{m['name']}：{text}" if named else text
    actual = "—" if m["actual"] is None else _amount(m["actual"])
    unit = m["unit"] or ""
    target = _amount(m["target"]) if m["target"] is not None else "待定"
    share = f" ({percent(m['progress'])})" if m["progress"] is not None else ""
    return f"{actual}/{target} {unit}{share}".replace(" %", "%")


def _amount(value: float | int) -> str:
    """284万 rather than 2840000, the way the notice writes it."""
    from decimal import Decimal

    from minshi.quantity import format_quantity

    return format_quantity(Decimal(str(value)))


def primary(record: dict[str, Any]) -> dict[str, Any]:
    metrics: list[dict[str, Any]] = record["metrics"]
    return metrics[0]


TASK_COLUMNS = [
    field("序号", "id", right=True),
    field("项目名称", "name", wrap=True),
    Column("牵头单位", lambda r: "、".join(r["lead"]), wrap=True),
    Column("主要指标", lambda r: metric_summary(primary(r), named=True), wrap=True),
    Column("序时进度", lambda r: percent(primary(r)["expected"]), right=True),
    Column("状态", lambda r: r["status_label"], color=status_color),
]

TASK_CSV_COLUMNS = [
    field("notice", "notice"),
    field("序号", "id"),
    field("类别", "category"),
    field("项目名称", "name"),
    field("年度工作目标任务", "target_text"),
    Column("牵头单位", lambda r: "、".join(r["lead"])),
    Column(
        "配合单位", lambda r: "、".join(r["cooperating"]) + ("等" if r["cooperating_more"] else "")
    ),
    Column("主要指标", lambda r: metric_summary(primary(r), named=True)),
    Column("序时进度", lambda r: percent(primary(r)["expected"])),
    field("状态", "status_label"),
    field("status", "status"),
    field("最近报送", "last_reported"),
]

METRIC_COLUMNS = [
    field("指标", "name", wrap=True),
    Column("完成情况", metric_summary, wrap=True),
    Column("序时进度", lambda m: percent(m["expected"]), right=True),
    field("截止", "deadline"),
    field("最近报送", "last_reported"),
    Column("状态", lambda m: m["status_label"], color=status_color),
]

METRIC_ROW_COLUMNS = [
    field("序号", "task", right=True),
    field("项目名称", "task_name", wrap=True),
    field("指标", "name", wrap=True),
    Column("完成情况", metric_summary, wrap=True),
    field("截止", "deadline"),
    Column("牵头单位", lambda r: "、".join(r["lead"]), wrap=True),
    Column("状态", lambda r: r["status_label"], color=status_color),
]
