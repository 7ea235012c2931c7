"""The office's checks, kept beside the journal: reviews of entries (审核通过, 退回), closures of
tasks (销号, and taking them back), and the documents kept with a closure (佐证材料).

Each is a record of its own, written once and never changed: a review points at an entry, an
evidence file at a closure. Nothing here edits an entry; what an entry's review means for the
figures is decided where the journal is read (`journal._BASIS`).
"""

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from minshi.errors import InputError, StoreError
from minshi.store.entries import (
    Closure,
    Decision,
    Evidence,
    ProgressEntry,
    Review,
    check_name,
    decimal_text,
    journal_checksum,
)
from minshi.store.funds import FundsJournal
from minshi.store.journal import _SELECT, Cursor, _chosen, _integers
from minshi.store.ratings import _RATING_INSERT, _RATING_SELECT, Rating, Ratings
from minshi.tuples import NamedTuple

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024  # a scanned 验收报告 or a few photos
MAX_TEXT = 2000  # characters of a reason or a note

_REVIEW_INSERT = (
    "INSERT INTO {review} (id, entry, decision, reason, recorded_at, recorded_by, written_as)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_REVIEW_SELECT = (
    "SELECT id, entry, decision, reason, recorded_at, recorded_by, written_as FROM {review}"
)
_CLOSURE_INSERT = (
    "INSERT INTO {closure} (id, notice, task, action, date, note, recorded_at, recorded_by,"
    " written_as) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_CLOSURE_SELECT = (
    "SELECT id, notice, task, action, date, note, recorded_at, recorded_by, written_as"
    " FROM {closure}"
)
_EVIDENCE_INSERT = (
    "INSERT INTO {evidence} (id, closure, name, sha256, bytes, content) VALUES (?, ?, ?, ?, ?, ?)"
)
_EVIDENCE_SELECT = "SELECT id, closure, name, sha256, bytes FROM {evidence}"


class EvidenceFile(NamedTuple):
    """A document to keep with a closure: its name and content."""

    name: str
    content: bytes


class OfficeRecords(NamedTuple):
    """Everything the office recorded in a store, to copy it whole."""

    reviews: list[Review]
    closures: list[Closure]  # every close and reopen, oldest first
    files: list[tuple[Evidence, bytes]]
    ratings: list[Rating] = []


