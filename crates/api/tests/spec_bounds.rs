//! The OpenAPI document states the length and range rules the server enforces on request
//! fields and query parameters. utoipa's attributes take literals only, so each rule is written
//! twice: in the validation code (a constant) and on the wire type. This test reads the
//! generated document and compares every documented bound with the constant the server uses,
//! and fails on a bound it does not compare, so a new one cannot go unchecked either.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use serde_json::Value;
use textdesk_app::mail::outbox;
use textdesk_app::webhooks::endpoints as webhook_endpoints;
use textdesk_app::{
    api_keys, audit_log, consent, contact_import, contacts, conversations, events, idempotency, messages, numbers,
    presence, quick_replies, search, simulator, views,
};
use textdesk_domain::accounts::{EMAIL_MAX, IdleAlertSeconds, NewPassword};
use textdesk_domain::assignment::PATTERN_MAX;
use textdesk_domain::organization::{
    DISTRIBUTION_LIST_LIMIT_MAX, KEYWORD_MAX_CHARS, KEYWORDS_MAX, OUTBOUND_TEXT_MAX_CHARS,
    WAITING_FOR_REPLY_MINUTES_MAX, WAITING_FOR_REPLY_MINUTES_MIN, WINDOW_MINUTE_MAX,
};
use textdesk_domain::text::{NAME_MAX, SCREENNAME_MAX, TITLE_MAX};
use textdesk_types::page::MAX_PAGE_SIZE;

/// `Label::parse`, the outbound-text rule and the other required texts refuse an empty value.
const NON_EMPTY: usize = 1;

/// The keywords that state a bound on a value.
const BOUND_KEYWORDS: [&str; 9] = [
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "maxProperties",
];

struct Spec {
    document: Value,
    /// (JSON pointer of a schema, keyword) pairs compared with a constant.
    checked: BTreeSet<(String, String)>,
}

impl Spec {
    fn new() -> Self {
        Self {
            document: serde_json::to_value(textdesk_api::openapi_document()).unwrap(),
            checked: BTreeSet::new(),
        }
    }

    /// Asserts that the schema at `pointer` documents `keyword` as `expected`.
    fn bound(&mut self, pointer: &str, keyword: &str, expected: impl TryInto<u64> + Copy) {
        let expected: u64 = expected.try_into().ok().unwrap();
        let schema = self
            .document
            .pointer(pointer)
            .unwrap_or_else(|| panic!("the document has nothing at {pointer}"));
        assert_eq!(
            schema[keyword].as_u64(),
            Some(expected),
            "{pointer} documents {keyword} = {}, the server uses {expected}",
            schema[keyword]
        );
        self.checked.insert((pointer.to_owned(), keyword.to_owned()));
    }

    /// A text of `min..=max` characters (no `minLength` when `min` is `None`).
    fn text(&mut self, pointer: &str, min: Option<usize>, max: usize) {
        if let Some(min) = min {
            self.bound(pointer, "minLength", min);
        }
        self.bound(pointer, "maxLength", max);
    }

    /// A number within `min..=max`.
    fn range(&mut self, pointer: &str, min: impl TryInto<u64> + Copy, max: impl TryInto<u64> + Copy) {
        self.bound(pointer, "minimum", min);
        self.bound(pointer, "maximum", max);
    }

    /// The pointer of the schema of query parameter `name` of `method path`.
    fn param(&self, method: &str, path: &str, name: &str) -> String {
        let operation = format!("/paths/{}/{method}", path.replace('~', "~0").replace('/', "~1"));
        let parameters = self.document.pointer(&format!("{operation}/parameters")).unwrap();
        let index = parameters
            .as_array()
            .unwrap()
            .iter()
            .position(|parameter| parameter["name"] == name)
            .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"));
        format!("{operation}/parameters/{index}/schema")
    }

