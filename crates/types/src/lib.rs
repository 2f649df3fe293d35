//! Textdesk's wire types: request and response bodies, identifier newtypes and the
//! problem+json error body.
//!
//! Both the server and the browser app (wasm32) compile this crate, so the two can never
//! disagree on a field. It must stay free of IO, databases and web frameworks: serde, chrono,
//! utoipa (behind the `openapi` feature) and diesel's type mappings (behind `diesel`, for the
//! storage crate's rows) only.
//!
//! Request fields document the bounds the server enforces (`schema(max_length = ...)` and
//! the like). utoipa takes literals only and the rules live in crates this one cannot depend
//! on, so each number is written twice; `crates/api/tests/spec_bounds.rs` fails when one
//! drifts from the constant the server uses.

pub mod agents;
pub mod api_keys;
pub mod assignment;
pub mod audit;
pub mod auth;
#[cfg(feature = "openapi")]
mod bounds;
pub mod contact_imports;
pub mod contacts;
pub mod conversations;
pub mod custom_fields;
mod delivery;
pub mod events;
pub mod exports;
pub mod groups;
pub mod ids;
pub mod mail;
pub mod media;
pub mod merge;
pub mod messages;
pub mod numbers;
pub mod organization;
pub mod page;
pub mod presence;
pub mod problem;
pub mod quick_replies;
pub mod relay;
mod rfc3339;
pub mod search;
pub mod sending;
pub mod setup;
pub mod sms;
#[cfg(feature = "diesel")]
pub mod sql;
pub mod views;
pub mod webhooks;

pub use ids::{
    AgentId, ApiKeyId, AssignmentRuleId, AuditEntryId, ContactId, ContactImportId, ConversationId, CustomFieldId,
    GroupId, MailId, MediaId, MessageId, NumberId, OrganizationId, QuickReplyId, ViewId, WebhookDeliveryId,
    WebhookEndpointId,
};
pub use page::Page;
pub use problem::{FieldError, ProblemDetails};

/// Timestamps on the wire are UTC, RFC 3339.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
