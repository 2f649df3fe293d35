//! `textdesk serve --demo`: on an empty database, a demo workspace with a team to try.

use textdesk_app::workspace::{self, ValidWorkspace};
use textdesk_app::{AppError, passwords};
use textdesk_db::agents::{self, NewAgent};
use textdesk_db::contacts::{self, ContactChanges};
use textdesk_db::numbers::{self, NewNumber};
use textdesk_db::threads::{self, NewThreadMessage};
use textdesk_db::{Database, DbConnection, groups, setup};
use textdesk_domain::accounts::{IdleAlertSeconds, NewPassword};
use textdesk_types::OrganizationId;
use textdesk_types::agents::Role;
use textdesk_types::messages::SendLane;
use textdesk_types::messages::{AuthorKind, Direction, MessagePurpose};

/// Every demo account's password. The demo is for trying Textdesk on your own machine.
pub const DEMO_PASSWORD: &str = "textdesk-demo";
pub const DEMO_OWNER: &str = "owner@demo.textdesk.local";

const TEAM: [(&str, &str, &str, Role); 3] = [
    ("admin@demo.textdesk.local", "Alex", "Morgan", Role::Admin),
    ("sam@demo.textdesk.local", "Sam", "Lee", Role::Agent),
    ("riley@demo.textdesk.local", "Riley", "Chen", Role::Agent),
];

/// Customers who have written to the demo practice, and what they wrote.
const SAMPLE_TEXTS: [(&str, &str, &str); 3] = [
    (
        "+12025550143",
        "Joe",
        "Hi! Is my crown ready? I can come in Thursday afternoon.",
    ),
    (
        "+12025550177",
        "Maria",
        "Can I move my cleaning to next week? Tuesday works best.",
    ),
    ("+12025550143", "Joe", "Also, do you take Delta Dental?"),
];

/// A simulator number (texts to it are answered by the phone simulator, not a carrier) and a
/// few conversations, so the inbox has something to show.
fn add_sample_conversations(conn: &mut DbConnection, organization: &OrganizationId) -> Result<(), AppError> {
    let number = numbers::insert(
        conn,
        organization,
        NewNumber {
            phone_number: DEMO_NUMBER,
            label: "Front desk line",
            provider: "simulator",
            account_sid: None,
            auth_token_sealed: None,
            send_rate_per_second: 10,
        },
    )?;
    for (index, (phone, first_name, body)) in SAMPLE_TEXTS.into_iter().enumerate() {
        let (contact, created) = contacts::find_or_create(conn, organization, phone)?;
        let contact = if created {
            let changes = ContactChanges {
                first_name: Some(first_name.to_owned()),
                ..Default::default()
            };
            contacts::update(conn, organization, &contact.id, &changes)?
        } else {
            contact
        };
        let simulated_id = format!("SIMDEMO{index}");
        threads::record(
            conn,
            organization,
            NewThreadMessage {
                contact: &contact,
                conversation: None,
                number: Some((&number.id.clone(), &number.phone_number)),
                direction: Direction::Inbound,
                body,
                author_kind: AuthorKind::Contact,
                author_id: None,
                author_label: None,
                source: None,
                lane: SendLane::Conversational,
                provider_ids: Some(("simulator", &simulated_id)),
                purpose: MessagePurpose::Normal,
                scheduled_at: None,
            },
        )?;
    }
    Ok(())
}

/// The demo's simulator number.
pub const DEMO_NUMBER: &str = "+12025550100";

/// Creates the demo workspace unless the server already has a workspace. Returns whether it
/// created one.
pub fn ensure_demo_workspace(db: &Database) -> anyhow::Result<bool> {
    if db.read(setup::is_complete)? {
        return Ok(false);
    }
    let password = NewPassword::parse(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!(e))?;
    let password_hash = passwords::hash(&password).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let valid = ValidWorkspace {
        organization_name: "Harbor Dental (demo)".to_owned(),
        email: DEMO_OWNER.to_owned(),
        password_hash: password_hash.clone(),
        first_name: "Jordan".to_owned(),
        last_name: "Rivera".to_owned(),
    };
    db.write(|conn| -> Result<(), AppError> {
        let (organization, _) = workspace::create(conn, &valid)?;
        let organization_id = organization.id;
        setup::mark_complete(conn, &organization_id)?;
        let mut team = Vec::new();
        for (email, first, last, role) in TEAM {
            let row = agents::insert(
                conn,
                NewAgent {
                    organization_id: &organization_id,
                    email,
                    password_hash: &password_hash,
                    first_name: first,
                    last_name: last,
                    screenname: first,
                    role,
                    time_zone: "America/New_York",
                    idle_alert_seconds: IdleAlertSeconds::DEFAULT,
                },
            )?;
            team.push(row.id);
        }
        let front_desk = groups::insert(conn, &organization_id, "Front desk", false)?;
        let billing = groups::insert(conn, &organization_id, "Billing", false)?;
        for (group, members) in [(front_desk, &team[1..]), (billing, &team[..1])] {
            let group_id = group.id;
            for member in members {
                groups::add_member(conn, &organization_id, &group_id, member)?;
            }
        }
        add_sample_conversations(conn, &organization_id)?;
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    Ok(true)
}
