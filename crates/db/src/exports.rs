//! Reading messages for an export, a page at a time in the order they were stored, so an
//! export of any size holds one page in memory.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::messages::{Direction, MessageStatus};
use textdesk_types::{ContactId, ConversationId, MessageId, OrganizationId};

use crate::schema::{contacts, conversations, messages};
use crate::{DbConnection, DbError};

/// Which messages an export holds.
#[derive(Clone, Debug)]
pub enum ExportScope {
    /// One conversation's, from `from` (included) until `until` (excluded) when given.
    Conversation {
        id: ConversationId,
        from: Option<NaiveDateTime>,
        until: Option<NaiveDateTime>,
    },
    /// A contact's whole thread.
    Contact(ContactId),
    /// Conversations chosen in a view.
    Conversations(Vec<ConversationId>),
    /// Every conversation of the organization.
    Organization,
}

/// A message as an export lists it.
#[derive(Debug, Clone, Queryable)]
pub struct ExportRow {
    pub id: MessageId,
    pub contact_id: ContactId,
    pub conversation_number: i64,
    pub created_at: NaiveDateTime,
    pub first_name: String,
    pub last_name: String,
    pub from_number: String,
    pub to_number: String,
    pub status: MessageStatus,
    pub body: String,
}

/// The next `limit` texts (in and out; notes and system entries are the team's own) of the
/// scope after `after`, by id: ids are made in time order.
pub fn page(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    scope: &ExportScope,
    after: Option<&MessageId>,
    limit: i64,
) -> Result<Vec<ExportRow>, DbError> {
    let mut query = messages::table
        .inner_join(conversations::table.inner_join(contacts::table))
        .filter(messages::organization_id.eq(organization.as_str()))
        .filter(messages::direction.eq_any([Direction::Inbound, Direction::Outbound]))
        .select((
            messages::id,
            messages::contact_id,
            conversations::number,
            messages::created_at,
            contacts::first_name,
            contacts::last_name,
            messages::from_number,
            messages::to_number,
            messages::status,
            messages::body,
        ))
        .order(messages::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(messages::id.gt(after.as_str().to_owned()));
    }
    query = match scope {
        ExportScope::Conversation { id, from, until } => {
            let mut query = query.filter(messages::conversation_id.eq(id.as_str().to_owned()));
            if let Some(from) = from {
                query = query.filter(messages::created_at.ge(*from));
            }
            if let Some(until) = until {
                query = query.filter(messages::created_at.lt(*until));
            }
            query
        }
        ExportScope::Contact(contact) => query.filter(conversations::contact_id.eq(contact.as_str().to_owned())),
        ExportScope::Conversations(ids) => query
            .filter(messages::conversation_id.eq_any(ids.iter().map(|id| id.as_str().to_owned()).collect::<Vec<_>>())),
        ExportScope::Organization => query,
    };
    Ok(query.load(conn)?)
}
