"""From a published notice (text, HTML page, .docx, .xlsx or PDF) to a draft notice data file.

    draft = import_notice(Path("wanzhou_2024_notice.txt"), notice_id="wanzhou-2024")
    Path("targets_2024.yaml").write_text(draft.to_yaml(), encoding="utf-8")

The draft is validated with the same rules as `minshi validate` before it is returned. What the
importer could not settle on its own (a number without a unit, parts that do not add up) is in
`draft.review`, and in the `review:` list of the file, for a clerk to check; `draft.places`
says where in the source each item comes from (notice.txt:37).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from minshi.catalog import validate_data
from minshi.catalog.yamlout import notice_yaml, round_trip
from minshi.errors import DataFileError, InputError
from minshi.importer.deadlines import read_deadline
from minshi.importer.meta import NoticeMeta, read_meta
from minshi.importer.metrics import extract_metrics, split_outside_brackets
from minshi.importer.sources import read_document
from minshi.importer.table import TaskRow, TaskTable, find_table
from minshi.models import Notice
from minshi.quantity import Quantity, parse_quantity

__all__ = ["Draft", "import_notice", "split_units"]

_SLUG_NOISE = frozenset({"notice", "tongzhi", "draft", "final", "copy"})


@dataclass(frozen=True, slots=True)
class Draft:
    """A notice read from a published file: the data to write, validated."""

    source: Path
    data: dict[str, Any]  # in the order it is written
    notice: Notice
    headings: dict[int, str] = field(default_factory=dict)  # task id → 一、市级… above it
    places: list[str] = field(default_factory=list)  # where each review item comes from

    @property
    def review(self) -> list[str]:
        return list(self.notice.review)

    def review_lines(self) -> list[str]:
        """Each review item after the place in the source it comes from: notice.txt:37: …"""
        return [
            f"{place}: {item}" if place else item
            for place, item in zip(self.places, self.review, strict=True)
        ]

    def to_yaml(self) -> str:
        """The data file: a header saying it is a draft, then the data in notice order."""
        return _header(self) + notice_yaml(self.data, self.headings)


def import_notice(path: Path, *, notice_id: str | None = None) -> Draft:
    """Read a notice file into a validated draft; DataFileError when it cannot be read as one."""
    doc = read_document(path)
    table = find_table(doc)
    meta = read_meta(doc, table.index, table.title)
    review: list[tuple[str, str]] = [(str(path), note) for note in meta.missing]
    review += table.notes
    if not any(c in (row.heading or "") for row in table.rows for c in ("市级", "区级", "县级")):
        review.append(
            (
                str(path),
                "no 市级/区级 heading above the tasks; every task's category was set to 区级",
            )
        )
        table.rows = [replace(row, heading=row.heading or "区级") for row in table.rows]
    tasks = [_task(row, table, meta.year, review) for row in table.rows]
    data: dict[str, Any] = {
        "notice": _notice_info(meta, notice_id or _slug(path, meta.year)),
        "tasks": tasks,
        "units": _units(tasks),
    }
    if review:
        data["review"] = [item for _place, item in review]
    headings: dict[int, str] = {}  # the first task under each section heading
    previous: str | None = None
    for row in table.rows:
        if row.heading and row.heading != previous:
            headings[row.number] = row.heading
        previous = row.heading
    notice = _validate(round_trip(data), f"{path} (imported)")
    return Draft(path, data, notice, headings, [place for place, _item in review])


def check_output(source: Path, output: Path | None, *, replace: bool, comparing: bool) -> None:
    """Refuse an output that would lose something, before the notice is read."""
    if comparing and output is not None:
        raise InputError("--check compares and writes nothing: leave out -o/--output")
    if output is None:
        return
    if output.exists() and source.exists() and output.resolve() == source.resolve():
        raise InputError(f"{output} is the notice being imported; write the draft elsewhere")
    if output.is_dir():
        raise InputError(f"{output} is a folder; give a file name, e.g. {output / 'notice.yaml'}")
    if output.exists() and not replace:
        raise InputError(f"{output} already exists; add --overwrite to replace it")


def split_units(cell: str) -> tuple[list[str], bool]:
    """A cell of units: "区水利局，长江水务集团等" → ([区水利局, 长江水务集团], True for 等)."""
    names = split_outside_brackets(cell.replace("\n", "、"), "、，,；;")
    more = False
    if names and names[-1].endswith("等") and len(names[-1]) > 1:
        names[-1], more = names[-1][:-1], True
    return list(dict.fromkeys(n for n in names if n)), more


# ---------------------------------------------------------------------------------------------


def _category(row: TaskRow, review: list[tuple[str, str]]) -> str:
    heading = row.heading or ""
    if heading == "区级":  # set above, for a notice whose headings say no level at all
        return "区级"
    for category in ("市级", "区级"):
        if category in heading:
            return category
    if "县级" in heading:
        return "区级"
    what = f"heading “{heading}”" if heading else "no 市级/区级 heading above it"
    review.append((row.place, f"task {row.number}: {what}; its category was set to 区级"))
    return "区级"


def _task(
    row: TaskRow, table: TaskTable, year: int, review: list[tuple[str, str]]
) -> dict[str, Any]:
    lead, _lead_more = split_units(row.lead)
    cooperating, more = split_units(row.cooperating)
    metrics, notes = _metrics(row, year, lead + cooperating)
    review.extend((row.place, note) for note in notes)
    task: dict[str, Any] = {
        "id": row.number,
        "category": _category(row, review),
        "name": row.name,
        "target_text": row.target_text,
        "lead": lead,
    }
    if cooperating:
        task["cooperating"] = cooperating
    if more:
        task["cooperating_more"] = True
    if row.investment:
        plan = _investment(row, table, review)
        if plan is not None:
            task["investment_plan"] = plan
    if row.remark:
        task["remark"] = row.remark
    task["metrics"] = metrics
    return task


def _metrics(row: TaskRow, year: int, owners: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The metrics of every part of a task (a row each), with the deadline of its row."""
    metrics: list[dict[str, Any]] = []
    notes: list[str] = []
    leads = {part[1] for part in row.parts}
    for text, lead, when in row.parts or ((row.target_text, row.lead, row.deadline),):
        extracted = extract_metrics(row.number, row.name, text, owners)
        notes.extend(extracted.review)
        deadline = None
        if when:
            deadline, note = read_deadline(when, year)
            if note:
                notes.append(f"task {row.number}: {note}")
        part_lead = split_units(lead)[0]
        for metric in _renamed(extracted.metrics, {m["key"] for m in metrics}):
            if deadline is not None and deadline != date(year, 12, 31):
                metric["deadline"] = deadline
            if len(leads) > 1 and len(part_lead) == 1 and "owner" not in metric:
                metric["owner"] = part_lead[0]  # rows led by different units: each owns its part
            metrics.append(metric)
    if len(row.parts) > 1:  # a part without numbers names the task: one milestone is enough
        named = [m for m in metrics if m["kind"] == "milestone" and m["name"] == row.name]
        if len(named) < len(metrics):
            metrics = [m for m in metrics if m not in named]
    first = next((i for i, m in enumerate(metrics) if m["kind"] != "milestone"), None)
    if first:  # the first metric is the primary one: a number, when there is one
        metrics.insert(0, metrics.pop(first))
    return metrics, notes


