-- Statistics (issue 10): parties summoned in a period, found by when they were summoned, so that
-- the parties' figures of a unit, or of every department or alliance unit at once, read the
-- period's parties rather than every order the unit ever had. Kept equal in both dialects.
CREATE INDEX parties_added ON parties (added_at);
CREATE INDEX parties_kind_added ON parties (target_kind, added_at);
-- Orders whistled in a period, whatever their unit: PostgreSQL read every order for a
-- sub-district's month, and the report's every-unit and every-department queries have no unit.
CREATE INDEX orders_created ON orders (created_at);
