"""The catalog: every notice loaded, and the questions asked of it.

Which tasks a command is about (`Catalog.select`), a task by number, a unit by any of its names,
and the one answer to "which metrics does this unit answer for" (`answers_for`), which every
command and sheet that is about a unit uses.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

from minshi.errors import InputError
from minshi.models import CATEGORIES, Metric, Notice, NoticeHead, Task
from minshi.quantity import HALF_WIDTH
from minshi.tuples import NamedTuple

if TYPE_CHECKING:
    from minshi.catalog.cache import NoticeParts

Role = Literal["lead", "coop", "any"]
UNIT_SORTS = ("name", "lead", "coop", "total")


class TaskHead(NamedTuple):
    """What a selection asks of a task (`Catalog.select` but for `search`), kept apart from
    the task in the cache so that a task not chosen is never built."""

    id: int
    category: str
    voted: bool
    lead: list[str]
    cooperating: list[str]
    owners: list[str]  # the units owning a part (split targets)


def task_head(task: Task) -> TaskHead:
    owners = [m.owner for m in task.metrics if m.owner]
    return TaskHead(task.id, task.category, task.voted, task.lead, task.cooperating, owners)


def unit_spellings(notices: Iterable[Notice]) -> dict[str, str]:
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

    A catalog read from the cache builds each notice when it is first used (`build`), so that a
    command about one notice among hundreds (`progress update 16 --notice ID`) does not build
    them all.
    """

    __slots__ = ("_ids", "_index", "_built", "_build", "_parts", "_units", "warnings")

    def __init__(
        self,
        notices: list[Notice],
        warnings: list[str] | None = None,
        *,
        ids: list[str] | None = None,
        units: dict[str, str] | None = None,
        build: Callable[[int], Notice] | None = None,
        parts: Callable[[int], NoticeParts | None] | None = None,
    ) -> None:
        """The notices themselves, or (from the cache) their `ids`, unit spellings, a
        `build(index)` that makes one notice when it is first asked for, and `parts(index)`
        that reads one without building its tasks (None when it cannot: build it then)."""
        self._ids = [n.id for n in notices] if ids is None else ids
        self._index = {notice_id: i for i, notice_id in enumerate(self._ids)}
        self._built: list[Notice | None] = list(notices) if ids is None else [None] * len(ids)
        self._build, self._parts = build, parts
        self._units = unit_spellings(notices) if units is None else units
        # what was accepted but should be written differently: `file:line: where: what`
        self.warnings = [] if warnings is None else warnings

    @property
    def notices(self) -> list[Notice]:
        return [self._notice_at(i) for i in range(len(self._ids))]

    @property
    def unit_spellings(self) -> dict[str, str]:
        return self._units

    def _notice_at(self, index: int) -> Notice:
        notice = self._built[index]
        if notice is None:
            assert self._build is not None
            notice = self._built[index] = self._build(index)
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
        return self._notice_at(self._index_of(notice_id))

    def _index_of(self, notice_id: str) -> int:
        index = self._index.get(notice_id)
        if index is None:
            raise InputError(f"no notice '{notice_id}'" + _suggest(notice_id, self._ids))
        return index

    def find_task(self, ref: str | int, notice_id: str | None = None) -> tuple[Notice, Task]:
        """A task by number (`16`), or `ID/16` when several notices are loaded."""
        # １６ and ／ as a Chinese keyboard types them
        text = str(ref).strip().translate(HALF_WIDTH).replace("／", "/")
        if "/" in text:
            notice_id, _, text = text.rpartition("/")
            if not notice_id:
                raise InputError(
                    f"'{ref}': name the notice before the '/' (ID/16), or give the number alone"
                )
        if not (text.isascii() and text.isdigit()) or len(text) > 9:
            raise InputError(f"'{ref}' is not a task number (e.g. 16)")
        number = int(text)
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
        self, unit: str, role: Role = "any", notice: Notice | None = None
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
        voted: bool = False,
    ) -> list[tuple[NoticeHead, Task]]:
        """The tasks a command is asked about, in catalog order: of one notice, led by a unit
        (or owning a part of a split target), cooperated on, either, of a category, with a text
        in the name or target, voted by the people's congress (票决). Unknown notices, units and
        categories raise InputError. Each task comes with its notice, or with the notice's head
        only (`NoticeRef`) when it was read from the cache without the other tasks."""
        indices = [self._index_of(notice)] if notice is not None else range(len(self._ids))
        roles = [
            (role, self.resolve_unit(name))
            for role, name in (("lead", lead), ("coop", coop), ("any", unit))
            if name
        ]
        if category:
            check_category(category)

        def keep(task: Task | TaskHead) -> bool:
            return (
                (not category or task.category == category)
                and (not voted or task.voted)
                and all(takes_part(task, name, role) for role, name in roles)  # type: ignore[arg-type]
            )

        chosen: list[tuple[NoticeHead, Task]] = []
        for index in indices:
            parts = None
            if self._built[index] is None and self._parts is not None and not search:
                parts = self._parts(index)
            if parts is not None:
                tasks = [parts.task(i) for i, head in enumerate(parts.heads) if keep(head)]
                if all(tasks):
                    chosen += [(parts.ref, task) for task in tasks if task is not None]
                    continue
            n = self._notice_at(index)  # whole: it says what is wrong with the cache, and mends it
            chosen += [
                (n, task)
                for task in n.tasks
                if keep(task) and (not search or search in task.name or search in task.target_text)
            ]
        return chosen

    def unit_index(self, notice: str | None = None, sort: str = "total") -> list[dict[str, Any]]:
        """Every unit with the tasks it leads and cooperates on (the `units` contract)."""
        if sort not in UNIT_SORTS:
            raise InputError(f"unknown sort '{sort}' (use {', '.join(UNIT_SORTS)})")
        chosen = [self.notice(notice)] if notice else self.notices
        rows: dict[str, dict[str, Any]] = {}
        for n in chosen:
            for task in n.tasks:
                ref = task.id if self.single else f"{n.id}/{task.id}"
                owners = [m.owner for m in task.metrics if m.owner]  # a part's owner leads it
                leads = list(dict.fromkeys([*task.lead, *owners]))
                cooperating = [u for u in task.cooperating if u not in leads]
                for role, names in (("lead", leads), ("cooperating", cooperating)):
                    for name in names:
                        row = rows.setdefault(name, {"unit": name, "lead": [], "cooperating": []})
                        row[role].append(ref)
        for row in rows.values():
            row.update(lead_count=len(row["lead"]), cooperating_count=len(row["cooperating"]))
            row["total"] = row["lead_count"] + row["cooperating_count"]
        keys: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
            "name": lambda r: (r["unit"],),
            "lead": lambda r: (-r["lead_count"], -r["total"], r["unit"]),
            "coop": lambda r: (-r["cooperating_count"], -r["total"], r["unit"]),
            "total": lambda r: (-r["total"], -r["lead_count"], r["unit"]),
        }
        return sorted(rows.values(), key=keys[sort])


