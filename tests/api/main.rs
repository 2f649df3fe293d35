//! API tests: every test runs once on SQLite and once on PostgreSQL against a real server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod agents;
mod api_keys;
mod auth;
mod compliance;
mod contact_imports;
mod contacts;
mod conventions;
mod exports;
mod groups;
mod idempotency;
mod inbox;
mod mail;
mod messaging;
mod organization;
mod outbound_webhooks;
mod project;
mod quick_replies;
mod relay;
mod robustness;
mod search;
mod setup;
mod simulator;
mod static_files;
mod twilio;
