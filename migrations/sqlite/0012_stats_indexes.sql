-- Statistics (issue 10): parties summoned in a period, found by when they were summoned, so that
-- the parties' figures of a unit, or of every department or alliance unit at once, read the
-- period's parties rather than every order the unit ever had. Kept equal in both dialects.
CREATE INDEX parties_added ON parties (added_at);
CREATE INDEX parties_kind_added ON parties (target_kind, added_at);
