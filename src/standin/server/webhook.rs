//! Webhooks: setWebhook, deleteWebhook and getWebhookInfo, and the driver that pushes queued
//! updates to the webhook the way Telegram does: each update POSTed as JSON with the
//! `X-Telegram-Bot-Api-Secret-Token` header, at most `max_connections` at once, a failed
//! attempt (non-2xx, no connection, timeout) retried after a short, growing pause, and no
//! promise of order. An update leaves the queue only when the webhook accepted it, so deleting
//! the webhook hands undelivered updates back to getUpdates.
//!
//! The HTTP client is the reqwest client teloxide builds (`teloxide::net`), reached through
//! type inference so the crate needs no dependency of its own on reqwest.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::super::state::{unix_now, Shared, State, Webhook};
use super::super::WebhookConfig;
use super::body::RequestBody;
use super::{drop_unwanted_updates, ApiFailure};

/// Telegram's default and largest max_connections.
const DEFAULT_CONNECTIONS: usize = 40;
const MAX_CONNECTIONS: usize = 100;
/// Ports Telegram delivers HTTPS webhooks to.
const HTTPS_PORTS: &[u16] = &[443, 80, 88, 8443];
const SECRET_TOKEN_MAX: usize = 256;
/// The first pause after a failed delivery; it doubles per attempt up to BACKOFF_MAX.
const BACKOFF_FIRST: Duration = Duration::from_millis(20);
const BACKOFF_MAX: Duration = Duration::from_millis(1000);
/// How long one delivery attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

pub(super) fn set_webhook(state: &mut State, request: &RequestBody) -> Result<Value, ApiFailure> {
    let params = &request.params;
    let url = params.get("url").and_then(Value::as_str).unwrap_or("");
    if url.is_empty() {
        // "Use an empty string to remove webhook integration".
        return delete_webhook(state, params);
    }
    check_url(url)?;
    let secret_token = params
        .get("secret_token")
        .and_then(Value::as_str)
        .filter(|token| !token.is_empty());
    if let Some(token) = secret_token {
        if token.len() > SECRET_TOKEN_MAX {
            return Err(ApiFailure::bad_request("secret token is too long"));
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if !token.chars().all(allowed) {
            return Err(ApiFailure::bad_request(
                "secret token contains unallowed characters",
            ));
        }
    }
    let ip_address = params.get("ip_address").and_then(Value::as_str);
    if let Some(address) = ip_address {
        if address.parse::<std::net::IpAddr>().is_err() {
            return Err(ApiFailure::bad_request("invalid IP address specified"));
        }
    }
    // Telegram clamps max_connections to 1-100 rather than refusing.
    let max_connections = params
        .get("max_connections")
        .and_then(Value::as_i64)
        .map_or(DEFAULT_CONNECTIONS, |n| {
            n.clamp(1, MAX_CONNECTIONS as i64) as usize
        });
    set_allowed_updates(state, params);
    if drop_pending(params) {
        state.queue.clear();
    }
    state.webhook_generation += 1;
    state.webhook = Some(Webhook {
        config: WebhookConfig {
            url: url.to_string(),
            secret_token: secret_token.map(str::to_string),
            max_connections,
            ip_address: ip_address.map(str::to_string),
            has_custom_certificate: params.contains_key("certificate"),
        },
        generation: state.webhook_generation,
    });
    state.delivery.last_error = None;
    // A long poll still waiting ends with "terminated by setWebhook request".
    state.poll_generation += 1;
    Ok(json!(true))
}

pub(super) fn delete_webhook(
    state: &mut State,
    params: &Map<String, Value>,
) -> Result<Value, ApiFailure> {
    if drop_pending(params) {
        state.queue.clear();
    }
    if state.webhook.take().is_some() {
        state.webhook_generation += 1;
    }
    Ok(json!(true))
}

pub(super) fn webhook_info(state: &State) -> Value {
    let mut info = json!({
        "url": "",
        "has_custom_certificate": false,
        "pending_update_count": state.queue.len(),
    });
    if let Some(allowed) = &state.allowed_updates {
        info["allowed_updates"] = json!(allowed);
    }
    let Some(webhook) = &state.webhook else {
        return info;
    };
    let config = &webhook.config;
    info["url"] = json!(config.url);
    info["has_custom_certificate"] = json!(config.has_custom_certificate);
    info["max_connections"] = json!(config.max_connections);
    if let Some(address) = &config.ip_address {
        info["ip_address"] = json!(address);
    }
    if let Some((date, message)) = &state.delivery.last_error {
        info["last_error_date"] = json!(date);
        info["last_error_message"] = json!(message);
    }
    info
}

fn drop_pending(params: &Map<String, Value>) -> bool {
    params.get("drop_pending_updates").and_then(Value::as_bool) == Some(true)
}

/// allowed_updates as getUpdates treats it: absent keeps the last setting, empty restores
/// the default.
fn set_allowed_updates(state: &mut State, params: &Map<String, Value>) {
    if let Some(list) = params.get("allowed_updates").and_then(Value::as_array) {
        let allowed: Vec<String> = list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        state.allowed_updates = (!allowed.is_empty()).then_some(allowed);
    }
}

/// Telegram wants HTTPS on one of four ports. The stand-in also takes plain HTTP to a
/// loopback address, where test receivers listen.
fn check_url(url: &str) -> Result<(), ApiFailure> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Err(ApiFailure::bad_request("invalid webhook URL specified"));
    };
    let loopback = match parsed.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => return Err(ApiFailure::bad_request("invalid webhook URL specified")),
    };
    match parsed.scheme() {
        "http" if loopback => Ok(()),
        "https" => {
            let port = parsed.port_or_known_default().unwrap_or(443);
            if loopback || HTTPS_PORTS.contains(&port) {
                Ok(())
            } else {
                Err(ApiFailure::bad_request(
                    "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
                ))
            }
        }
        _ => Err(ApiFailure::bad_request(
            "bad webhook: HTTPS url must be provided for webhook",
        )),
    }
}

