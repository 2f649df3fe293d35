//! Groups of agents: every agent reads them; owners and admins manage them and their members.

use textdesk_db::groups::GroupChanges;
use textdesk_db::{DbConnection, DbError, audit, conversations, groups};
use textdesk_domain::text::{Label, TITLE_MAX};
use textdesk_types::groups::{CreateGroup, Group, UpdateGroup};
use textdesk_types::page::PageQuery;
use textdesk_types::{AgentId, GroupId, OrganizationId, Page};

use crate::pagination::PageRequest;
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission, assignment};

/// The organization's groups with their members, in the order they were made.
pub fn list(app: &AppContext, caller: &Caller, query: &PageQuery) -> AppResult<Page<Group>> {
    caller.permits(Permission::ReadInbox)?;
    let page = PageRequest::parse(query)?;
    let groups = app.db.read(|conn| {
        let rows = groups::list(conn, &caller.organization_id, page.after.as_deref(), page.fetch())?;
        Ok::<_, AppError>(groups::into_wire_list(conn, rows)?)
    })?;
    Ok(page.page(groups, |group| group.id.as_str()))
}

/// One group.
pub fn get(app: &AppContext, caller: &Caller, id: GroupId) -> AppResult<Group> {
    caller.permits(Permission::ReadInbox)?;
    app.db.read(|conn| {
        let row = groups::find(conn, &caller.organization_id, &id).or_missing("group")?;
        Ok(groups::into_wire_one(conn, row)?)
    })
}

/// Makes a group, optionally with members.
pub fn create(app: &AppContext, caller: &Caller, request: CreateGroup) -> AppResult<Group> {
    caller.permits(Permission::ManageTeam)?;
    let CreateGroup {
        name,
        member_ids,
        round_robin,
    } = request;
    let name = parse_name(&name)?;
    app.db.write(|conn| {
        let row = groups::insert(conn, &caller.organization_id, &name, round_robin).map_err(group_error)?;
        let group_id = row.id.clone();
        for (index, agent) in member_ids.iter().enumerate() {
            groups::add_member(conn, &caller.organization_id, &group_id, agent).or_unknown(
                &format!("member_ids[{index}]"),
                "unknown_agent",
                "is not an agent of this organization",
            )?;
        }
        Ok(groups::into_wire_one(conn, row)?)
    })
}

/// Renames a group or turns its round robin on or off.
pub fn update(app: &AppContext, caller: &Caller, id: GroupId, request: UpdateGroup) -> AppResult<Group> {
    caller.permits(Permission::ManageTeam)?;
    let name = request.name.as_deref().map(parse_name).transpose()?;
    app.db.write(|conn| {
        let changes = GroupChanges {
            name: name.as_deref(),
            round_robin: request.round_robin,
        };
        let row = groups::update(conn, &caller.organization_id, &id, changes).map_err(group_error)?;
        match request.round_robin {
            // Conversations that waited for a member stay with the group, for anyone to take.
            Some(false) => conversations::stop_awaiting(conn, &row.id)?,
            Some(true) => {
                assignment::hand_out_in(conn, app.clock.now_naive(), &row)?;
            }
            None => {}
        }
        Ok(groups::into_wire_one(conn, row)?)
    })
}

/// Deletes a group; its members stay agents. The audit log keeps the group's name.
pub fn delete(app: &AppContext, caller: &Caller, id: GroupId, client_address: &str) -> AppResult<()> {
    caller.permits(Permission::ManageTeam)?;
    app.db.write(|conn| {
        let group = groups::find(conn, &caller.organization_id, &id).map_err(group_error)?;
        groups::delete(conn, &caller.organization_id, &id).map_err(group_error)?;
        let detail = serde_json::json!({"name": group.name});
        let event = caller.audit_event(client_address, "group.deleted", ("group", id.as_str()), detail);
        Ok(audit::append(conn, event)?)
    })
}

/// Adds an agent to a group; adding a member twice changes nothing. A round-robin group's
/// waiting conversations go out at once when the new member is online.
pub fn add_member(app: &AppContext, caller: &Caller, group: GroupId, agent: AgentId) -> AppResult<Group> {
    change_membership(app, caller, (group, agent), groups::add_member)
}

pub fn remove_member(app: &AppContext, caller: &Caller, group: GroupId, agent: AgentId) -> AppResult<Group> {
    change_membership(app, caller, (group, agent), groups::remove_member)
}

type MembershipChange = fn(&mut DbConnection, &OrganizationId, &GroupId, &AgentId) -> Result<(), DbError>;

fn change_membership(
    app: &AppContext,
    caller: &Caller,
    (group, agent): (GroupId, AgentId),
    change: MembershipChange,
) -> AppResult<Group> {
    caller.permits(Permission::ManageTeam)?;
    app.db.write(|conn| {
        change(conn, &caller.organization_id, &group, &agent).map_err(group_error)?;
        let row = groups::find(conn, &caller.organization_id, &group)?;
        // Whoever the group's online members are now, the waiting conversations are theirs.
        assignment::hand_out_in(conn, app.clock.now_naive(), &row)?;
        Ok(groups::into_wire_one(conn, row)?)
    })
}

fn parse_name(raw: &str) -> AppResult<String> {
    Label::parse(raw, TITLE_MAX)
        .map(Label::into_inner)
        .map_err(|invalid| AppError::invalid("name", invalid))
}

fn group_error(error: DbError) -> AppError {
    match error {
        DbError::NotFound => AppError::NotFound("group"),
        conflict @ DbError::Conflict { .. } if conflict.is_conflict_on("name") => {
            AppError::field("name", "name_taken", "another group already has this name")
        }
        other => other.into(),
    }
}
