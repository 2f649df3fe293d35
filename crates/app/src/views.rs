//! Views of the Message Center: the built-in ones and custom ones (shared or personal), each
//! turned into the one conversation filter every list uses, and their unread counts, all of an
//! agent's at once.

use chrono::{Duration, NaiveDateTime};
use textdesk_db::conversations::{self, ContactText, ConversationFilter};
use textdesk_db::views::{self as stored_views, ViewChanges, ViewRow};
use textdesk_db::{DbConnection, events, organizations};
use textdesk_domain::text::Label;
use textdesk_types::conversations::Conversation;
use textdesk_types::views::{BuiltInView, CreateView, PreviewView, UpdateView, View, ViewFilter, ViewList, ViewRef};
use textdesk_types::{AgentId, OrganizationId, ViewId};

use crate::pagination::parse_limit;
use crate::validation::Validator;
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// Longest text criteria, in characters.
pub const CONTACT_TEXT_MAX: usize = 100;
pub const MESSAGE_TEXT_MAX: usize = 200;
/// Longest custom view name.
pub const VIEW_NAME_MAX: usize = 50;
/// Most labels one filter may name.
const LABELS_MAX: usize = 20;

/// The moment before which an unanswered text counts as waiting, by the app's clock.
pub(crate) fn waiting_cutoff(
    app: &AppContext,
    conn: &mut DbConnection,
    organization: &OrganizationId,
) -> AppResult<NaiveDateTime> {
    let minutes = organizations::waiting_for_reply_minutes(conn, organization)?;
    Ok(app.clock.now_naive() - Duration::minutes(minutes))
}

/// Checks a filter's criteria, naming each bad one under `field` (`filter.contact`, …).
fn check_filter(filter: &ViewFilter, field: &str, v: &mut Validator) {
    let name = |part: &str| format!("{field}.{part}");
    let bounded = |text: &Option<String>, max: usize| -> Result<(), textdesk_domain::Invalid> {
        match text {
            Some(text) if text.trim().is_empty() => Err(textdesk_domain::Invalid::new("blank", "must not be blank")),
            Some(text) if text.trim().chars().count() > max => Err(textdesk_domain::Invalid::new(
                "too_long",
                format!("must be at most {max} characters"),
            )),
            _ => Ok(()),
        }
    };
    v.check(&name("contact"), bounded(&filter.contact, CONTACT_TEXT_MAX));
    v.check(&name("message_text"), bounded(&filter.message_text, MESSAGE_TEXT_MAX));
    if filter.conversation_number.is_some_and(|number| number < 1) {
        v.check::<()>(
            &name("conversation_number"),
            Err(textdesk_domain::Invalid::new("out_of_range", "must be 1 or more")),
        );
    }
    if filter.labels.len() > LABELS_MAX {
        v.check::<()>(
            &name("labels"),
            Err(textdesk_domain::Invalid::new(
                "too_many",
                format!("must name at most {LABELS_MAX} labels"),
            )),
        );
    }
    for (window, from, until) in [
        ("opened_until", filter.opened_from, filter.opened_until),
        ("active_until", filter.active_from, filter.active_until),
    ] {
        if let (Some(from), Some(until)) = (from, until)
            && until <= from
        {
            v.check::<()>(
                &name(window),
                Err(textdesk_domain::Invalid::new("before_start", "must be after the start")),
            );
        }
    }
}

/// The conversation filter of a view's criteria, for `viewer`.
pub(crate) fn to_conversation_filter(
    organization: &OrganizationId,
    viewer: &AgentId,
    filter: &ViewFilter,
    waiting_cutoff: NaiveDateTime,
) -> ConversationFilter {
    let contact_text = filter.contact.as_deref().map(|text| {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        ContactText {
            words: text.trim().to_lowercase(),
            digits: (digits.len() >= 3).then_some(digits),
        }
    });
    ConversationFilter {
        status: filter.status,
        owner: filter.owner,
        owner_agents: filter.owner_agent_ids.clone(),
        owner_groups: filter.owner_group_ids.clone(),
        numbers: filter.number_ids.clone(),
        last_replied_by: filter.last_replied_by,
        contact_text,
        message_text: filter.message_text.as_deref().map(|text| text.trim().to_lowercase()),
        conversation_number: filter.conversation_number,
        labels: filter.labels.clone(),
        opted_out: filter.opted_out,
        waiting: filter.waiting.map(|waiting| (waiting, waiting_cutoff)),
        follow_up: filter.follow_up,
        opened_from: filter.opened_from.map(|at| at.naive_utc()),
        opened_until: filter.opened_until.map(|at| at.naive_utc()),
        active_from: filter.active_from.map(|at| at.naive_utc()),
        active_until: filter.active_until.map(|at| at.naive_utc()),
        sort: filter.sort,
        ..ConversationFilter::new(organization.clone(), viewer.clone())
    }
}

/// The criteria of the view `view` names for the caller: a built-in view, or a custom view
/// they can see (another agent's personal view is not found).
pub(crate) fn resolve(conn: &mut DbConnection, caller: &Caller, view: &ViewRef) -> AppResult<ViewFilter> {
    match view {
        ViewRef::BuiltIn(built_in) => Ok(built_in.filter()),
        ViewRef::Custom(id) => {
            let row =
                stored_views::find_visible(conn, &caller.organization_id, &caller.agent_id, id).or_missing("view")?;
            parse_stored(&row)
        }
    }
}

fn parse_stored(row: &ViewRow) -> AppResult<ViewFilter> {
    serde_json::from_str(&row.filter).map_err(|_| AppError::internal("a stored view's filter does not parse"))
}

