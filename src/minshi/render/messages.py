"""What a command says when it has done its work: the one-line confirmations of writes."""

from __future__ import annotations

from minshi.progress.rating import RatedTask
from minshi.progress.record import Imported, Recorded, Undone
from minshi.progress.review import Reviewed
from minshi.rating import GRADE_LABELS
from minshi.render.labels import STATUS_LABELS, rating_text, reading_text
from minshi.render.text import percent
from minshi.report import Report
from minshi.store.entries import Closure


def recorded(done: Recorded) -> str:
    """'task 16 老旧小区（新开工改造老旧小区）: — → 40 个 as of 2024-06-30 (entry 1)' and the
    status line under it."""
    entry, m, s = done.entry, done.metric, done.view.state
    was, now = reading_text(done.before, m.unit), reading_text(entry, m.unit)
    share = f", {percent(s.progress)} of target" if s.progress is not None else ""
    return (
        f"task {entry.task} {m.key}（{m.name}）: {was} → {now} as of {entry.date} "
        f"(entry {entry.id})\n"
        f"status as of {entry.date}: {STATUS_LABELS[s.status]} ({s.status}{share}, "
        f"序时进度 {percent(s.expected)})\n"
    )


def undone(done: Undone) -> str:
    """What was taken back (or would be, on a dry run) and what stands after it."""
    t, unit = done.target, done.unit
    what = f"entry {t.id}: task {t.task} {t.metric} {reading_text(t, unit)} as of {t.date}"
    after = reading_text(done.after, unit)
    if done.retraction is None:
        return f"would take back {what}; {t.metric} as of {t.date} would then be {after}\n"
    return f"took back {what} (entry {done.retraction.id}); {t.metric} as of {t.date} is {after}\n"


def imported(done: Imported) -> str:
    if not done.entries:
        rows = f"{done.rows} row{'s are' if done.rows > 1 else ' is'} fine"
        return f"{done.source}: {rows}; nothing written (--dry-run)\n"
    first, last = done.entries[0].id, done.entries[-1].id
    return f"imported {done.rows} rows from {done.source} (entries {first}–{last})\n"


def sheet_written(path: str, rows: int, tasks: int, unit: str, as_of: str) -> str:
    metrics = f"{rows} metric{'' if rows == 1 else 's'}"
    return (
        f"wrote {path}: {metrics} of {tasks} task{'' if tasks == 1 else 's'} for {unit}, "
        f"values as of {as_of}\n"
    )


def reviewed(done: Reviewed, decision: str) -> str:
    """'verified 3 entries: 12, 13, 14' (or, on a dry run, what would be), with what a batch
    left out."""
    ids = "、".join(str(e.id) for e in done.entries) or "none"
    count = f"{len(done.entries)} entr{'y' if len(done.entries) == 1 else 'ies'}"
    if decision == "returned":
        reason = done.reviews[0].reason if done.reviews else ""
        text = f"returned {count} to the unit ({ids}): {reason}\n"
    elif done.reviews or not done.entries:
        text = f"verified {count} ({ids})\n"
    else:
        text = f"would verify {count} ({ids}); nothing written (--dry-run)\n"
    if done.skipped:
        own = "、".join(str(e.id) for e in done.skipped)
        text += f"left for another verifier: {own} (reported by the one verifying)\n"
    return text


def closed(closure: Closure) -> str:
    """'task 20 of wanzhou-2024 closed (已销号) as of 2024-12-20, with 1 document kept'."""
    where = f"task {closure.task} of {closure.notice}"
    if closure.action == "reopen":
        return f"{where} reopened as of {closure.date}: {closure.note}\n"
    kept = "".join(
        f"\n  evidence {e.id}: {e.name} ({e.bytes} bytes, sha256 {e.sha256[:12]}…)"
        for e in closure.evidence
    )
    return f"{where} closed (已销号) as of {closure.date}{kept}\n"


def rated(done: RatedTask) -> str:
    """'task 18 rated as of 2024-12-20: 满意 42 · 基本满意 6 · 不满意 2 → 满意 (满意 84%)'."""
    r = done.rating
    return (
        f"task {done.task.id} {done.task.name} rated as of {r.date} (rating {r.id}): "
        f"{rating_text(r)} → {GRADE_LABELS[done.grade]}\n"
    )


def carried_over(path: object, report: Report) -> str:
    """'wrote 2025.yaml: 19 tasks, 48 metrics carry over from wanzhou-2024 (as of 2024-12-31);
    check it, then minshi validate 2025.yaml'."""
    year = report.year_end
    items = year.carry_over if year else []
    tasks = len({c.row.task.id for c in items})
    return (
        f"wrote {path}: {tasks} task{'' if tasks == 1 else 's'}, {len(items)} "
        f"metric{'' if len(items) == 1 else 's'} carry over from {report.notice.id} "
        f"(as of {report.as_of}); settle the draft, then: minshi validate {path}"
    )