class Store(Ratings, FundsJournal):
    """The progress journal with the office's checks of it: what `open_store` gives."""

    # -- what a server adds ------------------------------------------------------------------

    def _refuse_unreviewable(self, cur: Cursor, entries: Sequence[ProgressEntry]) -> None:  # noqa: B027
        """InputError where this connection may not review (a server with roles)."""

    def _blob(self, content: bytes) -> Any:
        """Bytes as this backend's parameter."""
        return content

    def grant_verifier(self, role: str) -> None:
        """Give a database role the office's right to verify, return, close and reopen."""
        raise InputError(
            "db grant --verifier needs a PostgreSQL store (--db postgresql://…); a SQLite file "
            "has no roles: whoever can write the file is the office"
        )

    # -- reviews -----------------------------------------------------------------------------

    def review(
        self, entry_ids: Sequence[int], decision: Decision, *, by: str, reason: str = ""
    ) -> list[Review]:
        """Verify or return entries, all in one transaction or none. Refused (InputError,
        nothing written): an unknown entry, a retraction, a retracted or returned entry, an
        entry already verified (to verify), an entry `by` wrote itself, a return without a
        reason."""
        _text(by, "by")
        check_name(by)
        _text(reason, "reason")
        if decision not in ("verified", "returned"):
            raise InputError(f"unknown decision '{decision}'")
        if decision == "returned" and not reason.strip():
            raise InputError("say why it is returned: --reason TEXT (the unit sees it)")
        ids = list(dict.fromkeys(entry_ids))
        if not ids:
            raise InputError("no entry to review")
        if not self._exists():
            raise InputError(f"there is no entry {ids[0]} in the store {self.location}")
        with self._write() as cur:
            found = self._entries_by_id(cur, ids)
            problems = [_refusal(i, found.get(i), decision, by) for i in ids]
            problems = [p for p in problems if p]
            if problems:
                head = problems[0] if len(problems) == 1 else f"{len(problems)} entries refused"
                raise InputError(head, details=problems if len(problems) > 1 else [])
            self._refuse_unreviewable(cur, [found[i] for i in ids])
            first, now = self._next_id_of(cur, "review"), self._clock(cur)
            rows = [(first + n, i, decision, reason, now, by, "") for n, i in enumerate(ids)]
            cur.executemany(self._sql(_REVIEW_INSERT), [self._stamped(r, 4) for r in rows])
            cur.execute(self._sql(_REVIEW_SELECT + " WHERE id >= ? ORDER BY id"), [first])
            return [self._review(row) for row in cur.fetchall()]

    def reviews(self) -> list[Review]:
        """Every review, oldest first."""
        if not self._exists():
            return []
        with self._read() as cur:
            cur.execute(self._sql(_REVIEW_SELECT + " ORDER BY id"))
            return [self._review(row) for row in cur.fetchall()]

    # -- closures ----------------------------------------------------------------------------

    def close_task(
        self,
        notice: str,
        task: int,
        *,
        day: date,
        by: str,
        note: str = "",
        files: Sequence[EvidenceFile] = (),
    ) -> Closure:
        """Record that the office closed a task (销号), with its documents; refused when it is
        closed already. (Whether it may be closed is the core's judgement.)"""
        return self._closure(notice, task, "close", day=day, by=by, note=note, files=files)

    def reopen_task(self, notice: str, task: int, *, day: date, by: str, reason: str) -> Closure:
        """Take a closure back; refused when the task is not closed."""
        if not reason.strip():
            raise InputError("say why it is reopened: --reason TEXT")
        return self._closure(notice, task, "reopen", day=day, by=by, note=reason, files=())

    def closures(
        self, *, notice: str | None = None, tasks: Collection[int] | None = None
    ) -> dict[tuple[str, int], Closure]:
        """The tasks closed now, each with its closure and the documents kept with it."""
        if (tasks is not None and not tasks) or not self._exists():
            return {}
        where, params = _chosen(notice, tasks)
        sql = _CLOSURE_SELECT + (" WHERE " + " AND ".join(where) if where else "")
        with self._snapshot() as cur:
            cur.execute(self._sql(sql + " ORDER BY id"), params)
            latest = {(c.notice, c.task): c for c in map(self._closure_of, cur.fetchall())}
            closed = {key: c for key, c in latest.items() if c.action == "close"}
            files = self._evidence_of(cur, [c.id for c in closed.values()])
        return {key: c._replace(evidence=files.get(c.id, [])) for key, c in closed.items()}

    def evidence_file(self, evidence_id: int) -> tuple[Evidence, bytes]:
        """A document kept with a closure, and its content (checked against its SHA-256)."""
        if not isinstance(evidence_id, int) or not 0 < evidence_id < 2**63 or not self._exists():
            raise InputError(f"there is no evidence {evidence_id} in the store {self.location}")
        with self._read() as cur:
            cur.execute(
                self._sql(_EVIDENCE_SELECT.replace(" FROM", ", content FROM") + " WHERE id = ?"),
                [evidence_id],
            )
            row = cur.fetchone()
        if row is None:
            raise InputError(f"there is no evidence {evidence_id} in the store {self.location}")
        evidence, content = Evidence(*row[:5]), bytes(row[5])
        import hashlib  # OpenSSL: checksums of documents only

        if hashlib.sha256(content).hexdigest() != evidence.sha256:
            raise StoreError(
                f"evidence {evidence_id} in {self.location} is damaged (its SHA-256 differs):"
                " restore the store from a backup"
            )
        return evidence, content

    # -- copying -----------------------------------------------------------------------------

    def office_records(self) -> OfficeRecords:
        """Everything the office recorded, to copy it whole (`copy_journal`)."""
        if not self._exists():
            return OfficeRecords([], [], [])
        with self._snapshot() as cur:
            cur.execute(self._sql(_REVIEW_SELECT + " ORDER BY id"))
            reviews = [self._review(row) for row in cur.fetchall()]
            cur.execute(self._sql(_CLOSURE_SELECT + " ORDER BY id"))
            closures = [self._closure_of(row) for row in cur.fetchall()]
            cur.execute(
                self._sql(_EVIDENCE_SELECT.replace(" FROM", ", content FROM") + " ORDER BY id")
            )
            files = [(Evidence(*row[:5]), bytes(row[5])) for row in cur.fetchall()]
            cur.execute(self._sql(_RATING_SELECT + " ORDER BY id"))
            ratings = [self._rating_of(row) for row in cur.fetchall()]
        return OfficeRecords(reviews, closures, files, ratings)

    def fill(self, entries: Sequence[ProgressEntry], office: OfficeRecords | None = None) -> None:
        """Write a whole journal and the office's records of it, ids and times kept, into this
        empty store, in one transaction verified by its checksums before it is committed."""
        office = office or OfficeRecords([], [], [])
        with self._write() as cur:
            self._fill_entries(cur, entries)
            cur.executemany(
                self._sql(_REVIEW_INSERT),
                [
                    (
                        r.id,
                        r.entry,
                        r.decision,
                        r.reason,
                        self._moment(r.recorded_at),
                        r.by,
                        r.written_as,
                    )
                    for r in office.reviews
                ],  # fmt: skip
            )
            cur.executemany(
                self._sql(_CLOSURE_INSERT),
                [
                    (
                        c.id,
                        c.notice,
                        c.task,
                        c.action,
                        self._day(c.date),
                        c.note,
                        self._moment(c.recorded_at),
                        c.by,
                        c.written_as,
                    )
                    for c in office.closures
                ],  # fmt: skip
            )
            cur.executemany(
                self._sql(_EVIDENCE_INSERT),
                [(*e, self._blob(content)) for e, content in office.files],
            )
            cur.executemany(
                self._sql(_RATING_INSERT), [self._rating_row(r) for r in office.ratings]
            )
        copied = self.office_records()
        if office_checksum(copied) != office_checksum(office):
            raise StoreError(f"the office's records copied to {self.location} do not match")

    # -- inside ------------------------------------------------------------------------------

    def _closure(
        self,
        notice: str,
        task: int,
        action: str,
        *,
        day: date,
        by: str,
        note: str,
        files: Sequence[EvidenceFile],
    ) -> Closure:
        import hashlib  # OpenSSL: checksums of documents only

        _text(by, "by")
        check_name(by)
        _text(note, "note")
        for file in files:
            if len(file.content) > MAX_EVIDENCE_BYTES:
                mib = MAX_EVIDENCE_BYTES // 1024 // 1024
                raise InputError(
                    f"{file.name}: {len(file.content) / 1024 / 1024:.1f} MB is more than the "
                    f"{mib} MB an evidence file may hold; keep the original elsewhere and attach "
                    "a smaller copy (a PDF of the signed page, a reduced photo)"
                )
        with self._write() as cur:
            self._refuse_unwritable_closure(cur)
            cur.execute(
                self._sql(_CLOSURE_SELECT + " WHERE notice = ? AND task = ? ORDER BY id DESC"),
                [notice, task],
            )
            last = cur.fetchone()
            closed = last is not None and last[3] == "close"
            if action == "close" and closed:
                raise InputError(f"task {task} of {notice} is closed already (since {last[4]})")
            if action == "reopen" and not closed:
                raise InputError(f"task {task} of {notice} is not closed: nothing to reopen")
            closure_id, now = self._next_id_of(cur, "closure"), self._clock(cur)
            row = (closure_id, notice, task, action, self._day(day), note, now, by, "")
            cur.execute(self._sql(_CLOSURE_INSERT), self._stamped(row, 6))
            first = self._next_id_of(cur, "evidence")
            cur.executemany(
                self._sql(_EVIDENCE_INSERT),
                [
                    (
                        first + n,
                        closure_id,
                        f.name,
                        hashlib.sha256(f.content).hexdigest(),
                        len(f.content),
                        self._blob(f.content),
                    )
                    for n, f in enumerate(files)
                ],  # fmt: skip
            )
            cur.execute(self._sql(_CLOSURE_SELECT + " WHERE id = ?"), [closure_id])
            closure = self._closure_of(cur.fetchone())
            evidence = self._evidence_of(cur, [closure_id]).get(closure_id, [])
        return closure._replace(evidence=evidence)

    def _refuse_unwritable_closure(self, cur: Cursor) -> None:  # noqa: B027
        """InputError where this connection may not close or reopen (a server with roles)."""

    def _stamped(self, row: tuple[Any, ...], moment: int) -> tuple[Any, ...]:
        """A row with its recording time (at `moment`) as this backend keeps times."""
        return (*row[:moment], self._moment(row[moment]), *row[moment + 1 :])

    def _entries_by_id(self, cur: Cursor, ids: Sequence[int]) -> dict[int, ProgressEntry]:
        bad = [i for i in ids if isinstance(i, bool) or not isinstance(i, int) or not 0 < i < 2**63]
        if bad:
            raise InputError(f"an entry id is a positive whole number, not {bad[0]!r}")
        cur.execute(self._sql(_SELECT + f" WHERE e.id IN ({_integers(ids)})"))
        return {e.id: e for e in map(self._entry, cur.fetchall())}

    def _next_id_of(self, cur: Cursor, table: str) -> int:
        cur.execute(self._sql(f"SELECT coalesce(max(id), 0) + 1 FROM {{{table}}}"))
        return int(cur.fetchone()[0])

    def _review(self, row: Sequence[Any]) -> Review:
        id_, entry, decision, reason, at, by, role = row
        return Review(int(id_), int(entry), decision, reason, self.reader.moment(at), by, role)

    def _closure_of(self, row: Sequence[Any]) -> Closure:
        id_, notice, task, action, day, note, at, by, role = row
        moment = self.reader.moment(at)
        return Closure(int(id_), notice, int(task), action, self.reader.day(day), note, moment, by,
                       role)  # fmt: skip

    def _evidence_of(self, cur: Cursor, closures: Sequence[int]) -> dict[int, list[Evidence]]:
        if not closures:
            return {}
        cur.execute(self._sql(_EVIDENCE_SELECT + f" WHERE closure IN ({_integers(closures)})"))
        found: dict[int, list[Evidence]] = {}
        for row in cur.fetchall():
            found.setdefault(int(row[1]), []).append(Evidence(*row))
        return {k: sorted(v, key=lambda e: e.id) for k, v in found.items()}


