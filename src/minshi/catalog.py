"""Find, load and validate notice files; look up tasks and units in them.

Every problem in a file is reported at once as `file:line: where: what`. What was validated is
cached (keyed by path, size, mtime, content hash and minshi version) so that a repeated run does
not parse YAML or import pydantic at all.

What a file may hold, and what is refused (each with file, line and reason):
- plain YAML only: tags that build Python objects (`!!python/object` …) are refused, as are
  aliases that refer to themselves or expand past MAX_NODES values (a "billion laughs" bomb),
  nesting deeper than MAX_DEPTH levels, files over MAX_FILE_BYTES, and duplicate mapping keys
  (which YAML would otherwise settle by keeping the last one: a task could silently vanish);
- UTF-8 text; a byte-order mark (as Windows Notepad writes) is accepted, any other encoding
  (GBK …) is refused with the byte and line where it stops being UTF-8; tabs used to indent
  are refused with the line;
- a value of another type than the schema's is accepted only when it can mean one thing, and
  then with a warning (`Catalog.warnings`): a number in quotes ("95"), a date in quotes
  ("2024-03-09", exactly that form), yes/no written as text or 0/1. A yes/no where a number
  belongs, or a number or any other text where a date belongs, is refused.
"""

from __future__ import annotations

import difflib
import functools
import os
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from minshi import __version__
from minshi.errors import DataFileError, InputError
from minshi.models import CATEGORIES, Metric, Notice, NoticeInfo, Task, Unit

MAX_FILE_BYTES = 5 * 1024 * 1024  # a notice is a few dozen KB; anything this large is not one
MAX_NODES = 200_000  # YAML nodes after alias expansion ("billion laughs" guard)
# A notice nests 8 levels (notice → tasks → task → metrics → metric → revisions → revision → field);
# far deeper is not a notice, and would overflow the stack of the YAML composer (a crash, not
# an error) long before any other limit is reached.
MAX_DEPTH = 32
NOTICE_SUFFIXES = (".yaml", ".yml")

Loc = tuple[str | int, ...]


@dataclass(slots=True)
class Problem:
    """One thing wrong with a data file, located as precisely as the file allows."""

    path: str
    line: int | None
    where: str
    what: str

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else self.path
        return f"{place}: {self.where}: {self.what}" if self.where else f"{place}: {self.what}"


# ---------------------------------------------------------------------------------------------
# Reading YAML safely, with line numbers


@dataclass(slots=True)
class _Document:
    data: Any
    root: Any  # the yaml node tree, to map a location back to a line


def _loader_class() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8-sig")  # a BOM (Windows Notepad) is accepted
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        try:
            raw.decode("gbk")
            guess = ", it looks like GBK"
        except UnicodeDecodeError:
            guess = ""
        raise DataFileError(
            f"{path}:{line}: not UTF-8 text (byte 0x{raw[e.start]:02x}{guess}); "
            "save the file as UTF-8"
        ) from e


def _check_depth(text: str, path: str) -> None:
    """Refuse deep nesting from the event stream, which is read without recursion."""
    import yaml

    depth = 0
    for event in yaml.parse(text, Loader=_loader_class()):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                line = f":{event.start_mark.line + 1}" if event.start_mark else ""
                raise DataFileError(
                    f"{path}{line}: nested more than {MAX_DEPTH} levels deep; "
                    "this is not a notice file"
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _tab_indented(text: str, line: int) -> bool:
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return False
    content = lines[line]
    return "\t" in content[: len(content) - len(content.lstrip())]


_YAML_TAG = "tag:yaml.org,2002:"
# plain data: what a notice is written with; not !!python/…, !!binary, !!set or custom tags
PLAIN_TAGS = frozenset(
    _YAML_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)


def _walk_nodes(root: Any, path: str) -> None:
    """Refuse other than plain tags, duplicate keys and alias bombs before anything is built."""
    import yaml

    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        line = node.start_mark.line + 1
        if key in active:
            raise DataFileError(f"{path}:{line}: an alias refers to itself")
        if node.tag not in PLAIN_TAGS:
            tag = node.tag.replace(_YAML_TAG, "!!", 1)
            raise DataFileError(
                f"{path}:{line}: the tag {tag} is not allowed in a data file (plain values only)"
            )
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen and k.tag != "tag:yaml.org,2002:merge":
                        first = seen[k.value]
                        where = (
                            f"line {first.line + 1}"
                            if first.line != k.start_mark.line
                            else f"column {first.column + 1} of this line"
                        )
                        raise DataFileError(
                            f"{path}:{k.start_mark.line + 1}: duplicate key '{k.value}' "
                            f"(first at {where}); YAML would keep only the last one"
                        )
                    seen[k.value] = k.start_mark
                total += size(k) + size(v)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item)
        active.discard(key)
        sizes[key] = total
        if total > MAX_NODES:
            raise DataFileError(
                f"{path}:{line}: too many values after expanding aliases (over {MAX_NODES:,}); "
                "this is not a notice file"
            )
        return total

    size(root)


