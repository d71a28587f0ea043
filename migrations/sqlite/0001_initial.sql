-- gridwhistle schema (SQLite). Times are UTC, stored as unix milliseconds (BIGINT).
-- Kept column-for-column equal to migrations/postgres/0001_initial.sql.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE units (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    parent_id TEXT,
    name      TEXT NOT NULL,
    aliases   TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE departments (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    aliases   TEXT NOT NULL DEFAULT '[]',
    handles   TEXT NOT NULL DEFAULT '[]',
    durations TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE alliances (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    chat_id   BIGINT,
    parent_id TEXT
);

CREATE TABLE people (
    telegram_id     BIGINT PRIMARY KEY,
    name            TEXT NOT NULL,
    username        TEXT,
    locale          TEXT,
    private_chat    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX people_username ON people (username);

CREATE TABLE memberships (
    telegram_id BIGINT NOT NULL,
    scope_kind  TEXT NOT NULL,
    scope_id    TEXT NOT NULL,
    role        TEXT NOT NULL,
    PRIMARY KEY (telegram_id, scope_kind, scope_id, role)
);
CREATE INDEX memberships_scope ON memberships (scope_kind, scope_id);

CREATE TABLE admins (
    telegram_id BIGINT PRIMARY KEY
);

CREATE TABLE chats (
    chat_id    BIGINT PRIMARY KEY,
    scope_kind TEXT,
    scope_id   TEXT,
    locale     TEXT
);
CREATE INDEX chats_scope ON chats (scope_kind, scope_id);

CREATE TABLE orders (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id       TEXT NOT NULL,
    body          TEXT NOT NULL,
    location      TEXT,
    urgent        BIGINT NOT NULL,
    state         TEXT NOT NULL,
    level         TEXT NOT NULL,
    whistler_id   BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    resolve_due   BIGINT NOT NULL,
    reopen_count  BIGINT NOT NULL DEFAULT 0,
    version       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX orders_unit_state ON orders (unit_id, state);

CREATE TABLE parties (
    order_id    BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    target      TEXT NOT NULL,
    level       TEXT NOT NULL,
    added_at    BIGINT NOT NULL,
    ack_due     BIGINT NOT NULL,
    reported_by BIGINT,
    reported_at BIGINT,
    PRIMARY KEY (order_id, seq)
);

CREATE TABLE events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id BIGINT NOT NULL,
    at       BIGINT NOT NULL,
    actor_id BIGINT,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX events_order ON events (order_id, id);

CREATE TABLE cards (
    order_id   BIGINT NOT NULL,
    chat_id    BIGINT NOT NULL,
    message_id BIGINT,
    PRIMARY KEY (order_id, chat_id)
);
CREATE INDEX cards_message ON cards (chat_id, message_id);

CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id       BIGINT NOT NULL,
    order_id      BIGINT,
    payload       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending',
    attempts      BIGINT NOT NULL DEFAULT 0,
    not_before    BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    message_id    BIGINT,
    error         TEXT
);
CREATE INDEX outbox_pending ON outbox (status, chat_id, id);

CREATE TABLE updates (
    update_id    BIGINT PRIMARY KEY,
    payload      TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    processed_at BIGINT
);
