//! `textdesk serve --demo`: on an empty database, a demo workspace with a team to try.

use textdesk_api::workspace::{self, ValidWorkspace};
use textdesk_api::{ApiError, auth::passwords};
use textdesk_db::agents::{self, NewAgent};
use textdesk_db::{Database, groups, setup};
use textdesk_domain::accounts::{IdleAlertSeconds, NewPassword};
use textdesk_types::agents::Role;
use textdesk_types::{GroupId, OrganizationId};

/// Every demo account's password. The demo is for trying Textdesk on your own machine.
pub const DEMO_PASSWORD: &str = "textdesk-demo";
pub const DEMO_OWNER: &str = "owner@demo.textdesk.local";

const TEAM: [(&str, &str, &str, Role); 3] = [
    ("admin@demo.textdesk.local", "Alex", "Morgan", Role::Admin),
    ("sam@demo.textdesk.local", "Sam", "Lee", Role::Agent),
    ("riley@demo.textdesk.local", "Riley", "Chen", Role::Agent),
];

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
    db.write(|conn| -> Result<(), ApiError> {
        let (organization, _) = workspace::create(conn, &valid)?;
        let organization_id = OrganizationId::new(organization.id);
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
            team.push(row.agent_id());
        }
        let front_desk = groups::insert(conn, &organization_id, "Front desk")?;
        let billing = groups::insert(conn, &organization_id, "Billing")?;
        for (group, members) in [(front_desk, &team[1..]), (billing, &team[..1])] {
            let group_id = GroupId::new(group.id);
            for member in members {
                groups::add_member(conn, &organization_id, &group_id, member)?;
            }
        }
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    Ok(true)
}