/// Every view the caller sees with its unread count for them, in one read: the built-in
/// views, then the organization's shared views and the caller's own.
pub fn list(app: &AppContext, caller: &Caller) -> AppResult<ViewList> {
    caller.permits(Permission::ReadInbox)?;
    app.db.read(|conn| {
        let feed_cursor = events::current_position(conn)?.to_string();
        let cutoff = waiting_cutoff(app, conn, &caller.organization_id)?;
        let mut views: Vec<View> = BuiltInView::ALL
            .into_iter()
            .map(|built_in| View {
                id: built_in.as_str().to_owned(),
                name: built_in.name().to_owned(),
                built_in: Some(built_in),
                shared: true,
                unread_count: 0,
                filter: built_in.filter(),
            })
            .collect();
        for row in stored_views::visible_to(conn, &caller.organization_id, &caller.agent_id)? {
            views.push(View {
                unread_count: 0,
                filter: parse_stored(&row)?,
                id: row.id.into_inner(),
                name: row.name,
                built_in: None,
                shared: row.owner_agent_id.is_none(),
            });
        }
        let filters: Vec<&ViewFilter> = views.iter().map(|view| &view.filter).collect();
        let counts = unread_counts(conn, caller, &filters, cutoff)?;
        for (view, count) in views.iter_mut().zip(counts) {
            view.unread_count = count;
        }
        Ok(ViewList { views, feed_cursor })
    })
}

fn parse_name(raw: &str) -> Result<String, textdesk_domain::Invalid> {
    Label::parse(raw, VIEW_NAME_MAX).map(Label::into_inner)
}

/// Saves a custom view; shared views are seen (and may be edited) by every agent.
pub fn create(app: &AppContext, caller: &Caller, request: CreateView) -> AppResult<View> {
    caller.permits(Permission::ReadInbox)?;
    let mut v = Validator::new();
    let name = v.check("name", parse_name(&request.name));
    check_filter(&request.filter, "filter", &mut v);
    v.finish()?;
    let name = crate::validation::checked(name)?;
    let filter_text =
        serde_json::to_string(&request.filter).map_err(|_| AppError::internal("a filter did not serialise"))?;
    app.db.write(|conn| {
        let owner = (!request.shared).then_some(&caller.agent_id);
        let row = stored_views::insert(
            conn,
            &caller.organization_id,
            owner,
            &caller.agent_id,
            &name,
            &filter_text,
        )?;
        one(app, conn, caller, row)
    })
}

/// Renames a custom view or changes its filter.
pub fn update(app: &AppContext, caller: &Caller, id: ViewId, request: UpdateView) -> AppResult<View> {
    caller.permits(Permission::ReadInbox)?;
    let mut v = Validator::new();
    let name = v.check_optional("name", request.name.as_deref(), parse_name);
    if let Some(filter) = &request.filter {
        check_filter(filter, "filter", &mut v);
    }
    v.finish()?;
    let filter_text = request
        .filter
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| AppError::internal("a filter did not serialise"))?;
    app.db.write(|conn| {
        stored_views::find_visible(conn, &caller.organization_id, &caller.agent_id, &id).or_missing("view")?;
        let changes = ViewChanges {
            name: name.as_deref(),
            filter: filter_text.as_deref(),
        };
        stored_views::update(conn, &id, changes)?;
        let row = stored_views::find_visible(conn, &caller.organization_id, &caller.agent_id, &id)?;
        one(app, conn, caller, row)
    })
}

pub fn delete(app: &AppContext, caller: &Caller, id: ViewId) -> AppResult<()> {
    caller.permits(Permission::ReadInbox)?;
    app.db.write(|conn| {
        stored_views::find_visible(conn, &caller.organization_id, &caller.agent_id, &id).or_missing("view")?;
        stored_views::delete(conn, &id)?;
        Ok(())
    })
}

fn one(app: &AppContext, conn: &mut DbConnection, caller: &Caller, row: ViewRow) -> AppResult<View> {
    let filter = parse_stored(&row)?;
    let cutoff = waiting_cutoff(app, conn, &caller.organization_id)?;
    Ok(View {
        unread_count: unread_counts(conn, caller, &[&filter], cutoff)?
            .first()
            .copied()
            .unwrap_or_default(),
        id: row.id.into_inner(),
        name: row.name,
        built_in: None,
        shared: row.owner_agent_id.is_none(),
        filter,
    })
}

/// How many of each view's conversations are unread for the caller, in one read.
fn unread_counts(
    conn: &mut DbConnection,
    caller: &Caller,
    filters: &[&ViewFilter],
    cutoff: NaiveDateTime,
) -> AppResult<Vec<i64>> {
    let filters: Vec<ConversationFilter> = filters
        .iter()
        .map(|filter| to_conversation_filter(&caller.organization_id, &caller.agent_id, filter, cutoff))
        .collect();
    Ok(conversations::count_unread(conn, &filters)?)
}

/// The first conversations a filter would show, before it is saved ("Edit view"'s preview).
pub fn preview(app: &AppContext, caller: &Caller, request: PreviewView) -> AppResult<Vec<Conversation>> {
    caller.permits(Permission::ReadInbox)?;
    let limit = parse_limit(request.limit)?;
    let mut v = Validator::new();
    check_filter(&request.filter, "filter", &mut v);
    v.finish()?;
    app.db.read(|conn| {
        let cutoff = waiting_cutoff(app, conn, &caller.organization_id)?;
        let filter = to_conversation_filter(&caller.organization_id, &caller.agent_id, &request.filter, cutoff);
        let rows = conversations::list(conn, &filter, None, limit)?;
        Ok(rows
            .into_iter()
            .map(|listed| listed.conversation.into_wire(&listed.contact, listed.unread, cutoff))
            .collect())
    })
}
