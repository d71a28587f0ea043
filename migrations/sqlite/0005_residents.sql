-- Residents report problems to the bot in a private chat. Everywhere but their own chat a
-- resident is "居民 #no": the Telegram id and private chat are kept in this table only, and
-- `/forget` clears them (the number and the orders stay, anonymous). Kept equal in both dialects.
CREATE TABLE residents (
    no           INTEGER PRIMARY KEY AUTOINCREMENT,
    telegram_id  BIGINT UNIQUE,
    chat_id      BIGINT,
    locale       TEXT,
    created_at   BIGINT NOT NULL,
    forgotten_at BIGINT
);

-- Blocked residents, by a keyed hash of their Telegram id, so that a block survives `/forget`.
CREATE TABLE resident_blocks (
    id_hash    TEXT PRIMARY KEY,
    resident_no BIGINT NOT NULL,
    blocked_by BIGINT NOT NULL,
    at         BIGINT NOT NULL
);

-- One report dialogue per resident: a versioned JSON state, saved with the update that changed
-- it and the bot's answer.
CREATE TABLE dialogues (
    resident_no BIGINT PRIMARY KEY,
    state       TEXT NOT NULL,
    version     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Residents who joined an order as "the same problem": told of it and asked too.
CREATE TABLE followers (
    order_id    BIGINT NOT NULL,
    resident_no BIGINT NOT NULL,
    joined_at   BIGINT NOT NULL,
    PRIMARY KEY (order_id, resident_no)
);
CREATE INDEX followers_resident ON followers (resident_no);

-- Questions to the resident of an order, from a group chat: the answer goes back there.
CREATE TABLE questions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    BIGINT NOT NULL,
    chat_id     BIGINT NOT NULL,
    asked_by    BIGINT NOT NULL,
    asked_at    BIGINT NOT NULL
);
CREATE INDEX questions_order ON questions (order_id, id);

-- An order a resident reported: who (a number, never a Telegram id), where, and the photos
-- (Telegram file ids, JSON). Units may carry a boundary (GeoJSON geometry) and address keywords.
ALTER TABLE orders ADD COLUMN resident_no BIGINT;
ALTER TABLE orders ADD COLUMN lat DOUBLE PRECISION;
ALTER TABLE orders ADD COLUMN lon DOUBLE PRECISION;
ALTER TABLE orders ADD COLUMN photos TEXT NOT NULL DEFAULT '[]';
CREATE INDEX orders_resident ON orders (resident_no);
ALTER TABLE events ADD COLUMN resident_no BIGINT;
ALTER TABLE units ADD COLUMN boundary TEXT;
ALTER TABLE units ADD COLUMN addresses TEXT NOT NULL DEFAULT '[]';
