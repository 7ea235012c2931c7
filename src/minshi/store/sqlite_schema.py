"""The SQLite store's schema, as ordered migrations (`sqlite.py` applies them).

The database itself forbids changing or deleting what was written (triggers), so the journal and
the office's records stay append-only whatever program opens the file.
"""


def _number_check(column: str) -> str:
    """A number as every store keeps it (`decimal_text`): digits, at most one point between
    digits. (Stores created before this check was tightened hold digits and points only; a
    reader refuses what does not parse, and `check` names it.)"""
    return (
        f"CHECK ({column} GLOB '[0-9]*' AND {column} NOT GLOB '*[^0-9.]*'"
        f" AND {column} NOT GLOB '*.*.*' AND {column} NOT GLOB '*.')"
    )


# Ordered migrations: MIGRATIONS[n] takes a store from schema version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"""
        CREATE TABLE entry (
            id          INTEGER PRIMARY KEY,
            notice      TEXT    NOT NULL CHECK (length(notice) > 0),
            task        INTEGER NOT NULL CHECK (typeof(task) = 'integer' AND task >= 1),
            metric      TEXT    NOT NULL CHECK (length(metric) > 0),
            date        TEXT    NOT NULL CHECK (date IS strftime('%Y-%m-%d', date)),
            recorded_at TEXT    NOT NULL,
            value       TEXT    {_number_check("value")},
            done        INTEGER CHECK (done IN (0, 1)),
            stage       TEXT,
            percent     TEXT    {_number_check("percent")},
            invested    TEXT    {_number_check("invested")},
            note        TEXT    NOT NULL DEFAULT '',
            recorded_by TEXT    NOT NULL DEFAULT '',
            retracts    INTEGER UNIQUE REFERENCES entry (id),
            CHECK (retracts IS NULL OR retracts < id)
        )
        """,
        # latest(as_of) walks this index backwards from as_of, one step per metric
        """
        CREATE INDEX entry_by_series ON entry (notice, task, metric, date)
        WHERE retracts IS NULL
        """,
        # every (notice, task, metric) ever reported, kept by the database itself
        """
        CREATE TABLE series (
            notice TEXT    NOT NULL,
            task   INTEGER NOT NULL,
            metric TEXT    NOT NULL,
            PRIMARY KEY (notice, task, metric)
        ) WITHOUT ROWID
        """,
        """
        CREATE TRIGGER entry_series AFTER INSERT ON entry WHEN NEW.retracts IS NULL
        BEGIN
            INSERT OR IGNORE INTO series (notice, task, metric)
            VALUES (NEW.notice, NEW.task, NEW.metric);
        END
        """,
        """
        CREATE TRIGGER entry_retraction BEFORE INSERT ON entry WHEN NEW.retracts IS NOT NULL
        BEGIN
            SELECT RAISE(ABORT, 'a retraction must name an entry of the same metric')
            WHERE NOT EXISTS (
                SELECT 1 FROM entry t
                WHERE t.id = NEW.retracts AND t.retracts IS NULL AND t.notice = NEW.notice
                  AND t.task = NEW.task AND t.metric = NEW.metric
            );
        END
        """,
        """
        CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry
        BEGIN
            SELECT RAISE(ABORT, 'the progress journal is append-only: entries are never changed');
        END
        """,
        """
        CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry
        BEGIN
            SELECT RAISE(ABORT, 'the progress journal is append-only: entries are never deleted');
        END
        """,
    ),
    # the role beside each entry, and the office's checks: reviews, closures, evidence
    (
        "ALTER TABLE entry ADD COLUMN written_as TEXT NOT NULL DEFAULT ''",
        """
        CREATE TABLE review (
            id          INTEGER PRIMARY KEY,
            entry       INTEGER NOT NULL REFERENCES entry (id),
            decision    TEXT    NOT NULL CHECK (decision IN ('verified', 'returned')),
            reason      TEXT    NOT NULL DEFAULT '',
            recorded_at TEXT    NOT NULL,
            recorded_by TEXT    NOT NULL DEFAULT '',
            written_as  TEXT    NOT NULL DEFAULT ''
        )
        """,
        "CREATE INDEX review_by_entry ON review (entry, decision)",
        """
        CREATE TRIGGER review_of_a_report BEFORE INSERT ON review
        BEGIN
            SELECT RAISE(ABORT, 'a review must name a report that stands and was not returned')
            WHERE NOT EXISTS (SELECT 1 FROM entry t WHERE t.id = NEW.entry AND t.retracts IS NULL)
               OR EXISTS (SELECT 1 FROM review v
                          WHERE v.entry = NEW.entry AND v.decision = 'returned');
        END
        """,
        """
        CREATE TABLE closure (
            id          INTEGER PRIMARY KEY,
            notice      TEXT    NOT NULL CHECK (length(notice) > 0),
            task        INTEGER NOT NULL CHECK (typeof(task) = 'integer' AND task >= 1),
            action      TEXT    NOT NULL CHECK (action IN ('close', 'reopen')),
            date        TEXT    NOT NULL CHECK (date IS strftime('%Y-%m-%d', date)),
            note        TEXT    NOT NULL DEFAULT '',
            recorded_at TEXT    NOT NULL,
            recorded_by TEXT    NOT NULL DEFAULT '',
            written_as  TEXT    NOT NULL DEFAULT ''
        )
        """,
        """
        CREATE TABLE evidence (
            id      INTEGER PRIMARY KEY,
            closure INTEGER NOT NULL REFERENCES closure (id),
            name    TEXT    NOT NULL,
            sha256  TEXT    NOT NULL CHECK (length(sha256) = 64),
            bytes   INTEGER NOT NULL CHECK (bytes >= 0),
            content BLOB    NOT NULL CHECK (length(content) = bytes)
        )
        """,
        """
        CREATE TRIGGER review_no_update BEFORE UPDATE ON review
        BEGIN
            SELECT RAISE(ABORT, 'the office''s reviews are append-only: never changed');
        END
        """,
        """
        CREATE TRIGGER review_no_delete BEFORE DELETE ON review
        BEGIN
            SELECT RAISE(ABORT, 'the office''s reviews are append-only: never deleted');
        END
        """,
        """
        CREATE TRIGGER closure_no_update BEFORE UPDATE ON closure
        BEGIN
            SELECT RAISE(ABORT, 'closures are append-only: never changed');
        END
        """,
        """
        CREATE TRIGGER closure_no_delete BEFORE DELETE ON closure
        BEGIN
            SELECT RAISE(ABORT, 'closures are append-only: never deleted');
        END
        """,
        """
        CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
        BEGIN
            SELECT RAISE(ABORT, 'evidence files are append-only: never changed');
        END
        """,
        """
        CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
        BEGIN
            SELECT RAISE(ABORT, 'evidence files are append-only: never deleted');
        END
        """,
    ),
    # the year's end: funds allocated (到位) and paid (支付) beside the investment completed, and
    # the 满意度测评 of a task
    (
        f"ALTER TABLE entry ADD COLUMN allocated TEXT {_number_check('allocated')}",
        f"ALTER TABLE entry ADD COLUMN paid TEXT {_number_check('paid')}",
        # the few entries that report money, found without reading the others
        """
        CREATE INDEX entry_with_funds ON entry (notice, task, date)
        WHERE allocated IS NOT NULL OR paid IS NOT NULL
        """,
        f"""
        CREATE TABLE rating (
            id          INTEGER PRIMARY KEY,
            notice      TEXT    NOT NULL CHECK (length(notice) > 0),
            task        INTEGER NOT NULL CHECK (typeof(task) = 'integer' AND task >= 1),
            date        TEXT    NOT NULL CHECK (date IS strftime('%Y-%m-%d', date)),
            satisfied   TEXT    NOT NULL {_number_check("satisfied")},
            basic       TEXT    NOT NULL {_number_check("basic")},
            unsatisfied TEXT    NOT NULL {_number_check("unsatisfied")},
            percent     INTEGER NOT NULL CHECK (percent IN (0, 1)),
            note        TEXT    NOT NULL DEFAULT '',
            recorded_at TEXT    NOT NULL,
            recorded_by TEXT    NOT NULL DEFAULT '',
            written_as  TEXT    NOT NULL DEFAULT ''
        )
        """,
        """
        CREATE TRIGGER rating_no_update BEFORE UPDATE ON rating
        BEGIN
            SELECT RAISE(ABORT, 'ratings are append-only: never changed');
        END
        """,
        """
        CREATE TRIGGER rating_no_delete BEFORE DELETE ON rating
        BEGIN
            SELECT RAISE(ABORT, 'ratings are append-only: never deleted');
        END
        """,
    ),
    # the few entries that report an investment: the newest of a metric is found without
    # walking every report of a metric that never had one
    (
        """
        CREATE INDEX entry_with_invested ON entry (notice, task, metric, date)
        WHERE retracts IS NULL AND invested IS NOT NULL
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
SCHEMA_OBJECTS = {
    "entry",
    "series",
    "entry_by_series",
    "entry_series",
    "entry_retraction",
    "entry_no_update",
    "entry_no_delete",
    "review",
    "review_by_entry",
    "review_of_a_report",
    "review_no_update",
    "review_no_delete",
    "closure",
    "closure_no_update",
    "closure_no_delete",
    "evidence",
    "evidence_no_update",
    "evidence_no_delete",
    "entry_with_funds",
    "entry_with_invested",
    "rating",
    "rating_no_update",
    "rating_no_delete",
}