def takes_part(task: Task | TaskHead, unit: str, role: Role = "any") -> bool:
    """Whether `unit` leads `task` or owns a part of it (role "lead"), cooperates on it ("coop"),
    or either ("any"); a task or its head answer alike."""
    if role in ("lead", "any"):
        if unit in task.lead:
            return True
        if isinstance(task, TaskHead):
            if unit in task.owners:
                return True
        elif any(metric.owner == unit for metric in task.metrics):
            return True
    return role in ("coop", "any") and unit in task.cooperating


def answers_for(task: Task, unit: str, role: Role = "any") -> list[Metric]:
    """The metrics of `task` that `unit` answers for, in the task's order.

    As a lead unit (or the owner of a part): the parts it owns, and every metric nobody owns —
    except a sum of parts, which is computed from its parts and answered for by their owners.
    As a cooperating unit (and not a lead): the task as its leads answer for it, without the
    parts owned by others. With role "any", the lead answer when the unit leads or owns a part,
    else the cooperating one. Another unit's part is never the unit's to answer for.
    """
    sums = {m.parent for m in task.metrics if m.parent}
    if role in ("lead", "any") and takes_part(task, unit, "lead"):
        return [
            m
            for m in task.metrics
            if m.owner == unit or (m.owner is None and m.key not in sums and unit in task.lead)
        ]
    if role in ("coop", "any") and unit in task.cooperating:
        return [m for m in task.metrics if m.owner is None]
    return []


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
