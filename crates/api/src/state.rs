//! What every handler shares.

use textdesk_db::{Database, DbConnection};

use crate::ApiError;
use crate::auth::tokens::TokenKeys;
use crate::webhook_batches::WebhookBatches;
use textdesk_db::clock::Clock;
use textdesk_db::secrets::SecretBox;
use textdesk_providers::HttpClient;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub tokens: TokenKeys,
    /// The address people and providers reach this server at, without a trailing slash.
    pub public_url: String,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    pub secrets: SecretBox,
    /// For provider adapters (webhook parsing needs no network; sending happens in the worker).
    pub http: HttpClient,
    /// Decides quiet hours for held messages.
    pub clock: Clock,
    /// Stores inbound-message webhooks in batches.
    pub inbound: WebhookBatches,
}

impl AppState {
    /// Runs read-only storage work on a blocking thread.
    pub async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        run_blocking(move || db.read(work)).await
    }

    /// Runs storage work in one transaction on a blocking thread; an error rolls it back.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let db = self.db.clone();
        run_blocking(move || db.write(work)).await
    }
}

/// CPU-heavy or blocking work (password hashing, diesel) off the async workers.
pub async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    actix_web::web::block(work)
        .await
        .map_err(|_| ApiError::internal("a blocking task was cancelled"))?
}
