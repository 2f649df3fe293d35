//! Delivery reports from a provider: verified with the credentials of the number the reported
//! message went out through, then applied monotonically (reports arrive out of order).

use textdesk_db::consent::{self, ChangedBy};
use textdesk_db::messages::{self, DeliveryChanges};
use textdesk_db::numbers::{self, NumberRow};
use textdesk_db::secrets::SecretBox;
use textdesk_db::{Database, DbConnection, DbError, contacts, now};
use textdesk_providers::{Provider, StatusUpdate, WebhookRequest};
use textdesk_types::messages::MessageStatus;

use super::batches::{refused_delivery, verify_signature};
use crate::{AppError, AppResult};

/// Twilio's error code for a recipient who replied STOP.
const OPTED_OUT_CODE: &str = "21610";
/// Attempts at storing one status report before asking the provider to send it again.
const STORE_ATTEMPTS: usize = 3;

/// Verifies and stores one delivery report. A report about a message or number Textdesk does
/// not know is refused exactly like a forged one, so an unauthenticated caller learns nothing.
pub fn record(
    db: &Database,
    secrets: &SecretBox,
    provider: &dyn Provider,
    request: &WebhookRequest<'_>,
    update: &StatusUpdate,
) -> AppResult<()> {
    let number = db.read(|conn| number_for(conn, update))?.ok_or_else(refused_delivery)?;
    verify_signature(secrets, provider, request, &update.account_sid, &number)?;
    for _ in 0..STORE_ATTEMPTS {
        match db.write(|conn| store(conn, update)) {
            Ok(()) => return Ok(()),
            // A status report racing another write of its message is simply written again.
            Err(AppError::Conflict { .. }) => continue,
            Err(error) => return Err(error),
        }
    }
    // Not stored: a non-2xx answer makes the provider deliver it again later.
    Err(AppError::Busy("The webhook kept conflicting with concurrent writes."))
}

/// The business number a reported message went out through, if both are known.
fn number_for(conn: &mut DbConnection, update: &StatusUpdate) -> AppResult<Option<NumberRow>> {
    let Some(message) = messages::find_by_provider_id(conn, &update.account_sid, &update.provider_message_id)? else {
        return Ok(None);
    };
    let Some(number_id) = message.number_id else {
        return Ok(None);
    };
    match numbers::find(conn, &message.organization_id, &number_id) {
        Ok(number) => Ok(Some(number)),
        Err(DbError::NotFound) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

fn store(conn: &mut DbConnection, update: &StatusUpdate) -> AppResult<()> {
    let message = messages::find_by_provider_id(conn, &update.account_sid, &update.provider_message_id)?
        .ok_or(AppError::NotFound("message"))?;
    // Reports arrive out of order: a late "sent" never replaces "delivered" or a failure.
    if !message.status.advances_to(update.status) {
        return Ok(());
    }
    let now = now();
    let failed = matches!(update.status, MessageStatus::Failed | MessageStatus::Undelivered);
    let changes = DeliveryChanges {
        status: Some(update.status),
        error_code: failed.then(|| update.error_code.clone()),
        error_message: failed.then(|| update.error_message.clone()),
        delivered_at: (update.status == MessageStatus::Delivered).then_some(Some(now)),
        ..Default::default()
    };
    let updated = messages::update_delivery(conn, &message.id, &changes)?;
    if failed && update.error_code.as_deref() == Some(OPTED_OUT_CODE) {
        let contact = contacts::find(conn, &message.organization_id, &message.contact_id)?;
        let by = ChangedBy::provider("The provider reported error 21610: the recipient replied STOP.");
        consent::opt_out(conn, &contact, &by, now)?;
    }
    messages::announce_status(conn, &updated)?;
    Ok(())
}
