//! Access tokens (HS256 JWTs, short-lived) and refresh tokens (random, stored hashed).

use chrono::{Duration, NaiveDateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use textdesk_app::sessions::SignedIn;
pub use textdesk_app::tokens::{hash_token, new_secret_token, reset_expiry};
use textdesk_types::agents::Role;
use textdesk_types::auth::TokenResponse;
use textdesk_types::{AgentId, OrganizationId};

use crate::ApiError;

/// About fifteen minutes: short enough that a stolen access token soon stops working.
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
/// A session lasts thirty days past its last refresh.
pub const REFRESH_TOKEN_DAYS: i64 = 30;

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The agent's id.
    pub sub: String,
    /// The agent's organization.
    pub org: String,
    pub role: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    pub fn from_secret(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue_access(&self, agent: &AgentId, organization: &OrganizationId, role: Role) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = AccessClaims {
            sub: agent.to_string(),
            org: organization.to_string(),
            role: role.as_str().to_owned(),
            iat: now,
            exp: now + ACCESS_TOKEN_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::internal(&format!("signing a token failed: {e}")))
    }

    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => {
                    ApiError::unauthorized("token_expired", "The access token has expired; refresh it.")
                }
                _ => ApiError::unauthorized("invalid_token", "The access token is not valid."),
            })
    }

    /// The answer to a sign-in or refresh.
    pub fn response(
        &self,
        agent: &AgentId,
        organization: &OrganizationId,
        role: Role,
        refresh_token: String,
    ) -> Result<TokenResponse, ApiError> {
        Ok(TokenResponse {
            access_token: self.issue_access(agent, organization, role)?,
            token_type: "Bearer".to_owned(),
            expires_in: ACCESS_TOKEN_SECONDS.unsigned_abs(),
            refresh_token,
        })
    }

    /// The answer to a sign-in or refresh that `session` came from.
    pub fn session_response(&self, session: &SignedIn, refresh_token: String) -> Result<TokenResponse, ApiError> {
        self.response(&session.agent_id, &session.organization_id, session.role, refresh_token)
    }
}

pub fn refresh_expiry() -> NaiveDateTime {
    (Utc::now() + Duration::days(REFRESH_TOKEN_DAYS)).naive_utc()
}
