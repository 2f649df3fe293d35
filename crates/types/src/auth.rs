//! Signing in, refreshing and signing out.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "owner@demo.textdesk.local", "password": "correct horse battery"})))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// A short-lived access token (a JWT for the `Authorization: Bearer` header) and the
/// single-use refresh token that obtains the next pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until `access_token` expires.
    pub expires_in: u64,
    /// Use once with `POST /api/v1/auth/refresh`; a second use revokes the whole session.
    pub refresh_token: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"refresh_token": "T_t--tiycWw7awpzA-V4vMmhgSp_kdqojjILtZHq6Tg"})))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Ends the session the refresh token belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"refresh_token": "T_t--tiycWw7awpzA-V4vMmhgSp_kdqojjILtZHq6Tg"})))]
#[serde(deny_unknown_fields)]
pub struct LogoutRequest {
    pub refresh_token: String,
}

/// Sets a new password with a reset token an admin handed out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"token": "hN3x0c2VjcmV0LXJlc2V0LXRva2VuLWV4YW1wbGU", "new_password": "a new long passphrase"})))]
#[serde(deny_unknown_fields)]
pub struct ConfirmPasswordReset {
    pub token: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 256))]
    pub new_password: String,
}
