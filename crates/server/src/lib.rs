//! The `textdesk` binary's library half: configuration, logging, start-up of the HTTP server
//! and the worker, and the operator commands (demo workspace, `org create`).
//!
//! It wires the other crates together and owns no business rules; tests boot the real server
//! through `startup::Application`.

pub mod commands;
pub mod config;
pub mod demo;
pub mod startup;
pub mod telemetry;