    /// Every bound stated on a request body or parameter, as (pointer, keyword). A `minimum` of
    /// 0 is the unsigned type's own bound, which serde enforces.
    fn documented_bounds(&self) -> BTreeSet<(String, String)> {
        let mut found = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for (path, operations) in self.document["paths"].as_object().unwrap() {
            for (method, operation) in operations.as_object().unwrap() {
                let operation_pointer = format!("/paths/{}/{method}", path.replace('/', "~1"));
                for (index, parameter) in operation["parameters"].as_array().into_iter().flatten().enumerate() {
                    let pointer = format!("{operation_pointer}/parameters/{index}/schema");
                    self.collect(&pointer, &parameter["schema"], &mut found, &mut seen);
                }
                for (media_type, content) in operation["requestBody"]["content"].as_object().into_iter().flatten() {
                    let pointer = format!(
                        "{operation_pointer}/requestBody/content/{}/schema",
                        media_type.replace('/', "~1")
                    );
                    self.collect(&pointer, &content["schema"], &mut found, &mut seen);
                }
            }
        }
        found
    }

    fn collect(
        &self,
        pointer: &str,
        schema: &Value,
        found: &mut BTreeSet<(String, String)>,
        seen: &mut BTreeSet<String>,
    ) {
        if let Some(reference) = schema["$ref"].as_str() {
            let target = reference.trim_start_matches('#').to_owned();
            if seen.insert(target.clone()) {
                self.collect(&target, self.document.pointer(&target).unwrap(), found, seen);
            }
            return;
        }
        let Some(object) = schema.as_object() else { return };
        for keyword in BOUND_KEYWORDS {
            if let Some(value) = object.get(keyword)
                && !(keyword == "minimum" && value.as_u64() == Some(0))
            {
                found.insert((pointer.to_owned(), keyword.to_owned()));
            }
        }
        if object.contains_key("pattern") {
            found.insert((pointer.to_owned(), "pattern".to_owned()));
        }
        for (key, child) in object {
            match key.as_str() {
                "properties" => {
                    for (name, property) in child.as_object().unwrap() {
                        self.collect(&format!("{pointer}/properties/{name}"), property, found, seen);
                    }
                }
                "items" | "propertyNames" | "additionalProperties" => {
                    self.collect(&format!("{pointer}/{key}"), child, found, seen);
                }
                "oneOf" | "anyOf" | "allOf" => {
                    for (index, branch) in child.as_array().unwrap().iter().enumerate() {
                        self.collect(&format!("{pointer}/{key}/{index}"), branch, found, seen);
                    }
                }
                _ => {}
            }
        }
    }
}

fn field(schema: &str, name: &str) -> String {
    format!("/components/schemas/{schema}/properties/{name}")
}

