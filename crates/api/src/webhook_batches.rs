//! Inbound-message webhooks are verified and stored in batches. Each webhook still waits for
//! the commit that stores it, so the provider's 200 keeps meaning "stored"; but while one
//! batch is being written the next gathers, and a burst of N webhooks costs one transaction
//! and a fixed number of statements instead of N transactions of several statements each.
//!
//! Each writer thread owns a share of the senders (by the customer's number), so two texts of
//! one new customer never race each other to create their contact within a process; across
//! processes such a race ends in a unique-constraint conflict and the batch is written again.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};

use textdesk_db::numbers::{self, NumberRow};
use textdesk_db::secrets::SecretBox;
use textdesk_db::{Backend, Database, DbConnection};
use textdesk_providers::{Credentials, InboundMessage, Provider, WebhookRequest};
use tokio::sync::oneshot;

use crate::ApiError;
use crate::inbound::{self, InboundText};

/// The most webhooks one transaction stores.
const MAX_BATCH: usize = 256;
/// Webhooks waiting for a writer before new ones are refused with 503 (the provider retries).
const QUEUE_CAPACITY: usize = 10_000;
/// Attempts at writing one batch that conflicts with another process's writes.
const STORE_ATTEMPTS: usize = 3;

/// A delivery parsed (not yet trusted) by its provider's adapter.
pub struct ReceivedWebhook {
    pub provider: Box<dyn Provider>,
    /// `PUBLIC_URL` + path + query, as signed.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub message: InboundMessage,
    /// The business number texted, normalized.
    pub to: String,
    /// The customer's number, normalized.
    pub from: String,
}

struct Pending {
    webhook: ReceivedWebhook,
    answer: oneshot::Sender<Result<(), ApiError>>,
}

/// The writers of this process; cheap to clone.
#[derive(Clone)]
pub struct WebhookBatches {
    writers: Arc<[SyncSender<Pending>]>,
}

impl WebhookBatches {
    /// Starts the writer threads: one on SQLite, which has one writer at a time anyway; two on
    /// PostgreSQL, so that one writes while the other's batch gathers. They stop when the last
    /// clone is dropped, after finishing what was handed to them.
    pub fn start(db: &Database, secrets: &SecretBox) -> std::io::Result<WebhookBatches> {
        let count = match db.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => 2,
        };
        let writers = (0..count)
            .map(|index| {
                let (sender, receiver) = mpsc::sync_channel(QUEUE_CAPACITY / count);
                let (db, secrets) = (db.clone(), secrets.clone());
                std::thread::Builder::new()
                    .name(format!("textdesk-inbound-{index}"))
                    .spawn(move || write_batches(&db, &secrets, &receiver))?;
                Ok(sender)
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(WebhookBatches {
            writers: writers.into(),
        })
    }

    /// Verifies and stores the delivery; returns once it is committed (or refused).
    pub async fn store(&self, webhook: ReceivedWebhook) -> Result<(), ApiError> {
        let writer = &self.writers[writer_for(&webhook.from, self.writers.len())];
        let (answer, answered) = oneshot::channel();
        match writer.try_send(Pending { webhook, answer }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(ApiError::Unavailable("too many webhooks are waiting".to_owned()));
            }
            Err(TrySendError::Disconnected(_)) => return Err(ApiError::internal("the inbound writer has stopped")),
        }
        answered
            .await
            .map_err(|_| ApiError::internal("the inbound writer stopped before answering"))?
    }
}

/// The same customer always goes to the same writer.
fn writer_for(from: &str, writers: usize) -> usize {
    let hash = from.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    });
    usize::try_from(hash % writers as u64).unwrap_or(0)
}

