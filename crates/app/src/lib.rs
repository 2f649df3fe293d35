//! Textdesk's application operations: signing in and sessions, starting conversations,
//! replying, sending to a phone number, retrying, closing, notes and read state, media, the
//! change feed, recording customers' texts (webhooks and the simulator), keywords and consent,
//! quiet-hours holds, the audit log, and workspace setup.
//!
//! The HTTP API, the worker and the `textdesk` commands all call these operations, so a rule
//! lives here once. Each operation takes the [`Caller`] it acts for and returns an
//! [`AppError`], which each front end renders its own way. This crate owns transactions
//! (through `textdesk_db::Database`) and must not depend on the web framework, the worker or
//! the binary.

pub mod agents;
pub mod api_keys;
pub mod assignment;
pub mod audit_log;
pub mod caller;
pub mod compliance;
pub mod consent;
pub mod contact_import;
pub mod contacts;
pub mod context;
pub mod conversations;
pub mod custom_fields;
pub mod error;
pub mod events;
pub mod exports;
pub mod groups;
pub mod idempotency;
pub mod inbound;
pub mod mail;
pub mod me;
pub mod media;
pub mod messages;
pub mod numbers;
pub mod organization;
pub mod pagination;
pub mod passwords;
pub mod presence;
pub mod quick_replies;
pub mod relay;
pub mod search;
pub mod sessions;
pub mod simulator;
pub mod tokens;
pub mod validation;
pub mod views;
pub mod webhooks;
pub mod workspace;

pub use caller::{Caller, Permission};
pub use context::AppContext;
pub use error::{AppError, AppResult, OrMissing};
