//! Sealing stored secrets (providers' auth tokens) with AES-256-GCM under a key derived from the
//! server's secret, so a database dump alone does not reveal them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};

use crate::DbError;

#[derive(Clone)]
pub struct SecretBox {
    key: std::sync::Arc<LessSafeKey>,
}

impl SecretBox {
    /// Derives the sealing key; a separate label keeps it distinct from the token-signing use.
    pub fn from_server_secret(secret: &[u8]) -> Result<Self, DbError> {
        let mut hasher = Sha256::new();
        hasher.update(b"textdesk stored-secrets v1\0");
        hasher.update(secret);
        let unbound = UnboundKey::new(&AES_256_GCM, &hasher.finalize())
            .map_err(|_| DbError::Corrupt("cannot derive the sealing key".to_owned()))?;
        Ok(Self {
            key: std::sync::Arc::new(LessSafeKey::new(unbound)),
        })
    }

    /// `base64(nonce || ciphertext || tag)`.
    pub fn seal(&self, plaintext: &str) -> Result<String, DbError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| DbError::Corrupt("no randomness for sealing".to_owned()))?;
        let mut sealed = plaintext.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut sealed)
            .map_err(|_| DbError::Corrupt("sealing failed".to_owned()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<String, DbError> {
        let broken =
            || DbError::Corrupt("a stored secret cannot be opened (was the server secret changed?)".to_owned());
        let bytes = STANDARD.decode(sealed).map_err(|_| broken())?;
        if bytes.len() < NONCE_LEN {
            return Err(broken());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| broken())?;
        let mut buffer = ciphertext.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut buffer)
            .map_err(|_| broken())?;
        String::from_utf8(plain.to_vec()).map_err(|_| broken())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens() -> Result<(), DbError> {
        let secrets = SecretBox::from_server_secret(b"a server secret of enough length!!")?;
        let sealed = secrets.seal("twilio-auth-token")?;
        assert!(!sealed.contains("twilio"));
        assert_ne!(sealed, secrets.seal("twilio-auth-token")?, "a fresh nonce every time");
        assert_eq!(secrets.open(&sealed)?, "twilio-auth-token");
        let other = SecretBox::from_server_secret(b"another server secret, also long")?;
        assert!(other.open(&sealed).is_err());
        Ok(())
    }
}
