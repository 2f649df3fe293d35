//! Start-up: connect and migrate, bind, and run the HTTP server and the worker until a signal
//! asks them to stop, letting in-flight requests and jobs finish.

use std::net::TcpListener;

use actix_web::HttpServer;
use anyhow::Context;

use textdesk_api::auth::tokens::TokenKeys;
use textdesk_api::{ApiConfig, AppState, build_app};
use textdesk_app::AppContext;
use textdesk_app::inbound::batches::WebhookBatches;
use textdesk_app::webhooks::endpoints::AddressPolicy;
use textdesk_db::Database;
use textdesk_db::clock::Clock;
use textdesk_db::secrets::SecretBox;
use textdesk_providers::HttpClient;
use textdesk_providers::mail::SmtpMailer;
use textdesk_providers::outbound_webhooks::WebhookClient;
use textdesk_worker::WorkerContext;
use tokio::sync::watch;

use crate::config::Settings;

/// Seconds a stopping server gives in-flight requests.
const SHUTDOWN_GRACE_SECONDS: u64 = 30;

/// Connects to the database and applies pending migrations.
pub fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    let db = Database::connect(&settings.database_url, settings.db_pool_size).with_context(|| {
        format!(
            "connecting to the {} database",
            textdesk_db::Backend::from_url(&settings.database_url).name()
        )
    })?;
    let applied = db.migrate().context("applying migrations")?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    Ok(db)
}

/// The HTTP server, bound and ready to run.
pub struct Application {
    server: actix_web::dev::Server,
    port: u16,
}

impl Application {
    /// Binds `settings.bind` (port 0 picks a free port). `handle_signals` is off in tests,
    /// which stop servers by dropping them.
    pub fn build(settings: &Settings, db: Database, handle_signals: bool) -> anyhow::Result<Application> {
        Application::build_with_clock(settings, db, handle_signals, Clock::system())
    }

    /// As `build`, with the clock that decides quiet hours (tests set it).
    pub fn build_with_clock(
        settings: &Settings,
        db: Database,
        handle_signals: bool,
        clock: Clock,
    ) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&settings.bind).with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let secret = settings.jwt_secret()?;
        let secrets = SecretBox::from_server_secret(&secret).map_err(|e| anyhow::anyhow!(e.to_string()))?;
        let app = AppContext {
            db: db.clone(),
            clock,
            mail: settings.mail_settings(),
        };
        let inbound = WebhookBatches::start(&app, &secrets).context("starting the inbound writers")?;
        let state = AppState {
            app,
            db,
            secrets,
            inbound,
            http: HttpClient::new(),
            tokens: TokenKeys::from_secret(&secret),
            public_url: settings.public_url(),
            trust_forwarded_for: settings.trust_forwarded_for,
            webhook_addresses: AddressPolicy {
                allow_private: settings.webhooks_allow_private,
            },
            inbound_mail_secret: settings.inbound_mail_secret.clone(),
        };
        let config = ApiConfig {
            static_dir: settings.static_dir.clone(),
        };
        let mut server = HttpServer::new(move || build_app(state.clone(), config.clone()))
            .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
            .listen(listener)?;
        if let Some(workers) = settings.http_workers {
            server = server.workers(workers);
        }
        if !handle_signals {
            server = server.disable_signals();
        }
        Ok(Application {
            server: server.run(),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// `textdesk serve`: the API, the browser app and the worker in one process.
pub async fn serve(settings: Settings, db: Database) -> anyhow::Result<()> {
    let application = Application::build(&settings, db.clone(), true)?;
    tracing::info!(url = %settings.public_url(), port = application.port(), "serving");
    let (stop_worker, worker_stopped) = watch::channel(false);
    let worker = tokio::spawn(textdesk_worker::run(worker_context(&settings, db)?, worker_stopped));
    let served = application.run_until_stopped().await;
    let _ = stop_worker.send(true);
    worker.await.context("the worker task failed")??;
    served.context("the HTTP server failed")
}

/// What the worker needs to send through providers.
pub fn worker_context(settings: &Settings, db: Database) -> anyhow::Result<WorkerContext> {
    let secrets = SecretBox::from_server_secret(&settings.jwt_secret()?).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    Ok(WorkerContext {
        db,
        secrets,
        http: HttpClient::new(),
        public_url: settings.public_url(),
        twilio_base_url: settings.twilio_api_base.clone(),
        clock: Clock::system(),
        webhooks: WebhookClient::new(settings.webhooks_allow_private),
        mail: settings.mail_settings(),
        mailer: match &settings.smtp_url {
            Some(url) => Some(SmtpMailer::from_url(url)?),
            None => None,
        },
        mail_from: settings.mail_from.clone(),
    })
}

/// `textdesk worker`: the worker alone, until SIGINT or SIGTERM.
pub async fn worker(settings: Settings, db: Database) -> anyhow::Result<()> {
    let (stop, stopped) = watch::channel(false);
    let worker = tokio::spawn(textdesk_worker::run(worker_context(&settings, db)?, stopped));
    shutdown_signal().await;
    tracing::info!("stopping the worker");
    let _ = stop.send(true);
    worker.await.context("the worker task failed")?
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {},
                    _ = terminate.recv() => {},
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
