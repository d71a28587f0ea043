//! What the bot counts, for Prometheus: one function per measurement, so that names and labels
//! are written once. The `metrics` facade records nothing until an exporter is installed
//! (`gridwhistle run --listen` / `--metrics-listen`), so tests and the demo pay nothing.

use std::time::Duration;

/// An update was processed (`kind`: message, callback_query, …), taking `took`.
pub fn update_processed(kind: &'static str, took: Duration) {
    metrics::counter!("gridwhistle_updates_processed_total", "kind" => kind).increment(1);
    metrics::histogram!("gridwhistle_update_processing_seconds").record(took.as_secs_f64());
}

/// An update was received (stored in the inbox) by the poller or the webhook.
pub fn update_received(kind: &'static str) {
    metrics::counter!("gridwhistle_updates_received_total", "kind" => kind).increment(1);
}

/// An update arrived after a later one of its chat was processed.
pub fn update_out_of_order() {
    metrics::counter!("gridwhistle_updates_out_of_order_total").increment(1);
}

/// A chat's lease was taken from a holder whose lease had run out.
pub fn chat_lease_takeover() {
    metrics::counter!("gridwhistle_chat_lease_takeovers_total").increment(1);
}

/// An order rose one level (`level`: the level it rose to) because a deadline passed.
pub fn escalation(level: &'static str) {
    metrics::counter!("gridwhistle_escalations_total", "level" => level).increment(1);
}

/// A reminder went out (`kind`: `report` before a report deadline, `verify` to verify).
pub fn reminder(kind: &'static str) {
    metrics::counter!("gridwhistle_reminders_total", "kind" => kind).increment(1);
}

/// A delivery attempt ended (`result`: ok, 429, retried, failed).
pub fn send(result: &'static str) {
    metrics::counter!("gridwhistle_sends_total", "result" => result).increment(1);
}

/// A message could not be delivered to `chat` for good (bot kicked, chat gone, blocked). A
/// private chat is labelled `private`, never by the person's id.
pub fn delivery_failed(chat: String) {
    metrics::counter!("gridwhistle_delivery_failures_total", "chat" => chat).increment(1);
}

/// A due job was worked `lag` after its due moment.
pub fn scheduler_lag(lag: Duration) {
    metrics::histogram!("gridwhistle_scheduler_lag_seconds").record(lag.as_secs_f64());
}

/// Orders in `state` at `level` now (refreshed when `/metrics` is scraped).
pub fn orders(state: String, level: String, n: i64) {
    metrics::gauge!("gridwhistle_orders", "state" => state, "level" => level).set(n as f64);
}

/// Messages waiting in the outbox in priority class `priority`, and how long the oldest has
/// waited (refreshed when `/metrics` is scraped).
pub fn outbox(priority: i64, depth: i64, oldest: Duration) {
    let p = priority.to_string();
    metrics::gauge!("gridwhistle_outbox_depth", "priority" => p.clone()).set(depth as f64);
    metrics::gauge!("gridwhistle_outbox_oldest_seconds", "priority" => p).set(oldest.as_secs_f64());
}

/// The running loop (poller, processor, sender, scheduler) is alive: `/healthz` reads it.
pub fn heartbeat() {
    crate::ops::health::beat();
}