#[test]
fn documented_bounds_are_the_servers() {
    let mut spec = Spec::new();
    let password = (Some(NewPassword::MIN_CHARS), NewPassword::MAX_CHARS);

    // Agents, the signed-in agent and the first owner: names, screennames, passwords.
    for schema in ["CreateAgent", "UpdateAgent", "UpdateProfile", "NewOwner"] {
        spec.text(&field(schema, "first_name"), Some(NON_EMPTY), NAME_MAX);
        spec.text(&field(schema, "last_name"), Some(NON_EMPTY), NAME_MAX);
    }
    for schema in ["CreateAgent", "UpdateAgent", "UpdateProfile"] {
        spec.text(&field(schema, "screenname"), Some(NON_EMPTY), SCREENNAME_MAX);
    }
    for (schema, name) in [
        ("CreateAgent", "password"),
        ("NewOwner", "password"),
        ("ChangePassword", "new_password"),
        ("ConfirmPasswordReset", "new_password"),
    ] {
        spec.text(&field(schema, name), password.0, password.1);
    }
    spec.range(
        &field("UpdateProfile", "idle_alert_seconds"),
        IdleAlertSeconds::MIN,
        IdleAlertSeconds::MAX,
    );

    // Titles: the organization, groups, numbers.
    for (schema, name) in [
        ("CreateWorkspace", "organization_name"),
        ("UpdateOrganization", "name"),
        ("CreateGroup", "name"),
        ("UpdateGroup", "name"),
        ("CreateNumber", "label"),
        ("UpdateNumber", "label"),
    ] {
        spec.text(&field(schema, name), Some(NON_EMPTY), TITLE_MAX);
    }

    // Contacts: names may be empty (a number nobody has named yet).
    for schema in ["CreateContact", "UpdateContact"] {
        spec.text(&field(schema, "first_name"), None, NAME_MAX);
        spec.text(&field(schema, "last_name"), None, NAME_MAX);
        spec.text(&field(schema, "company"), None, TITLE_MAX);
        let labels = field(schema, "labels");
        spec.bound(&labels, "maxItems", contacts::LABELS_MAX);
        spec.text(&format!("{labels}/items"), Some(NON_EMPTY), contacts::LABEL_MAX);
        let custom = field(schema, "custom_fields");
        spec.bound(&custom, "maxProperties", contacts::CUSTOM_FIELDS_MAX);
        spec.text(
            &format!("{custom}/propertyNames"),
            Some(NON_EMPTY),
            contacts::CUSTOM_FIELD_NAME_MAX,
        );
        spec.text(
            &format!("{custom}/additionalProperties"),
            None,
            contacts::CUSTOM_FIELD_VALUE_MAX,
        );
    }
    spec.text(&field("ConsentAction", "reason"), None, consent::REASON_MAX_CHARS);
    spec.text(
        &field("RecordConsent", "source"),
        Some(NON_EMPTY),
        consent::REASON_MAX_CHARS,
    );

    // Message bodies: a reply may be empty when media go with it; a note or a first message
    // may not.
    for schema in ["SendMessage", "SendToPhone"] {
        spec.text(&field(schema, "body"), None, messages::BODY_MAX_CHARS);
    }
    for schema in ["AddNote", "PushNote", "StartConversation"] {
        spec.text(&field(schema, "body"), Some(NON_EMPTY), messages::BODY_MAX_CHARS);
    }
    for schema in ["AddNote", "PushNote"] {
        spec.text(&field(schema, "source"), None, conversations::NOTE_SOURCE_MAX);
    }
    spec.text(&field("CountSegments", "body"), None, messages::COUNT_MAX_CHARACTERS);
    spec.text(
        &field("SimulatedText", "body"),
        Some(NON_EMPTY),
        simulator::BODY_MAX_CHARS,
    );

    // Numbers: credentials must not be empty (their upper bound counts bytes, which JSON
    // Schema cannot say); send rates.
    for schema in ["CreateNumber", "UpdateNumber"] {
        spec.bound(&field(schema, "account_sid"), "minLength", NON_EMPTY);
        spec.bound(&field(schema, "auth_token"), "minLength", NON_EMPTY);
        spec.range(
            &field(schema, "send_rate_per_second"),
            numbers::SEND_RATE_MIN,
            numbers::SEND_RATE_MAX,
        );
    }

    // Organization settings.
    for name in [
        "consent_message_text",
        "help_text",
        "double_opt_in_text",
        "opt_out_confirmation_text",
        "opt_in_confirmation_text",
    ] {
        spec.text(
            &field("UpdateOrganization", name),
            Some(NON_EMPTY),
            OUTBOUND_TEXT_MAX_CHARS,
        );
    }
    for name in ["opt_out_keywords", "opt_in_keywords", "help_keywords"] {
        let keywords = field("UpdateOrganization", name);
        spec.bound(&keywords, "maxItems", KEYWORDS_MAX);
        spec.text(&format!("{keywords}/items"), Some(NON_EMPTY), KEYWORD_MAX_CHARS);
    }
    spec.bound(
        &field("UpdateOrganization", "distribution_list_limit"),
        "maximum",
        DISTRIBUTION_LIST_LIMIT_MAX,
    );
    spec.range(
        &field("UpdateOrganization", "waiting_for_reply_minutes"),
        WAITING_FOR_REPLY_MINUTES_MIN,
        WAITING_FOR_REPLY_MINUTES_MAX,
    );
    for name in ["quiet_hours_start_minute", "quiet_hours_end_minute"] {
        spec.bound(&field("UpdateOrganization", name), "maximum", WINDOW_MINUTE_MAX);
    }

    // The shared inbox.
    spec.bound(
        &field("BulkRequest", "conversation_ids"),
        "maxItems",
        conversations::BULK_IDS_MAX,
    );
    spec.text(&field("CreateAssignmentRule", "pattern"), Some(NON_EMPTY), PATTERN_MAX);
    for schema in ["CreateView", "UpdateView"] {
        spec.text(&field(schema, "name"), Some(NON_EMPTY), views::VIEW_NAME_MAX);
    }
    spec.text(&field("Heartbeat", "tab_id"), Some(NON_EMPTY), presence::TAB_ID_MAX);
    spec.text(&field("CreateApiKey", "label"), Some(NON_EMPTY), TITLE_MAX);
    spec.bound(&field("CreateApiKey", "scopes"), "minItems", api_keys::SCOPES_MIN);
    for schema in ["CreateWebhookEndpoint", "UpdateWebhookEndpoint"] {
        spec.text(&field(schema, "url"), None, webhook_endpoints::URL_MAX);
        spec.text(&field(schema, "description"), None, webhook_endpoints::DESCRIPTION_MAX);
        spec.bound(
            &field(schema, "event_types"),
            "minItems",
            webhook_endpoints::EVENT_TYPES_MIN,
        );
    }
    spec.range(
        &field("CreateApiKey", "requests_per_minute"),
        api_keys::REQUESTS_PER_MINUTE_MIN,
        api_keys::REQUESTS_PER_MINUTE_MAX,
    );
    for schema in ["CreateQuickReply", "UpdateQuickReply"] {
        spec.text(&field(schema, "title"), Some(NON_EMPTY), quick_replies::TITLE_MAX);
        spec.text(&field(schema, "body"), Some(NON_EMPTY), quick_replies::BODY_MAX);
    }
    spec.text(
        &field("CreateCustomField", "name"),
        Some(NON_EMPTY),
        contacts::CUSTOM_FIELD_NAME_MAX,
    );
    spec.range(&field("PreviewView", "limit"), 1u32, MAX_PAGE_SIZE);
    spec.text(
        &field("ViewFilter", "contact"),
        Some(NON_EMPTY),
        views::CONTACT_TEXT_MAX,
    );
    spec.text(
        &field("ViewFilter", "message_text"),
        Some(NON_EMPTY),
        views::MESSAGE_TEXT_MAX,
    );
    spec.bound(&field("ViewFilter", "conversation_number"), "minimum", 1u32);
    spec.bound(&field("PasswordResetRequest", "email"), "maxLength", EMAIL_MAX);
    spec.bound(&field("MailAnswer", "text"), "maxLength", outbox::ANSWER_MAX);

    // Query parameters: every list's page size, the change feed's wait, the search text.
    for path in [
        "/api/v1/agents",
        "/api/v1/audit-log",
        "/api/v1/contacts",
        "/api/v1/contact-imports/{id}/issues",
        "/api/v1/conversations",
        "/api/v1/conversations/{id}",
        "/api/v1/groups",
        "/api/v1/mails",
        "/api/v1/search",
        "/api/v1/webhook-endpoints/{id}/deliveries",
    ] {
        let limit = spec.param("get", path, "limit");
        spec.range(&limit, 1u32, MAX_PAGE_SIZE);
    }
    let wait = spec.param("get", "/api/v1/events", "wait");
    spec.bound(&wait, "maximum", events::MAX_WAIT_SECONDS);
    let search_text = spec.param("get", "/api/v1/search", "q");
    spec.text(&search_text, Some(NON_EMPTY), search::QUERY_MAX_CHARS);
    let contact_search = spec.param("get", "/api/v1/contacts", "q");
    spec.text(&contact_search, None, search::QUERY_MAX_CHARS);
    let contact_label = spec.param("get", "/api/v1/contacts", "label");
    spec.text(&contact_label, None, contacts::LABEL_MAX);
    let action = spec.param("get", "/api/v1/audit-log", "action");
    spec.text(&action, None, audit_log::ACTION_MAX);
    let file_name = spec.param("post", "/api/v1/contact-imports", "file_name");
    spec.text(&file_name, None, contact_import::FILE_NAME_MAX);

    // The Idempotency-Key header of every authenticated POST and PATCH.
    let keyed: Vec<(String, String)> = spec.document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, operations)| {
            ["post", "patch"]
                .into_iter()
                .filter(|method| {
                    operations[*method]["parameters"]
                        .as_array()
                        .is_some_and(|parameters| parameters.iter().any(|p| p["name"] == "Idempotency-Key"))
                })
                .map(|method| (method.to_owned(), path.clone()))
        })
        .collect();
    assert!(keyed.len() > 40, "{keyed:?}");
    for (method, path) in keyed {
        let key = spec.param(&method, &path, "Idempotency-Key");
        spec.text(&key, Some(NON_EMPTY), idempotency::KEY_MAX);
    }

    let unchecked: Vec<_> = spec.documented_bounds().difference(&spec.checked).cloned().collect();
    assert!(
        unchecked.is_empty(),
        "bounds in the document that no server constant backs: {unchecked:#?}"
    );
}
