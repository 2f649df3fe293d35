use textdesk_db::conversations::{self, ConversationFilter, ConversationRow};
use textdesk_db::{events, unread};
use textdesk_domain::assignment::AssignedBy;
use textdesk_types::conversations::{BulkAction, BulkRequest, BulkResult};
use textdesk_types::events::{Change, ReadStateChange};
use textdesk_types::views::ViewRef;

use super::close::{close_one, closed_note};
use super::ownership::{change_owner, check_owner, owner_note};
use super::{ListRequest, filter_of, system_notes};
use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// Most conversations chosen one by one.
pub const BULK_IDS_MAX: usize = 500;
/// Most conversations of a view one operation changes.
pub const BULK_VIEW_MAX: i64 = 10_000;

/// Closes, assigns or marks read many conversations in one transaction: those chosen, or
/// every conversation of a view as its list shows them now.
pub fn bulk(app: &AppContext, caller: &Caller, request: BulkRequest) -> AppResult<BulkResult> {
    let permission = match request.operation {
        BulkAction::MarkRead => Permission::ReadInbox,
        BulkAction::Close | BulkAction::Assign { .. } => Permission::SendMessages,
    };
    caller.permits(permission)?;
    match (&request.view, request.conversation_ids.len()) {
        (Some(_), 0) | (None, 1..=BULK_IDS_MAX) => {}
        (Some(_), _) => {
            return Err(AppError::field(
                "conversation_ids",
                "conflicting",
                "give conversation_ids or view, not both",
            ));
        }
        (None, 0) => {
            return Err(AppError::field(
                "conversation_ids",
                "required",
                "give at least one conversation, or a view",
            ));
        }
        (None, _) => {
            return Err(AppError::field(
                "conversation_ids",
                "too_many",
                format!("must hold at most {BULK_IDS_MAX} conversations"),
            ));
        }
    }
    if request.number_id.is_some() && request.view.is_none() {
        return Err(AppError::field(
            "number_id",
            "needs_view",
            "narrows a view; give view too",
        ));
    }
    app.db.write(|conn| {
        let mut filter = match &request.view {
            Some(view) => {
                let list = ListRequest {
                    view: Some(ViewRef::parse(view)),
                    number: request.number_id.clone(),
                    ..ListRequest::default()
                };
                filter_of(app, conn, caller, &list)?.0
            }
            None => ConversationFilter {
                ids: Some(request.conversation_ids.clone()),
                ..ConversationFilter::new(caller.organization_id.clone(), caller.agent_id.clone())
            },
        };
        if request.operation == BulkAction::Close {
            filter.status = Some(textdesk_types::conversations::ConversationStatus::Open);
        }
        let rows: Vec<ConversationRow> = conversations::list(conn, &filter, None, BULK_VIEW_MAX)?
            .into_iter()
            .map(|listed| listed.conversation)
            .collect();
        let mut changed = 0u32;
        match &request.operation {
            BulkAction::Close => {
                let note = closed_note(conn, caller)?;
                for row in &rows {
                    changed += u32::from(close_one(conn, caller, row, &note)?);
                }
            }
            BulkAction::Assign { agent_id, group_id } => {
                let owner = check_owner(conn, caller, agent_id.clone(), group_id.clone())?;
                let actor = system_notes::actor_name(conn, caller)?;
                let note = owner_note(conn, caller, &owner, AssignedBy::Transfer { actor: &actor })?;
                for row in &rows {
                    changed += u32::from(change_owner(conn, caller, row, &owner, (&note, app.clock.now_naive()))?);
                }
            }
            BulkAction::MarkRead => {
                for row in &rows {
                    unread::mark_read(conn, &caller.agent_id, &row.id)?;
                    changed += 1;
                }
                let change = Change::ReadStateChanged(ReadStateChange {
                    agent_id: caller.agent_id.clone(),
                    conversation_id: None,
                    unread: false,
                    all: false,
                });
                events::append_for_agent(conn, &caller.organization_id, &caller.agent_id, change)?;
            }
        }
        Ok(BulkResult { changed })
    })
}

/// The conversations of a view as its list shows them now (at most `BULK_VIEW_MAX`): what
/// "Select all in view" means to an operation that takes ids (an export).
pub(crate) fn ids_in_view(
    app: &AppContext,
    conn: &mut textdesk_db::DbConnection,
    caller: &Caller,
    view: &str,
) -> AppResult<Vec<textdesk_types::ConversationId>> {
    let list = ListRequest {
        view: Some(ViewRef::parse(view)),
        ..ListRequest::default()
    };
    let filter = filter_of(app, conn, caller, &list)?.0;
    Ok(conversations::ids(conn, &filter, BULK_VIEW_MAX)?)
}
