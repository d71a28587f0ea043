-- Shared pacing (issue 12): several senders on one database keep Telegram's limits together.
-- One row per message a sender was allowed to post (an album of k photos is k rows), at the
-- sender's wall-clock time. A sender checks a chat's gap and per-minute cap and the global
-- per-second cap against these rows and adds its own in the same transaction (serialized by
-- an advisory lock on PostgreSQL, by BEGIN IMMEDIATE on SQLite); rows older than the longest
-- window are deleted as it goes.
CREATE TABLE send_slots (
    chat_id BIGINT NOT NULL,
    at_ms   BIGINT NOT NULL
);
CREATE INDEX send_slots_chat ON send_slots (chat_id, at_ms);
CREATE INDEX send_slots_at ON send_slots (at_ms);
