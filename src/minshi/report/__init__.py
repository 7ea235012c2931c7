"""The progress report (推进情况表) as data: built here, written by `render`."""

from __future__ import annotations

from minshi.report.build import attention_by_task, build_report, failing
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

__all__ = [
    "DEFAULT_STALE_DAYS",
    "SUMMARY_ORDER",
    "AttentionGroup",
    "MetricLine",
    "Report",
    "ReportRow",
    "Section",
    "StaleUnit",
    "Totals",
    "attention_by_task",
    "build_report",
    "failing",
]
