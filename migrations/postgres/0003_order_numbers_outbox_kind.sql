-- Order numbers are reserved before an order is rendered and saved (the card shows #N), and
-- each outbox row names its kind, so queries need not search the JSON payload.
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
);
INSERT INTO counters (name, n) SELECT 'order', COALESCE(MAX(id), 0) FROM orders;

ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'send';
UPDATE outbox SET kind = 'edit_card' WHERE payload LIKE '%"op":"edit_card"%';
UPDATE outbox SET kind = 'clear_buttons' WHERE payload LIKE '%"op":"clear_buttons"%';
CREATE INDEX outbox_order_kind ON outbox (order_id, kind, status);
