//! Organizations and their settings.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::OrganizationId;
use textdesk_types::organization::{Organization, OrganizationSettings};

use crate::schema::organizations;
use crate::{DbConnection, DbError, ids, now, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = organizations)]
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub consent_message_required: bool,
    pub consent_message_text: String,
    pub concatenation_allowed: bool,
    pub inbound_mms_allowed: bool,
    pub agents_may_delete: bool,
    pub exports_allowed: bool,
    pub drips_enabled: bool,
    pub notes_api_enabled: bool,
    pub distribution_list_limit: i32,
    pub waiting_for_reply_minutes: i32,
    pub help_text: String,
    pub opt_out_keywords: String,
    pub opt_in_keywords: String,
    pub help_keywords: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub opt_in_by_keyword: bool,
    pub double_opt_in: bool,
    pub double_opt_in_text: String,
    pub opt_out_confirmation_text: String,
    pub opt_in_confirmation_text: String,
    pub quiet_hours_start_minute: i32,
    pub quiet_hours_end_minute: i32,
    pub mms_text_only: bool,
}

fn keywords_from_text(stored: &str) -> Result<Vec<String>, DbError> {
    serde_json::from_str(stored).map_err(|e| DbError::Corrupt(format!("keyword list: {e}")))
}

fn keywords_to_text(keywords: &[String]) -> String {
    serde_json::Value::from(keywords.to_vec()).to_string()
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn to_u32(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

impl OrganizationRow {
    fn new(name: &str, settings: &OrganizationSettings) -> Self {
        let now = now();
        let mut row = OrganizationRow {
            id: ids::new_id(),
            name: name.to_owned(),
            consent_message_required: false,
            consent_message_text: String::new(),
            concatenation_allowed: false,
            inbound_mms_allowed: false,
            agents_may_delete: false,
            exports_allowed: false,
            drips_enabled: false,
            notes_api_enabled: false,
            distribution_list_limit: 0,
            waiting_for_reply_minutes: 0,
            help_text: String::new(),
            opt_out_keywords: String::new(),
            opt_in_keywords: String::new(),
            help_keywords: String::new(),
            created_at: now,
            updated_at: now,
            opt_in_by_keyword: true,
            double_opt_in: false,
            double_opt_in_text: String::new(),
            opt_out_confirmation_text: String::new(),
            opt_in_confirmation_text: String::new(),
            quiet_hours_start_minute: 0,
            quiet_hours_end_minute: 0,
            mms_text_only: false,
        };
        row.apply_settings(settings);
        row
    }

    fn apply_settings(&mut self, settings: &OrganizationSettings) {
        self.consent_message_required = settings.consent_message_required;
        self.consent_message_text = settings.consent_message_text.clone();
        self.concatenation_allowed = settings.concatenation_allowed;
        self.inbound_mms_allowed = settings.inbound_mms_allowed;
        self.agents_may_delete = settings.agents_may_delete;
        self.exports_allowed = settings.exports_allowed;
        self.drips_enabled = settings.drips_enabled;
        self.notes_api_enabled = settings.notes_api_enabled;
        self.distribution_list_limit = to_i32(settings.distribution_list_limit);
        self.waiting_for_reply_minutes = to_i32(settings.waiting_for_reply_minutes);
        self.help_text = settings.help_text.clone();
        self.opt_out_keywords = keywords_to_text(&settings.opt_out_keywords);
        self.opt_in_keywords = keywords_to_text(&settings.opt_in_keywords);
        self.help_keywords = keywords_to_text(&settings.help_keywords);
        self.opt_in_by_keyword = settings.opt_in_by_keyword;
        self.double_opt_in = settings.double_opt_in;
        self.double_opt_in_text = settings.double_opt_in_text.clone();
        self.opt_out_confirmation_text = settings.opt_out_confirmation_text.clone();
        self.opt_in_confirmation_text = settings.opt_in_confirmation_text.clone();
        self.quiet_hours_start_minute = to_i32(settings.quiet_hours_start_minute);
        self.quiet_hours_end_minute = to_i32(settings.quiet_hours_end_minute);
        self.mms_text_only = settings.mms_text_only;
    }

    pub fn settings(&self) -> Result<OrganizationSettings, DbError> {
        Ok(OrganizationSettings {
            consent_message_required: self.consent_message_required,
            consent_message_text: self.consent_message_text.clone(),
            concatenation_allowed: self.concatenation_allowed,
            inbound_mms_allowed: self.inbound_mms_allowed,
            agents_may_delete: self.agents_may_delete,
            exports_allowed: self.exports_allowed,
            drips_enabled: self.drips_enabled,
            notes_api_enabled: self.notes_api_enabled,
            distribution_list_limit: to_u32(self.distribution_list_limit),
            waiting_for_reply_minutes: to_u32(self.waiting_for_reply_minutes),
            help_text: self.help_text.clone(),
            opt_out_keywords: keywords_from_text(&self.opt_out_keywords)?,
            opt_in_keywords: keywords_from_text(&self.opt_in_keywords)?,
            help_keywords: keywords_from_text(&self.help_keywords)?,
            opt_in_by_keyword: self.opt_in_by_keyword,
            double_opt_in: self.double_opt_in,
            double_opt_in_text: self.double_opt_in_text.clone(),
            opt_out_confirmation_text: self.opt_out_confirmation_text.clone(),
            opt_in_confirmation_text: self.opt_in_confirmation_text.clone(),
            quiet_hours_start_minute: to_u32(self.quiet_hours_start_minute),
            quiet_hours_end_minute: to_u32(self.quiet_hours_end_minute),
            mms_text_only: self.mms_text_only,
        })
    }

    pub fn into_wire(self) -> Result<Organization, DbError> {
        Ok(Organization {
            settings: self.settings()?,
            id: OrganizationId::new(self.id),
            name: self.name,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

pub fn insert(
    conn: &mut DbConnection,
    name: &str,
    settings: &OrganizationSettings,
) -> Result<OrganizationRow, DbError> {
    let row = OrganizationRow::new(name, settings);
    diesel::insert_into(organizations::table).values(&row).execute(conn)?;
    crate::conversations::start_numbering(conn, &OrganizationId::new(row.id.clone()))?;
    Ok(row)
}

pub fn find(conn: &mut DbConnection, id: &OrganizationId) -> Result<OrganizationRow, DbError> {
    Ok(organizations::table
        .find(id.as_str())
        .select(OrganizationRow::as_select())
        .first(conn)?)
}

pub fn count(conn: &mut DbConnection) -> Result<i64, DbError> {
    Ok(organizations::table.count().get_result(conn)?)
}

/// Every organization's id, for housekeeping that runs per organization.
pub fn all_ids(conn: &mut DbConnection) -> Result<Vec<OrganizationId>, DbError> {
    let ids: Vec<String> = organizations::table.select(organizations::id).load(conn)?;
    Ok(ids.into_iter().map(OrganizationId::new).collect())
}

/// Stores a new name and settings.
pub fn update(
    conn: &mut DbConnection,
    id: &OrganizationId,
    name: &str,
    settings: &OrganizationSettings,
) -> Result<OrganizationRow, DbError> {
    let mut row = find(conn, id)?;
    row.name = name.to_owned();
    row.apply_settings(settings);
    row.updated_at = now();
    diesel::update(organizations::table.find(id.as_str()))
        .set(&row)
        .execute(conn)?;
    Ok(row)
}