def read_yaml(text: str, path: str) -> _Document:
    """Parse YAML text with safe_load-level constructs only, keeping the node tree."""
    import yaml

    loader = _loader_class()(text)
    try:
        _check_depth(text, path)
        root = loader.get_single_node()
        if root is None:
            raise DataFileError(f"{path}: the file is empty")
        _walk_nodes(root, path)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f":{mark.line + 1}" if mark else ""
        what = " ".join(str(x) for x in (e.context, e.problem) if x)
        if "nesting depth" in what:  # PyYAML ≥ 6.0.4 has a limit of its own, far above ours
            what = f"nested more than {MAX_DEPTH} levels deep; this is not a notice file"
            raise DataFileError(f"{path}{line}: {what}") from e
        if "could not determine a constructor" in what or "!!python" in what:
            what = f"tag not allowed in a data file ({e.problem or what})"
        elif mark and _tab_indented(text, mark.line):
            what = "a tab is used to indent; YAML indents with spaces only"
        raise DataFileError(f"{path}{line}: invalid YAML: {what}") from e
    except yaml.YAMLError as e:
        raise DataFileError(f"{path}: invalid YAML: {e}") from e
    except RecursionError as e:
        raise DataFileError(f"{path}: nested too deeply to be a notice file") from e
    finally:
        loader.dispose()
    return _Document(data=data, root=root)


def _line_of(root: Any, loc: Loc) -> int | None:
    """The 1-based line of the value at `loc` (or of the nearest enclosing value)."""
    import yaml

    node = root
    line: int = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(part):
                    node = v
                    line = k.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


# ---------------------------------------------------------------------------------------------
# Validation: the schema (pydantic), then the invariants a schema cannot say


