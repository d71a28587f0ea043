-- Chats work side by side (issue 11): updates of different chats are processed concurrently,
-- updates of one chat strictly in arrival order, by whichever process holds the chat's lease.
--
-- The chat an update belongs to (a private chat's id is its person's), and for a group's move to
-- a supergroup the other chat id, which waits until the move is processed. Rows stored before
-- this migration belong to chat 0 and are replayed in update order as before.
ALTER TABLE updates ADD COLUMN chat_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE updates ADD COLUMN barrier BIGINT;
CREATE INDEX updates_chat_unprocessed ON updates (chat_id, update_id) WHERE processed_at IS NULL;
CREATE INDEX updates_barrier ON updates (barrier) WHERE processed_at IS NULL AND barrier IS NOT NULL;

-- Who processes a chat's updates now, and until when (renewed while working; a dead process's
-- lease runs out and another takes the chat over).
CREATE TABLE chat_leases (
    chat_id   BIGINT PRIMARY KEY,
    holder    TEXT NOT NULL,
    until_ms  BIGINT NOT NULL
);

-- `/list` of a large unit (a sub-district, a district) looks at its live orders only: found by
-- state first, they stay few however long the history.
CREATE INDEX orders_live ON orders (state, unit_id) WHERE state IN ('open', 'reported', 'resolved');
