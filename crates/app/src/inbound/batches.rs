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
use std::time::Duration;

use textdesk_db::Backend;
use textdesk_db::numbers::{self, NumberRow};
use textdesk_db::secrets::SecretBox;
use textdesk_providers::{Credentials, InboundMessage, Provider, WebhookRequest};
use tokio::sync::oneshot;

use super::{InboundText, normalized_phone, store_all};
use crate::{AppContext, AppError};

/// The most webhooks one transaction stores.
const MAX_BATCH: usize = 256;
/// Webhooks waiting for a writer before new ones are refused with 503 (the provider retries).
const QUEUE_CAPACITY: usize = 10_000;
/// Attempts at writing one batch that conflicts with another process's writes.
const STORE_ATTEMPTS: usize = 3;
/// How long a webhook waits for its batch before it is answered 503 (the provider delivers it
/// again; if it was stored after all, the redelivery stores nothing).
const ANSWER_WITHIN: Duration = Duration::from_secs(30);

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

impl ReceivedWebhook {
    /// The delivery as it reached the server, with the message its provider parsed from it.
    pub fn new(
        provider: Box<dyn Provider>,
        (url, headers, body): (String, Vec<(String, String)>, Vec<u8>),
        message: InboundMessage,
    ) -> ReceivedWebhook {
        ReceivedWebhook {
            to: normalized_phone(&message.to),
            from: normalized_phone(&message.from),
            provider,
            url,
            headers,
            body,
            message,
        }
    }
}

struct Pending {
    webhook: ReceivedWebhook,
    answer: oneshot::Sender<Result<(), AppError>>,
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
    pub fn start(app: &AppContext, secrets: &SecretBox) -> std::io::Result<WebhookBatches> {
        let count = match app.db.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => 2,
        };
        let writers = (0..count)
            .map(|index| {
                let (sender, receiver) = mpsc::sync_channel(QUEUE_CAPACITY / count);
                let (app, secrets) = (app.clone(), secrets.clone());
                std::thread::Builder::new()
                    .name(format!("textdesk-inbound-{index}"))
                    .spawn(move || write_batches(&app, &secrets, &receiver))?;
                Ok(sender)
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(WebhookBatches {
            writers: writers.into(),
        })
    }

    /// Verifies and stores the delivery; returns once it is committed (or refused).
    pub async fn store(&self, webhook: ReceivedWebhook) -> Result<(), AppError> {
        let writer = &self.writers[writer_for(&webhook.from, self.writers.len())];
        let (answer, answered) = oneshot::channel();
        match writer.try_send(Pending { webhook, answer }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(AppError::Busy("Too many webhooks are waiting to be stored.")),
            Err(TrySendError::Disconnected(_)) => return Err(AppError::internal("the inbound writer has stopped")),
        }
        match tokio::time::timeout(ANSWER_WITHIN, answered).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(AppError::internal("the inbound writer dropped a webhook")),
            Err(_) => Err(AppError::Busy("The webhook could not be stored in time.")),
        }
    }
}

/// The same customer always goes to the same writer.
fn writer_for(from: &str, writers: usize) -> usize {
    let hash = from.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    });
    usize::try_from(hash % writers as u64).unwrap_or(0)
}

fn write_batches(app: &AppContext, secrets: &SecretBox, receiver: &Receiver<Pending>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        batch.extend(receiver.try_iter().take(MAX_BATCH - 1));
        let webhooks: Vec<&ReceivedWebhook> = batch.iter().map(|pending| &pending.webhook).collect();
        // A panic must not stop this writer for good; the batch's webhooks are answered 500
        // (their answers are dropped) and the provider delivers them again.
        let Ok(outcomes) = std::panic::catch_unwind(AssertUnwindSafe(|| store_batch(app, secrets, &webhooks))) else {
            tracing::error!(webhooks = webhooks.len(), "storing a batch of webhooks panicked");
            continue;
        };
        for (pending, outcome) in batch.into_iter().zip(outcomes) {
            // A webhook whose client went away has nobody to answer; it is stored all the same.
            let _ = pending.answer.send(outcome);
        }
    }
}

