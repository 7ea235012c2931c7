"""Every way of showing things: tables, CSV, Markdown, JSON records, HTML, XLSX, terminal bars.

The status words and colours are written once, in `labels`; the JSON records of the contract in
`records`; `render` turns records into the format a command was asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minshi.render.terminal import for_stream, is_terminal, output_width, use_color
from minshi.render.text import Column, csv_text, markdown, table, to_json


def render(
    records: Sequence[dict[str, Any]],
    fmt: str,
    columns: Sequence[Column],
    *,
    stream: Any = None,
    json_obj: Any = None,
) -> str:
    """Render records in `fmt`; JSON writes `json_obj` when given (e.g. one object for `show`)."""
    if fmt == "json":  # indented for a person at a terminal, compact for scripts and files
        return to_json(records if json_obj is None else json_obj, pretty=is_terminal(stream))
    if fmt == "csv":
        return for_stream(csv_text(records, columns), stream)
    if fmt == "markdown":
        return markdown(records, columns)
    return table(records, columns, color=use_color(stream), max_width=output_width(stream))
