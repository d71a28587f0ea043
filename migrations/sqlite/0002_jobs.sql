-- Due moments of orders (reminders, report and resolve deadlines), claimed by the scheduler.
-- A job is done once: (order_id, kind, anchor) is unique, and done jobs are never re-armed.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id      BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    anchor        BIGINT NOT NULL,
    due_at        BIGINT NOT NULL,
    done_at       BIGINT,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    UNIQUE (order_id, kind, anchor)
);
CREATE INDEX jobs_due ON jobs (done_at, due_at);
