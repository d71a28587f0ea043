//! Webhook mode: Telegram POSTs each update to our own axum route (teloxide's listener is not
//! used: it answers 200 before the update is stored, and to bodies it cannot parse). The route
//! checks the secret header in constant time, stores the update through `intake::accept`, and
//! only then answers 200; a resend is refused by the inbox and acknowledged again.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use subtle::ConstantTimeEq;
use teloxide::payloads::SetWebhookSetters;
use teloxide::prelude::Requester;
use teloxide::types::{Update, UpdateKind};

use super::{describe, intake, Telegram, TelegramError};
use crate::acts::Ctx;
use crate::ops::Health;

/// The header Telegram sends the secret token in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";
/// The largest body the route reads; Telegram's updates are far smaller.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Ports Telegram delivers webhooks to.
const PORTS: &[u16] = &[443, 80, 88, 8443];

/// Why a webhook URL or secret cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadWebhook {
    /// Not a URL, or not `https://` on 443, 80, 88 or 8443 (with Telegram's own Bot API).
    Url,
    /// The secret is not 1–256 of `A-Za-z0-9_-`.
    Secret,
}

/// Checks the webhook URL against Telegram's rule: `https://` on port 443, 80, 88 or 8443. With
/// a local Bot API server (`api_url` on loopback or `localhost`) plain `http://` and any port
/// are accepted, as in tests.
pub fn check_url(url: &str, api_url: Option<&url::Url>) -> Result<url::Url, BadWebhook> {
    let parsed = url::Url::parse(url).map_err(|_| BadWebhook::Url)?;
    if parsed.host().is_none() || parsed.cannot_be_a_base() {
        return Err(BadWebhook::Url);
    }
    let local_api = api_url.is_some_and(|a| match a.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    });
    match parsed.scheme() {
        "http" | "https" if local_api => Ok(parsed),
        "https" if PORTS.contains(&parsed.port_or_known_default().unwrap_or(443)) => Ok(parsed),
        _ => Err(BadWebhook::Url),
    }
}

/// Checks a secret token: 1–256 of `A-Za-z0-9_-`, as Telegram requires.
pub fn check_secret(secret: &str) -> Result<(), BadWebhook> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if (1..=256).contains(&secret.len()) && secret.chars().all(allowed) {
        Ok(())
    } else {
        Err(BadWebhook::Secret)
    }
}

/// A fresh secret: 64 hex digits from the OS's randomness.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    if getrandom::getrandom(&mut bytes).is_err() {
        // No randomness: fall back to the clock and the process id, never a fixed string.
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        return hex::encode(seed.as_bytes()).chars().take(64).collect();
    }
    hex::encode(bytes)
}

impl Telegram {
    /// Prepares webhook mode: Telegram is told the URL, the secret and the update kinds we
    /// take (the same as polling), and the command menus are set.
    pub async fn prepare_webhook(&self, url: &url::Url, secret: &str) -> Result<(), TelegramError> {
        self.bot
            .set_webhook(url.clone())
            .secret_token(secret.to_string())
            .allowed_updates(super::allowed_updates())
            .await
            .map_err(|e| TelegramError(describe(&e)))?;
        if let Err(e) = super::set_menus(&self.bot).await {
            tracing::warn!(error = %describe(&e), "command menus not set");
        }
        Ok(())
    }
}

#[derive(Clone)]
struct Hook {
    ctx: Ctx,
    secret: String,
    health: Health,
}

/// The webhook route at `path`: updates for the bot of `ctx`, accepted with `secret`, refused
/// with 503 once `health` says the bot is stopping.
pub fn router(path: &str, ctx: Ctx, secret: String, health: Health) -> Router {
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    Router::new()
        .route(&path, post(receive))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Hook {
            ctx,
            secret,
            health,
        })
}

async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if hook.health.stopping() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let given = headers
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !bool::from(given.ct_eq(hook.secret.as_bytes())) {
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let Some(id) = value.get("update_id").and_then(serde_json::Value::as_i64) else {
        return StatusCode::BAD_REQUEST;
    };
    // Parsed from the bytes: teloxide's `Update` does not deserialize from a `Value` (every
    // kind comes out as `UpdateKind::Error`).
    let update = match serde_json::from_slice::<Update>(&body) {
        Ok(u) if !matches!(u.kind, UpdateKind::Error(_)) => u,
        other => {
            // Telegram's, but not a shape we know: acknowledged, so it is not sent again.
            let error = other.err().map(|e| e.to_string()).unwrap_or_default();
            tracing::warn!(update = id, %error, "update not understood; ignored");
            return StatusCode::OK;
        }
    };
    match intake::accept(&hook.ctx, &update).await {
        Ok(fresh) => {
            if fresh {
                let (chat, _) = intake::chat_of(&update);
                match hook.ctx.store.arrived_late(chat, update.id.0 as i64).await {
                    Ok(true) => crate::metrics::update_out_of_order(),
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "update order not checked"),
                }
            }
            StatusCode::OK
        }
        Err(e) => {
            // Not stored, so not acknowledged: Telegram sends it again.
            tracing::error!(error = %e, "update not stored");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_on_telegrams_ports_unless_the_bot_api_is_local() {
        let local = url::Url::parse("http://127.0.0.1:8081").ok();
        let remote = url::Url::parse("https://api.telegram.org").ok();
        for ok in [
            "https://bot.example.org/tg",
            "https://bot.example.org:8443/tg",
            "https://bot.example.org:88/",
        ] {
            assert!(check_url(ok, None).is_ok(), "{ok}");
            assert!(check_url(ok, remote.as_ref()).is_ok(), "{ok}");
        }
        for bad in [
            "http://bot.example.org/tg",
            "https://bot.example.org:8080/tg",
            "ftp://bot.example.org/",
            "not a url",
            "mailto:bot@example.org",
        ] {
            assert_eq!(
                check_url(bad, remote.as_ref()),
                Err(BadWebhook::Url),
                "{bad}"
            );
        }
        assert!(check_url("http://127.0.0.1:9999/hook", local.as_ref()).is_ok());
        assert_eq!(
            check_url("ftp://127.0.0.1/hook", local.as_ref()),
            Err(BadWebhook::Url)
        );
    }

    #[test]
    fn a_secret_is_1_to_256_of_telegrams_alphabet_and_a_new_one_passes() {
        assert!(check_secret("a").is_ok());
        assert!(check_secret(&"Z_-9".repeat(64)).is_ok());
        assert_eq!(check_secret(""), Err(BadWebhook::Secret));
        assert_eq!(check_secret(&"a".repeat(257)), Err(BadWebhook::Secret));
        assert_eq!(check_secret("has space"), Err(BadWebhook::Secret));
        assert_eq!(check_secret("ключ"), Err(BadWebhook::Secret));
        let s = new_secret();
        assert_eq!(s.len(), 64);
        assert!(check_secret(&s).is_ok());
        assert_ne!(s, new_secret());
    }
}
