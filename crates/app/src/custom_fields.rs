//! The organization's custom fields of contacts (owners and admins define them; everyone reads
//! them) and its labels; and the check of a contact's values against the fields' types.

use std::collections::BTreeMap;

use textdesk_db::custom_fields::{self as stored, CustomFieldRow};
use textdesk_db::{DbConnection, audit, utc};
use textdesk_domain::Invalid;
use textdesk_domain::text::Label;
use textdesk_types::custom_fields::{CreateCustomField, CustomField};
use textdesk_types::{CustomFieldId, OrganizationId};

use crate::contacts::CUSTOM_FIELD_NAME_MAX;
use crate::validation::Validator;
use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// The most custom fields an organization may define (as many as a contact may hold).
pub const FIELDS_MAX: usize = crate::contacts::CUSTOM_FIELDS_MAX;

fn into_wire(row: CustomFieldRow) -> CustomField {
    CustomField {
        id: row.id,
        name: row.name,
        kind: row.kind,
        created_at: utc(row.created_at),
    }
}

/// The organization's custom fields, by name.
pub fn list(app: &AppContext, caller: &Caller) -> AppResult<Vec<CustomField>> {
    caller.permits(Permission::ReadContacts)?;
    app.db.read(|conn| {
        Ok(stored::list(conn, &caller.organization_id)?
            .into_iter()
            .map(into_wire)
            .collect())
    })
}

/// Defines a custom field; a name taken is the request's mistake about `name`.
pub fn create(
    app: &AppContext,
    caller: &Caller,
    request: CreateCustomField,
    client_address: &str,
) -> AppResult<CustomField> {
    caller.permits(Permission::ManageSettings)?;
    let mut v = Validator::new();
    let name = v.check(
        "name",
        Label::parse(&request.name, CUSTOM_FIELD_NAME_MAX).map(Label::into_inner),
    );
    v.finish()?;
    let name = crate::validation::checked(name)?;
    app.db.write(|conn| {
        if stored::list(conn, &caller.organization_id)?.len() >= FIELDS_MAX {
            return Err(AppError::field(
                "name",
                "too_many",
                format!("an organization may define at most {FIELDS_MAX} custom fields"),
            ));
        }
        let row = stored::insert(conn, &caller.organization_id, &name, request.kind).map_err(|error| {
            if error.is_conflict_on("name") {
                AppError::field("name", "name_taken", "a custom field of this name exists")
            } else {
                error.into()
            }
        })?;
        let detail = serde_json::json!({"name": row.name, "kind": row.kind.as_str()});
        let event = caller.audit_event(
            client_address,
            "custom_field.created",
            ("custom_field", row.id.as_str()),
            detail,
        );
        audit::append(conn, event)?;
        Ok(into_wire(row))
    })
}

/// Removes a custom field; contacts keep their values for it, as plain text.
pub fn delete(app: &AppContext, caller: &Caller, id: CustomFieldId, client_address: &str) -> AppResult<()> {
    caller.permits(Permission::ManageSettings)?;
    app.db.write(|conn| {
        let field = stored::list(conn, &caller.organization_id)?
            .into_iter()
            .find(|field| field.id == id)
            .ok_or(AppError::NotFound("custom field"))?;
        stored::delete(conn, &caller.organization_id, &id)?;
        let detail = serde_json::json!({"name": field.name});
        let event = caller.audit_event(
            client_address,
            "custom_field.deleted",
            ("custom_field", id.as_str()),
            detail,
        );
        Ok(audit::append(conn, event)?)
    })
}

/// The labels the organization's contacts carry or have carried, by name.
pub fn labels(app: &AppContext, caller: &Caller) -> AppResult<Vec<String>> {
    caller.permits(Permission::ReadContacts)?;
    app.db.read(|conn| Ok(stored::labels(conn, &caller.organization_id)?))
}

/// Keeps the labels a contact was given, so the label pickers offer them.
pub(crate) fn remember_labels(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    labels: &[String],
) -> AppResult<()> {
    Ok(stored::remember_labels(conn, organization, labels)?)
}

/// Checks a contact's values against the types of the fields defined: each value of a number
/// or date field must be one (the error names `custom_fields.<name>`), and is kept trimmed.
pub(crate) fn check_values(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    values: &mut BTreeMap<String, String>,
) -> AppResult<()> {
    if values.is_empty() {
        return Ok(());
    }
    let defined = stored::list(conn, organization)?;
    let mut v = Validator::new();
    for field in defined {
        if let Some(value) = values.get_mut(&field.name) {
            match field.kind.check(value) {
                Ok(kept) => *value = kept,
                Err((code, message)) => {
                    v.check::<()>(
                        &format!("custom_fields.{}", field.name),
                        Err(Invalid::new(code, message)),
                    );
                }
            }
        }
    }
    v.finish()
}
