//! First run: creating the first workspace and its owner.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupStatus {
    /// True until the first workspace exists; the app then shows "Create your workspace".
    pub needs_setup: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "organization_name": "Harbor Dental",
    "owner": {"email": "ana@harbor.example", "password": "a long passphrase", "first_name": "Ana", "last_name": "Reyes"}
})))]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspace {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub organization_name: String,
    pub owner: NewOwner,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOwner {
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 256))]
    pub password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: String,
}