/// What a writer does with one batch: checks every delivery's signature with the credentials of
/// the number it is addressed to (before any transaction, so forgeries cost no write), then
/// stores those that check out together. One outcome per webhook, in order.
pub fn store_batch(app: &AppContext, secrets: &SecretBox, webhooks: &[&ReceivedWebhook]) -> Vec<Result<(), AppError>> {
    let mut phones: Vec<&str> = webhooks.iter().map(|webhook| webhook.to.as_str()).collect();
    phones.sort_unstable();
    phones.dedup();
    let numbers = match app.db.read(|conn| numbers::find_by_phone_numbers(conn, &phones)) {
        Ok(numbers) => numbers,
        Err(error) => {
            let reason = error.to_string();
            return webhooks
                .iter()
                .map(|_| Err(AppError::Unavailable(reason.clone())))
                .collect();
        }
    };
    let verdicts: Vec<Result<&NumberRow, AppError>> = webhooks
        .iter()
        .map(|webhook| {
            let number = numbers
                .iter()
                .find(|number| number.phone_number == webhook.to)
                .ok_or_else(refused_delivery)?;
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
        })
        .collect();
    let texts: Vec<InboundText<'_>> = webhooks
        .iter()
        .zip(&verdicts)
        .filter_map(|(webhook, verdict)| {
            let number = verdict.as_ref().ok()?;
            Some(InboundText {
                number,
                from: &webhook.from,
                message: &webhook.message,
            })
        })
        .collect();
    let mut stored = write_texts(app, &texts).into_iter();
    verdicts
        .into_iter()
        .map(|verdict| match verdict {
            Ok(_) => stored
                .next()
                .unwrap_or_else(|| Err(AppError::internal("a webhook went unanswered"))),
            Err(refused) => Err(refused),
        })
        .collect()
}

/// Stores verified texts in one transaction; one outcome per text. A conflict with another
/// process's writes runs the transaction again; an unreachable database fails them all at
/// once; any other failure stores them one at a time, so one bad text fails alone.
fn write_texts(app: &AppContext, texts: &[InboundText<'_>]) -> Vec<Result<(), AppError>> {
    if texts.is_empty() {
        return Vec::new();
    }
    let mut attempt = 1;
    let error = loop {
        match app.db.write(|conn| store_all(conn, app.clock.now_naive(), texts)) {
            Ok(_) => return texts.iter().map(|_| Ok(())).collect(),
            Err(AppError::Conflict { .. }) if attempt < STORE_ATTEMPTS => attempt += 1,
            Err(AppError::Unavailable(reason)) => {
                return texts
                    .iter()
                    .map(|_| Err(AppError::Unavailable(reason.clone())))
                    .collect();
            }
            Err(error) => break error,
        }
    };
    if texts.len() == 1 {
        return vec![match error {
            // Not stored: a non-2xx answer makes the provider deliver it again later.
            AppError::Conflict { .. } => Err(AppError::Busy("The webhook kept conflicting with concurrent writes.")),
            other => Err(other),
        }];
    }
    tracing::warn!(%error, texts = texts.len(), "a batch of webhooks failed; storing them one at a time");
    texts
        .iter()
        .flat_map(|text| write_texts(app, std::slice::from_ref(text)))
        .collect()
}

/// Checks a delivery's signature with the number's own credentials; the account it claims to
/// come from must be the number's.
pub fn verify_signature(
    secrets: &SecretBox,
    provider: &dyn Provider,
    request: &WebhookRequest<'_>,
    account_sid: &str,
    number: &NumberRow,
) -> Result<(), AppError> {
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
        Err(refused_delivery())
    }
}

/// The one answer to a delivery that is forged, or addressed to a number (or about a message)
/// Textdesk does not have: alike, so an unauthenticated caller cannot tell which numbers are
/// connected.
pub fn refused_delivery() -> AppError {
    AppError::Forbidden {
        code: "invalid_signature",
        detail: "The webhook's signature does not match the credentials of the number it is for.".to_owned(),
    }
}
