//! One module per screen; the Message Center's pieces under it.

pub mod contacts;
pub mod conversation;
pub mod forgot_password;
pub mod frame;
pub mod login;
pub mod mail;
pub mod message_center;
pub mod profile;
pub mod reset_password;
pub mod settings;
pub mod setup;
pub mod simulator;
pub mod team;
pub mod unsubscribe;
