//! The OpenAPI document's frame: title, tags and the bearer scheme. The paths and schemas come
//! from the handlers' `#[utoipa::path]` attributes as they are registered.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Textdesk API",
        description = include_str!("api-guide.md"),
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
        (name = "webhooks", description = "Deliveries from SMS providers, and replies by email from inbound-mail services"),
        (name = "mail", description = "The Mail outbox: notifications, reset links and notices Textdesk mailed, and answering them"),
        (name = "outbound-webhooks", description = "Endpoints that receive the organization's events, signed as Standard Webhooks, with their delivery logs"),
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
const COMMON_PROBLEMS: [(&str, &str, &str); 8] = [
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
        "409",
        "IdempotencyKeyInUse",
        "A request with the same Idempotency-Key is still being answered (idempotency_key_in_use); send it again in a moment",
    ),
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
        "Invalid fields, query parameters or Idempotency-Key header (idempotency_key_reused: the key was used for a different request); `errors` names each one",
    ),
    (
        "503",
        "Unavailable",
        "The database cannot be reached or the server is busy; retry after `Retry-After` seconds",
    ),
];

/// Adds to every operation the statuses it can answer that its handler does not list: 503 to
/// all, 401 to those that need a token, 404 to those with a path id, 422 to those with query
/// parameters or a body, and 400, 413 and 415 to those with a body. Authenticated POSTs and
/// PATCHes also take the `Idempotency-Key` header, with its 409 and 422. One shared set, so a
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
            (&mut item.get, false),
            (&mut item.post, true),
            (&mut item.put, false),
            (&mut item.patch, true),
            (&mut item.delete, false),
        ];
        for (operation, writes) in operations {
            let Some(operation) = operation else { continue };
            let secured = operation.security.as_ref().is_some_and(|security| !security.is_empty());
            let idempotent = writes && secured;
            if idempotent {
                operation
                    .parameters
                    .get_or_insert_with(Vec::new)
                    .push(idempotency_key_parameter());
            }
            let has_body = operation.request_body.is_some();
            let has_query = operation
                .parameters
                .iter()
                .flatten()
                .any(|p| p.parameter_in == ParameterIn::Query);
            let wanted = |status: &str| match status {
                "401" => secured,
                "404" => path.contains('{'),
                "409" => idempotent,
                "422" => has_body || has_query || idempotent,
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

fn idempotency_key_parameter() -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};

    let schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(textdesk_app::idempotency::KEY_MAX))
        .examples([serde_json::json!("5f0c3a9e-7b1d-4c2a-9e8f-1a2b3c4d5e6f")]);
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "A unique value (a UUID) that makes the request safe to send again: within 24 hours, the same key \
             with the same request returns the first answer (with `Idempotent-Replayed: true`) and changes \
             nothing; with a different request it is refused (422 `idempotency_key_reused`); while the first \
             is still being answered, a second waits for it, or gets 409 `idempotency_key_in_use`. Only \
             successful answers are kept: after an error the same key runs the request again.",
        ))
        .schema(Some(schema))
        .build()
}

/// The change feed's `Event` is a `Change` (one of its kinds, each with its `data`) and the
/// event's `position` and `at`. utoipa writes that as `allOf` a `oneOf` and an object, which
/// JSON Schema allows but common client generators cannot read; this writes the same thing as
/// `oneOf` complete objects, one per kind.
pub fn spread_event_variants(openapi: &mut utoipa::openapi::OpenApi) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    let (Some(event), Some(change)) = (components.schemas.get("Event"), components.schemas.get("Change")) else {
        return;
    };
    let (Ok(event), Ok(change)) = (serde_json::to_value(event), serde_json::to_value(change)) else {
        return;
    };
    let Some(own) = event["allOf"]
        .as_array()
        .and_then(|parts| parts.iter().find(|part| part.get("properties").is_some()))
    else {
        return;
    };
    let variants: Vec<serde_json::Value> = change["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|variant| {
            let mut merged = variant.clone();
            for (name, schema) in own["properties"].as_object().into_iter().flatten() {
                merged["properties"][name] = schema.clone();
            }
            let mut required: Vec<serde_json::Value> = merged["required"].as_array().cloned().unwrap_or_default();
            required.extend(own["required"].as_array().cloned().unwrap_or_default());
            merged["required"] = serde_json::Value::Array(required);
            merged
        })
        .collect();
    let spread = serde_json::json!({ "oneOf": variants, "description": event["description"] });
    if let Ok(schema) = serde_json::from_value(spread) {
        components.schemas.insert("Event".to_owned(), schema);
    }
}
