"""The report in every format, from one entry point: `render_report(report, fmt)`."""

from __future__ import annotations

from pathlib import Path

from minshi.errors import InputError
from minshi.render.report_csv import report_csv
from minshi.render.report_html import report_html
from minshi.render.report_json import report_record
from minshi.render.report_markdown import report_markdown
from minshi.render.report_text import report_text
from minshi.render.report_xlsx import report_xlsx
from minshi.render.text import to_json
from minshi.report import Report

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
FORMATS = ("text", "markdown", "html", "json", "csv", "xlsx")


def render_report(report: Report, fmt: str, *, pretty: bool = False) -> bytes:
    """The report in `fmt` as bytes to write (CSV without a BOM: a file gets one when written);
    JSON is indented when `pretty` (for a person at a terminal), else on one line."""
    if fmt == "xlsx":
        return report_xlsx(report)
    if fmt == "json":
        return to_json(report_record(report), pretty=pretty).encode("utf-8")
    writers = {
        "text": report_text,
        "markdown": report_markdown,
        "html": report_html,
        "csv": report_csv,
    }
    return writers[fmt](report).encode("utf-8")


def report_format(
    fmt: str | None,
    output: Path | None,
    terminal: bool,
    *,
    extensions: dict[str, str] = EXTENSIONS,
    files_only: tuple[str, ...] = ("xlsx",),
    what: str = "report",
) -> str:
    """The format asked for, or the one the output file's extension names (text otherwise).
    A format in `files_only` (a spreadsheet, a Word file) is never written to a terminal."""
    by_name = extensions.get(output.suffix.lower()) if output is not None else None
    if fmt is not None:
        if output is not None and by_name is not None and by_name != fmt:
            raise InputError(
                f"--format {fmt} does not match the file name {output} "
                f"(a {output.suffix} file is {by_name}); drop one of them"
            )
        chosen = fmt
    elif output is not None:
        if by_name is None:
            firsts: dict[str, str] = {}
            for extension, name in extensions.items():
                firsts.setdefault(name, extension)
            names = list(firsts.values())
            raise InputError(
                f"cannot tell the format from the name {output}; "
                f"end it in {' '.join(names[:-1])} or {names[-1]}, or add --format"
            )
        chosen = by_name
    else:
        chosen = "text"
    if chosen in files_only and output is None and terminal:
        article = "an" if chosen[0] in "aeiox" else "a"
        raise InputError(f"{article} {chosen} {what} is a file: write it with -o FILE.{chosen}")
    return chosen
