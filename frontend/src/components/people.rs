//! How agents are shown.

use textdesk_types::agents::Agent;

/// Up to two letters standing for the agent in an avatar.
pub fn initials(agent: &Agent) -> String {
    [&agent.first_name, &agent.last_name]
        .iter()
        .filter_map(|name| name.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}
