//! The composition root: store, Telegram, and the three loops side by side — the poller (which
//! calls the acts), the sender (which delivers the outbox) and the scheduler (which calls the
//! deadline acts) — with shutdown. `gridwhistle run` and the sandbox both start the bot here.

use std::path::Path;
use std::sync::Arc;

use tokio::sync::watch;

use crate::acts::Ctx;
use crate::cli::{self, Exit, Token};
use crate::clock::{Clock, SystemClock};
use crate::domain::Lang;
use crate::i18n::ids;
use crate::storage::Store;
use crate::telegram::{PollConfig, Telegram};
use crate::tr;

/// Everything the running bot consists of.
pub struct Running {
    pub ctx: Ctx,
    pub stop: watch::Sender<bool>,
    pub tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Asks every task to stop and waits for them.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
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
}

/// Starts the sender, and the scheduler and poller as `parts` says, on `store` and `telegram`.
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
    let (stop, rx) = watch::channel(false);
    let sender = telegram
        .clone()
        .send(ctx.clone(), config.pacing, rx.clone());
    let mut tasks = vec![tokio::spawn(sender)];
    if parts.scheduling {
        let scheduler = crate::scheduler::run(ctx.clone(), ctx.replan.clone(), rx.clone());
        tasks.push(tokio::spawn(scheduler));
    }
    if parts.processing {
        let holder =
            (config.instance.clone()).unwrap_or_else(crate::telegram::dispatch::instance_name);
        tasks.push(tokio::spawn(telegram.clone().process(
            ctx.clone(),
            holder,
            config.workers,
            rx.clone(),
        )));
    }
    if parts.polling {
        tasks.push(tokio::spawn(telegram.poll(ctx.clone(), config, rx)));
    }
    Running { ctx, stop, tasks }
}

/// `gridwhistle run`: imports `--org` if given, then polls until SIGINT or SIGTERM.
pub async fn run(
    database_url: &str,
    org: Option<&Path>,
    token: Option<&Token>,
    api_url: Option<&str>,
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
    let config = PollConfig::default();
    let running = start(
        telegram,
        store.clone(),
        Arc::new(SystemClock),
        config,
        Parts::ALL,
    )
    .await;
    eprintln!("{}", tr!(lang, ids::CLI_STARTED));
    shutdown_signal().await;
    running.shutdown().await;
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
