//! Operator commands that are not the server itself.

use anyhow::bail;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use textdesk_app::{AppError, workspace};
use textdesk_db::{Database, setup};
use textdesk_types::setup::{CreateWorkspace, NewOwner};

use crate::config::Settings;

/// What `textdesk org create` was asked for.
pub struct NewOrganization {
    pub name: String,
    pub owner_email: String,
    pub owner_first_name: String,
    pub owner_last_name: String,
    pub owner_password: Option<String>,
}

/// Creates an organization and its owner. Prints the owner's password when it was generated.
pub fn create_organization(db: &Database, request: NewOrganization) -> anyhow::Result<String> {
    let generated = request.owner_password.is_none();
    let password = request.owner_password.unwrap_or_else(random_password);
    let workspace_request = CreateWorkspace {
        organization_name: request.name,
        owner: NewOwner {
            email: request.owner_email,
            password: password.clone(),
            first_name: request.owner_first_name,
            last_name: request.owner_last_name,
        },
    };
    let valid = workspace::validate(&workspace_request).map_err(describe)?;
    let organization_id = db
        .write(|conn| -> Result<textdesk_types::OrganizationId, AppError> {
            let (organization, _) = workspace::create(conn, &valid)?;
            if !setup::is_complete(conn)? {
                setup::mark_complete(conn, &organization.id)?;
            }
            Ok(organization.id)
        })
        .map_err(describe)?;
    if generated {
        println!("Owner password (shown once): {password}");
    }
    Ok(organization_id.into_inner())
}

fn random_password() -> String {
    let mut bytes = [0u8; 15];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// An application error as a message for the terminal, listing every invalid field.
fn describe(error: AppError) -> anyhow::Error {
    match error {
        AppError::Validation(errors) => {
            let fields: Vec<String> = errors
                .iter()
                .map(|field| format!("{}: {}", field.field, field.message))
                .collect();
            anyhow::anyhow!("invalid organization: {}", fields.join("; "))
        }
        other => anyhow::Error::new(other),
    }
}

/// Refuses to print the spec anywhere but a file or standard output.
pub fn write_openapi(out: Option<&std::path::Path>) -> anyhow::Result<()> {
    let document = textdesk_api::openapi_document();
    let mut json = document.to_pretty_json()?;
    json.push('\n');
    match out {
        Some(path) if path.is_dir() => bail!("{} is a folder; name a file", path.display()),
        Some(path) => std::fs::write(path, json)?,
        None => print!("{json}"),
    }
    Ok(())
}

/// Takes a reply by email from a mail server's pipe. The outer error means "try again later"
/// (the database cannot be reached); the inner one that the input is no mail.
pub fn receive_mail(
    settings: &Settings,
    raw: &[u8],
) -> anyhow::Result<Result<textdesk_types::mail::InboundMailOutcome, AppError>> {
    let db = crate::startup::open_database(settings)?;
    let app = textdesk_app::AppContext {
        db,
        clock: textdesk_db::clock::Clock::system(),
        mail: settings.mail_settings(),
    };
    match textdesk_app::mail::inbound::receive(&app, &app.mail, raw) {
        Ok(outcome) => Ok(Ok(outcome)),
        Err(error @ AppError::BadRequest { .. }) => Ok(Err(error)),
        Err(error) => Err(error.into()),
    }
}
