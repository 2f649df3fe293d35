//! Text relay: sending a relay text to an agent's phone, and answering a reply from it (the
//! rules are `textdesk_app::relay`).

use textdesk_db::numbers;
use textdesk_db::relay;
use textdesk_providers::{OutboundMessage, ProviderError, ProviderKind, provider_for};

use super::send_message::credentials;
use super::{MAX_ATTEMPTS, Next};
use crate::WorkerContext;

/// A reply the database failed to answer is tried again, a few times.
pub(crate) fn answer(context: &WorkerContext, id: &str, attempts: i32) -> anyhow::Result<Next> {
    match textdesk_app::relay::answer(&context.app(), id) {
        Ok(()) => Ok(Next::Done),
        Err(error) if attempts < MAX_ATTEMPTS => Ok(Next::RetryLater(error.to_string())),
        Err(error) => Err(error.into()),
    }
}

/// Sends once: a text the provider accepted is not sent again.
pub(crate) fn send(context: &WorkerContext, id: &str, attempts: i32) -> anyhow::Result<Next> {
    let Some(text) = context.db.read(|conn| relay::find(conn, id))? else {
        return Ok(Next::Done);
    };
    if text.status != "queued" {
        return Ok(Next::Done);
    }
    let number = context
        .db
        .read(|conn| numbers::find(conn, &text.organization_id, &text.number_id))?;
    if !number.enabled || !number.relay {
        return fail(
            context,
            id,
            "the relay number was switched off or given back to conversations",
        );
    }
    let Some(kind) = ProviderKind::parse(&number.provider) else {
        return fail(context, id, &format!("unknown provider {:?}", number.provider));
    };
    let outbound = OutboundMessage {
        from: number.phone_number.clone(),
        to: text.agent_phone.clone(),
        body: text.body.clone(),
        media_urls: Vec::new(),
        status_callback: None,
        idempotency_key: text.id.clone(),
    };
    let provider = provider_for(kind, &context.http);
    match provider.send(&credentials(context, &number)?, &outbound) {
        Ok(accepted) => {
            let provider_id = Some(accepted.provider_message_id.as_str());
            context
                .db
                .write(|conn| relay::settle(conn, id, "sent", (provider_id, None), text.conversation_id.as_ref()))?;
            Ok(Next::Done)
        }
        Err(ProviderError::Transient { message }) if attempts < MAX_ATTEMPTS => Ok(Next::RetryLater(message)),
        Err(error) => fail(context, id, &error.to_string()),
    }
}

fn fail(context: &WorkerContext, id: &str, error: &str) -> anyhow::Result<Next> {
    tracing::warn!(relay_text = id, error, "a relay text could not be sent");
    let conversation = context
        .db
        .read(|conn| relay::find(conn, id))?
        .and_then(|text| text.conversation_id);
    context
        .db
        .write(|conn| relay::settle(conn, id, "failed", (None, Some(error)), conversation.as_ref()))?;
    Ok(Next::Done)
}
