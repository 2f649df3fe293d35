//! Agents: the people who sign in, their roles and their own profiles.

use serde::{Deserialize, Serialize};

use crate::{AgentId, NumberId, OrganizationId};
use chrono::{DateTime, Utc};

/// What an agent may do. Owners and admins manage agents, groups and settings; only owners
/// make or unmake owners.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Admin,
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Admin, Role::Agent];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    pub fn is_admin(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

/// Which events send the agent an email.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NotificationChoices {
    /// A conversation is transferred to or from me.
    pub transfer_mine: bool,
    /// A conversation is transferred to or from one of my groups.
    pub transfer_group: bool,
    /// A new message arrives in a conversation I own.
    pub message_mine: bool,
    /// A new message arrives in a conversation one of my groups owns.
    pub message_group: bool,
}

/// One of the four notification choices, as a notification mail names what it followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationTopic {
    TransferMine,
    TransferGroup,
    MessageMine,
    MessageGroup,
}

crate::messages::wire_names!(NotificationTopic {
    TransferMine => "transfer_mine",
    TransferGroup => "transfer_group",
    MessageMine => "message_mine",
    MessageGroup => "message_group",
});

impl NotificationChoices {
    pub fn wants(&self, topic: NotificationTopic) -> bool {
        match topic {
            NotificationTopic::TransferMine => self.transfer_mine,
            NotificationTopic::TransferGroup => self.transfer_group,
            NotificationTopic::MessageMine => self.message_mine,
            NotificationTopic::MessageGroup => self.message_group,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agent {
    pub id: AgentId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// The name other agents see.
    pub screenname: String,
    pub role: Role,
    /// IANA time zone used to show times to this agent.
    pub time_zone: String,
    /// Seconds away from the Message Center before idle alerts start.
    pub idle_alert_seconds: u32,
    pub notifications: NotificationChoices,
    /// Where the avatar image is served, when the agent has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// E.164 number for text relay, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_number: Option<String>,
    /// The business number, set aside for relay, that an admin gave the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay_number_id: Option<NumberId>,
    /// The agent's switch: new texts in their conversations go to their mobile number while
    /// they are away from the Message Center.
    #[serde(default)]
    pub relay_enabled: bool,
    pub disabled: bool,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub updated_at: DateTime<Utc>,
}

impl Agent {
    pub fn display_name(&self) -> &str {
        if self.screenname.is_empty() {
            &self.email
        } else {
            &self.screenname
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "sam@harbor.example", "password": "a long passphrase", "first_name": "Sam",
    "last_name": "Lee", "role": "agent"
})))]
#[serde(deny_unknown_fields)]
pub struct CreateAgent {
    pub email: String,
    /// The agent's first password, at least 10 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 256))]
    pub password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: String,
    /// Defaults to the first name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub screenname: Option<String>,
    pub role: Role,
    /// Defaults to the organization's first owner's zone, else UTC.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// An admin's changes to another agent. Absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"role": "admin", "disabled": false})))]
#[serde(deny_unknown_fields)]
pub struct UpdateAgent {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub screenname: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    /// A disabled agent cannot sign in and their tokens stop working at once.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// A business number set aside for text relay; an empty string takes it away.
    #[serde(default)]
    pub relay_number_id: Option<String>,
}

/// An agent's changes to their own profile. Absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"screenname": "Sam L.", "time_zone": "America/Chicago", "idle_alert_seconds": 600, "notifications": {"transfer_mine": true, "transfer_group": false, "message_mine": true, "message_group": false}})))]
#[serde(deny_unknown_fields)]
pub struct UpdateProfile {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub screenname: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    /// 30 to 86400 seconds.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 30, maximum = 86400))]
    pub idle_alert_seconds: Option<u32>,
    #[serde(default)]
    pub notifications: Option<NotificationChoices>,
    /// E.164; an empty string removes it.
    #[serde(default)]
    pub mobile_number: Option<String>,
    /// Text relay on or off (it works once an admin gave a relay number and the mobile number
    /// is set).
    #[serde(default)]
    pub relay_enabled: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"current_password": "the old passphrase", "new_password": "a new long passphrase"})))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 256))]
    pub new_password: String,
}

/// A one-time link an admin gives an agent to choose a new password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetLink {
    pub reset_url: String,
    pub token: String,
    #[serde(deserialize_with = "crate::rfc3339::deserialize")]
    pub expires_at: DateTime<Utc>,
}