/// One delivery: an update for the webhook of one generation.
struct Job {
    update_id: i64,
    body: String,
    url: String,
    secret_token: Option<String>,
    generation: u64,
}

type PostFuture = Pin<Box<dyn Future<Output = Result<u16, String>> + Send>>;
/// POSTs (url, secret token, JSON body) and gives the status code or the failure.
type Poster = Arc<dyn Fn(&Job) -> PostFuture + Send + Sync>;

fn poster() -> Result<Poster, String> {
    let client = teloxide::net::default_reqwest_settings()
        .no_proxy()
        .timeout(ATTEMPT_TIMEOUT)
        .build()
        .map_err(|error| error.to_string())?;
    Ok(Arc::new(move |job: &Job| -> PostFuture {
        let mut request = client
            .post(job.url.as_str())
            .header("content-type", "application/json")
            .body(job.body.clone());
        if let Some(token) = &job.secret_token {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", token.as_str());
        }
        Box::pin(async move {
            let response = request.send().await.map_err(|e| e.to_string())?;
            let status = response.status().as_u16();
            // Read the answer to the end so the connection can be reused.
            let _ = response.bytes().await;
            Ok(status)
        })
    }))
}

/// Starts the delivery driver once per stand-in (at the first setWebhook).
pub(crate) fn ensure_driver(shared: &Arc<Shared>) {
    let start = shared.update(|state| !std::mem::replace(&mut state.delivery.driver_started, true));
    if start {
        tokio::spawn(drive(shared.clone()));
    }
}

