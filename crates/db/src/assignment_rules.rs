//! Admins' keyword rules that assign new conversations.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::assignment::AssignmentRule;
use textdesk_types::{AgentId, AssignmentRuleId, GroupId, NumberId, OrganizationId};

use crate::schema::assignment_rules;
use crate::{DbConnection, DbError, ids, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = assignment_rules)]
pub struct AssignmentRuleRow {
    pub id: AssignmentRuleId,
    pub organization_id: OrganizationId,
    pub number_id: Option<NumberId>,
    pub pattern: String,
    pub agent_id: Option<AgentId>,
    pub group_id: Option<GroupId>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl AssignmentRuleRow {
    pub fn into_wire(self) -> AssignmentRule {
        AssignmentRule {
            id: self.id,
            pattern: self.pattern,
            number_id: self.number_id,
            agent_id: self.agent_id,
            group_id: self.group_id,
            position: self.position,
            created_at: utc(self.created_at),
        }
    }
}

/// The organization's rules in the order they are tried.
pub fn list(conn: &mut DbConnection, organization: &OrganizationId) -> Result<Vec<AssignmentRuleRow>, DbError> {
    Ok(assignment_rules::table
        .filter(assignment_rules::organization_id.eq(organization.as_str()))
        .order((assignment_rules::position.asc(), assignment_rules::id.asc()))
        .select(AssignmentRuleRow::as_select())
        .load(conn)?)
}

/// Adds a rule after the existing ones.
pub fn insert(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    pattern: &str,
    number: Option<&NumberId>,
    agent: Option<&AgentId>,
    group: Option<&GroupId>,
) -> Result<AssignmentRuleRow, DbError> {
    let last: Option<i32> = assignment_rules::table
        .filter(assignment_rules::organization_id.eq(organization.as_str()))
        .select(diesel::dsl::max(assignment_rules::position))
        .first(conn)?;
    let at = now();
    let row = AssignmentRuleRow {
        id: ids::new_id(),
        organization_id: organization.clone(),
        number_id: number.cloned(),
        pattern: pattern.to_owned(),
        agent_id: agent.cloned(),
        group_id: group.cloned(),
        position: last.map_or(1, |last| last.saturating_add(1)),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(assignment_rules::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

pub fn delete(conn: &mut DbConnection, organization: &OrganizationId, id: &AssignmentRuleId) -> Result<(), DbError> {
    let deleted = diesel::delete(
        assignment_rules::table
            .filter(assignment_rules::organization_id.eq(organization.as_str()))
            .filter(assignment_rules::id.eq(id.as_str())),
    )
    .execute(conn)?;
    if deleted == 0 { Err(DbError::NotFound) } else { Ok(()) }
}
