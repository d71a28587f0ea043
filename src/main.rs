//! The `gridwhistle` binary: parse the command line, start logging, hand over to the library.

use clap::Parser;
use gridwhistle::cli::{Cli, Command, LogFormat, OrgCommand};
use gridwhistle::{app, cli};

#[tokio::main]
async fn main() {
    let args = Cli::parse();
    // The bot logs its work; the other commands print their result and only warnings.
    let default_filter = match args.command {
        Command::Run { .. } => "gridwhistle=info,warn",
        // Seeding writes thousands of rows a statement: sqlx's "slow statement" warnings there
        // are expected and would bury the figures.
        Command::Bench { .. } => "warn,sqlx::query=error",
        _ => "warn",
    };
    let json = matches!(
        args.command,
        Command::Run {
            log_format: LogFormat::Json,
            ..
        }
    );
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| default_filter.into());
    if json {
        // One JSON object a line, for log shippers.
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let lang = args.lang;
    let result = match args.command {
        Command::Migrate => cli::open_store(&args.database_url, lang).await.map(|_| {
            format!(
                "{}\n",
                gridwhistle::tr!(lang, gridwhistle::i18n::ids::CLI_MIGRATED)
            )
        }),
        Command::Prune => match cli::open_store(&args.database_url, lang).await {
            Err(e) => Err(e),
            Ok(store) => cli::prune(&store, lang).await,
        },
        Command::Org { command } => match cli::open_store(&args.database_url, lang).await {
            Err(e) => Err(e),
            Ok(store) => match command {
                OrgCommand::Import { file, prune, yes } => {
                    cli::org_import(&store, &file, prune, yes, lang).await
                }
                OrgCommand::Show => cli::org_show(&store, lang).await,
            },
        },
        Command::Report {
            month,
            unit,
            format,
            as_of,
        } => match cli::open_store(&args.database_url, lang).await {
            Err(e) => Err(e),
            Ok(store) => {
                let as_of = as_of.map(|t| t.with_timezone(&chrono::Utc));
                cli::report(&store, &month, unit.as_deref(), format, as_of, lang).await
            }
        },
        Command::Export {
            from,
            to,
            format: _,
        } => match cli::open_store(&args.database_url, lang).await {
            Err(e) => Err(e),
            Ok(store) => {
                let mut stdout = std::io::stdout().lock();
                cli::export(&store, &from, &to, lang, &mut stdout)
                    .await
                    .map(|()| String::new())
            }
        },
        Command::Backup { file } => cli::backup(&args.database_url, &file, lang).await,
        Command::Demo => gridwhistle::demo::run(lang).await.map_err(|e| cli::Exit {
            message: format!("{e:#}"),
            code: 1,
        }),
        Command::Bench {
            burst,
            sequential,
            orders,
            years,
            grids,
        } => match (orders, grids) {
            (n, Some(g)) => {
                gridwhistle::scale::bench::run(n.unwrap_or(0), g, &args.database_url, sequential)
                    .await
            }
            (Some(n), None) => gridwhistle::bench::statistics(n, years, &args.database_url).await,
            (None, None) => gridwhistle::bench::run(burst, sequential).await,
        }
        .map_err(|e| cli::Exit {
            message: format!("{e:#}"),
            code: 1,
        }),
        Command::Run {
            org,
            token,
            api_url,
            webhook,
            listen,
            metrics_listen,
            webhook_secret,
            log_format: _,
        } => {
            let serve = app::Serve {
                webhook,
                listen,
                metrics_listen,
                webhook_secret,
            };
            app::run(
                &args.database_url,
                org.as_deref(),
                token.as_ref(),
                api_url.as_deref(),
                serve,
                lang,
            )
            .await
        }
    };
    match result {
        Ok(out) => print!("{out}"),
        Err(e) => {
            eprintln!("{}", e.message);
            std::process::exit(e.code);
        }
    }
}
