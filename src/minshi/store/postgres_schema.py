"""The PostgreSQL store's schema, as ordered migrations (`postgres.py` applies them).

Row-level security lets a unit's role add entries only for the tasks a unit it speaks for leads
(`may_write`), and only the office's roles review, close and reopen (`is_verifier`), never an
entry of their own. The server numbers, times and signs every record itself (`stamp`): what a
client sends for id, recorded_at and written_as is not kept.
"""

WRITE_LOCK = 0x6D6E7368  # advisory lock key serialising minshi writers ("mnsh")

# Ordered migrations: MIGRATIONS[n] takes a store from schema version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE SCHEMA IF NOT EXISTS minshi",
        "CREATE TABLE minshi.meta (schema_version integer NOT NULL)",
        "INSERT INTO minshi.meta VALUES (0)",
        """
        CREATE TABLE minshi.entry (
            id          bigint  PRIMARY KEY CHECK (id >= 1),
            notice      text    NOT NULL CHECK (notice <> ''),
            task        integer NOT NULL CHECK (task >= 1),
            metric      text    NOT NULL CHECK (metric <> ''),
            date        date    NOT NULL,
            recorded_at timestamptz NOT NULL,
            value       numeric CHECK (value >= 0 AND value < 1e30),  -- no NaN, no Infinity
            done        boolean,
            stage       text,
            percent     numeric CHECK (percent BETWEEN 0 AND 100),
            invested    numeric CHECK (invested >= 0 AND invested < 1e30),
            note        text    NOT NULL DEFAULT '',
            recorded_by text    NOT NULL DEFAULT '',
            written_as  name    NOT NULL DEFAULT current_user,  -- the database role
            retracts    bigint  UNIQUE REFERENCES minshi.entry (id),
            CHECK (retracts IS NULL OR retracts < id)
        )
        """,
        """
        CREATE INDEX entry_by_series ON minshi.entry (notice, task, metric, date, id)
        WHERE retracts IS NULL
        """,
        """
        CREATE TABLE minshi.series (
            notice text NOT NULL, task integer NOT NULL, metric text NOT NULL,
            PRIMARY KEY (notice, task, metric)
        )
        """,
        # which units lead which task (from the notices), and which role speaks for a unit
        """
        CREATE TABLE minshi.task_lead (
            notice text NOT NULL, task integer NOT NULL, unit text NOT NULL,
            PRIMARY KEY (notice, task, unit)
        )
        """,
        """
        CREATE TABLE minshi.unit_role (
            unit text NOT NULL, role name NOT NULL, all_tasks boolean NOT NULL DEFAULT false,
            PRIMARY KEY (unit, role)
        )
        """,
        """
        CREATE FUNCTION minshi.may_write(p_notice text, p_task integer) RETURNS boolean
        LANGUAGE sql STABLE SET search_path = minshi, pg_catalog AS $$
            SELECT EXISTS (
                SELECT 1 FROM minshi.unit_role u
                JOIN pg_catalog.pg_roles r ON r.rolname = u.role
                WHERE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')
                  AND (u.all_tasks OR EXISTS (
                      SELECT 1 FROM minshi.task_lead l
                      WHERE l.notice = p_notice AND l.task = p_task AND l.unit = u.unit))
            )
        $$
        """,
        """
        CREATE FUNCTION minshi.entry_guard() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = minshi, pg_catalog AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                RAISE EXCEPTION 'the progress journal is append-only: entries are never changed'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF NEW.retracts IS NULL THEN
                INSERT INTO minshi.series VALUES (NEW.notice, NEW.task, NEW.metric)
                ON CONFLICT DO NOTHING;
            ELSIF NOT EXISTS (
                SELECT 1 FROM minshi.entry t
                WHERE t.id = NEW.retracts AND t.retracts IS NULL AND t.notice = NEW.notice
                  AND t.task = NEW.task AND t.metric = NEW.metric) THEN
                RAISE EXCEPTION 'a retraction must name an entry of the same metric'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER entry_guard BEFORE INSERT OR UPDATE OR DELETE ON minshi.entry
        FOR EACH ROW EXECUTE FUNCTION minshi.entry_guard()
        """,
        """
        CREATE TRIGGER entry_no_truncate BEFORE TRUNCATE ON minshi.entry
        FOR EACH STATEMENT EXECUTE FUNCTION minshi.entry_guard()
        """,
        "ALTER TABLE minshi.entry ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY entry_read ON minshi.entry FOR SELECT USING (true)",
        """
        CREATE POLICY entry_write ON minshi.entry FOR INSERT
        WITH CHECK (written_as = current_user AND minshi.may_write(notice, task))
        """,
        "GRANT USAGE ON SCHEMA minshi TO PUBLIC",
        "GRANT SELECT ON ALL TABLES IN SCHEMA minshi TO PUBLIC",
    ),
    # the server numbers, times and signs every record itself; the office's checks
    (
        f"""
        CREATE FUNCTION minshi.stamp() RETURNS trigger
        LANGUAGE plpgsql SET search_path = minshi, pg_catalog AS $$
        BEGIN
            IF coalesce(current_setting('minshi.copying', true), '') = 'on'
               AND pg_has_role(current_user,
                   (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'MEMBER') THEN
                RETURN NEW;  -- a journal copied by the owner keeps its ids, times and roles
            END IF;
            PERFORM pg_advisory_xact_lock({WRITE_LOCK});
            EXECUTE format('SELECT coalesce(max(id), 0) + 1 FROM %s', TG_RELID::regclass)
                INTO NEW.id;
            IF TG_TABLE_NAME <> 'evidence' THEN
                NEW.recorded_at := clock_timestamp();
                NEW.written_as := current_user;
            END IF;
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER entry_stamp BEFORE INSERT ON minshi.entry
        FOR EACH ROW EXECUTE FUNCTION minshi.stamp()
        """,
        """
        CREATE TABLE minshi.review (
            id          bigint  PRIMARY KEY CHECK (id >= 1),
            entry       bigint  NOT NULL REFERENCES minshi.entry (id),
            decision    text    NOT NULL CHECK (decision IN ('verified', 'returned')),
            reason      text    NOT NULL DEFAULT '',
            recorded_at timestamptz NOT NULL,
            recorded_by text    NOT NULL DEFAULT '',
            written_as  name    NOT NULL DEFAULT current_user
        )
        """,
        "CREATE INDEX review_by_entry ON minshi.review (entry, decision)",
        """
        CREATE TABLE minshi.closure (
            id          bigint  PRIMARY KEY CHECK (id >= 1),
            notice      text    NOT NULL CHECK (notice <> ''),
            task        integer NOT NULL CHECK (task >= 1),
            action      text    NOT NULL CHECK (action IN ('close', 'reopen')),
            date        date    NOT NULL,
            note        text    NOT NULL DEFAULT '',
            recorded_at timestamptz NOT NULL,
            recorded_by text    NOT NULL DEFAULT '',
            written_as  name    NOT NULL DEFAULT current_user
        )
        """,
        """
        CREATE TABLE minshi.evidence (
            id      bigint PRIMARY KEY CHECK (id >= 1),
            closure bigint NOT NULL REFERENCES minshi.closure (id),
            name    text   NOT NULL,
            sha256  text   NOT NULL CHECK (length(sha256) = 64),
            bytes   bigint NOT NULL CHECK (bytes >= 0),
            content bytea  NOT NULL CHECK (octet_length(content) = bytes)
        )
        """,
        "CREATE TABLE minshi.verifier (role name PRIMARY KEY)",
        """
        CREATE FUNCTION minshi.is_verifier() RETURNS boolean
        LANGUAGE sql STABLE SET search_path = minshi, pg_catalog AS $$
            SELECT EXISTS (
                SELECT 1 FROM minshi.verifier v JOIN pg_catalog.pg_roles r ON r.rolname = v.role
                WHERE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
        $$
        """,
        """
        CREATE FUNCTION minshi.office_guard() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = minshi, pg_catalog AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                RAISE EXCEPTION 'the office''s records are append-only: never changed'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_TABLE_NAME = 'review' THEN
                IF NOT EXISTS (SELECT 1 FROM minshi.entry t
                               WHERE t.id = NEW.entry AND t.retracts IS NULL)
                   OR EXISTS (SELECT 1 FROM minshi.review v
                              WHERE v.entry = NEW.entry AND v.decision = 'returned') THEN
                    RAISE EXCEPTION 'a review must name a report that stands and was not returned'
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
            END IF;
            RETURN NEW;
        END
        $$
        """,
        *(
            statement
            for table in ("review", "closure", "evidence")
            for statement in (
                f"""
                CREATE TRIGGER {table}_guard BEFORE INSERT OR UPDATE OR DELETE ON minshi.{table}
                FOR EACH ROW EXECUTE FUNCTION minshi.office_guard()
                """,
                f"""
                CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON minshi.{table}
                FOR EACH STATEMENT EXECUTE FUNCTION minshi.office_guard()
                """,
                f"""
                CREATE TRIGGER {table}_stamp BEFORE INSERT ON minshi.{table}
                FOR EACH ROW EXECUTE FUNCTION minshi.stamp()
                """,
                f"ALTER TABLE minshi.{table} ENABLE ROW LEVEL SECURITY",
                f"CREATE POLICY {table}_read ON minshi.{table} FOR SELECT USING (true)",
            )
        ),
        # only the office verifies, returns, closes; nobody verifies an entry of their own
        """
        CREATE POLICY review_write ON minshi.review FOR INSERT
        WITH CHECK (written_as = current_user AND minshi.is_verifier() AND NOT EXISTS (
            SELECT 1 FROM minshi.entry e WHERE e.id = entry AND e.written_as = current_user))
        """,
        """
        CREATE POLICY closure_write ON minshi.closure FOR INSERT
        WITH CHECK (written_as = current_user AND minshi.is_verifier())
        """,
        """
        CREATE POLICY evidence_write ON minshi.evidence FOR INSERT
        WITH CHECK (minshi.is_verifier())
        """,
        "GRANT SELECT ON ALL TABLES IN SCHEMA minshi TO PUBLIC",
    ),
    # the year's end: funds allocated (到位) and paid (支付), and the 满意度测评 of a task, which
    # only the office records
    (
        "ALTER TABLE minshi.entry ADD COLUMN allocated numeric"
        " CHECK (allocated >= 0 AND allocated < 1e30)",
        "ALTER TABLE minshi.entry ADD COLUMN paid numeric CHECK (paid >= 0 AND paid < 1e30)",
        """
        CREATE INDEX entry_with_funds ON minshi.entry (notice, task, date)
        WHERE allocated IS NOT NULL OR paid IS NOT NULL
        """,
        """
        CREATE TABLE minshi.rating (
            id          bigint  PRIMARY KEY CHECK (id >= 1),
            notice      text    NOT NULL CHECK (notice <> ''),
            task        integer NOT NULL CHECK (task >= 1),
            date        date    NOT NULL,
            satisfied   numeric NOT NULL CHECK (satisfied >= 0 AND satisfied <= 1e9),
            basic       numeric NOT NULL CHECK (basic >= 0 AND basic <= 1e9),
            unsatisfied numeric NOT NULL CHECK (unsatisfied >= 0 AND unsatisfied <= 1e9),
            percent     boolean NOT NULL,
            note        text    NOT NULL DEFAULT '',
            recorded_at timestamptz NOT NULL,
            recorded_by text    NOT NULL DEFAULT '',
            written_as  name    NOT NULL DEFAULT current_user
        )
        """,
        """
        CREATE TRIGGER rating_guard BEFORE INSERT OR UPDATE OR DELETE ON minshi.rating
        FOR EACH ROW EXECUTE FUNCTION minshi.office_guard()
        """,
        """
        CREATE TRIGGER rating_no_truncate BEFORE TRUNCATE ON minshi.rating
        FOR EACH STATEMENT EXECUTE FUNCTION minshi.office_guard()
        """,
        """
        CREATE TRIGGER rating_stamp BEFORE INSERT ON minshi.rating
        FOR EACH ROW EXECUTE FUNCTION minshi.stamp()
        """,
        "ALTER TABLE minshi.rating ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY rating_read ON minshi.rating FOR SELECT USING (true)",
        """
        CREATE POLICY rating_write ON minshi.rating FOR INSERT
        WITH CHECK (written_as = current_user AND minshi.is_verifier())
        """,
        "GRANT SELECT ON minshi.rating TO PUBLIC",
        # the office's roles granted before ratings existed may record them too
        """
        DO $$
        DECLARE r name;
        BEGIN
            FOR r IN SELECT v.role FROM minshi.verifier v
                     JOIN pg_catalog.pg_roles p ON p.rolname = v.role LOOP
                EXECUTE format('GRANT INSERT ON minshi.rating TO %I', r);
            END LOOP;
        END
        $$
        """,
    ),
    # the few entries that report an investment: the newest of a metric is found without
    # walking every report of a metric that never had one
    (
        """
        CREATE INDEX entry_with_invested ON minshi.entry (notice, task, metric, date, id)
        WHERE retracts IS NULL AND invested IS NOT NULL
        """,
    ),
)
