//! Automatic assignment of new conversations, in this order: the first text matches a keyword
//! rule; else the business number's target; then, when the target is a round-robin group, one
//! of its online, enabled members in turn. With no member online the conversation waits in
//! the group and is handed out when one comes online. Also the admins' keyword rules.

use chrono::{Duration, NaiveDateTime};
use textdesk_db::DbConnection;
use textdesk_db::assignment_rules::{self, AssignmentRuleRow};
use textdesk_db::contacts::{self, ContactRow};
use textdesk_db::conversations::{self, ConversationRow};
use textdesk_db::groups::{self, GroupRow, OnlineMember};
use textdesk_db::numbers::NumberRow;
use textdesk_domain::assignment::{
    AssignedBy, Candidate, KeywordPattern, Owner, next_in_turn, owner_label, ownership_note, waiting_for_member_note,
};
use textdesk_types::assignment::{AssignmentRule, CreateAssignmentRule};
use textdesk_types::{AgentId, AssignmentRuleId, GroupId, OrganizationId};

use crate::conversations::ownership::check_owner;
use crate::conversations::system_notes;
use crate::validation::Validator;
use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// A tab that has not beaten for this long is closed: its agent is offline once none of their
/// tabs beat within it.
pub const PRESENCE_TIMEOUT_SECONDS: i64 = 45;

/// The earliest heartbeat that still counts as online at `now`.
pub fn online_since(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::seconds(PRESENCE_TIMEOUT_SECONDS)
}

/// Assigns a conversation its first text just opened, by the rules above, with a system note
/// from Textdesk. `rules` are the organization's keyword rules (read once per batch).
pub(crate) fn assign_new(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    number: &NumberRow,
    rules: &[AssignmentRuleRow],
    conversation: &ConversationRow,
    contact: &ContactRow,
    first_text: &str,
) -> AppResult<()> {
    let matched = rules
        .iter()
        .filter(|rule| rule.number_id.as_ref().is_none_or(|only| only == &number.id))
        .find(|rule| KeywordPattern::parse(&rule.pattern).is_ok_and(|pattern| pattern.matches(first_text)));
    let (target, by) = match matched {
        Some(rule) => (
            Owner {
                agent: rule.agent_id.clone(),
                group: rule.group_id.clone(),
            },
            AssignedBy::Keyword { pattern: &rule.pattern },
        ),
        None => (
            Owner {
                agent: number.auto_assign_agent_id.clone(),
                group: number.auto_assign_group_id.clone(),
            },
            AssignedBy::Number,
        ),
    };
    if target.agent.is_none() && target.group.is_none() {
        return Ok(());
    }
    let organization = &number.organization_id;
    if let (None, Some(group)) = (&target.agent, &target.group) {
        let group = groups::find(conn, organization, group)?;
        if group.round_robin {
            return hand_to_member(conn, now, conversation, contact, &group);
        }
    }
    conversations::set_owner(
        conn,
        &conversation.id,
        target.agent.as_ref(),
        target.group.as_ref(),
        false,
    )?;
    let name = system_notes::owner_name(conn, organization, target.agent.as_ref(), target.group.as_ref())?;
    let note = ownership_note(by, name.as_deref());
    system_notes::record_by_textdesk(conn, conversation, contact, &note)?;
    Ok(())
}

/// Round robin: the group's online member served longest ago gets the conversation; with none
/// online it waits in the group.
fn hand_to_member(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    conversation: &ConversationRow,
    contact: &ContactRow,
    group: &GroupRow,
) -> AppResult<()> {
    let Some(member) = take_next_member(conn, now, &group.id)? else {
        conversations::set_owner(conn, &conversation.id, None, Some(&group.id), true)?;
        let note = waiting_for_member_note(&group.name);
        system_notes::record_by_textdesk(conn, conversation, contact, &note)?;
        return Ok(());
    };
    conversations::set_owner(conn, &conversation.id, Some(&member.agent_id), Some(&group.id), false)?;
    let name = owner_label(Some(&member.screenname), Some(&group.name));
    let note = ownership_note(AssignedBy::RoundRobin, name.as_deref());
    system_notes::record_by_textdesk(conn, conversation, contact, &note)?;
    Ok(())
}

