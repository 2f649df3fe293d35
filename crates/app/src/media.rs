//! MMS media: agents upload files to attach to messages and read what contacts sent; providers
//! fetch outbound media from unguessable addresses that expire.

use textdesk_db::media::{self, StoredMedia};
use textdesk_domain::media::sniff_outbound;
use textdesk_types::MediaId;
use textdesk_types::messages::MediaAttachment;

use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// Stores a file to attach to a message later. Its type is read from its own bytes, never from
/// what the client claims, and must be one MMS carries.
pub fn upload(app: &AppContext, caller: &Caller, bytes: &[u8]) -> AppResult<MediaAttachment> {
    caller.permits(Permission::SendMessages)?;
    let content_type = sniff_outbound(bytes).map_err(|invalid| AppError::invalid("body", invalid))?;
    app.db.write(|conn| {
        let stored = media::insert_upload(conn, &caller.organization_id, content_type, bytes)?;
        Ok(stored.into_wire())
    })
}

/// A media file of the caller's organization's messages, once it is stored.
pub fn get(app: &AppContext, caller: &Caller, id: MediaId) -> AppResult<StoredMedia> {
    caller.permits(Permission::ReadInbox)?;
    app.db
        .read(|conn| media::bytes(conn, &caller.organization_id, &id).or_missing("media"))
}

/// Outbound media for the provider, while the address with `token` has not expired. The token
/// is the only credential, so no caller is asked for.
pub fn by_access_token(app: &AppContext, token: &str) -> AppResult<StoredMedia> {
    app.db
        .read(|conn| media::by_access_token(conn, token).or_missing("media"))
}
