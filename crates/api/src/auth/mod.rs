//! Credentials: the access and refresh tokens.

pub mod tokens;
