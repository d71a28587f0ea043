-- Indexes for the paths every update or button press takes, so their cost does not grow with
-- history (issue 11). Kept equal in both dialects.
--
-- A button press and a reply to the bot look a message up by chat and message id.
CREATE INDEX outbox_message ON outbox (chat_id, message_id);
-- `/assign @username` and learning a username compare case-insensitively.
CREATE INDEX people_username_lower ON people (lower(username));
-- The poller's replay of stored updates reads only those not processed yet.
CREATE INDEX updates_unprocessed ON updates (update_id) WHERE processed_at IS NULL;
