//! Organizations and their settings.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::OrganizationId;
use textdesk_types::organization::{Organization, OrganizationSettings};
use textdesk_types::sql::KeywordList;

use crate::schema::organizations;
use crate::{DbConnection, DbError, ids, now, utc};

/// An organization; its settings are read straight from their columns (see [`find`]).
#[derive(Debug, Clone, Queryable)]
pub struct OrganizationRow {
    pub id: OrganizationId,
    pub name: String,
    pub settings: OrganizationSettings,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The settings as column assignments, for both the insert and the update (a macro: the
/// tuple's type is long and names the borrowed texts' lifetimes).
macro_rules! settings_values {
    ($settings:expr) => {{
        let settings: &OrganizationSettings = $settings;
        (
            organizations::consent_message_required.eq(settings.consent_message_required),
            organizations::consent_message_text.eq(&settings.consent_message_text),
            organizations::concatenation_allowed.eq(settings.concatenation_allowed),
            organizations::inbound_mms_allowed.eq(settings.inbound_mms_allowed),
            organizations::agents_may_delete.eq(settings.agents_may_delete),
            organizations::exports_allowed.eq(settings.exports_allowed),
            organizations::drips_enabled.eq(settings.drips_enabled),
            organizations::notes_api_enabled.eq(settings.notes_api_enabled),
            organizations::distribution_list_limit.eq(to_i32(settings.distribution_list_limit)),
            organizations::waiting_for_reply_minutes.eq(to_i32(settings.waiting_for_reply_minutes)),
            organizations::help_text.eq(&settings.help_text),
            organizations::opt_out_keywords.eq(KeywordList::text(&settings.opt_out_keywords)),
            organizations::opt_in_keywords.eq(KeywordList::text(&settings.opt_in_keywords)),
            organizations::help_keywords.eq(KeywordList::text(&settings.help_keywords)),
            organizations::opt_in_by_keyword.eq(settings.opt_in_by_keyword),
            organizations::double_opt_in.eq(settings.double_opt_in),
            organizations::double_opt_in_text.eq(&settings.double_opt_in_text),
            organizations::opt_out_confirmation_text.eq(&settings.opt_out_confirmation_text),
            organizations::opt_in_confirmation_text.eq(&settings.opt_in_confirmation_text),
            organizations::quiet_hours_start_minute.eq(to_i32(settings.quiet_hours_start_minute)),
            organizations::quiet_hours_end_minute.eq(to_i32(settings.quiet_hours_end_minute)),
            organizations::mms_text_only.eq(settings.mms_text_only),
            organizations::name_tags_in_first_message.eq(settings.name_tags_in_first_message),
        )
    }};
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl OrganizationRow {
    pub fn into_wire(self) -> Organization {
        Organization {
            id: self.id,
            name: self.name,
            settings: self.settings,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }
}

pub fn insert(
    conn: &mut DbConnection,
    name: &str,
    settings: &OrganizationSettings,
) -> Result<OrganizationRow, DbError> {
    let id: OrganizationId = ids::new_id();
    let now = now();
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(&id),
            organizations::name.eq(name),
            organizations::created_at.eq(now),
            organizations::updated_at.eq(now),
            settings_values!(settings),
        ))
        .execute(conn)?;
    crate::conversations::start_numbering(conn, &id)?;
    Ok(OrganizationRow {
        id,
        name: name.to_owned(),
        settings: settings.clone(),
        created_at: now,
        updated_at: now,
    })
}

/// The settings' columns are selected in their struct's field order, which its `Queryable`
/// reads by position.
pub fn find(conn: &mut DbConnection, id: &OrganizationId) -> Result<OrganizationRow, DbError> {
    let columns = (
        organizations::id,
        organizations::name,
        (
            organizations::consent_message_required,
            organizations::consent_message_text,
            organizations::concatenation_allowed,
            organizations::inbound_mms_allowed,
            organizations::agents_may_delete,
            organizations::exports_allowed,
            organizations::drips_enabled,
            organizations::notes_api_enabled,
            organizations::distribution_list_limit,
            organizations::waiting_for_reply_minutes,
            organizations::help_text,
            organizations::opt_out_keywords,
            organizations::opt_in_keywords,
            organizations::help_keywords,
            organizations::opt_in_by_keyword,
            organizations::double_opt_in,
            organizations::double_opt_in_text,
            organizations::opt_out_confirmation_text,
            organizations::opt_in_confirmation_text,
            organizations::quiet_hours_start_minute,
            organizations::quiet_hours_end_minute,
            organizations::mms_text_only,
            organizations::name_tags_in_first_message,
        ),
        organizations::created_at,
        organizations::updated_at,
    );
    Ok(organizations::table.find(id).select(columns).first(conn)?)
}

pub fn count(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(organizations::table.count().get_result(conn)?)
}

/// Every organization's id, for housekeeping that runs per organization.
pub fn all_ids(conn: &mut DbConnection) -> Result<Vec<OrganizationId>, DbError> {
    Ok(organizations::table.select(organizations::id).load(conn)?)
}

/// Stores a new name and settings.
pub fn update(
    conn: &mut DbConnection,
    id: &OrganizationId,
    name: &str,
    settings: &OrganizationSettings,
) -> Result<OrganizationRow, DbError> {
    diesel::update(organizations::table.find(id))
        .set((
            organizations::name.eq(name),
            organizations::updated_at.eq(now()),
            settings_values!(settings),
        ))
        .execute(conn)?;
    find(conn, id)
}

/// How long a contact's text may go unanswered before the conversation is waiting for reply.
pub fn waiting_for_reply_minutes(conn: &mut DbConnection, organization: &OrganizationId) -> Result<i64, DbError> {
    let minutes: i32 = organizations::table
        .find(organization.as_str())
        .select(organizations::waiting_for_reply_minutes)
        .first(conn)?;
    Ok(i64::from(minutes))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Database;

    /// The settings are read by position: a column listed out of the struct's order would
    /// swap two settings of the same type. Each switch turned alone must come back alone.
    #[test]
    fn every_setting_reads_back_as_written() {
        let path = std::env::temp_dir().join(format!("textdesk-settings-{}.db", uuid::Uuid::now_v7()));
        let db = Database::connect(&path.to_string_lossy(), 1).unwrap();
        db.migrate().unwrap();
        let mut base = textdesk_domain::organization::default_settings("Test");
        base.distribution_list_limit = 7;
        base.waiting_for_reply_minutes = 8;
        base.quiet_hours_start_minute = 9;
        base.quiet_hours_end_minute = 10;
        base.help_keywords = vec!["AIDE".to_owned()];
        let org = db.write(|conn| insert(conn, "Test", &base)).unwrap();
        let fields = serde_json::to_value(&base).unwrap();
        let switches = fields
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, value)| value.is_boolean());
        for (name, value) in switches {
            let mut flipped = fields.clone();
            flipped[name] = serde_json::Value::Bool(!value.as_bool().unwrap());
            let settings: OrganizationSettings = serde_json::from_value(flipped).unwrap();
            let read = db.write(|conn| update(conn, &org.id, "Test", &settings)).unwrap();
            assert_eq!(read.settings, settings, "{name}");
        }
        let _ = std::fs::remove_file(path);
    }
}
