"""The report's sections after its table, as data every format lays out alike: the funds
(资金到位及支付情况) and, at the year's end, the ratings, what is not finished and what carries
over; and the year's paragraph that opens an annual summary.

A block is a title, paragraphs and a table whose columns say what they hold (text, 万元, a rate,
a count), so that a spreadsheet gets numbers and text gets them written as the office writes them.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any, Literal

from minshi.quantity import format_quantity
from minshi.rating import GRADE_LABELS
from minshi.render.labels import STATUS_LABELS, rating_text, shown_summary
from minshi.render.report_words import money, note_text, share_text
from minshi.render.text import Column
from minshi.report import Report, ReportRow
from minshi.report.year_end import CarryOver, Funds, YearEnd
from minshi.tuples import NamedTuple

Kind = Literal["text", "money", "rate", "count"]
Cell = str | Decimal | int | None


class BlockColumn(NamedTuple):
    header: str
    kind: Kind = "text"
    width: float = 12  # in a spreadsheet, characters


class Block(NamedTuple):
    key: str  # funds, ratings, unfinished, carry_over: the JSON and sheet it matches
    title: str
    paragraphs: list[str]
    columns: list[BlockColumn]
    rows: list[list[Cell]]
    total: list[Cell] | None = None  # the 合计 row, if the table has one


def cell_text(value: Cell, kind: Kind) -> str:
    """A cell as text: 万元 as written, a rate in percent with two decimals."""
    if value is None:
        return ""
    if kind == "rate" and isinstance(value, Decimal):
        return share_text(value)
    if isinstance(value, Decimal):
        return money(value)
    return str(value)


def text_table(block: Block) -> tuple[list[dict[str, Any]], list[Column]]:
    """The block's table (with its 合计 row) as records and columns for `render.text`."""
    rows = [*block.rows, *([block.total] if block.total else [])]
    records = [
        {
            str(i): cell_text(v, c.kind)
            for i, (v, c) in enumerate(zip(row, block.columns, strict=True))
        }
        for row in rows
    ]
    columns = [
        Column(c.header, partial(_get, str(i)), wrap=c.kind == "text", right=c.kind != "text")
        for i, c in enumerate(block.columns)
    ]
    return records, columns


def _get(key: str, record: dict[str, Any]) -> Any:
    return record[key]


def report_blocks(report: Report) -> list[Block]:
    """The blocks after the table, in order: funds, then the year's end."""
    blocks = [funds_block(report.funds)] if report.funds is not None else []
    if report.year_end is not None:
        blocks += year_end_blocks(report.year_end)
    return blocks


def funds_block(funds: Funds) -> Block:
    columns = [
        BlockColumn("序号", "count", 6),
        BlockColumn("项目名称", "text", 26),
        BlockColumn("投资计划(万元)", "money"),
        BlockColumn("到位资金(万元)", "money"),
        BlockColumn("到位率(%)", "rate", 10),
        BlockColumn("已支付(万元)", "money"),
        BlockColumn("支付率(%)", "rate", 10),
    ]
    rows: list[list[Cell]] = [
        [f.row.task.id, f.row.task.name, f.plan, f.allocated, f.allocation_rate, f.paid,
         f.payment_rate]
        for f in funds.lines
    ]  # fmt: skip
    t = funds.total
    total: list[Cell] = ["", "合计", t.plan, t.allocated, t.allocation_rate, t.paid, t.payment_rate]
    said = (
        "到位率为到位资金占投资计划的比例，支付率为已支付资金占到位资金的比例；"
        "合计的到位率只计有投资计划的项目。"
    )
    return Block("funds", "资金到位及支付情况", [said], columns, rows, total)


