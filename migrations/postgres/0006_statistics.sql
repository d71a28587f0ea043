-- Statistics (issue 10): what SQL needs to add figures up, stored when it happens.
-- Kept column-for-column equal to migrations/sqlite/0006_statistics.sql.
--
-- Per party: its target as plain columns (kind, and the unit or department id) so that figures
-- can filter on it, and its report's duration in seconds on its deadline's clock (working time
-- for non-urgent orders under a calendar, wall time otherwise) and whether it met its deadline.
ALTER TABLE parties ADD COLUMN target_kind TEXT;
ALTER TABLE parties ADD COLUMN target_id TEXT;
ALTER TABLE parties ADD COLUMN report_secs BIGINT;
ALTER TABLE parties ADD COLUMN report_on_time BIGINT;
CREATE INDEX parties_target_added ON parties (target_kind, target_id, added_at);

-- Per order: the level it was whistled at and the highest it reached (0 grid, 1 community,
-- 2 sub-district, 3 district), its first resolution (time, duration on its deadline's clock,
-- whether it met the resolve deadline in force then), and the first reporter's (resident's)
-- answer on the latest resolution: solved 1/0, satisfaction by name.
ALTER TABLE orders ADD COLUMN start_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN top_level BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN first_resolved_at BIGINT;
ALTER TABLE orders ADD COLUMN first_resolve_secs BIGINT;
ALTER TABLE orders ADD COLUMN first_resolve_on_time BIGINT;
ALTER TABLE orders ADD COLUMN rating_solved BIGINT;
ALTER TABLE orders ADD COLUMN rating_satisfaction TEXT;
CREATE INDEX orders_unit_created ON orders (unit_id, created_at);
CREATE INDEX orders_top_level ON orders (top_level);

-- An uploaded file (the statistics chart's PNG) sent with its outbox row.
ALTER TABLE outbox ADD COLUMN upload BYTEA;

-- Backfill. Durations of reports and resolutions already stored are wall time (the calendar
-- cannot be applied in SQL); a first resolution's on-time flag compares with the resolve
-- deadline stored now (a reopen since may have moved it).
UPDATE parties SET
    target_kind = (target::json->>'kind'),
    target_id = COALESCE((target::json->>'department'), (target::json->>'unit')),
    report_secs = CASE WHEN reported_at IS NULL THEN NULL ELSE (reported_at - added_at) / 1000 END,
    report_on_time = CASE WHEN reported_at IS NULL THEN NULL
                          WHEN reported_at <= ack_due THEN 1 ELSE 0 END;

UPDATE orders SET top_level = CASE level WHEN 'grid' THEN 0 WHEN 'community' THEN 1
                                         WHEN 'subdistrict' THEN 2 ELSE 3 END;
UPDATE orders SET start_level = COALESCE(
    (SELECT CASE (e.detail::json->>'from') WHEN 'grid' THEN 0 WHEN 'community' THEN 1
                                                   WHEN 'subdistrict' THEN 2 ELSE 3 END
     FROM events e WHERE e.order_id = orders.id AND e.kind = 'escalated' ORDER BY e.id LIMIT 1),
    top_level);
UPDATE orders SET first_resolved_at =
    (SELECT MIN(e.at) FROM events e WHERE e.order_id = orders.id AND e.kind = 'resolved');
UPDATE orders SET
    first_resolve_secs = (first_resolved_at - created_at) / 1000,
    first_resolve_on_time = CASE WHEN first_resolved_at <= resolve_due THEN 1 ELSE 0 END
WHERE first_resolved_at IS NOT NULL;
UPDATE orders SET
    rating_solved = (SELECT CASE (e.detail::json->>'solved') WHEN 'true' THEN 1 ELSE 0 END
        FROM events e
        WHERE e.order_id = orders.id AND e.kind = 'rated' AND e.resident_no = orders.resident_no
          AND (e.detail::json->>'solved') IS NOT NULL
          AND e.id > (SELECT COALESCE(MAX(r.id), 0) FROM events r
                      WHERE r.order_id = orders.id AND r.kind = 'resolved')
        ORDER BY e.id DESC LIMIT 1),
    rating_satisfaction = (SELECT (e.detail::json->>'satisfaction')
        FROM events e
        WHERE e.order_id = orders.id AND e.kind = 'rated' AND e.resident_no = orders.resident_no
          AND (e.detail::json->>'satisfaction') IS NOT NULL
          AND e.id > (SELECT COALESCE(MAX(r.id), 0) FROM events r
                      WHERE r.order_id = orders.id AND r.kind = 'resolved')
        ORDER BY e.id DESC LIMIT 1)
WHERE resident_no IS NOT NULL;
