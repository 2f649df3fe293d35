//! What every handler shares.

use textdesk_db::{Database, DbConnection};

use crate::ApiError;
use crate::auth::tokens::TokenKeys;
use textdesk_app::inbound::batches::WebhookBatches;
use textdesk_app::webhooks::endpoints::AddressPolicy;
use textdesk_app::{AppContext, AppError};
use textdesk_db::secrets::SecretBox;
use textdesk_providers::HttpClient;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    /// What the application's operations run on.
    pub app: AppContext,
    pub tokens: TokenKeys,
    /// The address people and providers reach this server at, without a trailing slash.
    pub public_url: String,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    pub secrets: SecretBox,
    /// For provider adapters (webhook parsing needs no network; sending happens in the worker).
    pub http: HttpClient,
    /// Stores inbound-message webhooks in batches.
    pub inbound: WebhookBatches,
    /// Which addresses outbound webhook endpoints may have.
    pub webhook_addresses: AddressPolicy,
    /// The shared secret of `POST /webhooks/email`; the endpoint is off without one.
    pub inbound_mail_secret: Option<String>,
}

impl AppState {
    /// Runs read-only storage work on a blocking thread (once more if its connection is lost).
    pub async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: Fn(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        run_blocking(move || db.read(work)).await
    }
}

impl AppState {
    /// Runs one application operation on a blocking thread.
    pub async fn run<T, F>(&self, operation: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&AppContext) -> Result<T, AppError> + Send + 'static,
    {
        let app = self.app.clone();
        run_blocking(move || operation(&app)).await
    }
}

/// CPU-heavy or blocking work (password hashing, diesel) off the async workers.
pub async fn run_blocking<T, E>(work: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Send + 'static,
    ApiError: From<E>,
{
    actix_web::web::block(work)
        .await
        .map_err(|_| ApiError::internal("a blocking task was cancelled"))?
        .map_err(ApiError::from)
}
