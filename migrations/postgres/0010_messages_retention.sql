-- Message ownership in a kept table, and retention (issue 11).
--
-- Every message the bot sent that has an id: whose it is (`order_id`, as its outbox row named
-- it), what kind it was (the outbox kind: card, send, photos, copy, upload) and, for a notice,
-- the inline buttons it shows now (the JSON of its rows of buttons; NULL when it shows none or
-- they were cleared). A button press and a reply are checked against this table, so that sent
-- outbox rows can be pruned without old cards and notices losing their buttons. Kept equal in
-- both dialects.
CREATE TABLE messages (
    chat_id    BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    order_id   BIGINT,
    kind       TEXT NOT NULL,
    buttons    TEXT,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX messages_order ON messages (order_id) WHERE order_id IS NOT NULL;

-- Backfill from the sent outbox rows (the latest row where two name one message). A notice's
-- buttons count only when it is not a card, shows inline buttons (no reply keyboard) and no
-- ClearButtons for it was sent.
INSERT INTO messages (chat_id, message_id, order_id, kind, buttons)
SELECT o.chat_id, o.message_id, o.order_id, o.kind,
       CASE WHEN o.kind <> 'send'
              OR (o.payload::json -> 'keyboard') IS NOT NULL
              OR COALESCE((o.payload::json ->> 'buttons'), '[]') = '[]'
              OR EXISTS (SELECT 1 FROM outbox c
                         WHERE c.kind = 'clear_buttons' AND c.status = 'sent'
                           AND c.chat_id = o.chat_id
                           AND (c.payload::json ->> 'message_id') = CAST(o.message_id AS TEXT))
            THEN NULL
            ELSE (o.payload::json ->> 'buttons') END
FROM outbox o
WHERE o.id IN (SELECT MAX(id) FROM outbox
               WHERE status = 'sent' AND message_id IS NOT NULL
               GROUP BY chat_id, message_id);

-- Retention: processed updates by age, payloads not blanked yet, sent and dropped outbox rows
-- by age.
CREATE INDEX updates_processed ON updates (processed_at) WHERE processed_at IS NOT NULL;
CREATE INDEX updates_unblanked ON updates (update_id) WHERE processed_at IS NOT NULL AND payload <> '';
CREATE INDEX outbox_done ON outbox (created_at) WHERE status IN ('sent', 'dropped');

-- When `prune` first saw a person's row (NULL: not yet): a row learned from the updates is
-- removed after `people_days` unless the person is on a roster, an admin, a resident with an
-- open report or an actor of a kept event.
ALTER TABLE people ADD COLUMN seen_at BIGINT;