def _refusal(entry_id: int, entry: ProgressEntry | None, decision: str, by: str) -> str:
    """Why `entry` may not get `decision` from `by`, or ""."""
    what = "verified" if decision == "verified" else "returned"
    if entry is None:
        return f"there is no entry {entry_id}"
    if entry.retracts is not None:
        return f"entry {entry_id} is the retraction of entry {entry.retracts}, not a report"
    if entry.retracted_by is not None:
        return f"entry {entry_id} was taken back (by entry {entry.retracted_by}); nothing to check"
    if entry.state == "returned":
        return f"entry {entry_id} was returned ({entry.reason}); the unit reports it again"
    if entry.state == "verified" and decision == "verified":
        return f"entry {entry_id} is verified already (by {entry.reviewed_by})"
    if by and entry.by == by:
        return f"entry {entry_id} was reported by {by}: it may not be {what} by the same person"
    return ""


def _text(text: str, what: str) -> None:
    if not isinstance(text, str) or "\x00" in text:
        raise InputError(f"the {what} must be text without NUL characters")
    if len(text) > MAX_TEXT:
        raise InputError(f"the {what} is longer than {MAX_TEXT} characters")


def office_checksum(records: OfficeRecords) -> str:
    """SHA-256 over the office's records, the same whatever the backend."""
    import hashlib  # OpenSSL: for a checksum only

    digest = hashlib.sha256()
    for r in records.reviews:
        fields: tuple[Any, ...] = (*r[:4], r.recorded_at.isoformat(timespec="microseconds"), r.by)
        digest.update(repr(fields).encode() + b"\n")
    for c in records.closures:
        fields = (*c[:4], c.date.isoformat(), c.note, c.recorded_at.isoformat(), c.by)
        digest.update(repr(fields).encode() + b"\n")
    for e, content in records.files:
        digest.update(repr(tuple(e)).encode() + hashlib.sha256(content).digest())
    for rating in records.ratings:
        votes = (decimal_text(rating.satisfied), decimal_text(rating.basic),
                 decimal_text(rating.unsatisfied))  # fmt: skip
        fields = (*rating[:3], rating.date.isoformat(), *votes, rating.percent, rating.note,
                  rating.recorded_at.isoformat(), rating.by)  # fmt: skip
        digest.update(repr(fields).encode() + b"\n")
    return digest.hexdigest()


class CopyResult(NamedTuple):
    entries: int
    checksum: str  # journal_checksum of what both stores now hold


def copy_journal(src: Store, dst: Store) -> CopyResult:
    """Copy the whole journal of `src`, with the office's records of it, into the empty store
    `dst` in one transaction, verified by count and checksums inside the transaction and after
    it. Ids, recording times, roles, retractions, reviews and closures are kept."""
    entries = sorted(src.log(), key=lambda e: e.id)  # one consistent snapshot of src
    office = src.office_records()
    expected = journal_checksum(entries)
    dst.fill(entries, office)
    copied = dst.log()
    if len(copied) != len(entries) or journal_checksum(copied) != expected:
        raise StoreError(
            f"the copy in {dst.location} does not match {src.location}: "
            f"{len(copied)} entries copied of {len(entries)}"
        )
    return CopyResult(len(entries), expected)
