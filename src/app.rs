//! The composition root: store, bot, poller, sender and shutdown, for `gridwhistle run`.

use std::path::Path;
use std::sync::Arc;

use crate::cli::{self, Exit};
use crate::clock::SystemClock;
use crate::domain::Lang;
use crate::i18n::ids;
use crate::telegram;
use crate::tr;

/// `gridwhistle run`: imports `--org` if given, then polls until SIGINT or SIGTERM.
pub async fn run(database_url: &str, org: Option<&Path>, lang: Lang) -> Result<String, Exit> {
    let token = std::env::var("TELOXIDE_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    let Some(token) = token else {
        return Err(Exit {
            message: tr!(lang, ids::CLI_NO_TOKEN),
            code: 2,
        });
    };
    let store = cli::open_store(database_url, lang).await?;
    if let Some(path) = org {
        let report = cli::org_import(&store, path, false, false, lang).await?;
        eprint!("{report}");
    }
    let mut bot = teloxide::Bot::new(token);
    if let Ok(url) = std::env::var("TELOXIDE_API_URL") {
        match url::Url::parse(&url) {
            Ok(u) => bot = bot.set_api_url(u),
            Err(e) => {
                return Err(Exit {
                    message: format!("TELOXIDE_API_URL: {e}"),
                    code: 2,
                })
            }
        }
    }
    let running = telegram::start(
        bot,
        store.clone(),
        Arc::new(SystemClock),
        telegram::PollConfig::default(),
    )
    .await
    .map_err(|e| Exit {
        message: format!("Telegram: {}", telegram::describe(&e)),
        code: 2,
    })?;
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
