//! Presence: an agent is online while a browser tab of theirs has the Message Center open and
//! beats; every server process reads the same rows, so it holds across processes. Coming
//! online hands out the conversations waiting in the agent's round-robin groups.

use textdesk_db::presence;
use textdesk_types::presence::{Heartbeat, OnlineAgent};

use crate::assignment::{hand_out_waiting, online_since};
use crate::{AppContext, AppError, AppResult, Caller, Permission};

/// Longest tab id.
pub const TAB_ID_MAX: usize = 64;

fn parse_tab(raw: &str) -> AppResult<&str> {
    let valid = !raw.is_empty()
        && raw.len() <= TAB_ID_MAX
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(raw)
    } else {
        Err(AppError::field(
            "tab_id",
            "invalid_tab_id",
            format!("must be 1 to {TAB_ID_MAX} letters, digits, - or _"),
        ))
    }
}

/// The tab has the Message Center open.
pub fn beat(app: &AppContext, caller: &Caller, heartbeat: Heartbeat) -> AppResult<()> {
    caller.permits(Permission::ReadInbox)?;
    let tab = parse_tab(&heartbeat.tab_id)?;
    let now = app.clock.now_naive();
    app.db.write(|conn| {
        let came_online = presence::beat(
            conn,
            &caller.organization_id,
            &caller.agent_id,
            tab,
            heartbeat.conversation_id.as_ref(),
            now,
            online_since(now),
        )?;
        if came_online {
            hand_out_waiting(conn, now, &caller.organization_id, &caller.agent_id)?;
        }
        Ok(())
    })
}

/// The tab closed or left the Message Center.
pub fn leave(app: &AppContext, caller: &Caller, tab: &str) -> AppResult<()> {
    caller.permits(Permission::ReadInbox)?;
    let tab = parse_tab(tab)?;
    app.db
        .write(|conn| Ok(presence::leave(conn, &caller.agent_id, Some(tab))?))
}

/// The organization's agents with the Message Center open, by name.
pub fn online(app: &AppContext, caller: &Caller) -> AppResult<Vec<OnlineAgent>> {
    caller.permits(Permission::ReadInbox)?;
    let since = online_since(app.clock.now_naive());
    app.db.read(|conn| {
        Ok(presence::online_agents(conn, &caller.organization_id, since)?
            .into_iter()
            .map(|(agent_id, first_name, last_name, email)| OnlineAgent {
                agent_id,
                name: format!("{first_name} {last_name}").trim().to_owned(),
                email,
            })
            .collect())
    })
}