def _where(data: Any, loc: Loc) -> str:
    """`task 16 → metrics[1].target` rather than `tasks.15.metrics.1.target`."""
    parts: list[str] = []
    rest = list(loc)
    if len(rest) >= 2 and rest[0] == "tasks" and isinstance(rest[1], int):
        task_id: Any = None
        try:
            task_id = data["tasks"][rest[1]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
        named = isinstance(task_id, (int, str)) and not isinstance(task_id, bool)
        parts.append(f"task {task_id}" if named else f"tasks[{rest[1]}]")
        rest = rest[2:]
    text = ""
    for part in rest:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    if text:
        parts.append(text)
    return " → ".join(parts)


_TOP_KEYS = ("notice", "tasks", "units", "review")


@dataclass(slots=True)
class _Findings:
    problems: list[tuple[Loc, str]] = field(default_factory=list)
    warnings: list[tuple[Loc, str]] = field(default_factory=list)


@functools.cache
def _adapter(kind: Any) -> Any:
    """One validator per schema type: building one costs more than validating a task with it."""
    from pydantic import TypeAdapter

    from minshi.models import schema_constraints

    schema_constraints()
    return TypeAdapter(kind)


_DATE_ERRORS = ("date_from_datetime", "date_parsing")
_NUMBER_ERRORS = ("decimal_parsing", "int_parsing")


def _validated(kind: Any, value: Any, loc: Loc, found: _Findings) -> Any:
    """`value` validated as `kind`, or None with its problems noted (located from `loc`)."""
    from pydantic import ValidationError

    try:
        result = _adapter(kind).validate_python(value)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            what = err["msg"]
            if err["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
                what = "unknown field (check the spelling)"
            elif err["type"] in ("missing_argument", "missing"):
                what = "required field is missing"
            elif err["type"].startswith(_DATE_ERRORS) and isinstance(err["input"], (str, int)):
                what = f"{err['input']!r} is not a date; write YYYY-MM-DD, e.g. 2024-03-09"
            elif err["type"] in _NUMBER_ERRORS and isinstance(err["input"], str):
                what = f"{err['input']!r} is not a number; write digits only, e.g. 95 or 2840000"
            found.problems.append(((*loc, *err["loc"]), what))
        return None
    before = len(found.problems)
    _conversions(value, result, loc, found)
    return result if len(found.problems) == before else None


_ISO_DAY = r"\d{4}-\d{2}-\d{2}"


def _conversions(raw: Any, value: Any, loc: Loc, found: _Findings) -> None:
    """Compare what the file says with what validation made of it: pydantic's lax mode turns
    "95" into 95 and 0 into 1970-01-01 without a word. The first kind is noted as a warning,
    the second refused."""
    import re

    if is_dataclass(value) and isinstance(raw, dict):
        for f in fields(value):
            if f.name in raw:
                _conversions(raw[f.name], getattr(value, f.name), (*loc, f.name), found)
    elif isinstance(value, list) and isinstance(raw, list):
        for i, (r, v) in enumerate(zip(raw, value, strict=False)):
            _conversions(r, v, (*loc, i), found)
    elif isinstance(value, bool):
        if not isinstance(raw, bool):
            yes_no = "true" if value else "false"
            found.warnings.append((loc, f"yes/no written as {raw!r}; write {yes_no}"))
    elif isinstance(value, (int, Decimal)):
        if isinstance(raw, bool):
            found.problems.append((loc, f"{str(raw).lower()} is yes/no, not a number"))
        elif isinstance(raw, str):
            number = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
            found.warnings.append(
                (loc, f'number written as text ("{raw}"); write {number} without quotes')
            )
    elif isinstance(value, date):
        if isinstance(raw, date):
            return
        if isinstance(raw, str) and re.fullmatch(_ISO_DAY, raw.strip()):
            found.warnings.append(
                (loc, f'date written as text ("{raw}"); write {value} without quotes')
            )
        else:
            found.problems.append(
                (loc, f"{raw!r} is not a date; write YYYY-MM-DD, e.g. 2024-03-09")
            )


def _schema_problems(data: dict[str, Any]) -> tuple[Notice | None, _Findings]:
    """Validate the header, each unit and each task on its own, so that one bad task does not
    hide the problems of the others; then check what a schema cannot say."""
    found = _Findings()
    problems = found.problems
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(((str(key),), "unknown field (check the spelling)"))
    info = _validated(NoticeInfo, data.get("notice"), ("notice",), found)
    sections: dict[str, list[Any]] = {}
    for key, kind in (("tasks", Task), ("units", Unit)):
        raw = data.get(key, [])
        if not isinstance(raw, list):
            problems.append(((key,), "must be a list"))
            raw = []
        sections[key] = [_validated(kind, item, (key, i), found) for i, item in enumerate(raw)]
    if "tasks" not in data:
        problems.append((("tasks",), "required field is missing"))
    review = _validated(list[str], data.get("review", []), ("review",), found)
    tasks, units = sections["tasks"], sections["units"]
    problems.extend(_invariant_problems(info, tasks, [u for u in units if u is not None]))
    if problems or info is None:
        return None, found
    return Notice(notice=info, tasks=tasks, units=units, review=review), found


def _invariant_problems(
    info: NoticeInfo | None, tasks: list[Task | None], units: list[Unit]
) -> Iterator[tuple[Loc, str]]:
    if info is not None and info.period.end < info.period.start:
        yield ("notice", "period", "end"), "the period ends before it starts"
    names: dict[str, str] = {}
    for i, unit in enumerate(units):
        for name in (unit.name, *unit.aliases):
            if name in names and names[name] != unit.name:
                yield ("units", i), f"'{name}' already names {names[name]}"
            elif name in names and name == unit.name:
                yield ("units", i, "name"), f"unit '{name}' is listed twice"
            names[name] = unit.name
    seen_tasks: set[int] = set()
    for i, task in enumerate(tasks):
        if task is None:
            continue
        if task.id in seen_tasks:
            yield ("tasks", i, "id"), f"task id {task.id} is used twice"
        seen_tasks.add(task.id)
        if names:
            for role in ("lead", "cooperating"):
                for j, unit_name in enumerate(getattr(task, role)):
                    if unit_name not in names:
                        yield ("tasks", i, role, j), f"unit '{unit_name}' is not in the units list"
        keys = [m.key for m in task.metrics]
        for j, metric in enumerate(task.metrics):
            loc: Loc = ("tasks", i, "metrics", j)
            if keys.index(metric.key) != j:
                yield (*loc, "key"), f"metric key '{metric.key}' is used twice in this task"
            yield from ((loc + sub, what) for sub, what in _metric_problems(metric, task))
            if metric.parent is not None and metric.parent not in keys:
                yield (*loc, "parent"), f"no metric '{metric.parent}' in this task"
            if metric.owner is not None and names and metric.owner not in names:
                yield (*loc, "owner"), f"unit '{metric.owner}' is not in the units list"
            if info and metric.deadline is not None and metric.deadline < info.period.start:
                yield (*loc, "deadline"), "the deadline is before the notice's period starts"


def _metric_problems(metric: Metric, task: Task) -> Iterator[tuple[Loc, str]]:
    if metric.kind == "milestone":
        if metric.target is not None:
            yield ("target",), "a milestone has no target number (use kind: quantity)"
        return
    if metric.target is None:
        yield ("target",), f"a {metric.kind} metric needs a target"
        return
    if not metric.target.is_finite() or metric.target <= 0:
        yield ("target",), "the target must be a number above 0"
    if not metric.unit:
        yield ("unit",), f"a {metric.kind} metric needs a unit (个, 人, 平方米, % …)"
    if metric.comparator is None:
        yield ("comparator",), "say how the target is met: '>=', '<=', '~' or '='"
    if metric.kind == "percent":
        if metric.unit not in (None, "%"):
            yield ("unit",), "a percent metric has unit '%'"
        if metric.target > 100 and f"{metric.target}%" not in task.target_text:
            yield ("target",), "a percentage above 100 that the target text does not state"
    if (
        metric.comparator == "<="
        and metric.baseline is not None
        and metric.baseline <= metric.target
    ):
        yield ("baseline",), "for a '<=' target the baseline must be above the target"


@dataclass(frozen=True, slots=True)
class CheckedNotice:
    """A valid notice, with what was accepted but should be written differently."""

    notice: Notice
    warnings: list[str]  # `file:line: where: what`, in line order
    id_line: int | None = None  # where the notice's id is, to point at a duplicate


def check_data(data: Any, source: str, root: Any = None) -> CheckedNotice:
    """Validate parsed YAML data as a notice; raise DataFileError listing every problem."""
    if not isinstance(data, dict):
        raise DataFileError(f"{source}: not a notice file (expected keys notice, tasks, units)")
    notice, found = _schema_problems(data)

    def located(items: list[tuple[Loc, str]]) -> list[Problem]:
        result = [
            Problem(
                source, _line_of(root, loc) if root is not None else None, _where(data, loc), what
            )
            for loc, what in items
        ]
        result.sort(key=lambda p: p.line or 0)
        return result

    if found.problems:
        problems = located(found.problems)
        raise DataFileError(
            f"{source}: {len(problems)} problem{'s' if len(problems) > 1 else ''} found",
            details=[str(p) for p in problems],
        )
    assert notice is not None
    id_line = _line_of(root, ("notice", "id")) if root is not None else None
    return CheckedNotice(notice, [str(p) for p in located(found.warnings)], id_line)


def validate_data(data: Any, source: str, root: Any = None) -> Notice:
    """Validate parsed YAML data as a notice; raise DataFileError listing every problem."""
    return check_data(data, source, root).notice


def check_text(text: str, source: str) -> CheckedNotice:
    doc = read_yaml(text, source)
    return check_data(doc.data, source, doc.root)


def validate_text(text: str, source: str) -> Notice:
    return check_text(text, source).notice


def check_file(path: Path) -> CheckedNotice:
    """Read and validate one notice file (no cache), keeping its warnings."""
    limit = f"limit {MAX_FILE_BYTES // 1024 // 1024} MB"
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataFileError(
                f"{path}: {size / 1024 / 1024:.0f} MB is far too large for a notice file ({limit})"
            )
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)  # a device or pipe may not know its size
    except FileNotFoundError as e:
        raise DataFileError(f"{path}: no such file") from e
    except IsADirectoryError as e:
        raise DataFileError(f"{path}: is a folder") from e
    except OSError as e:
        raise DataFileError(f"{path}: cannot read: {e.strerror}") from e
    if len(raw) > MAX_FILE_BYTES:
        raise DataFileError(f"{path}: far too large for a notice file ({limit})")
    return check_text(_decode(raw, str(path)), str(path))


def load_file(path: Path) -> Notice:
    """Read and validate one notice file (no cache)."""
    return check_file(path).notice


def notice_files(location: Path) -> list[Path]:
    """The notice files at `location`: the file itself, or the YAML files of a folder."""
    if location.is_dir():
        files = sorted(p for p in location.iterdir() if p.suffix in NOTICE_SUFFIXES and p.is_file())
        if not files:
            raise DataFileError(f"{location}: no notice files (*.yaml) in this folder")
        return files
    if not location.exists():
        raise DataFileError(f"{location}: no such file or folder")
    return [location]


# ---------------------------------------------------------------------------------------------
# The catalog: every notice loaded, with lookups


def _unit_spellings(notices: Iterable[Notice]) -> dict[str, str]:
    """Every name or alias of a unit → its canonical name."""
    units: dict[str, str] = {}
    for notice in notices:
        for unit in notice.units:
            units.setdefault(unit.name, unit.name)
            for alias in unit.aliases:
                units.setdefault(alias, unit.name)
        for task in notice.tasks:
            for name in (*task.lead, *task.cooperating):
                units.setdefault(name, name)
    return units


class Catalog:
    """Every notice at a location, with lookups.

    A catalog read from the cache builds each notice when it is first used, so that a command
    about one notice among hundreds (`progress update 16 --notice ID`) does not build them all.
    """

    __slots__ = ("_ids", "_index", "_built", "_lazy", "_units", "warnings")

    def __init__(self, notices: list[Notice], warnings: list[str] | None = None) -> None:
        self._ids = [n.id for n in notices]
        self._index = {notice_id: i for i, notice_id in enumerate(self._ids)}
        self._built: list[Notice | None] = list(notices)
        self._lazy: _LazyNotices | None = None  # set when read from the cache
        self._units = _unit_spellings(notices)  # name or alias → canonical name
        # what was accepted but should be written differently: `file:line: where: what`
        self.warnings = [] if warnings is None else warnings

    @classmethod
    def _cached(
        cls, ids: list[str], units: dict[str, str], warnings: list[str], lazy: _LazyNotices
    ) -> Catalog:
        catalog = cls([], warnings)
        catalog._ids, catalog._units, catalog._lazy = ids, units, lazy
        catalog._index = {notice_id: i for i, notice_id in enumerate(ids)}
        catalog._built = [None] * len(ids)
        return catalog

    @property
    def notices(self) -> list[Notice]:
        if self._lazy is not None:
            missing = [i for i, notice in enumerate(self._built) if notice is None]
            for i, notice in zip(missing, self._lazy.build(missing), strict=True):
                self._built[i] = notice
            self._lazy = None  # every notice is built: the pickled copies can go
        return self._built  # type: ignore[return-value]  # no None left

    def _notice_at(self, index: int) -> Notice:
        notice = self._built[index]
        if notice is None:
            assert self._lazy is not None
            (notice,) = self._lazy.build([index])
            self._built[index] = notice
        return notice

    @property
    def single(self) -> bool:
        return len(self._ids) == 1

    def tasks(self) -> Iterator[tuple[Notice, Task]]:
        for notice in self.notices:
            for task in notice.tasks:
                yield notice, task

    def notice(self, notice_id: str | None) -> Notice:
        if notice_id is None:
            if self.single:
                return self._notice_at(0)
            ids = ", ".join(self._ids[:5])
            raise InputError(
                f"{len(self._ids)} notices are loaded; name one with --notice ({ids} …)"
            )
        index = self._index.get(notice_id)
        if index is None:
            raise InputError(f"no notice '{notice_id}'" + _suggest(notice_id, self._ids))
        return self._notice_at(index)

    def find_task(self, ref: str | int, notice_id: str | None = None) -> tuple[Notice, Task]:
        """A task by number (`16`), or `ID/16` when several notices are loaded."""
        text = str(ref).strip()
        if "/" in text:
            notice_id, _, text = text.rpartition("/")
        try:
            number = int(text)
        except ValueError:
            raise InputError(f"'{ref}' is not a task number (e.g. 16)") from None
        notice = self.notice(notice_id)
        task = notice.task(number)
        if task is None:
            ids = [t.id for t in notice.tasks]
            span = f"{min(ids)}–{max(ids)}" if ids else "none"
            raise InputError(f"no task {number} in {notice.id} (tasks are {span})")
        return notice, task

    def unit_names(self) -> list[str]:
        return sorted(set(self._units.values()))

    def all_unit_spellings(self) -> list[str]:
        return sorted(self._units)

    def resolve_unit(self, text: str) -> str:
        """A unit by exact name, alias, or an unambiguous part of its name."""
        text = text.strip()
        if text in self._units:
            return self._units[text]
        partial = sorted({canon for name, canon in self._units.items() if text and text in name})
        if len(partial) == 1:
            return partial[0]
        if len(partial) > 1:
            raise InputError(f"'{text}' matches several units: {'、'.join(partial[:8])}")
        names = [self._units[c] for c in _closest(text, list(self._units))]
        names = list(dict.fromkeys(names))[:3]
        hint = f"; did you mean {' or '.join(names)}?" if names else ""
        raise InputError(f"unknown unit '{text}'{hint} (see: minshi units)")

    def tasks_of_unit(
        self, unit: str, role: str = "any", notice: Notice | None = None
    ) -> list[tuple[Notice, Task]]:
        """The tasks `unit` leads (or owns a part of), cooperates on, or either (role "lead",
        "coop", "any"), in the order of the catalog; only those of `notice` when given."""
        return [
            (n, task)
            for n in (self.notices if notice is None else [notice])
            for task in n.tasks
            if takes_part(task, unit, role)
        ]

    def select(
        self,
        *,
        notice: str | None = None,
        lead: str | None = None,
        coop: str | None = None,
        unit: str | None = None,
        category: str | None = None,
        search: str | None = None,
    ) -> list[tuple[Notice, Task]]:
        """The tasks a command is asked about, in catalog order: of one notice, led by a unit
        (or owning a part of a split target), cooperated on, either, of a category, with a text
        in the name or target. Unknown notices, units and categories raise InputError."""
        chosen = [self.notice(notice)] if notice is not None else self.notices
        roles = [
            (role, self.resolve_unit(name))
            for role, name in (("lead", lead), ("coop", coop), ("any", unit))
            if name
        ]
        if category:
            check_category(category)
        return [
            (n, task)
            for n in chosen
            for task in n.tasks
            if (not category or task.category == category)
            and (not search or search in task.name or search in task.target_text)
            and all(takes_part(task, name, role) for role, name in roles)
        ]


def takes_part(task: Task, unit: str, role: str = "any") -> bool:
    """Whether `unit` leads `task` or owns a part of it (role "lead"), cooperates on it ("coop"),
    or either ("any")."""
    if role in ("lead", "any"):
        if unit in task.lead:
            return True
        for metric in task.metrics:
            if metric.owner == unit:
                return True
    return role in ("coop", "any") and unit in task.cooperating


def _closest(text: str, choices: Sequence[str]) -> list[str]:
    """The choices nearly as close as the closest one: a typo's likely meaning, not a list."""
    scored = [(difflib.SequenceMatcher(None, text, c).ratio(), c) for c in choices]
    best = max((score for score, _ in scored), default=0.0)
    if best < 0.6:
        return []
    return [c for score, c in sorted(scored, key=lambda sc: -sc[0]) if score >= best - 0.1]


def _suggest(text: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(text, choices, n=3, cutoff=0.5)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def check_category(text: str) -> str:
    if text not in CATEGORIES:
        raise InputError(f"unknown category '{text}' (use {' or '.join(CATEGORIES)})")
    return text


# ---------------------------------------------------------------------------------------------
# Loading with a cache


def _fingerprint(files: Iterable[Path]) -> list[tuple[str, int, int, str]] | None:
    """What the cache is valid for: each file's path, size, mtime and content. The content is
    hashed too because an edit that keeps the size can keep the mtime as well (timestamps are
    coarse: a few ms locally, 2 s on FAT or some network shares)."""
    import hashlib
    import stat

    result = []
    try:
        for path in files:
            st = path.stat()
            if not stat.S_ISREG(st.st_mode):
                return None  # a pipe or device is read afresh every time, never cached
            digest = ""
            if st.st_size <= MAX_FILE_BYTES:
                with path.open("rb") as f:  # read(n) allocates n bytes: ask for what is there
                    digest = hashlib.blake2b(f.read(st.st_size + 1), digest_size=16).hexdigest()
            result.append((os.path.realpath(path), st.st_size, st.st_mtime_ns, digest))
    except OSError:
        return None  # loading will say what is wrong with the file
    return result


def _cache_file(location: Path) -> Path:
    import hashlib

    from minshi.config import cache_dir

    digest = hashlib.sha256(str(location.resolve()).encode()).hexdigest()[:24]
    return cache_dir() / f"catalog-{digest}.pickle"


# The cache holds each notice as its own pickle, so that one notice can be built without the
# others. Each model object is pickled as its class and its field values in order (rebuilt by
# one call to the class, not by dataclasses' slower generic __setstate__), and equal strings
# within a notice (unit names, units of measure) are stored once.
_CACHE_FORMAT = 2


def _model_classes() -> list[type[Any]]:
    from minshi import models

    return [
        cls
        for cls in vars(models).values()
        if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == models.__name__
    ]


def _schema() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The models' fields in order: a cache written for other models is not used."""
    return tuple((cls.__qualname__, tuple(f.name for f in fields(cls))) for cls in _model_classes())


def _notice_blobs(notices: list[Notice]) -> list[bytes]:
    import copyreg
    import io

    names = {
        cls: tuple(f.name for f in fields(cls))
        for cls in _model_classes()
        if all(f.init for f in fields(cls))
    }
    strings: dict[str, str] = {}

    def same(value: Any) -> Any:
        if type(value) is str:
            return strings.setdefault(value, value)
        if type(value) is list:
            return [same(item) for item in value]
        return value

    def reduce(obj: Any) -> tuple[type[Any], tuple[Any, ...]]:
        return type(obj), tuple(same(getattr(obj, name)) for name in names[type(obj)])

    table = {**copyreg.dispatch_table, **dict.fromkeys(names, reduce)}
    blobs = []
    for notice in notices:
        strings.clear()  # shared within a notice only: notices are read one at a time
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=5)
        pickler.dispatch_table = table
        pickler.dump(notice)
        blobs.append(buffer.getvalue())
    return blobs


@dataclass(slots=True)
class _LazyNotices:
    """The pickled notices of a cache file, built on demand."""

    ids: list[str]
    blobs: list[bytes]
    files: list[Path]  # the file of each notice, to read it again should its pickle be damaged
    cache: Path

    def build(self, indices: Sequence[int]) -> list[Notice]:
        import gc

        was_enabled = gc.isenabled()
        gc.disable()  # thousands of objects and no cycles: collecting in between is wasted time
        try:
            result = [self._unpickle(i) for i in indices]
        finally:
            if was_enabled:
                gc.enable()
        return result

    def _unpickle(self, index: int) -> Notice:
        try:
            notice = pickle.loads(self.blobs[index])
        except Exception:  # noqa: BLE001 - a damaged cache is never trusted
            notice = None
        if isinstance(notice, Notice) and notice.id == self.ids[index]:
            return notice
        self.cache.unlink(missing_ok=True)  # the next run writes a sound one
        return load_file(self.files[index])


def _read_cache(cache: Path, key: Any, files: list[Path]) -> Catalog | None:
    # The cache is written only by minshi itself, under the user's own cache folder, and is
    # trusted only when its key (every file's path, size, mtime, content hash, the minshi
    # version and the models' fields) matches.
    try:
        with cache.open("rb") as f:
            stored_key, ids, units, warnings, blobs = pickle.load(f)
    except Exception:  # noqa: BLE001 - any unreadable cache is simply rebuilt
        return None
    if (
        stored_key != key
        or not isinstance(ids, list)
        or not isinstance(units, dict)
        or not isinstance(warnings, list)
        or not isinstance(blobs, list)
        or not len(ids) == len(blobs) == len(files)
    ):
        return None
    return Catalog._cached(ids, units, warnings, _LazyNotices(ids, blobs, files, cache))


def _write_cache(cache: Path, key: Any, catalog: Catalog) -> None:
    notices = catalog.notices
    ids = [n.id for n in notices]
    record = (key, ids, catalog._units, catalog.warnings, _notice_blobs(notices))
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(record, f, protocol=5)
        os.replace(tmp, cache)
    except OSError:
        pass  # a cache that cannot be written only costs time


def load(location: Path, *, use_cache: bool = True) -> Catalog:
    """Load every notice at `location` (a file or a folder); all problems reported together."""
    files = notice_files(location)
    key: Any = None
    cache: Path | None = None
    fingerprint = None
    if use_cache and os.environ.get("MINSHI_NO_CACHE") is None:
        fingerprint = _fingerprint(files)
    if fingerprint is not None:
        key = (__version__, _CACHE_FORMAT, _schema(), fingerprint)
        cache = _cache_file(location)
        cached = _read_cache(cache, key, files)
        if cached is not None:
            return cached
    notices: list[Notice] = []
    warnings: list[str] = []
    problems: list[str] = []
    first_seen: dict[str, str] = {}
    for path in files:
        try:
            checked = check_file(path)
        except DataFileError as e:
            problems.extend(e.details or [e.message])
            continue
        notice = checked.notice
        place = f"{path}:{checked.id_line}" if checked.id_line else str(path)
        if notice.id in first_seen:
            problems.append(
                f"{place}: notice id '{notice.id}' is also used by {first_seen[notice.id]}"
            )
            continue
        first_seen[notice.id] = place
        notices.append(notice)
        warnings.extend(checked.warnings)
    if problems:
        head = problems[0] if len(problems) == 1 else f"{location}: {len(problems)} problems found"
        raise DataFileError(head, details=problems if len(problems) > 1 else [])
    catalog = Catalog(notices, warnings)
    if cache is not None:
        _write_cache(cache, key, catalog)
    return catalog