fn write_batches(db: &Database, secrets: &SecretBox, receiver: &Receiver<Pending>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        batch.extend(receiver.try_iter().take(MAX_BATCH - 1));
        let webhooks: Vec<&ReceivedWebhook> = batch.iter().map(|pending| &pending.webhook).collect();
        // A panic must not stop this writer for good; the batch's webhooks are answered 500
        // (their answers are dropped) and the provider delivers them again.
        let Ok(outcomes) = std::panic::catch_unwind(AssertUnwindSafe(|| write_batch(db, secrets, &webhooks))) else {
            tracing::error!(webhooks = webhooks.len(), "storing a batch of webhooks panicked");
            continue;
        };
        for (pending, outcome) in batch.into_iter().zip(outcomes) {
            // A webhook whose client went away has nobody to answer; it is stored all the same.
            let _ = pending.answer.send(outcome);
        }
    }
}

/// One outcome per webhook. A batch that fails for another reason than a conflict is written
/// again one webhook at a time, so one bad delivery fails alone.
fn write_batch(db: &Database, secrets: &SecretBox, webhooks: &[&ReceivedWebhook]) -> Vec<Result<(), ApiError>> {
    for _ in 0..STORE_ATTEMPTS {
        match db.write(|conn| store_batch(conn, secrets, webhooks)) {
            Ok(outcomes) => return outcomes,
            Err(ApiError::Conflict { .. }) => continue,
            Err(error) if webhooks.len() == 1 => return vec![Err(error)],
            Err(_) => {
                return webhooks
                    .iter()
                    .flat_map(|webhook| write_batch(db, secrets, std::slice::from_ref(webhook)))
                    .collect();
            }
        }
    }
    // Not stored: a non-2xx answer makes the provider deliver them again later.
    webhooks
        .iter()
        .map(|_| {
            Err(ApiError::Unavailable(
                "the webhook kept conflicting with concurrent writes".to_owned(),
            ))
        })
        .collect()
}

/// Verifies every delivery with the credentials of the number it is addressed to, and stores
/// those that check out.
fn store_batch(
    conn: &mut DbConnection,
    secrets: &SecretBox,
    webhooks: &[&ReceivedWebhook],
) -> Result<Vec<Result<(), ApiError>>, ApiError> {
    let mut phones: Vec<&str> = webhooks.iter().map(|webhook| webhook.to.as_str()).collect();
    phones.sort_unstable();
    phones.dedup();
    let numbers = numbers::find_by_phone_numbers(conn, &phones)?;
    let mut outcomes = Vec::with_capacity(webhooks.len());
    let mut texts = Vec::with_capacity(webhooks.len());
    for webhook in webhooks {
        let verified = numbers
            .iter()
            .find(|number| number.phone_number == webhook.to)
            .ok_or(ApiError::NotFound("number"))
            .and_then(|number| {
                let request = WebhookRequest {
                    url: &webhook.url,
                    headers: &webhook.headers,
                    body: &webhook.body,
                };
                verify_signature(
                    secrets,
                    webhook.provider.as_ref(),
                    &request,
                    &webhook.message.account_sid,
                    number,
                )?;
                Ok(number)
            });
        if let Ok(number) = verified {
            texts.push(InboundText {
                number,
                from: &webhook.from,
                message: &webhook.message,
            });
        }
        outcomes.push(verified.map(|_| ()));
    }
    inbound::store_all(conn, &texts)?;
    Ok(outcomes)
}

/// Checks a delivery's signature with the number's own credentials; the account it claims to
/// come from must be the number's.
pub(crate) fn verify_signature(
    secrets: &SecretBox,
    provider: &dyn Provider,
    request: &WebhookRequest<'_>,
    account_sid: &str,
    number: &NumberRow,
) -> Result<(), ApiError> {
    let token = number
        .auth_token_sealed
        .as_deref()
        .map(|sealed| secrets.open(sealed))
        .transpose()?;
    let credentials = Credentials::new(
        number.account_sid.clone().unwrap_or_default(),
        token.unwrap_or_default(),
    );
    let account_matches = number.account_sid.as_deref() == Some(account_sid);
    if account_matches && provider.verify_webhook(&credentials, request) {
        Ok(())
    } else {
        Err(ApiError::Forbidden {
            code: "invalid_signature",
            detail: "The webhook's signature does not match this number's credentials.".to_owned(),
        })
    }
}
