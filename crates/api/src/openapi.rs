//! The OpenAPI document's frame: title, tags and the bearer scheme. The paths and schemas come
//! from the handlers' `#[utoipa::path]` attributes as they are registered.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Textdesk API",
        description = "The API of Textdesk, the shared inbox for business text messaging.\n\n\
            Authenticate with `POST /api/v1/auth/login` and send the access token as \
            `Authorization: Bearer <token>`; refresh it with `POST /api/v1/auth/refresh` before it \
            expires (about 15 minutes).\n\n\
            Errors are RFC 9457 `application/problem+json` documents with a stable `code`; \
            validation errors list every invalid field in `errors`. Lists are keyset-paginated: \
            pass a page's `next_cursor` back as `cursor`.",
        license(name = "AGPL-3.0-or-later"),
    ),
    modifiers(&BearerScheme),
    components(schemas(textdesk_types::ProblemDetails, textdesk_types::FieldError)),
    tags(
        (name = "auth", description = "Signing in and out, tokens, password reset"),
        (name = "setup", description = "First run: creating the first workspace"),
        (name = "me", description = "The signed-in agent's own profile"),
        (name = "agents", description = "The organization's agents and their roles"),
        (name = "groups", description = "Groups of agents"),
        (name = "organization", description = "The organization's settings"),
        (name = "audit", description = "The audit log"),
        (name = "numbers", description = "Business numbers and their providers"),
        (name = "contacts", description = "Contacts (mobile users) and their threads"),
        (name = "conversations", description = "Conversations, messages, notes and read state"),
        (name = "events", description = "The change feed"),
        (name = "webhooks", description = "Deliveries from SMS providers"),
        (name = "media", description = "MMS media files"),
        (name = "simulator", description = "Texting simulator numbers as a customer"),
        (name = "health", description = "Probes for load balancers"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".to_owned());
        scheme.description = Some("An access token from POST /api/v1/auth/login or /api/v1/auth/refresh.".to_owned());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}
