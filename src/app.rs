//! The composition root: store, Telegram, and the loops side by side — the poller (or, in
//! webhook mode, the webhook route), the processor (which calls the acts), the sender (which
//! delivers the outbox) and the scheduler (which calls the deadline acts) — the HTTP server for
//! the webhook, `/healthz` and `/metrics`, and shutdown with a grace period. `gridwhistle run` and the sandbox both start the bot here.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::acts::Ctx;
use crate::cli::{self, Exit, Token};
use crate::clock::{Clock, SystemClock};
use crate::domain::Lang;
use crate::i18n::ids;
use crate::ops::{Health, Loop};
use crate::storage::Store;
use crate::telegram::{webhook, PollConfig, Telegram};
use crate::tr;

/// How long a stopping bot waits for the acts in flight and the due sends.
pub const GRACE: Duration = Duration::from_secs(10);

/// Everything the running bot consists of.
pub struct Running {
    pub ctx: Ctx,
    pub stop: watch::Sender<bool>,
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
    /// Its loops' heartbeats and whether it is stopping (`/healthz`, the webhook's 503).
    pub health: Health,
}

impl Running {
    /// Asks every task to stop and waits for them.
    pub async fn shutdown(self) {
        self.health.set_stopping();
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Stops taking updates and lets the acts in flight and the deliveries under way finish,
    /// for at most `grace`; true when everything finished in time (what did not is left to
    /// the next start: stored updates and outbox rows survive).
    pub async fn shutdown_within(self, grace: Duration) -> bool {
        let aborts: Vec<_> = self.tasks.iter().map(|t| t.abort_handle()).collect();
        let finished = tokio::time::timeout(grace, self.shutdown()).await.is_ok();
        if !finished {
            for a in aborts {
                a.abort();
            }
        }
        finished
    }

    /// The HTTP routes of this bot: with `webhook` (path and secret) the webhook route, and
    /// with `ops` `/healthz` and `/metrics`.
    pub fn routes(&self, webhook: Option<(&str, String)>, ops: bool) -> Router {
        let mut router = Router::new();
        if let Some((path, secret)) = webhook {
            router = router.merge(crate::telegram::webhook::router(
                path,
                self.ctx.clone(),
                secret,
                self.health.clone(),
            ));
        }
        if ops {
            router = router.merge(crate::ops::router(
                self.ctx.store.clone(),
                self.health.clone(),
            ));
        }
        router
    }
}

/// Which loops a process runs. Telegram allows one poller per token; the update processor, the
/// scheduler and the sender may run in every process (the processor shares chats through their
/// leases). A test driving a manual clock runs no scheduler loop and calls `scheduler::tick`
/// itself.
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    /// Long-poll Telegram for updates (one process per token).
    pub polling: bool,
    /// Process stored updates (chats claimed through `chat_leases`).
    pub processing: bool,
    pub scheduling: bool,
}

impl Parts {
    pub const ALL: Parts = Parts {
        polling: true,
        processing: true,
        scheduling: true,
    };
    /// A webhook replica: updates arrive over HTTP, so no poller.
    pub const WEBHOOK: Parts = Parts {
        polling: false,
        processing: true,
        scheduling: true,
    };
}

/// Starts the sender, and the scheduler and poller as `parts` says, on `store` and `telegram`.
/// Each loop is watched by the bot's `Health`.
pub async fn start(
    telegram: Telegram,
    store: Store,
    clock: Arc<dyn Clock>,
    config: PollConfig,
    parts: Parts,
) -> Running {
    if parts.polling {
        telegram.prepare_polling().await;
    }
    let ctx = Ctx::new(store, clock);
    let health = Health::default();
    let (stop, rx) = watch::channel(false);
    let sender = telegram
        .clone()
        .send(ctx.clone(), config.pacing, rx.clone());
    let mut tasks = vec![tokio::spawn(health.watch(Loop::Sender, sender))];
    if parts.scheduling {
        let scheduler = crate::scheduler::run(ctx.clone(), ctx.replan.clone(), rx.clone());
        tasks.push(tokio::spawn(health.watch(Loop::Scheduler, scheduler)));
    }
    if parts.processing {
        let holder =
            (config.instance.clone()).unwrap_or_else(crate::telegram::dispatch::instance_name);
        let processor = telegram
            .clone()
            .process(ctx.clone(), holder, config.workers, rx.clone());
        tasks.push(tokio::spawn(health.watch(Loop::Processor, processor)));
    }
    if parts.polling {
        let poller = telegram.poll(ctx.clone(), config, rx);
        tasks.push(tokio::spawn(health.watch(Loop::Poller, poller)));
    }
    Running {
        ctx,
        stop,
        tasks,
        health,
    }
}

/// How `gridwhistle run` is reached: by polling, or by a webhook served on `listen`; and where
/// `/healthz` and `/metrics` are served.
#[derive(Debug, Default, Clone)]
pub struct Serve {
    pub webhook: Option<String>,
    pub listen: Option<String>,
    pub metrics_listen: Option<String>,
    pub webhook_secret: Option<Token>,
}

