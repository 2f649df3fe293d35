//! Fetching a contact's media from the provider into Textdesk's store, within the type and
//! size limits; what cannot be fetched is marked failed with the reason, for agents to see.

use textdesk_db::{DbError, events, media};
use textdesk_domain::media::{MAX_MMS_BYTES, inbound_allowed};
use textdesk_providers::{ProviderError, ProviderKind, provider_for};
use textdesk_types::MediaId;
use textdesk_types::events::{Change, MediaChange};
use textdesk_types::messages::MediaStatus;

use super::Next;
use super::send_message::{credentials, load};
use crate::WorkerContext;

/// Tries at fetching one media item before it is marked failed for good: with the client's
/// 15-second limit per try and the backoff between tries, a server that never answers costs
/// under a minute, and agents see why the picture is missing.
const FETCH_ATTEMPTS: i32 = 3;

pub(crate) fn run(context: &WorkerContext, media_id: &MediaId, attempts: i32) -> anyhow::Result<Next> {
    let item = match context.db.read(|conn| media::find_info(conn, media_id)) {
        Ok(item) => item,
        Err(DbError::NotFound) => return Ok(Next::Done),
        Err(other) => return Err(other.into()),
    };
    let (Some(message_id), Some(url)) = (item.message_id.clone(), item.source_url.clone()) else {
        return Ok(Next::Done);
    };
    if item.status != MediaStatus::Pending {
        return Ok(Next::Done);
    }
    let Some((_, number)) = load(context, &message_id)? else {
        return Ok(Next::Done);
    };
    let kind = ProviderKind::parse(&number.provider)
        .ok_or_else(|| DbError::Corrupt(format!("number {} has provider {:?}", number.id, number.provider)))?;
    let fetched = provider_for(kind, &context.http).fetch_media(&credentials(context, &number)?, &url, MAX_MMS_BYTES);
    let outcome = match fetched {
        Ok(file) if inbound_allowed(&file.content_type) => Ok(file),
        Ok(file) => Err(format!("{} files are not kept", file.content_type)),
        Err(ProviderError::Transient { message }) if attempts < FETCH_ATTEMPTS => return Ok(Next::RetryLater(message)),
        Err(ProviderError::Transient { message }) => Err(format!("{message} (gave up after {attempts} tries)")),
        Err(ProviderError::TooLarge { .. }) => Err("larger than 5 MB".to_owned()),
        Err(error) => Err(error.to_string()),
    };
    context.db.write(|conn| -> Result<(), DbError> {
        match &outcome {
            Ok(file) => media::set_stored(conn, &item.id, &file.content_type, &file.bytes)?,
            Err(reason) => media::set_failed(conn, &item.id, &format!("Could not fetch this media: {reason}"))?,
        }
        let change = Change::MessageMediaChanged(MediaChange {
            message_id: message_id.clone(),
            media_id: item.id.clone(),
        });
        events::append(conn, &item.organization_id, change)?;
        Ok(())
    })?;
    Ok(Next::Done)
}
