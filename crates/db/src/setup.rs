//! First-run state: whether the first workspace has been created.

use diesel::prelude::*;
use textdesk_types::OrganizationId;

use crate::schema::setup_state;
use crate::{DbConnection, DbError, now};

pub fn is_complete(conn: &mut DbConnection) -> Result<bool, DbError> {
    let rows: i64 = setup_state::table.count().get_result(conn)?;
    Ok(rows > 0)
}

/// Records the first workspace. A second call fails with a conflict, even from another
/// process at the same moment: the table holds at most the one row with id 1.
pub fn mark_complete(conn: &mut DbConnection, organization: &OrganizationId) -> Result<(), DbError> {
    diesel::insert_into(setup_state::table)
        .values((
            setup_state::id.eq(1),
            setup_state::organization_id.eq(organization.as_str()),
            setup_state::completed_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
