"""The progress report (推进情况表), the monthly circular (督查通报) and the units' reminders as
data: built here, written by `render`."""

from __future__ import annotations

from minshi.report.build import attention_by_task, build_report, failing
from minshi.report.circular import (
    Circular,
    Item,
    Missing,
    Returned,
    UnitSection,
    build_circular,
    circular_date,
    circular_title,
)
from minshi.report.model import (
    DEFAULT_STALE_DAYS,
    SUMMARY_ORDER,
    AttentionGroup,
    MetricLine,
    Report,
    ReportRow,
    Section,
    StaleUnit,
    Totals,
)
from minshi.report.remind import Reminder, build_reminders, lead_units

__all__ = [
    "DEFAULT_STALE_DAYS",
    "SUMMARY_ORDER",
    "AttentionGroup",
    "Circular",
    "Item",
    "MetricLine",
    "Missing",
    "Reminder",
    "Report",
    "ReportRow",
    "Returned",
    "Section",
    "StaleUnit",
    "Totals",
    "UnitSection",
    "attention_by_task",
    "build_circular",
    "circular_date",
    "build_reminders",
    "build_report",
    "circular_title",
    "failing",
    "lead_units",
]
