//! An in-process world for the demo, the end-to-end tests and the benchmarks: the local Bot API
//! stand-in, a database with an organisation imported, a manual clock, and the real bot (poller
//! and sender) talking to the stand-in over HTTP on loopback.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::app::{self, Parts, Running};
use crate::clock::ManualClock;
use crate::domain::org::{parse_org, Organisation};
use crate::domain::{Lang, Scope, TelegramUserId, UnitId};
use crate::standin::{SentMessage, StandIn, TgChat, TgUser, TimelineEntry};
use crate::storage::Store;
use crate::telegram::sender::Pacing;
use crate::telegram::{PollConfig, Telegram};

/// How long `settle` waits for the bot before giving up (a bound, not a sleep).
const SETTLE_LIMIT: Duration = Duration::from_secs(90);

pub struct Sandbox {
    pub standin: StandIn,
    pub store: Store,
    pub clock: ManualClock,
    pub org: Organisation,
    running: Option<Running>,
    pacing: Pacing,
    pushed: i64,
    /// Processed updates whose rows `prune` deleted (they no longer count as processed).
    pruned_updates: i64,
    _dir: Option<tempfile::TempDir>,
    /// In webhook mode: the bot's HTTP server (webhook, /healthz, /metrics).
    hook: Option<WebhookServer>,
}

/// The bot's own HTTP server in a webhook-mode sandbox.
pub struct WebhookServer {
    /// Where it listens (127.0.0.1, a free port).
    pub addr: std::net::SocketAddr,
    /// The webhook's path and secret token.
    pub path: String,
    pub secret: String,
    task: tokio::task::JoinHandle<()>,
}

