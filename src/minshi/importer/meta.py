"""The notice's own data: title, document number (文号), issuer, date, and who forwarded it.

A notice as published reads, above its table:

    重庆市万州区人民政府办公室            ← issuer, and the start of the title
    关于印发《万州区2024年重点民生实事     ← the title, over one or more lines
    工作目标任务》的通知
    万州府办发〔2024〕18号               ← document number, on a line of its own
    …body…
                    重庆市万州区人民政府办公室   ← signature: the issuer
                          2024年3月9日          ← the date it was issued

A forwarding notice (关于转发《…》的通知) may stand above it, laid out the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from minshi.errors import DataFileError
from minshi.importer.document import Document, Line

_BRACKETED_YEAR = r"[〔［\[【(（]\s*(?:19|20)\d{2}\s*[〕］\]】)）]"
DOC_NUMBER = re.compile(rf"^[\u4e00-\u9fffA-Za-z]{{1,20}}{_BRACKETED_YEAR}\s*第?\s*\d{{1,5}}\s*号$")
_DOC_NUMBER_FIELD = re.compile(
    rf"(?:发文字号|文号|发文编号)\s*[:：]\s*([\u4e00-\u9fffA-Za-z]{{1,20}}{_BRACKETED_YEAR}\s*\d+\s*号)"
)
_DATE = re.compile(r"^((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_DATE_FIELD = re.compile(
    r"(?:成文日期|发文日期|印发日期)\s*[:：]?\s*((?:19|20)\d{2})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})"
)
_ISSUER_FIELD = re.compile(r"(?:发文机关|发布机构|发文单位|发布单位)\s*[:：]?\s*(\S+)")
_ANY_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_WORDS = ("民生实事", "实事", "民生事项", "民心工程")
# what a draft says where the notice says nothing; the review list asks a clerk to fill it in
NO_DOC_NUMBER = "（未注明文号）"
NO_ISSUER = "（未注明发文机关）"
NO_TITLE = "（未注明标题）"
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_QUOTED_TITLE = re.compile(r"[《<〈]([^《》<>〈〉]*?(?:19|20)\d{2}年[^《》<>〈〉]*)[》>〉]")
_SENTENCE_END = ("。", "：", ":", "；", "，")


@dataclass(frozen=True, slots=True)
class Issued:
    """One official document found in the text: the notice or a notice forwarding it."""

    title: str
    doc_number: str
    issuer: str
    issued: date | None


@dataclass(slots=True)
class NoticeMeta:
    title: str
    doc_number: str
    issuer: str
    issued: date
    year: int
    forwarded_by: list[Issued] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what the notice does not say, for review


def parse_date(text: str) -> date | None:
    """2024年3月9日, 2024年6月 7日, 二〇二四年三月九日 → a date (None if not one)."""
    plain = re.sub(r"\s+", "", text)
    if plain and plain[0] in _CN_DIGITS and "年" in plain:
        year, _, rest = plain.partition("年")
        plain = "".join(_CN_DIGITS.get(c, c) for c in year) + "年" + _cn_month_day(rest)
    m = _DATE.match(plain)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _cn_month_day(text: str) -> str:
    """三月九日 → 3月9日, 十二月二十日 → 12月20日."""

    def number(words: str) -> str:
        if not words or not all(c in _CN_DIGITS or c == "十" for c in words):
            return words
        if "十" not in words:
            return "".join(_CN_DIGITS[c] for c in words)
        tens, _, ones = words.partition("十")
        return str(int(_CN_DIGITS[tens] if tens else 1) * 10 + int(_CN_DIGITS[ones] if ones else 0))

    m = re.match(r"^(.+?)月(.+?)日$", text)
    return f"{number(m[1])}月{number(m[2])}日" if m else text


def _is_doc_number(text: str) -> bool:
    return bool(DOC_NUMBER.match(re.sub(r"\s+", "", text)))


def _title_before(lines: list[Line], at: int) -> str:
    """The title: the lines just above the document number, up to a blank or a sentence."""
    parts: list[str] = []
    i = at - 1
    while i >= 0 and not lines[i].text:
        i -= 1  # blank lines between the title and the number
    while i >= 0 and len(parts) < 4:
        text = lines[i].text
        if not text or text.endswith(_SENTENCE_END) or _is_doc_number(text) or parse_date(text):
            break
        if text.startswith(("（此件", "(此件")):
            break
        parts.insert(0, text)
        i -= 1
    about = next((k for k, part in enumerate(parts) if "关于" in part), None)
    if about is not None:  # the issuer's line and what follows; not page headers above it
        parts = parts[max(0, about - 1) :] if parts[about].startswith("关于") else parts[about:]
    title = "".join(parts)
    if "关于" in title and not title.endswith("通知") and "通知" in title:
        title = title[: title.rindex("通知") + 2]
    return title


def _signature(lines: list[Line], start: int, end: int) -> tuple[str | None, date | None]:
    """The first date on a line of its own after `start`, and the line above it (the issuer)."""
    for i in range(start, end):
        issued = parse_date(lines[i].text)
        if issued is None:
            continue
        above = next((lines[j].text for j in range(i - 1, start - 1, -1) if lines[j].text), None)
        if above is not None and (above.endswith(_SENTENCE_END) or len(above) > 40):
            above = None
        return above, issued
    return None, None


def _issuer_from_title(title: str) -> str | None:
    head = title.split("关于", 1)[0] if "关于" in title else ""
    return head or None


def _documents(lines: list[Line]) -> list[Issued]:
    starts = [i for i, line in enumerate(lines) if _is_doc_number(line.text)]
    documents = []
    for n, at in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        title = _title_before(lines, at)
        signer, issued = _signature(lines, at + 1, end)
        issuer = signer or _issuer_from_title(title) or ""
        if title and issuer and not _issuer_from_title(title):
            title = issuer + title  # 关于印发…的通知 is titled with its issuer in front
        documents.append(Issued(title, re.sub(r"\s+", "", lines[at].text), issuer, issued))
    return documents


def read_meta(doc: Document, table_index: int, table_title: str | None) -> NoticeMeta:
    """The metadata of the notice in `doc`; DataFileError naming whatever is missing."""
    lines = [line for line in doc.lines if line.table != table_index]
    documents = _documents(lines)
    forwarding = [d for d in documents if "转发" in d.title]
    main = next((d for d in documents if "转发" not in d.title), None)
    text = "\n".join(line.text for line in lines)

    doc_number = main.doc_number if main else ""
    issuer = main.issuer if main else ""
    issued = main.issued if main else None
    if not doc_number and (m := _DOC_NUMBER_FIELD.search(text)):
        doc_number = re.sub(r"\s+", "", m[1])
    if issued is None and (m := _DATE_FIELD.search(text)):
        try:
            issued = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            issued = None
    if not issuer and (m := _ISSUER_FIELD.search(text)):
        issuer = m[1]

    title = _notice_title(table_title, main) or _title_line(lines)
    year_match = _YEAR_IN_TITLE.search(title)
    year = int(year_match[1]) if year_match else (issued.year if issued else 0)
    if not year:
        year = _first_year(doc)
    if not year:
        raise DataFileError(
            f"{doc.path}: the year the notice is for was not found (e.g. 2024年 in its title)",
            details=["import the whole notice (its text or web page), not only its table"],
        )
    missing = []  # a draft still comes out; the review list says what to fill in
    if not doc_number:
        doc_number = NO_DOC_NUMBER
        missing.append("notice.doc_number: no document number (文号) found; write it in")
    if not issuer:
        issuer = NO_ISSUER
        missing.append("notice.issuer: no issuer (the office that signs it) found; write it in")
    if issued is None:
        issued = date(year, 1, 1)
        missing.append(
            f"notice.issued: no date of issue found; {issued.isoformat()} stands in for it"
        )
    if not title:
        title = NO_TITLE
        missing.append("notice.title: no title found; write it in")
    return NoticeMeta(title, doc_number, issuer, issued, year, forwarding, missing)


def _title_line(lines: list[Line]) -> str:
    """A line naming the notice's projects and a year: 成都市2023年民生实事工作目标."""
    for line in lines:
        text = line.text
        if (
            len(text) <= 60
            and _YEAR_IN_TITLE.search(text)
            and any(w in text for w in _TITLE_WORDS)
            and not text.endswith(_SENTENCE_END)
            and not text.startswith(("来源", "#", "<!--"))
        ):
            return text
    return ""


def _first_year(doc: Document) -> int:
    """The first 20xx年 of the document (a column's header, 2022年度任务目标, counts too)."""
    for line in doc.lines:
        if line.text.startswith(("来源", "<!--")):
            continue
        m = _ANY_YEAR.search(line.text)
        if m:
            return int(m[1])
    return 0


def _notice_title(table_title: str | None, main: Issued | None) -> str:
    """The name of the work programme: the table's title, or the 《…》 in the notice's title."""
    if table_title and (len(table_title) > 60 or table_title.endswith(_SENTENCE_END)):
        table_title = None  # a paragraph of the notice's text, not a title
    if table_title and _YEAR_IN_TITLE.search(table_title) and "通知" not in table_title:
        return table_title
    if main is not None:
        quoted = _QUOTED_TITLE.search(main.title)
        return quoted[1] if quoted else main.title
    return table_title or ""