def _renamed(metrics: list[dict[str, Any]], taken: set[str]) -> list[dict[str, Any]]:
    """A part's metrics with keys not used by the parts before it (parents follow)."""
    renames: dict[str, str] = {}
    for metric in metrics:
        key = metric["key"]
        if key in taken:
            n = 2
            while f"{key}{n}" in taken:
                n += 1
            renames[key] = f"{key}{n}"
            metric["key"] = renames[key]
        taken.add(metric["key"])
    for metric in metrics:
        if metric.get("parent") in renames:
            metric["parent"] = renames[metric["parent"]]
    return metrics


def _investment(row: TaskRow, table: TaskTable, review: list[tuple[str, str]]) -> Decimal | None:
    """The 投资计划 cell in 万元 (the unit the header states; 万元 when it states none)."""
    header = table.investment_header
    try:
        q: Quantity | None = parse_quantity(row.investment)
    except InputError:
        q = None
    if q is not None and q.unit is None:
        if "亿元" in header:
            return q.value.scaleb(4)
        if "万元" in header or "元" not in header:
            return q.value
        return q.value.scaleb(-4)
    if q is not None and q.unit == "元":
        return q.value.scaleb(-4)  # 1200万元 was read as 12000000 元
    review.append(
        (
            row.place,
            f"task {row.number}: the 投资计划 “{row.investment}” is not an amount in 万元; "
            "left out of investment_plan",
        )
    )
    return None


