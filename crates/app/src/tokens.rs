//! Random secret tokens (sessions, reset links, reply addresses, unsubscribe links), kept in the
//! database only as hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime, Utc};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// Password-reset links work for one day.
pub const RESET_TOKEN_HOURS: i64 = 24;

/// A new random secret token: 256 bits, URL-safe.
pub fn new_secret_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A token for the local part of a mail address, which mail systems may lower-case: 26
/// lower-case letters and digits (134 bits).
pub fn new_address_token() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..26)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// Tokens are stored only as SHA-256 hashes: a database dump reveals no usable token.
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub fn reset_expiry() -> NaiveDateTime {
    (Utc::now() + Duration::hours(RESET_TOKEN_HOURS)).naive_utc()
}
