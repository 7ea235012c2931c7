"""The office's checks of what units report: 审核 (verify), 退回 (return), 销号 (close).

A figure a unit reports is a claim until the office has checked it against the unit's 台账.
Verifying or returning records a review beside the entry; a returned entry counts for nothing,
like a retraction, and the unit sees why. A task is closed (销号) only when every metric of it is
done on verified figures; the documents shown (验收报告, photos) may be kept with the closure.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from minshi.catalog import Catalog, answers_for
from minshi.errors import FileAccessError, InputError
from minshi.files import NotRegularFile, TooLarge, read_regular
from minshi.followup import MetricView, task_as_of
from minshi.progress.record import login
from minshi.quantity import format_quantity
from minshi.store import EvidenceFile, ProgressEntry, Store
from minshi.store.entries import (
    Closure,
    Evidence,
    Review,
    awaiting_correction,
    decimal_text,
)
from minshi.store.office import MAX_EVIDENCE_BYTES
from minshi.tuples import NamedTuple


class Reviewed(NamedTuple):
    """What a verification or a return did (or, on a dry run, would do)."""

    entries: list[ProgressEntry]  # the entries reviewed
    reviews: list[Review]  # as recorded; [] on a dry run
    skipped: list[ProgressEntry]  # left out of a batch: reported by the reviewer


def verify(
    catalog: Catalog,
    store: Store,
    entry_ids: Sequence[int] = (),
    *,
    lead: str | None = None,
    until: date | None = None,
    notice: str | None = None,
    by: str | None = None,
    note: str = "",
    dry_run: bool = False,
) -> Reviewed:
    """Verify entries (审核通过): the ones named, or every report awaiting the office's check
    of a lead unit's metrics (`lead`) and/or dated up to `until`. Named entries are refused
    whole when one may not be verified; a batch leaves out what the reviewer reported."""
    who = by or login()
    if entry_ids and (lead or until):
        raise InputError("name entries, or choose them with --lead/--until, not both")
    if entry_ids:
        chosen = [_entry(store, i) for i in entry_ids]
        skipped: list[ProgressEntry] = []
    elif lead or until:
        pending = awaiting(catalog, store, lead=lead, until=until, notice=notice)
        chosen = [e for e in pending if e.by != who]
        skipped = [e for e in pending if e.by == who]
    else:
        raise InputError("name the entries to verify, or choose them with --lead UNIT or --until")
    if dry_run or not chosen:
        return Reviewed(chosen, [], skipped)
    reviews = store.review([e.id for e in chosen], "verified", by=who, reason=note)
    return Reviewed(chosen, reviews, skipped)


def send_back(
    store: Store, entry_ids: Sequence[int], *, reason: str, by: str | None = None
) -> Reviewed:
    """Return entries to their unit (退回) with the reason it is to correct."""
    if not entry_ids:
        raise InputError("name the entries to return")
    reviews = store.review(list(entry_ids), "returned", by=by or login(), reason=reason)
    return Reviewed([_entry(store, r.entry) for r in reviews], reviews, [])


def awaiting(
    catalog: Catalog,
    store: Store,
    *,
    lead: str | None = None,
    until: date | None = None,
    notice: str | None = None,
) -> list[ProgressEntry]:
    """Reports awaiting the office's check, oldest first: standing (not taken back, not
    returned), not yet verified; of the metrics `lead` answers for, dated up to `until`."""
    entries = [e for e in _chosen(catalog, store, lead, notice, until) if e.state == "reported"]
    return sorted(entries, key=lambda e: e.id)


def returned(
    catalog: Catalog, store: Store, *, lead: str | None = None, notice: str | None = None
) -> list[ProgressEntry]:
    """What units must correct: returned entries with no later report of the same metric."""
    return awaiting_correction(_chosen(catalog, store, lead, notice, None, retracted=True))


def _chosen(
    catalog: Catalog,
    store: Store,
    lead: str | None,
    notice: str | None,
    until: date | None,
    *,
    retracted: bool = False,
) -> list[ProgressEntry]:
    """Standing reports of the metrics `lead` answers for (all, without `lead`)."""
    pairs = catalog.select(notice=notice, lead=lead)
    unit = catalog.resolve_unit(lead) if lead else None
    wanted = {
        (n.id, t.id, m.key)
        for n, t in pairs
        for m in (answers_for(t, unit, "lead") if unit else t.metrics)
    }
    entries = store.log(
        notice=notice, tasks={t.id for _, t in pairs}, until=until, include_retracted=retracted
    )
    return [e for e in entries if e.key in wanted and not e.is_retraction]


def _entry(store: Store, entry_id: int) -> ProgressEntry:
    found = store.get(entry_id)
    if found is None:
        raise InputError(f"there is no entry {entry_id} in the store {store.location}")
    return found


# ---------------------------------------------------------------------------------------------
# 销号


class Unfinished(NamedTuple):
    metric: MetricView
    why: str


def close(
    catalog: Catalog,
    store: Store,
    ref: str,
    *,
    files: Sequence[Path] = (),
    note: str = "",
    day: date | None = None,
    by: str | None = None,
    notice: str | None = None,
) -> Closure:
    """Close a task (销号): refused, naming each metric that stops it, unless every metric is
    done on verified figures as of the day; the evidence files are kept with the closure."""
    when = day or date.today()
    view = task_as_of(catalog, store, ref, when, notice, "verified")
    stopping = [_why_not_done(mv) for mv in view.metrics]
    pairs = zip(view.metrics, stopping, strict=True)
    reasons = [f"{mv.metric.name}：{why}" for mv, why in pairs if why]
    if reasons:
        raise InputError(
            f"task {view.task.id} cannot be closed: {len(reasons)} metric"
            f"{'s are' if len(reasons) > 1 else ' is'} not done on verified figures",
            details=reasons,
        )
    evidence = [read_evidence(path) for path in files]
    return store.close_task(
        view.notice.id, view.task.id, day=when, by=by or login(), note=note, files=evidence
    )


def reopen(
    catalog: Catalog,
    store: Store,
    ref: str,
    *,
    reason: str,
    day: date | None = None,
    by: str | None = None,
    notice: str | None = None,
) -> Closure:
    """Take a closure back (the task counts by its figures again), saying why."""
    found_notice, task = catalog.find_task(ref, notice)
    when = day or date.today()
    return store.reopen_task(found_notice.id, task.id, day=when, by=by or login(), reason=reason)


def _why_not_done(mv: MetricView) -> str:
    """Why a metric keeps its task from being closed, judged on verified figures; ''."""
    if mv.state.status == "done":
        return ""
    reported, verified = _figure(mv, mv.reported), _figure(mv, mv.verified)
    if mv.reported is not None and mv.verified is None:
        return f"{reported} reported, not yet verified (minshi progress verify)"
    if mv.reported is not None and mv.reported != mv.verified:
        return f"{verified} verified is not done; {reported} reported awaits verification"
    return f"not done on verified figures ({mv.state.status})"


def _figure(mv: MetricView, value: Decimal | None) -> str:
    """A figure as the clerk wrote it: 'done' or '60% done' for a milestone, '40个' else."""
    if value is None:
        return "nothing"
    if mv.metric.kind == "milestone":
        return "done" if value >= 100 else f"{_number(value)}% done"
    if mv.metric.kind == "percent":
        return f"{_number(value)}%"
    return format_quantity(value, mv.metric.unit)


def _number(value: Decimal) -> str:
    return decimal_text(value.normalize()) or "0"


def read_evidence(path: Path) -> EvidenceFile:
    """An evidence file as it will be kept: a regular file within the size cap."""
    try:
        content = read_regular(path, MAX_EVIDENCE_BYTES)
    except (NotRegularFile, IsADirectoryError):
        raise InputError(f"{path}: not a regular file; attach a saved document") from None
    except TooLarge as e:
        size = f"{e.size / 1024 / 1024:.1f} MB" if e.size else "it"
        raise InputError(
            f"{path}: {size} is more than the "
            f"{MAX_EVIDENCE_BYTES // 1024 // 1024} MB an evidence file may hold; keep the "
            "original elsewhere and attach a smaller copy (a PDF of the signed page)"
        ) from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as e:
        raise FileAccessError(f"{path}: cannot read: {e.strerror or e}") from e
    return EvidenceFile(path.name, content)


def evidence(store: Store, evidence_id: int) -> tuple[Evidence, bytes]:
    """A document kept with a closure, checked against its SHA-256."""
    return store.evidence_file(evidence_id)
