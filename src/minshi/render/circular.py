"""The circular (督查通报) in every format, from one entry point: `render_circular`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from minshi.render.circular_docx import circular_docx
from minshi.render.circular_html import circular_html
from minshi.render.circular_text import circular_markdown, circular_text
from minshi.render.circular_words import month_text, summary_sentence
from minshi.render.plan_words import escalation_text
from minshi.render.records import metric_record, ratio
from minshi.render.report import report_format
from minshi.render.text import to_json
from minshi.report import Circular, Item, UnitSection

FORMATS = ("text", "markdown", "html", "json", "docx")
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".docx": "docx",
}


def _item(item: Item) -> dict[str, Any]:
    view = item.view
    return {
        "task": view.task.id,
        "task_name": view.task.name,
        **metric_record(item.metric, view.notice),
    }


def _unit(rank: int | None, section: UnitSection) -> dict[str, Any]:
    return {
        "rank": rank,
        "unit": section.unit,
        "lag_months": section.lag_months,
        "action": section.action,
        "lagging": [_item(i) for i in section.lagging],
        "early_warnings": [_item(i) for i in section.warnings],
        "not_reported": [
            {
                "task": m.item.view.task.id,
                "task_name": m.item.view.task.name,
                "key": m.item.metric.metric.key,
                "name": m.item.metric.metric.name,
                "last_reported": m.last_reported.isoformat() if m.last_reported else None,
            }
            for m in section.missing
        ],
        "returned": [
            {
                "task": r.task,
                "key": r.metric,
                "entry": r.entry,
                "date": r.as_of.isoformat(),
                "reason": r.reason,
                "returned_on": r.returned_on.isoformat(),
                "by": r.by,
            }
            for r in section.returned
        ],
    }


def circular_record(circular: Circular) -> dict[str, Any]:
    """The circular as one JSON object (a stable interface; changed only additively)."""
    info = circular.notice.notice
    return {
        "notice": {"id": info.id, "title": info.title, "doc_number": info.doc_number},
        "title": circular.title,
        "month": circular.as_of.strftime("%Y-%m"),
        "month_label": month_text(circular),
        "as_of": circular.as_of.isoformat(),
        "since": circular.since.isoformat(),
        "expected": ratio(circular.expected),
        "summary": summary_sentence(circular),
        "counts": dict(circular.counts),
        "tasks": circular.tasks,
        "escalation": [
            {
                "months": r.months,
                "action": r.action,
                "since": f"{r.since[0]:02d}-{r.since[1]:02d}" if r.since else None,
            }
            for r in circular.rules
        ],
        "escalation_text": escalation_text(circular.rules),
        "units": [_unit(n, s) for n, s in enumerate(circular.units, start=1)],
        "early_warnings": [_unit(None, s) for s in circular.warnings],
    }


def render_circular(circular: Circular, fmt: str, *, pretty: bool = False) -> bytes:
    """The circular in `fmt` as bytes to write; JSON indented when `pretty`."""
    if fmt == "docx":
        return circular_docx(circular)
    if fmt == "json":
        return to_json(circular_record(circular), pretty=pretty).encode("utf-8")
    writers = {"text": circular_text, "markdown": circular_markdown, "html": circular_html}
    return writers[fmt](circular).encode("utf-8")


def circular_format(fmt: str | None, output: Path | None, terminal: bool) -> str:
    """The format asked for, or the one the output file's extension names (text otherwise); a
    Word file is never written to a terminal."""
    return report_format(
        fmt, output, terminal, extensions=EXTENSIONS, files_only=("docx",), what="circular"
    )
