-- A chat's queue has priority classes (0: cards and notices that mention people, 1: answers and
-- card edits, 2: refusals, help, greetings), first in first out within a class. A card's own
-- send has its kind ('card'), so an edit or a reply to it can wait for it. Kept equal in both
-- dialects.
ALTER TABLE outbox ADD COLUMN priority BIGINT NOT NULL DEFAULT 1;
UPDATE outbox SET kind = 'card'
 WHERE kind = 'send' AND payload LIKE '%"card":%' AND payload NOT LIKE '%"card":null%';
UPDATE outbox SET priority = 0 WHERE kind = 'card' OR (kind = 'send' AND order_id IS NOT NULL);
-- The claim takes each chat's head by (priority, id) among its pending rows.
DROP INDEX outbox_pending;
CREATE INDEX outbox_head ON outbox (status, chat_id, priority, id);

-- What a card shows now (the payload of an edit that would show it): an edit identical to it is
-- dropped instead of sent.
ALTER TABLE cards ADD COLUMN shown TEXT;

-- Hints and refusals to one person in one chat, at most one of a kind until `until_at` (unix ms):
-- in the database, so that several processes agree.
CREATE TABLE throttles (
    chat_id   BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    until_at  BIGINT NOT NULL,
    PRIMARY KEY (chat_id, person_id, kind)
);
