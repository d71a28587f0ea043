-- Alliance units (联盟单位) are whistled by name or by the other names people use for them.
ALTER TABLE alliances ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
