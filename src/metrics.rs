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
