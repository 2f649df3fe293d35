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
            expires (about 15 minutes). Integrations use an API key instead (owners and admins \
            create them at `/api/v1/api-keys`), sent the same way: `Authorization: Bearer tdk_…`. \
            A key works on the endpoints its scopes cover (contacts, conversations, notes, \
            sending, the change feed) and is refused with 403 `scope_missing` or \
            `agents_only` elsewhere.\n\n\
            Errors are RFC 9457 `application/problem+json` documents with a stable `code`; \
            validation errors list every invalid field in `errors`. Lists are keyset-paginated: \
            pass a page's `next_cursor` back as `cursor`.\n\n\
            Lengths (`minLength`, `maxLength`) count characters, not bytes. Names, labels, titles \
            and the organization's texts are stored without surrounding spaces and measured that \
            way: a value of spaces only is refused as empty.",
        license(name = "AGPL-3.0-or-later"),
    ),
    modifiers(&BearerScheme),
    components(schemas(textdesk_types::ProblemDetails, textdesk_types::FieldError)),
    tags(
        (name = "auth", description = "Signing in and out, tokens, password reset"),
        (name = "setup", description = "First run: creating the first workspace"),
        (name = "me", description = "The signed-in agent's own profile"),
        (name = "agents", description = "The organization's agents and their roles"),
        (name = "api-keys", description = "API keys for integrations, with their scopes"),
        (name = "groups", description = "Groups of agents"),
        (name = "organization", description = "The organization's settings"),
        (name = "audit", description = "The audit log"),
        (name = "numbers", description = "Business numbers and their providers"),
        (name = "contacts", description = "Contacts (mobile users) and their threads"),
        (name = "conversations", description = "Conversations, messages, notes, read state, ownership, flags, closing and deleting"),
        (name = "views", description = "The Message Center's views with their unread counts, and custom views"),
        (name = "quick-replies", description = "Saved texts for the composer, with merge fields"),
        (name = "presence", description = "Who has the Message Center open (online agents)"),
        (name = "assignment", description = "Keyword rules that assign new conversations"),
        (name = "exports", description = "Messages exported as CSV or a printable page"),
        (name = "search", description = "Searching conversations by number, phone, name or message text"),
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
        scheme.description = Some(
            "An access token from POST /api/v1/auth/login or /api/v1/auth/refresh (a JWT), or an API key (tdk_…) from POST /api/v1/api-keys."
                .to_owned(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The problems any request may meet besides those its handler documents, each described once
/// under `components.responses`: (status, name, description).
const COMMON_PROBLEMS: [(&str, &str, &str); 7] = [
    (
        "400",
        "MalformedJson",
        "The body is not valid JSON (malformed_json), or cannot be read",
    ),
    (
        "401",
        "Unauthorized",
        "No valid access token or API key (missing_token, invalid_token, token_expired, account_disabled, invalid_api_key, api_key_revoked)",
    ),
    ("404", "NotFound", "No such resource in your organization"),
    (
        "413",
        "PayloadTooLarge",
        "The request body is larger than this endpoint accepts",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "The body is not sent as JSON (Content-Type: application/json)",
    ),
    (
        "422",
        "ValidationFailed",
        "Invalid fields or query parameters; `errors` names each one",
    ),
    (
        "503",
        "Unavailable",
        "The database cannot be reached or the server is busy; retry after `Retry-After` seconds",
    ),
];

/// Adds to every operation the statuses it can answer that its handler does not list: 503 to
/// all, 401 to those that need a token, 404 to those with a path id, 422 to those with query
/// parameters or a body, and 400, 413 and 415 to those with a body. One shared set, so a
/// client generated from the document knows every status it can get.
pub fn document_common_problems(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};

    let components = openapi.components.get_or_insert_with(Default::default);
    for (_, name, description) in COMMON_PROBLEMS {
        let response = ResponseBuilder::new()
            .description(description)
            .content(
                textdesk_types::problem::PROBLEM_JSON,
                Content::new(Some(Ref::from_schema_name("ProblemDetails"))),
            )
            .build();
        components.responses.insert(name.to_owned(), RefOr::T(response));
    }
    for (path, item) in openapi.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            let secured = operation.security.as_ref().is_some_and(|security| !security.is_empty());
            let has_body = operation.request_body.is_some();
            let has_query = operation
                .parameters
                .iter()
                .flatten()
                .any(|p| p.parameter_in == ParameterIn::Query);
            let wanted = |status: &str| match status {
                "401" => secured,
                "404" => path.contains('{'),
                "422" => has_body || has_query,
                "400" | "413" | "415" => has_body,
                _ => true,
            };
            for (status, name, _) in COMMON_PROBLEMS {
                if wanted(status) && !operation.responses.responses.contains_key(status) {
                    let reference = RefOr::Ref(Ref::new(format!("#/components/responses/{name}")));
                    operation.responses.responses.insert(status.to_owned(), reference);
                }
            }
        }
    }
}