impl Sandbox {
    /// Starts a world with `org_toml` imported, on `database_url` or a fresh temporary SQLite;
    /// the bot sends unpaced.
    pub async fn start(
        org_toml: &str,
        database_url: Option<String>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Sandbox> {
        Self::start_paced(org_toml, database_url, now, Pacing::NONE).await
    }

    /// Like `start`, with the sender keeping `pacing` (`Pacing::TELEGRAM`, or it `faster`): for
    /// what happens under Telegram's limits. Pacing waits real time, not the manual clock.
    pub async fn start_paced(
        org_toml: &str,
        database_url: Option<String>,
        now: DateTime<Utc>,
        pacing: Pacing,
    ) -> anyhow::Result<Sandbox> {
        Self::start_mode(org_toml, database_url, now, pacing, false).await
    }

    /// Starts a world whose bot receives updates by webhook: its own HTTP server on
    /// 127.0.0.1 (a free port) serves the webhook route, `/healthz` and `/metrics`, and the
    /// stand-in POSTs updates to it with the secret header. No poller; no scheduler loop.
    pub async fn start_webhook(
        org_toml: &str,
        database_url: Option<String>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Sandbox> {
        Self::start_mode(org_toml, database_url, now, Pacing::NONE, true).await
    }

    async fn start_mode(
        org_toml: &str,
        database_url: Option<String>,
        now: DateTime<Utc>,
        pacing: Pacing,
        webhook: bool,
    ) -> anyhow::Result<Sandbox> {
        let (url, dir) = match database_url {
            Some(u) => (u, None),
            None => {
                let dir = tempfile::tempdir().context("temporary directory")?;
                (
                    format!("sqlite://{}", dir.path().join("sandbox.db").display()),
                    Some(dir),
                )
            }
        };
        let store = Store::connect(&url).await.context("database")?;
        let org = parse_org(org_toml).map_err(|e| anyhow::anyhow!("organisation: {e}"))?;
        store.import_org(&org, false).await?;
        let standin = StandIn::start().await;
        for u in &org.units {
            if let Some(c) = u.chat_id {
                standin.register_chat(&TgChat::new(c.0, &u.name));
            }
        }
        for d in &org.departments {
            if let Some(c) = d.chat_id {
                standin.register_chat(&TgChat::new(c.0, &d.name));
            }
        }
        let clock = ManualClock::new(now);
        let parts = if webhook {
            Parts {
                polling: false,
                processing: true,
                scheduling: false,
            }
        } else {
            Parts::ALL
        };
        let running = Self::start_with(&standin, store.clone(), &clock, parts, pacing).await?;
        let hook = if webhook {
            Some(Self::serve_webhook(&standin, &running).await?)
        } else {
            None
        };
        Ok(Sandbox {
            standin,
            store,
            clock,
            org,
            running: Some(running),
            pacing,
            pushed: 0,
            pruned_updates: 0,
            _dir: dir,
            hook,
        })
    }

    /// The bot as a test runs it: polling and sending, with no scheduler loop (the clock is
    /// manual: `advance` runs the scheduler).
    async fn start_bot(
        standin: &StandIn,
        store: &Store,
        clock: &ManualClock,
        pacing: Pacing,
    ) -> anyhow::Result<Running> {
        let parts = Parts {
            polling: true,
            processing: true,
            scheduling: false,
        };
        Self::start_with(standin, store.clone(), clock, parts, pacing).await
    }

    /// The bot on `store` against the stand-in, sending at `pacing`, running `parts`.
    async fn start_with(
        standin: &StandIn,
        store: Store,
        clock: &ManualClock,
        parts: Parts,
        pacing: Pacing,
    ) -> anyhow::Result<Running> {
        let telegram = Telegram::with_bot(standin.bot())
            .await
            .context("bot start")?;
        let config = PollConfig {
            timeout_secs: 10,
            workers: 16,
            pacing,
            instance: None,
        };
        Ok(app::start(telegram, store, Arc::new(clock.clone()), config, parts).await)
    }

    /// Stops the bot and starts a new one on the same database and stand-in, as a restarted
    /// process would be.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
        self.running =
            Some(Self::start_bot(&self.standin, &self.store, &self.clock, self.pacing).await?);
        Ok(())
    }

    /// A second bot process on the same database (`url`): scheduler work and sending, no
    /// polling (Telegram allows one poller per token). Its scheduler is driven with `tick`.
    pub async fn second_process(&self, url: &str) -> anyhow::Result<Running> {
        let store = Store::connect(url)
            .await
            .context("second process database")?;
        let parts = Parts {
            polling: false,
            processing: false,
            scheduling: false,
        };
        Self::start_with(&self.standin, store, &self.clock, parts, self.pacing).await
    }

    /// Sets every chat of the organisation to `lang`.
    pub async fn set_language(&self, lang: Lang) -> anyhow::Result<()> {
        for c in self
            .org
            .units
            .iter()
            .filter_map(|u| u.chat_id)
            .chain(self.org.departments.iter().filter_map(|d| d.chat_id))
        {
            self.store.set_chat_locale(c, lang).await?;
        }
        Ok(())
    }

    /// A roster person as a Telegram user.
    pub fn user(&self, id: i64) -> TgUser {
        match self.org.person(TelegramUserId(id)) {
            Some(p) => {
                let u = TgUser::new(id, &p.name);
                match &p.username {
                    Some(name) => u.with_username(name),
                    None => u,
                }
            }
            None => TgUser::new(id, &format!("user{id}")),
        }
    }

    /// The group chat of a unit or department id.
    pub fn chat(&self, id: &str) -> TgChat {
        let (chat, title) = self
            .org
            .units
            .iter()
            .find(|u| u.id.as_str() == id)
            .map(|u| (u.chat_id, u.name.clone()))
            .or_else(|| {
                self.org
                    .departments
                    .iter()
                    .find(|d| d.id.as_str() == id)
                    .map(|d| (d.chat_id, d.name.clone()))
            })
            .unwrap_or((None, id.to_string()));
        TgChat::new(chat.map_or(-1, |c| c.0), &title)
    }

    /// The titles of every chat, for the transcript.
    pub fn chat_titles(&self) -> HashMap<i64, String> {
        let mut t = HashMap::new();
        for u in &self.org.units {
            if let Some(c) = u.chat_id {
                t.insert(c.0, u.name.clone());
            }
        }
        for d in &self.org.departments {
            if let Some(c) = d.chat_id {
                t.insert(c.0, d.name.clone());
            }
        }
        t
    }

    /// Queues an update for the bot and waits until it was handled and its messages delivered.
    pub async fn push(&mut self, update: Value) -> anyhow::Result<()> {
        self.standin.push_update(update);
        self.pushed += 1;
        self.settle().await
    }

    /// Queues an update without waiting for it (a burst); `settle` waits for all of them.
    pub fn queue(&mut self, update: Value) {
        self.standin.push_update(update);
        self.pushed += 1;
    }

    /// A user writes in a chat.
    pub async fn say(&mut self, chat: &TgChat, user: &TgUser, text: &str) -> anyhow::Result<()> {
        let u = self.standin.group_text(chat, user, text);
        self.push(u).await
    }

    /// A user replies to a message.
    pub async fn reply(
        &mut self,
        chat: &TgChat,
        user: &TgUser,
        to: i32,
        text: &str,
    ) -> anyhow::Result<()> {
        let u = self
            .standin
            .reply(chat, user, to, text)
            .context("no such message to reply to")?;
        self.push(u).await
    }

    /// A user taps a button labelled `label` on a bot message.
    pub async fn press(
        &mut self,
        chat: &TgChat,
        user: &TgUser,
        message_id: i32,
        label: &str,
    ) -> anyhow::Result<()> {
        let u = self
            .standin
            .press_button(chat.id, user, message_id, label)
            .with_context(|| format!("no button {label}"))?;
        self.push(u).await
    }

    /// A person who is on no roster (a resident), writing in `lang` as Telegram reports it
    /// (`language_code`). Registered with the stand-in, so their private chat carries their
    /// name (in their own chat only: the transcript titles it "👤 name").
    pub fn resident(&self, id: i64, name: &str, username: Option<&str>, lang: Lang) -> TgUser {
        let code = match lang {
            Lang::ZhHans => "zh-hans",
            Lang::ZhHant => "zh-hant",
            Lang::En => "en",
        };
        let u = TgUser::new(id, name).with_language(code);
        let u = match username {
            Some(n) => u.with_username(n),
            None => u,
        };
        self.standin.register_user(&u);
        u
    }

    /// A user writes in their private chat with the bot.
    pub async fn say_private(&mut self, user: &TgUser, text: &str) -> anyhow::Result<()> {
        let u = self.standin.private_text(user, text);
        self.push(u).await
    }

    /// A user sends a photo (with an optional caption) in their private chat; the stand-in
    /// knows its `file_id` from then on, so the bot may send it on by id. Returns the id.
    pub async fn photo_private(
        &mut self,
        user: &TgUser,
        caption: Option<&str>,
    ) -> anyhow::Result<String> {
        self.standin.register_user(user);
        let u = self.standin.photo(&TgChat::private(user), user, caption);
        let file_id = u
            .pointer("/message/photo")
            .and_then(Value::as_array)
            .and_then(|sizes| sizes.last())
            .and_then(|p| p["file_id"].as_str())
            .unwrap_or_default()
            .to_string();
        self.push(u).await?;
        Ok(file_id)
    }

    /// A user shares a location in their private chat (the request_location button does so).
    pub async fn location_private(
        &mut self,
        user: &TgUser,
        lat: f64,
        lon: f64,
    ) -> anyhow::Result<()> {
        let u = self.standin.private_location(user, lat, lon);
        self.push(u).await
    }

    /// A user replies to one of the bot's messages in their private chat.
    pub async fn reply_private(
        &mut self,
        user: &TgUser,
        to: i32,
        text: &str,
    ) -> anyhow::Result<()> {
        self.standin.register_user(user);
        self.reply(&TgChat::private(user), user, to, text).await
    }

    /// A user taps a button labelled `label` on a bot message in their private chat.
    pub async fn press_private(
        &mut self,
        user: &TgUser,
        message_id: i32,
        label: &str,
    ) -> anyhow::Result<()> {
        self.press(&TgChat::private(user), user, message_id, label)
            .await
    }

    /// The bot's last message in a user's private chat that has a button labelled `label`.
    pub fn last_with_button(&self, user: &TgUser, label: &str) -> Option<SentMessage> {
        self.messages(&TgChat::private(user))
            .into_iter()
            .filter(|m| m.button_data(label).is_some())
            .max_by_key(|m| m.message_id)
    }

    /// Every message the bot sent or edited in a group chat that names `user`: their first or
    /// last name, their username, or their id as a number of its own (in the text, the HTML,
    /// a button's label or data). A resident must have none.
    pub fn group_leaks(&self, user: &TgUser) -> Vec<SentMessage> {
        let id = user.id.to_string();
        let mut words: Vec<&str> = vec![user.first_name.as_str()];
        words.extend(user.last_name.as_deref());
        words.extend(user.username.as_deref());
        let names = |s: &str| words.iter().any(|w| !w.is_empty() && s.contains(w));
        let number = |s: &str| {
            s.match_indices(&id).any(|(at, _)| {
                let before = s[..at].chars().next_back();
                let after = s[at + id.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_digit())
                    && !after.is_some_and(|c| c.is_ascii_digit())
            })
        };
        self.standin
            .timeline()
            .into_iter()
            .filter_map(|e| match e {
                TimelineEntry::BotSent { message } | TimelineEntry::BotEdited { message } => {
                    Some(message)
                }
                _ => None,
            })
            .filter(|m| m.chat_id < 0)
            .filter(|m| {
                let mut texts = vec![m.text.as_str(), m.html.as_str()];
                for (label, data) in m.keyboard.iter().flatten() {
                    texts.push(label);
                    texts.push(data);
                }
                m.mentioned_user_ids.contains(&user.id)
                    || texts.iter().any(|t| names(t) || number(t))
            })
            .collect()
    }

    /// Moves the clock on, lets the scheduler act on what fell due, and waits for the messages.
    pub async fn advance(&mut self, by: chrono::Duration) -> anyhow::Result<usize> {
        self.clock.advance(by);
        let ctx = self.running.as_ref().context("stopped")?.ctx.clone();
        let worked = crate::scheduler::tick(&ctx).await?;
        self.settle().await?;
        Ok(worked)
    }

    /// Prunes now, by the manual clock, what the organisation's `[retention]` no longer keeps
    /// (what the scheduler loop does hourly in production).
    pub async fn prune(&mut self) -> anyhow::Result<crate::storage::Pruned> {
        let ctx = self.running.as_ref().context("stopped")?.ctx.clone();
        let pruned = crate::scheduler::prune(&ctx).await?;
        self.pruned_updates += i64::try_from(pruned.updates).unwrap_or(i64::MAX);
        Ok(pruned)
    }

    /// The bot's handler context (store, clock, wake-ups).
    pub fn ctx(&self) -> Option<crate::acts::Ctx> {
        self.running.as_ref().map(|r| r.ctx.clone())
    }

    /// Waits (bounded) until every pushed update is processed and the outbox is empty.
    pub async fn settle(&self) -> anyhow::Result<()> {
        let start = Instant::now();
        loop {
            let processed = self.store.processed_update_count().await?;
            let pending = self.store.outbox_pending_count().await?;
            if processed + self.pruned_updates >= self.pushed
                && pending == 0
                && self.standin.pending_updates().is_empty()
            {
                return Ok(());
            }
            if start.elapsed() > SETTLE_LIMIT {
                anyhow::bail!("the bot did not settle: {processed}/{} updates processed, {pending} messages pending", self.pushed);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The bot's messages in a chat, in order.
    pub fn messages(&self, chat: &TgChat) -> Vec<SentMessage> {
        self.standin.messages(chat.id)
    }

    /// The last message the bot sent in a chat.
    pub fn last(&self, chat: &TgChat) -> Option<SentMessage> {
        self.messages(chat).into_iter().max_by_key(|m| m.message_id)
    }

    /// The card of an order in a chat, as it reads now.
    pub async fn card(&self, chat: &TgChat, order: i64) -> Option<SentMessage> {
        let mid = self
            .store
            .card_message(
                crate::domain::OrderId(order),
                crate::domain::ChatId(chat.id),
            )
            .await
            .ok()??;
        self.standin.message(chat.id, i32::try_from(mid.0).ok()?)
    }

    /// The chat of a unit (by id), when bound.
    pub async fn chat_of_unit(&self, id: &str) -> Option<i64> {
        self.store
            .chat_of(&Scope::Unit(UnitId::checked(id)))
            .await
            .ok()
            .flatten()
            .map(|c| c.0)
    }

    /// Stops the bot and the stand-in.
    pub async fn stop(mut self) {
        if let Some(h) = self.hook.take() {
            h.task.abort();
        }
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
        self.standin.shutdown();
        self.store.close().await;
    }

    /// The bot's HTTP server and its webhook's coordinates, in webhook mode.
    pub fn webhook(&self) -> Option<&WebhookServer> {
        self.hook.as_ref()
    }

    /// POSTs `body` to the bot's webhook route as Telegram would, with `secret` as the secret
    /// header (none: no header). Returns the HTTP status.
    pub async fn post_webhook(&self, body: &[u8], secret: Option<&str>) -> anyhow::Result<u16> {
        let hook = self.hook.as_ref().context("not in webhook mode")?;
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(s) = secret {
            headers.push(("X-Telegram-Bot-Api-Secret-Token", s));
        }
        let (status, _) = http(hook.addr, "POST", &hook.path, &headers, body).await?;
        Ok(status)
    }

    /// Marks the bot as stopping, as SIGTERM does before the work in flight finishes: the
    /// webhook answers 503 (Telegram retries elsewhere) and `/healthz` says so.
    pub fn begin_stopping(&self) {
        if let Some(r) = &self.running {
            r.health.set_stopping();
        }
    }

    /// Counts an update the test POSTed itself (not through the stand-in) as one `settle`
    /// waits for.
    pub fn count_pushed(&mut self, n: i64) {
        self.pushed += n;
    }

    async fn serve_webhook(standin: &StandIn, running: &Running) -> anyhow::Result<WebhookServer> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("webhook listener")?;
        let addr = listener.local_addr()?;
        let path = "/telegram/webhook".to_string();
        let secret = crate::telegram::webhook::new_secret();
        let routes = running.routes(Some((&path, secret.clone())), true);
        let task = crate::ops::serve(listener, routes, std::future::pending());
        let url = url::Url::parse(&format!("http://{addr}{path}"))?;
        let telegram = Telegram::with_bot(standin.bot())
            .await
            .context("bot start")?;
        telegram
            .prepare_webhook(&url, &secret)
            .await
            .context("setWebhook")?;
        Ok(WebhookServer {
            addr,
            path,
            secret,
            task,
        })
    }
}

/// A minimal HTTP/1.1 request on loopback (for tests: the bot's webhook, `/healthz`,
/// `/metrics`): returns the status and the body as text.
pub async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> anyhow::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .with_context(|| format!("connect {addr}"))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    // A server may answer (413) and close before reading all of a body it refuses.
    let _ = stream.write_all(body).await;
    let mut answer = Vec::new();
    if let Err(e) = stream.read_to_end(&mut answer).await {
        anyhow::ensure!(!answer.is_empty(), "no answer from {addr}: {e}");
    }
    let text = String::from_utf8_lossy(&answer).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .context("no HTTP status")?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// The harness's check on every world (each end-to-end test, the demo, the benchmarks): the bot
/// never asked Telegram to edit a message into what it already showed ("message is not
/// modified" is a wasted request out of a chat's pace). Checked when the world goes away, by
/// `stop` or by the end of its scope, unless it goes away because something failed already.
impl Drop for Sandbox {
    fn drop(&mut self) {
        let wasted = self.standin.not_modified_count();
        if wasted > 0 && !std::thread::panicking() {
            let calls: Vec<String> = self
                .standin
                .calls()
                .into_iter()
                .filter(|c| {
                    matches!(&c.outcome, crate::standin::CallOutcome::Error(e)
                        if e.contains("message is not modified"))
                })
                .map(|c| format!("{} {}", c.method, c.params))
                .collect();
            panic!(
                "{wasted} edit(s) answered \"message is not modified\": the bot sent an edit identical to what the message showed:\n{}",
                calls.join("\n")
            );
        }
    }
}