/// The member whose turn it is, recorded as served at `now`; `None` when nobody is online.
/// Another process may take the same member's turn at the same moment: then the choice is
/// made again, so turns are never taken twice.
fn take_next_member(conn: &mut DbConnection, now: NaiveDateTime, group: &GroupId) -> AppResult<Option<OnlineMember>> {
    for _ in 0..5 {
        let mut members = groups::online_members(conn, group, online_since(now))?;
        let candidates: Vec<Candidate<'_>> = members
            .iter()
            .map(|member| Candidate {
                agent: &member.agent_id,
                last_assigned_at: member.last_assigned_at,
            })
            .collect();
        let Some(agent) = next_in_turn(&candidates).cloned() else {
            return Ok(None);
        };
        let Some(index) = members.iter().position(|member| member.agent_id == agent) else {
            return Ok(None);
        };
        let member = members.swap_remove(index);
        if groups::take_turn(conn, group, &member.agent_id, member.last_assigned_at, now)? {
            return Ok(Some(member));
        }
    }
    Err(AppError::internal("round robin could not take a turn"))
}

/// Hands the conversations waiting in the agent's round-robin groups to their online members
/// in turn (the agent has just come online). Returns how many were handed out.
pub(crate) fn hand_out_waiting(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    organization: &OrganizationId,
    agent: &AgentId,
) -> AppResult<usize> {
    let mut handed = 0;
    for group in groups::of_agent(conn, agent)? {
        let group = groups::find(conn, organization, &group)?;
        handed += hand_out_in(conn, now, &group)?;
    }
    Ok(handed)
}

/// Hands the conversations waiting in a round-robin group to its online members in turn, the
/// longest waiting first, when any member is online (one came online, joined the group, or
/// round robin was switched on). Returns how many were handed out.
pub(crate) fn hand_out_in(conn: &mut DbConnection, now: NaiveDateTime, group: &GroupRow) -> AppResult<usize> {
    if !group.round_robin || groups::online_members(conn, &group.id, online_since(now))?.is_empty() {
        return Ok(0);
    }
    let waiting = conversations::awaiting_in(conn, &group.id, HAND_OUT_AT_ONCE)?;
    for conversation in &waiting {
        let contact = contacts::find(conn, &group.organization_id, &conversation.contact_id)?;
        hand_to_member(conn, now, conversation, &contact, group)?;
    }
    Ok(waiting.len())
}

/// How many waiting conversations one hand-out gives away; the rest go at the next one (the
/// next heartbeat that brings a member online), so a request stays short.
const HAND_OUT_AT_ONCE: i64 = 500;

/// The organization's keyword rules, in the order they are tried.
pub fn list_rules(app: &AppContext, caller: &Caller) -> AppResult<Vec<AssignmentRule>> {
    caller.permits(Permission::ReadInbox)?;
    app.db.read(|conn| {
        Ok(assignment_rules::list(conn, &caller.organization_id)?
            .into_iter()
            .map(AssignmentRuleRow::into_wire)
            .collect())
    })
}

/// Adds a keyword rule after the others (owners and admins).
pub fn create_rule(app: &AppContext, caller: &Caller, request: CreateAssignmentRule) -> AppResult<AssignmentRule> {
    caller.permits(Permission::ManageNumbers)?;
    let mut v = Validator::new();
    let pattern = v.check("pattern", KeywordPattern::parse(&request.pattern));
    v.finish()?;
    let pattern = crate::validation::checked(pattern)?.as_text();
    if request.agent_id.is_none() && request.group_id.is_none() {
        return Err(AppError::field(
            "agent_id",
            "required",
            "give an agent, a group, or both",
        ));
    }
    app.db.write(|conn| {
        let owner = check_owner(conn, caller, request.agent_id.clone(), request.group_id.clone())?;
        if let Some(number) = &request.number_id {
            textdesk_db::numbers::find(conn, &caller.organization_id, number)
                .map_err(|_| AppError::field("number_id", "unknown_number", "is not a number of this organization"))?;
        }
        let row = assignment_rules::insert(
            conn,
            &caller.organization_id,
            &pattern,
            request.number_id.as_ref(),
            owner.agent.as_ref(),
            owner.group.as_ref(),
        )?;
        Ok(row.into_wire())
    })
}

pub fn delete_rule(app: &AppContext, caller: &Caller, id: AssignmentRuleId) -> AppResult<()> {
    caller.permits(Permission::ManageNumbers)?;
    app.db.write(|conn| {
        assignment_rules::delete(conn, &caller.organization_id, &id).map_err(|_| AppError::NotFound("assignment rule"))
    })
}