def _notice_info(meta: NoticeMeta, notice_id: str) -> dict[str, Any]:
    info: dict[str, Any] = {
        "id": notice_id,
        "title": meta.title,
        "doc_number": meta.doc_number,
        "issuer": meta.issuer,
        "issued": meta.issued,
        "period": {"start": date(meta.year, 1, 1), "end": date(meta.year, 12, 31)},
    }
    forwarded = [f for f in meta.forwarded_by if f.issued is not None and f.issuer]
    if forwarded:
        info["forwarded_by"] = [
            {"title": f.title, "doc_number": f.doc_number, "issuer": f.issuer, "issued": f.issued}
            for f in forwarded
        ]
    return info


def _slug(path: Path, year: int) -> str:
    """wanzhou_2024_notice.txt → wanzhou-2024; 万州通知.txt → notice-2024."""
    words = [w for w in re.split(r"[^a-z0-9]+", path.stem.lower()) if w and w not in _SLUG_NOISE]
    if not any(w.isalpha() for w in words):
        words = ["notice", *words]
    if str(year) not in words:
        words.append(str(year))
    return "-".join(words)


_UNIT_KINDS: tuple[tuple[str, str], ...] = (
    (r"^区委", "区委部门"),
    (r"(团区委|残联|妇联|总工会|工商联|科协|红十字会)$", "群团组织"),
    (r"(法院|检察院)$", "司法机关"),
    (r"(街道|乡镇|乡镇（街道）|镇|乡)$|^各(乡镇|街道)", "乡镇街道"),
    (r"(集团|公司)$", "企业"),
    (r"(经开区|开发区|高新区)", "开发区"),
    (r"^区", "区级部门"),
)


def _owners(metrics: list[dict[str, Any]]) -> list[str]:
    return [m["owner"] for m in metrics if "owner" in m]


def _units(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every unit named as lead, cooperating or owner, once, in the order the notice names them."""
    names = dict.fromkeys(
        name
        for t in tasks
        for name in (*t["lead"], *t.get("cooperating", []), *_owners(t["metrics"]))
    )
    units = []
    for name in names:
        unit: dict[str, Any] = {"name": name}
        kind = next((k for pattern, k in _UNIT_KINDS if re.search(pattern, name)), None)
        if kind:
            unit["kind"] = kind
        units.append(unit)
    return units


def _validate(data: dict[str, Any], source: str) -> Notice:
    """The same checks as `minshi validate`."""
    try:
        return validate_data(data, source)
    except DataFileError as e:
        raise DataFileError(
            f"{source}: the imported notice is not valid; nothing was written",
            details=e.details or [e.message],
        ) from None


def _header(draft: Draft) -> str:
    notice = draft.notice
    lines = [
        f"# {notice.notice.title} ({notice.notice.doc_number}): a draft imported from "
        f"{draft.source.name}.",
        "# Check every task's metrics against its target_text, and the units, before using it;",
        "# then delete the review list at the end (minshi validate checks the file).",
    ]
    if notice.review:
        count = len(notice.review)
        lines.append(f"# {count} item{'s' if count > 1 else ''} need review: see `review:` below.")
    return "\n".join(lines) + "\n\n"
