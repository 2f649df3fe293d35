//! Argon2id password hashes (PHC strings).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;

use argon2::Argon2;
use textdesk_domain::accounts::NewPassword;

use crate::AppError;

/// Hashes a new password. CPU-heavy: call it on a blocking thread.
pub fn hash(password: &NewPassword) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::internal(&format!("password hashing failed: {e}")))
}

/// Whether `password` matches the stored hash. A malformed stored hash never matches.
pub fn verify(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Spends the time of one verification when there is no account, so response times do not
/// reveal which emails have accounts.
pub fn verify_against_nothing(password: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        NewPassword::parse("not anybody's password")
            .ok()
            .and_then(|password| hash(&password).ok())
    });
    if let Some(dummy) = dummy {
        let _ = verify(password, dummy);
    }
}
