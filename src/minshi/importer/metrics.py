"""Metrics from a target text: each target number a metric, each named deliverable a milestone.

"新开工改造老旧小区95个、284万平方米，同步实施外墙砖整治试点、小区环境改善提升等内容。" gives
老旧小区 95 个, 老旧小区面积 2840000 平方米, and the milestones 外墙砖整治试点 and 小区环境改善提升.

Nothing is guessed: a number that cannot be made a metric (no unit, a part that does not add up)
is reported for review instead, with the sentence it stands in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from minshi.quantity import Found, find_quantities, format_quantity

_SENTENCE = re.compile(r"(?<=[。；;！!？?])")
_PROVISIONAL = re.compile(r"[（(]?(以[^，。；（）()]{0,12}?下达为准)[）)]?")
_PARTS_IN_BRACKETS = re.compile(r"[（(](其中[^（）()]*)[）)]")
_OPEN, _CLOSE = "（(《“「【〔[", "）)》”」】〕]"

# Verbs a thing counted starts with ("新增婴幼儿托位" counts 婴幼儿托位); longest first.
_LEAD_VERBS = tuple(
    sorted(
        (
            "新开工改造 新（改）建 新建、改建 新开工 新开设 改扩建 新增 增加 新建 改建 建设 建成 "
            "完成 实施 开展 安装 改造 培训 消除 打造 提供 招收 组织 举办 创建 培育 发放"
        ).split(),
        key=len,
        reverse=True,
    )
)
_FILLERS = ("其中", "为", "在", "对", "共", "累计", "全年", "年内")
_TRAILING = ("保持在", "保持", "实现", "提高到", "提高至", "提升至", "提升到")
_NOUN_ENDS = ("实现", "实施", "新开设", "开设", "提供", "开展", "建设", "覆盖", "达到")
_ATTRIBUTES = ("面积", "长度", "里程", "规模", "总量", "总长", "数量", "人数", "户数")
_UNIT_ATTRIBUTE = {"平方米": "面积", "平方公里": "面积", "亩": "面积", "公顷": "面积"}
_UNIT_ATTRIBUTE |= {"公里": "长度", "千米": "长度", "米": "长度", "人": "人数", "户": "户数"}
_OWNER = re.compile(
    r"^(?:区|县|市|镇|乡|各|属地).{0,14}(?:委|局|办|社|院|会|部|中心|集团|公司|街道|乡镇|联)$"
)

# Deliverables without numbers: 推进X、Y等项目 names X and Y; 建成X、Y names 建成X and 建成Y;
# 实施/建立/运行 … names the clause itself.
_ADVERBS = "(?:全面|加快|持续|同步|积极|大力|高质量|不断|稳步|继续|进一步|着力|扎实|有序|按期)*"
_GROUP_VERBS = ("推进实施", "推进")
_BUILD_VERBS = ("改扩建", "建成", "新建", "改建")
_CLAUSE_VERBS = ("启动实施", "实施", "建立", "运行", "启动", "开通", "投用")
_MILESTONE = re.compile(
    rf"^{_ADVERBS}(?P<verb>{'|'.join(_GROUP_VERBS + _BUILD_VERBS + _CLAUSE_VERBS)})(?P<object>.+)$"
)


@dataclass(slots=True)
class _Metric:
    key: str
    name: str
    kind: str
    target: Decimal | None = None
    unit: str | None = None
    comparator: str | None = None
    provisional: bool = False
    owner: str | None = None
    parent: str | None = None
    note: str | None = None
    sentence: str = ""  # where it was read, for review messages

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "name": self.name, "kind": self.kind}
        if self.kind != "milestone":
            data |= {"target": self.target, "unit": self.unit, "comparator": self.comparator}
        if self.provisional:
            data["provisional"] = True
        for name in ("owner", "parent", "note"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data


@dataclass(slots=True)
class Extracted:
    metrics: list[dict[str, Any]] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split on `separators` except inside （…） 《…》 “…”: "区委（区政府）、区财政局" → 2 parts."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch == "," and text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit():
            current.append(ch)  # 1,500: a thousands separator, not a comma
        elif ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _strip_start(text: str, words: tuple[str, ...]) -> str:
    changed = True
    while changed:
        changed = False
        for word in words:
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word) :], True
    return text


def _key(text: str) -> str:
    key = _strip_start(_strip_start(text, _FILLERS), _LEAD_VERBS)
    return re.sub(r"[“”\"‘’「」]", "", key).strip()


def _noun(after: str) -> str:
    """The thing named right after a unit: "学校（含校点）实现…" → 学校."""
    end = len(after)
    for stop in (*_OPEN, *_NOUN_ENDS):
        at = after.find(stop)
        if 0 < at < end:
            end = at
    return after[:end]


class _Builder:
    def __init__(self, task_id: int, task_name: str, owners: list[str]) -> None:
        self.task_id = task_id
        self.task_name = task_name
        self.owners = owners
        self.items: list[_Metric] = []
        self.review: list[str] = []
        self.keys: set[str] = set()

    def _unique(self, key: str, unit: str | None) -> str:
        key = key or self.task_name
        if key not in self.keys:
            return key
        for candidate in (f"{key}（{unit}）" if unit else "", *(f"{key}{n}" for n in range(2, 99))):
            if candidate and candidate not in self.keys:
                return candidate
        raise AssertionError("unreachable: 98 metrics with one key")

    def add(self, metric: _Metric) -> None:
        metric.key = self._unique(metric.key, metric.unit)
        self.keys.add(metric.key)
        self.items.append(metric)

    def flag(self, sentence: str, what: str) -> None:
        self.review.append(f"task {self.task_id}: {what} — in “{sentence.strip()}”")

    # numbers ---------------------------------------------------------------------------------

    def numbers(self, sentence: str, clause: str, found: list[Found], note: str | None) -> None:
        part_from = clause.find("其中")
        previous: _Metric | None = None
        for f in found:
            written = clause[f.span[0] : f.span[1]]
            if f.unit is None:
                self.flag(sentence, f"“{written}” has no unit, so it was not made a metric")
                continue
            if f.value <= 0:
                self.flag(sentence, f"“{written}” is not a target above 0")
                continue
            if f.unit in _RELATIVE_UNITS:  # 提高1.5倍: relative to a figure the text does not give
                self.flag(sentence, f"“{written}” is relative, so it was not made a metric")
                continue
            metric = _Metric(
                key="",
                name="",
                kind="percent" if f.unit == "%" else "quantity",
                target=f.value,
                unit=f.unit,
                comparator=f.comparator or ">=",
                provisional=note is not None,
                note=note,
                sentence=sentence,
            )
            if 0 <= part_from < f.span[0]:
                if not self._part(sentence, metric, f, written):
                    continue
            else:
                self._name(metric, f, previous)
            self.add(metric)
            previous = metric

    def _name(self, metric: _Metric, f: Found, previous: _Metric | None) -> None:
        before = f.before
        if before.startswith("对"):
            before = before[1:]
        for word in _TRAILING:
            if before.endswith(word) and len(before) > len(word):
                before = before[: -len(word)]
        if (not before or before in _ATTRIBUTES) and previous is not None and not f.after:
            # 老旧小区95个、284万平方米: the second number measures the same thing
            attribute = before or _UNIT_ATTRIBUTE.get(f.unit or "", f"（{f.unit}）")
            metric.name = metric.key = previous.key + attribute
        elif f.after:
            # 安装5台化粪池安全监测系统: the thing counted follows the unit
            noun = _noun(f.after)
            base = "" if before in _FILLERS else _key(before)
            verb_last = any(before.endswith(v) for v in _LEAD_VERBS)
            metric.name = before + f.after
            metric.key = _key(noun) if verb_last or not base else base + _key(noun)
        else:
            metric.name = before or self.task_name
            metric.key = _key(metric.name)

    def _part(self, sentence: str, metric: _Metric, f: Found, written: str) -> bool:
        """其中区农业农村委4万亩: a part of the last total in the same unit."""
        parent = next(
            (m for m in reversed(self.items) if m.unit == metric.unit and m.parent is None), None
        )
        if parent is None:
            self.flag(sentence, f"“{written}” is a part (其中) of no total in {metric.unit}")
            return False
        who = _strip_start(f.before, ("其中",)).strip()
        metric.parent = parent.key
        metric.comparator = parent.comparator
        if who in self.owners or _OWNER.match(who):
            metric.owner = who
            metric.name = f"{_key(parent.name)}（{who}）"
            metric.key = f"{who.removeprefix('区')}承担"
        else:
            metric.name = f"{parent.name}：{who}" if who else parent.name
            metric.key = f"{parent.key}·{_key(who)}" if who else parent.key
        return True

    def check_parts(self) -> None:
        """Parts split by owner (其中区农业农村委4万亩、区供销合作社2万亩) must add up."""
        for total in self.items:
            parts = [m for m in self.items if m.parent == total.key]
            if not parts or any(m.owner is None for m in parts):
                continue  # parts not split by owner (其中新建30个) need not add up
            added = sum((m.target or Decimal(0) for m in parts), Decimal(0))
            if total.target is not None and added != total.target:
                shown = " + ".join(format_quantity(m.target or Decimal(0), m.unit) for m in parts)
                whole = format_quantity(total.target, total.unit)
                self.flag(parts[0].sentence, f"the parts ({shown}) do not add up to {whole}")

    # deliverables ----------------------------------------------------------------------------

    def milestones(self, clause: str, note: str | None) -> None:
        text = clause.strip("，,。；; ")
        m = _MILESTONE.match(text)
        if m is None:
            return
        verb, obj = m["verb"], m["object"]
        listed = split_outside_brackets(obj[: obj.rindex("等")], "、") if "等" in obj else []
        if len(listed) >= 2:  # 推进X、Y等项目 → X, Y
            named = [(item, item) for item in listed]
        elif verb in _BUILD_VERBS:  # 建成X、Y → 建成X, 建成Y
            named = [(verb + item, item) for item in split_outside_brackets(obj, "、")]
        elif verb in _GROUP_VERBS and "等" not in obj:  # 加快推进X建设 → X建设
            named = [(obj, obj)]
        else:  # 全面启动实施城区集中治丧 → the clause itself
            named = [(text, _key(obj))]
        for name, key in named:
            self.add(_Metric(key=_key(key), name=name, kind="milestone", note=note))


# a range of two numbers (2至3所, 3—5年) unless it describes an age (2～3岁幼儿)
_RANGE = re.compile(r"\d+(?:\.\d+)?\s*[～~〜\-—–至到]\s*\d+(?:\.\d+)?(?!\d)(?!\s*岁)\S?")
_YEAR = re.compile(r"(19|20)\d\d\D")
_RELATIVE_UNITS = frozenset({"倍", "成"})


def extract_metrics(task_id: int, task_name: str, target_text: str, owners: list[str]) -> Extracted:
    """The metrics of one task from its target text, and what a clerk must check by hand."""
    builder = _Builder(task_id, task_name, owners)
    for sentence in (s for s in _SENTENCE.split(target_text) if s.strip()):
        provisional = _PROVISIONAL.search(sentence)
        note = provisional[1] if provisional else None
        body = _PROVISIONAL.sub("", sentence) if provisional else sentence
        body = _PARTS_IN_BRACKETS.sub(r"，\1，", body)  # 12个（其中城区8个、乡镇4个）
        for clause in split_outside_brackets(body, "，,：:；;。！!？?"):
            for r in _RANGE.finditer(clause):  # 2至3所: which end is the target is a choice
                if not _YEAR.match(r[0]):  # 2024—2025年 names years, it sets nothing
                    builder.flag(sentence, f"the range “{r[0]}” was not made a metric")
            found = find_quantities(clause)
            if found:
                builder.numbers(sentence, clause, found, note)
            else:
                builder.milestones(clause, note)
    builder.check_parts()
    items = builder.items
    first_number = next((i for i, m in enumerate(items) if m.kind != "milestone"), None)
    if first_number:  # the first metric is the primary one: a number, when there is one
        items.insert(0, items.pop(first_number))
    if not items:
        builder.add(_Metric(key=_key(task_name), name=task_name, kind="milestone"))
    return Extracted([m.as_data() for m in builder.items], builder.review)
