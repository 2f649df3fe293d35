//! Credentials: password hashing and the access and refresh tokens.

pub mod passwords;
pub mod tokens;
