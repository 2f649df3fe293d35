//! One module per screen.

pub mod composer;
pub mod conversation;
pub mod login;
pub mod profile;
pub mod reset_password;
pub mod setup;
pub mod shell;
pub mod simulator;
pub mod team;
