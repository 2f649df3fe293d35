//! Media files of MMS messages, stored in the database so every server process serves them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::messages::{MediaAttachment, MediaStatus};
use textdesk_types::{MediaId, MessageId, OrganizationId};

use crate::schema::media;
use crate::{DbConnection, DbError, ids, now};

/// A media row without its bytes, for lists.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = media)]
pub struct MediaInfo {
    pub id: MediaId,
    pub organization_id: OrganizationId,
    pub message_id: Option<MessageId>,
    pub content_type: String,
    pub size_bytes: i64,
    pub source_url: Option<String>,
    pub status: MediaStatus,
    pub error: Option<String>,
}

impl MediaInfo {
    pub fn into_wire(self) -> MediaAttachment {
        MediaAttachment {
            url: format!("/api/v1/media/{}", self.id),
            id: self.id,
            content_type: self.content_type,
            size_bytes: u64::try_from(self.size_bytes).unwrap_or(0),
            status: self.status,
            error: self.error,
        }
    }
}

pub struct StoredMedia {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A media row to insert.
struct NewMedia<'a> {
    organization: &'a OrganizationId,
    message: Option<&'a MessageId>,
    content_type: &'a str,
    bytes: Option<&'a [u8]>,
    source_url: Option<&'a str>,
    status: MediaStatus,
    error: Option<&'a str>,
}

fn insert_row(conn: &mut DbConnection, new: NewMedia<'_>) -> Result<MediaId, DbError> {
    let id: MediaId = ids::new_id();
    let size = new
        .bytes
        .map_or(0, |bytes| i64::try_from(bytes.len()).unwrap_or(i64::MAX));
    diesel::insert_into(media::table)
        .values((
            media::id.eq(&id),
            media::organization_id.eq(new.organization.as_str()),
            media::message_id.eq(new.message),
            media::content_type.eq(new.content_type),
            media::size_bytes.eq(size),
            media::bytes.eq(new.bytes),
            media::source_url.eq(new.source_url),
            media::status.eq(new.status),
            media::error.eq(new.error),
            media::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// An agent's upload, not yet attached to a message.
pub fn insert_upload(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    content_type: &str,
    bytes: &[u8],
) -> Result<MediaInfo, DbError> {
    let new = NewMedia {
        organization,
        message: None,
        content_type,
        bytes: Some(bytes),
        source_url: None,
        status: MediaStatus::Stored,
        error: None,
    };
    let id = insert_row(conn, new)?;
    info(conn, organization, &id)
}

/// A contact's media, to be fetched from the provider; `refused` stores it as failed instead.
pub fn insert_inbound(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    message: &MessageId,
    content_type: &str,
    source_url: &str,
    refused: Option<&str>,
) -> Result<MediaId, DbError> {
    let status = if refused.is_some() {
        MediaStatus::Failed
    } else {
        MediaStatus::Pending
    };
    let new = NewMedia {
        organization,
        message: Some(message),
        content_type,
        bytes: None,
        source_url: Some(source_url),
        status,
        error: refused,
    };
    insert_row(conn, new)
}

pub fn info(conn: &mut DbConnection, organization: &OrganizationId, id: &MediaId) -> Result<MediaInfo, DbError> {
    Ok(media::table
        .filter(media::organization_id.eq(organization.as_str()))
        .find(id.as_str())
        .select(MediaInfo::as_select())
        .first(conn)?)
}

/// Attaches uploads to a message; every id must be an unattached upload of the organization.
pub fn attach(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    ids: &[MediaId],
    message: &MessageId,
) -> Result<bool, DbError> {
    let attached = diesel::update(
        media::table
            .filter(media::organization_id.eq(organization.as_str()))
            .filter(media::id.eq_any(ids))
            .filter(media::message_id.is_null()),
    )
    .set(media::message_id.eq(message))
    .execute(conn)?;
    Ok(attached == ids.len())
}

/// The media of these messages, in creation order, by message id.
pub fn for_messages(
    conn: &mut DbConnection,
    messages: &[&MessageId],
) -> Result<HashMap<MessageId, Vec<MediaInfo>>, DbError> {
    let rows: Vec<MediaInfo> = media::table
        .filter(media::message_id.eq_any(messages))
        .order(media::id.asc())
        .select(MediaInfo::as_select())
        .load(conn)?;
    let mut by_message: HashMap<MessageId, Vec<MediaInfo>> = HashMap::new();
    for row in rows {
        if let Some(message) = row.message_id.clone() {
            by_message.entry(message).or_default().push(row);
        }
    }
    Ok(by_message)
}

pub fn bytes(conn: &mut DbConnection, organization: &OrganizationId, id: &MediaId) -> Result<StoredMedia, DbError> {
    let (content_type, bytes): (String, Option<Vec<u8>>) = media::table
        .filter(media::organization_id.eq(organization.as_str()))
        .find(id.as_str())
        .select((media::content_type, media::bytes))
        .first(conn)?;
    let bytes = bytes.ok_or(DbError::NotFound)?;
    Ok(StoredMedia { content_type, bytes })
}

/// The media a provider may fetch with this token, while it has not expired.
pub fn by_access_token(conn: &mut DbConnection, token: &str) -> Result<StoredMedia, DbError> {
    let (content_type, bytes): (String, Option<Vec<u8>>) = media::table
        .filter(media::access_token.eq(token))
        .filter(media::access_expires_at.gt(now()))
        .select((media::content_type, media::bytes))
        .first(conn)?;
    Ok(StoredMedia {
        content_type,
        bytes: bytes.ok_or(DbError::NotFound)?,
    })
}

pub fn grant_access(
    conn: &mut DbConnection,
    id: &MediaId,
    token: &str,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(media::table.find(id))
        .set((media::access_token.eq(token), media::access_expires_at.eq(expires_at)))
        .execute(conn)?;
    Ok(())
}

pub fn find_info(conn: &mut DbConnection, id: &MediaId) -> Result<MediaInfo, DbError> {
    Ok(media::table.find(id).select(MediaInfo::as_select()).first(conn)?)
}

pub fn set_stored(conn: &mut DbConnection, id: &MediaId, content_type: &str, bytes: &[u8]) -> Result<(), DbError> {
    diesel::update(media::table.find(id))
        .set((
            media::content_type.eq(content_type),
            media::bytes.eq(bytes),
            media::size_bytes.eq(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
            media::status.eq(MediaStatus::Stored),
            media::error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_failed(conn: &mut DbConnection, id: &MediaId, error: &str) -> Result<(), DbError> {
    diesel::update(media::table.find(id))
        .set((media::status.eq(MediaStatus::Failed), media::error.eq(error)))
        .execute(conn)?;
    Ok(())
}
