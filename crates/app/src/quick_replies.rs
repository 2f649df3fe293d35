//! Quick replies: saved texts an agent puts into the composer, their own or shared with the
//! organization (owners and admins change the shared ones).

use textdesk_db::quick_replies::{self as stored, QuickReplyChanges, QuickReplyRow};
use textdesk_db::utc;
use textdesk_domain::text::{Label, check_multiline};
use textdesk_types::QuickReplyId;
use textdesk_types::quick_replies::{CreateQuickReply, QuickReply, UpdateQuickReply};
use textdesk_types::sms::MMS_TEXT_MAX_CHARACTERS;

use crate::validation::Validator;
use crate::{AppContext, AppResult, Caller, OrMissing, Permission};

/// A quick reply's title, as the picker lists it.
pub const TITLE_MAX: usize = 80;
/// Its text: the longest text any length policy sends (MMS text-only).
pub const BODY_MAX: usize = MMS_TEXT_MAX_CHARACTERS as usize;

fn parse_title(raw: &str) -> Result<String, textdesk_domain::Invalid> {
    Label::parse(raw, TITLE_MAX).map(Label::into_inner)
}

fn parse_body(raw: &str) -> Result<String, textdesk_domain::Invalid> {
    if raw.trim().is_empty() {
        return Err(textdesk_domain::Invalid::new("required", "must not be empty"));
    }
    if raw.chars().count() > BODY_MAX {
        return Err(textdesk_domain::Invalid::new(
            "too_long",
            format!("must be at most {BODY_MAX} characters long"),
        ));
    }
    check_multiline(raw)?;
    Ok(raw.trim_end().to_owned())
}

fn into_wire(row: QuickReplyRow) -> QuickReply {
    QuickReply {
        shared: row.owner_agent_id.is_none(),
        id: row.id,
        title: row.title,
        body: row.body,
        created_by: row.created_by,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

/// The quick replies the caller sees, by title; with `query`, those whose title or text holds
/// it (case-insensitive).
pub fn list(app: &AppContext, caller: &Caller, query: Option<&str>) -> AppResult<Vec<QuickReply>> {
    caller.permits(Permission::ReadInbox)?;
    let rows = app
        .db
        .read(|conn| stored::visible_to(conn, &caller.organization_id, &caller.agent_id))?;
    let query = query
        .map(str::trim)
        .filter(|query| !query.is_empty())
        .map(str::to_lowercase);
    Ok(rows
        .into_iter()
        .filter(|row| {
            query
                .as_deref()
                .is_none_or(|query| row.title.to_lowercase().contains(query) || row.body.to_lowercase().contains(query))
        })
        .map(into_wire)
        .collect())
}

/// Who may change a quick reply: its owner, or owners and admins for a shared one.
fn permits_change(caller: &Caller, shared: bool) -> AppResult<()> {
    caller.permits(if shared {
        Permission::ManageSharedReplies
    } else {
        Permission::SendMessages
    })
}

pub fn create(app: &AppContext, caller: &Caller, request: CreateQuickReply) -> AppResult<QuickReply> {
    permits_change(caller, request.shared)?;
    let mut v = Validator::new();
    let title = v.check("title", parse_title(&request.title));
    let body = v.check("body", parse_body(&request.body));
    v.finish()?;
    let (title, body) = (crate::validation::checked(title)?, crate::validation::checked(body)?);
    let row = app.db.write(|conn| {
        let owner = (!request.shared).then_some(&caller.agent_id);
        stored::insert(conn, &caller.organization_id, owner, &caller.agent_id, &title, &body)
    })?;
    Ok(into_wire(row))
}

pub fn update(app: &AppContext, caller: &Caller, id: QuickReplyId, request: UpdateQuickReply) -> AppResult<QuickReply> {
    caller.permits(Permission::ReadInbox)?;
    let mut v = Validator::new();
    let title = v.check_optional("title", request.title.as_deref(), parse_title);
    let body = v.check_optional("body", request.body.as_deref(), parse_body);
    v.finish()?;
    app.db.write(|conn| {
        let row =
            stored::find_visible(conn, &caller.organization_id, &caller.agent_id, &id).or_missing("quick reply")?;
        permits_change(caller, row.owner_agent_id.is_none())?;
        let changes = QuickReplyChanges {
            title: title.as_deref(),
            body: body.as_deref(),
        };
        stored::update(conn, &id, changes)?;
        let row = stored::find_visible(conn, &caller.organization_id, &caller.agent_id, &id)?;
        Ok(into_wire(row))
    })
}

pub fn delete(app: &AppContext, caller: &Caller, id: QuickReplyId) -> AppResult<()> {
    caller.permits(Permission::ReadInbox)?;
    app.db.write(|conn| {
        let row =
            stored::find_visible(conn, &caller.organization_id, &caller.agent_id, &id).or_missing("quick reply")?;
        permits_change(caller, row.owner_agent_id.is_none())?;
        stored::delete(conn, &id)?;
        Ok(())
    })
}