/// Hands queued updates to delivery tasks whenever something changes, until shutdown.
async fn drive(shared: Arc<Shared>) {
    let post = match poster() {
        Ok(post) => post,
        Err(error) => {
            shared.update(|state| state.delivery.last_error = Some((unix_now(), error)));
            return;
        }
    };
    loop {
        let changed = shared.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        // lock(), not update(): waking ourselves on every pass would spin. Waiters are woken
        // only when unwanted updates were dropped (the next pass then drops none).
        let (jobs, dropped) = {
            let mut state = shared.lock();
            if state.shut_down {
                return;
            }
            let queued = state.queue.len();
            let jobs = take_jobs(&mut state);
            (jobs, state.queue.len() != queued)
        };
        if dropped {
            shared.changed.notify_waiters();
        }
        for job in jobs {
            tokio::spawn(deliver(shared.clone(), post.clone(), job));
        }
        changed.await;
    }
}

/// Marks as in flight the queued updates that free connections can take.
fn take_jobs(state: &mut State) -> Vec<Job> {
    let Some(webhook) = state.webhook.clone() else {
        return Vec::new();
    };
    drop_unwanted_updates(state);
    let free = webhook
        .config
        .max_connections
        .saturating_sub(state.delivery.in_flight.len());
    let ready: Vec<(i64, String)> = state
        .queue
        .iter()
        .filter_map(|update| {
            let id = update["update_id"].as_i64()?;
            (!state.delivery.in_flight.contains(&id)).then(|| (id, update.to_string()))
        })
        .take(free)
        .collect();
    let delivery = &mut state.delivery;
    let mut jobs = Vec::with_capacity(ready.len());
    for (update_id, body) in ready {
        delivery.in_flight.insert(update_id);
        jobs.push(Job {
            update_id,
            body,
            url: webhook.config.url.clone(),
            secret_token: webhook.config.secret_token.clone(),
            generation: webhook.generation,
        });
    }
    delivery.stats.max_in_flight = delivery.stats.max_in_flight.max(delivery.in_flight.len());
    jobs
}

/// Posts one update until the webhook accepts it, the webhook changes, or the stand-in stops.
async fn deliver(shared: Arc<Shared>, post: Poster, job: Job) {
    let mut pause = BACKOFF_FIRST;
    loop {
        let outcome = match post(&job).await {
            Ok(status) if (200..300).contains(&status) => Ok(()),
            Ok(status) => Err(format!("Wrong response from the webhook: {status}")),
            Err(error) => Err(format!("Connection failed: {error}")),
        };
        let again = shared.update(|state| {
            match outcome {
                Ok(()) => {
                    // Delivered, even to a webhook replaced meanwhile: it is not sent again.
                    state
                        .queue
                        .retain(|u| u["update_id"].as_i64() != Some(job.update_id));
                    state.delivery.stats.delivered += 1;
                    state.delivery.in_flight.remove(&job.update_id);
                    false
                }
                Err(message) => {
                    state.delivery.stats.failed += 1;
                    if still_wanted(state, &job) {
                        state.delivery.last_error = Some((unix_now(), message));
                        true
                    } else {
                        state.delivery.in_flight.remove(&job.update_id);
                        false
                    }
                }
            }
        });
        if !again {
            return;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(BACKOFF_MAX);
        // The webhook may have been deleted or replaced during the pause.
        let retry = shared.update(|state| {
            if still_wanted(state, &job) {
                state.delivery.stats.retried += 1;
                true
            } else {
                state.delivery.in_flight.remove(&job.update_id);
                false
            }
        });
        if !retry {
            return;
        }
    }
}

/// Whether a failed job should be tried again: its webhook is still the one set, the update
/// is still queued, and the stand-in is running.
fn still_wanted(state: &State, job: &Job) -> bool {
    let current = state
        .webhook
        .as_ref()
        .is_some_and(|w| w.generation == job.generation);
    let queued = state
        .queue
        .iter()
        .any(|u| u["update_id"].as_i64() == Some(job.update_id));
    current && queued && !state.shut_down
}