def year_end_blocks(year: YearEnd) -> list[Block]:
    blocks = []
    if year.ratings:
        grades = year.grades()
        said = "，".join(f"{GRADE_LABELS[g]}{n}件" for g, n in grades.items() if n)
        blocks.append(
            Block(
                "ratings",
                "满意度测评",
                [f"已测评{len(year.ratings)}件：{said}。"],
                [
                    BlockColumn("序号", "count", 6),
                    BlockColumn("项目名称", "text", 26),
                    BlockColumn("牵头单位", "text", 18),
                    BlockColumn("测评结果", "text", 30),
                    BlockColumn("等次", "text", 10),
                ],
                [
                    [
                        r.row.task.id,
                        _name(r.row.task.name, r.row.task.voted),
                        "、".join(r.row.task.lead),
                        rating_text(r.rating),
                        GRADE_LABELS[r.grade],
                    ]
                    for r in year.ratings
                ],  # fmt: skip
            )
        )
    blocks.append(
        Block(
            "unfinished",
            "未完成事项及原因",
            [] if year.unfinished else ["无"],
            [
                BlockColumn("序号", "count", 6),
                BlockColumn("项目名称", "text", 26),
                BlockColumn("状态", "text", 10),
                BlockColumn("进展情况", "text", 50),
            ],
            [
                [r.task.id, r.task.name, STATUS_LABELS[r.status], _reason(r)]
                for r in year.unfinished
            ],
        )
    )
    blocks.append(
        Block(
            "carry_over",
            "结转事项",
            [] if year.carry_over else ["无"],
            [
                BlockColumn("序号", "count", 6),
                BlockColumn("项目名称", "text", 22),
                BlockColumn("指标", "text", 24),
                BlockColumn("完成情况", "text", 22),
                BlockColumn("尚需完成", "text", 14),
                BlockColumn("牵头单位", "text", 18),
            ],
            [
                [
                    c.row.task.id,
                    c.row.task.name,
                    c.line.name,
                    shown_summary(c.line.view),
                    remaining_text(c),
                    "、".join(c.line.lead),
                ]
                for c in year.carry_over
            ],  # fmt: skip
        )
    )
    return blocks


def remaining_text(item: CarryOver) -> str:
    """'7个' of a count; '全部' for a milestone, a rate or a cap, which carry over whole."""
    if item.remaining is None:
        return "全部"
    return format_quantity(item.remaining, item.unit)


def year_paragraph(report: Report) -> str:
    """The year in one paragraph: '2024年，21件重点民生实事已完成18件（其中超额完成5件、已销号
    10件），未完成3件；完成投资…万元，为年度计划的117.10%，超计划17.10个百分点；人大代表票决
    项目10件，满意度测评满意8件、基本满意2件。'"""
    year = report.year_end
    if year is None:
        return ""
    total = report.total
    text = f"{year.year}年，{report.who}{total.tasks}件{report.category}民生实事"
    text += f"已完成{len(year.done)}件"
    inner = [f"超额完成{len(year.over_target)}件"] if year.over_target else []
    inner += [f"已销号{len(year.closed)}件"] if year.closed else []
    if inner:
        text += f"（其中{'、'.join(inner)}）"
    text += f"，未完成{len(year.unfinished)}件" if year.unfinished else "，全部完成"
    if report.has_investment and total.invested is not None:
        text += f"；完成投资{money(total.invested)}万元"
        if total.share is not None:
            text += f"，为年度计划的{share_text(total.share)}%"
            points = (total.share - 1) * 100
            if points > 0:
                text += f"，超计划{share_text(points / 100)}个百分点"
    if year.voted:
        text += f"；人大代表票决项目{len(year.voted)}件"
    if year.ratings:
        grades = year.grades()
        said = "、".join(f"{GRADE_LABELS[g]}{n}件" for g, n in grades.items() if n)
        text += f"，满意度测评{said}"
    return text + "。"


def _name(name: str, voted: bool) -> str:
    return name + ("（票决）" if voted else "")


def _reason(row: ReportRow) -> str:
    """Why a task did not finish, as its unit last said; what it reported, when it said nothing."""
    if text := note_text(row):
        return text
    latest = row.view.latest
    if latest is None:
        return "未报送进展"
    summaries = "；".join(f"{line.name} {shown_summary(line.view)}" for line in row.metrics)
    return f"（{latest.date.isoformat()}）未说明进展情况；{summaries}"
