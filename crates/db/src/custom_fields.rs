//! The organization's custom fields of contacts, and its labels.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::custom_fields::CustomFieldKind;
use textdesk_types::{CustomFieldId, OrganizationId};

use crate::schema::{custom_fields, labels};
use crate::{DbConnection, DbError, ids, now};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = custom_fields)]
pub struct CustomFieldRow {
    pub id: CustomFieldId,
    pub organization_id: OrganizationId,
    pub name: String,
    pub kind: CustomFieldKind,
    pub created_at: NaiveDateTime,
}

/// The organization's custom fields, by name.
pub fn list(conn: &mut DbConnection, organization: &OrganizationId) -> Result<Vec<CustomFieldRow>, DbError> {
    Ok(custom_fields::table
        .filter(custom_fields::organization_id.eq(organization.as_str()))
        .order(custom_fields::name.asc())
        .select(CustomFieldRow::as_select())
        .load(conn)?)
}

/// Fails with a conflict on `name` when the organization has a field of that name.
pub fn insert(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    name: &str,
    kind: CustomFieldKind,
) -> Result<CustomFieldRow, DbError> {
    let row = CustomFieldRow {
        id: ids::new_id(),
        organization_id: organization.clone(),
        name: name.to_owned(),
        kind,
        created_at: now(),
    };
    diesel::insert_into(custom_fields::table).values(&row).execute(conn)?;
    Ok(row)
}

/// Removes the organization's field; not found when it has none of that id.
pub fn delete(conn: &mut DbConnection, organization: &OrganizationId, id: &CustomFieldId) -> Result<(), DbError> {
    let deleted = diesel::delete(
        custom_fields::table
            .filter(custom_fields::organization_id.eq(organization.as_str()))
            .filter(custom_fields::id.eq(id.as_str())),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// The organization's labels, by name.
pub fn labels(conn: &mut DbConnection, organization: &OrganizationId) -> Result<Vec<String>, DbError> {
    Ok(labels::table
        .filter(labels::organization_id.eq(organization.as_str()))
        .order(labels::name.asc())
        .select(labels::name)
        .load(conn)?)
}

/// Keeps the labels a contact was given, so the label pickers offer them from now on.
pub fn remember_labels(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    names: &[String],
) -> Result<(), DbError> {
    if names.is_empty() {
        return Ok(());
    }
    let at = now();
    let rows: Vec<_> = names
        .iter()
        .map(|name| {
            (
                labels::organization_id.eq(organization.as_str()),
                labels::name.eq(name.as_str()),
                labels::created_at.eq(at),
            )
        })
        .collect();
    match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(labels::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_or_ignore_into(labels::table)
            .values(&rows)
            .execute(sqlite)?,
    };
    Ok(())
}