async fn bind(addr: &str, lang: Lang) -> Result<TcpListener, Exit> {
    TcpListener::bind(addr).await.map_err(|e| Exit {
        message: tr!(
            lang,
            ids::CLI_BAD_LISTEN,
            addr = addr,
            detail = e.to_string()
        ),
        code: 2,
    })
}

/// `gridwhistle run`: imports `--org` if given, then polls (or serves the webhook) until SIGINT
/// or SIGTERM; then stops taking updates, lets the work in flight finish within `GRACE`, and
/// exits 0.
pub async fn run(
    database_url: &str,
    org: Option<&Path>,
    token: Option<&Token>,
    api_url: Option<&str>,
    serve: Serve,
    lang: Lang,
) -> Result<String, Exit> {
    let Some(token) = token.filter(|t| !t.expose().is_empty()) else {
        return Err(Exit {
            message: tr!(lang, ids::CLI_NO_TOKEN),
            code: 2,
        });
    };
    let api_url = match api_url.map(url::Url::parse).transpose() {
        Ok(u) => u,
        Err(e) => {
            return Err(Exit {
                message: format!("TELOXIDE_API_URL: {e}"),
                code: 2,
            })
        }
    };
    let usage = |message: String| Exit { message, code: 2 };
    // Everything a person can get wrong is checked before anything starts.
    let webhook = match &serve.webhook {
        None => None,
        Some(u) => Some(
            webhook::check_url(u, api_url.as_ref())
                .map_err(|_| usage(tr!(lang, ids::CLI_WEBHOOK_URL, url = u.as_str())))?,
        ),
    };
    if webhook.is_some() && serve.listen.is_none() {
        return Err(usage(tr!(lang, ids::CLI_WEBHOOK_NO_LISTEN)));
    }
    let given_secret = serve
        .webhook_secret
        .as_ref()
        .map(|s| s.expose().to_string())
        .filter(|s| !s.is_empty());
    if let Some(s) = &given_secret {
        webhook::check_secret(s).map_err(|_| usage(tr!(lang, ids::CLI_WEBHOOK_SECRET)))?;
    }
    let listener = match &serve.listen {
        Some(a) => Some(bind(a, lang).await?),
        None => None,
    };
    let metrics_listener = match &serve.metrics_listen {
        Some(a) => Some(bind(a, lang).await?),
        None => None,
    };
    if listener.is_some() || metrics_listener.is_some() {
        // Installed before the loops start, so that nothing they count is lost.
        let _ = crate::ops::prometheus();
    }
    let _lock = cli::run_lock(database_url, lang)?;
    let store = cli::open_store(database_url, lang).await?;
    if let Some(path) = org {
        let report = cli::org_import(&store, path, false, false, lang).await?;
        eprint!("{report}");
    }
    let telegram = Telegram::connect(token.expose(), api_url)
        .await
        .map_err(|e| Exit {
            message: format!("Telegram: {e}"),
            code: 2,
        })?;
    let secret =
        match (&webhook, given_secret) {
            (None, _) => None,
            (Some(_), Some(s)) => Some(s),
            (Some(_), None) => Some(store.webhook_secret(webhook::new_secret).await.map_err(
                |e| Exit {
                    message: e.to_string(),
                    code: 1,
                },
            )?),
        };
    let parts = if webhook.is_some() {
        Parts::WEBHOOK
    } else {
        Parts::ALL
    };
    let running = start(
        telegram.clone(),
        store.clone(),
        Arc::new(SystemClock),
        PollConfig::default(),
        parts,
    )
    .await;
    let (http_stop, http_rx) = watch::channel(false);
    let until_stopped = move || {
        let mut rx = http_rx.clone();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    };
    let mut servers = Vec::new();
    if let Some(l) = listener {
        let hook = match (&webhook, &secret) {
            (Some(u), Some(s)) => Some((u.path(), s.clone())),
            _ => None,
        };
        let routes = running.routes(hook, metrics_listener.is_none());
        servers.push(crate::ops::serve(l, routes, until_stopped()));
    }
    if let Some(l) = metrics_listener {
        servers.push(crate::ops::serve(
            l,
            running.routes(None, true),
            until_stopped(),
        ));
    }
    // Told only once the route is served, so that Telegram's first POST finds it.
    if let (Some(u), Some(s)) = (&webhook, &secret) {
        if let Err(e) = telegram.prepare_webhook(u, s).await {
            running.shutdown().await;
            let _ = http_stop.send(true);
            return Err(usage(tr!(
                lang,
                ids::CLI_WEBHOOK_REFUSED,
                detail = e.to_string()
            )));
        }
    }
    eprintln!("{}", tr!(lang, ids::CLI_STARTED));
    shutdown_signal().await;
    tracing::info!("stopping: no new updates; finishing the work in flight");
    running.health.set_stopping();
    if !running.shutdown_within(GRACE).await {
        tracing::warn!(grace = ?GRACE, "work still in flight after the grace period; it resumes at the next start");
    }
    let _ = http_stop.send(true);
    for s in servers {
        let _ = s.await;
    }
    store.close().await;
    Ok(format!("{}\n", tr!(lang, ids::CLI_STOPPED)))
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
