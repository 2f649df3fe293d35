//! Outbound webhooks: endpoints managed by admins and keys with `webhooks:manage`, every
//! delivery signed as the Standard Webhooks specification says (checked here by an
//! implementation of its own), retries with the same id, order per conversation, disabling
//! after a day of failures, redelivery, secret rotation, and no delivery to private addresses.

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use serde_json::{Value, json};
use textdesk_tests::webhook_receiver::{Received, WebhookReceiver};
use textdesk_tests::{Session, TestApp, on_both_backends};

on_both_backends!(
    endpoints_are_managed_by_admins_and_keys_with_the_scope,
    every_delivery_is_signed_as_standard_webhooks_say,
    a_failing_delivery_is_retried_with_its_id_and_one_conversation_stays_in_order,
    an_endpoint_failing_for_a_day_is_turned_off_and_can_be_turned_on_again,
    a_rotated_secret_signs_beside_the_new_one_for_a_day,
    private_addresses_never_receive_deliveries,
    each_event_type_is_announced,
    a_delivery_is_attempted_once_however_often_it_is_queued,
);

fn token(session: &Session) -> Option<&str> {
    Some(session.access_token.as_str())
}

/// Registers an endpoint at `url` for `types`; the answer (`endpoint` and `secret`).
async fn register(app: &TestApp, admin: &Session, url: &str, types: &[&str]) -> Value {
    app.post(
        "/api/v1/webhook-endpoints",
        token(admin),
        &json!({"url": url, "description": "CRM", "event_types": types}),
    )
    .await
    .expect(201)
    .json()
}

/// Checks a delivery the way a receiver following the specification does: HMAC-SHA256 with
/// the base64-decoded key after `whsec_`, over `id.timestamp.body`; true when one of the
/// space-separated `v1,` signatures matches.
fn signed_with(received: &Received, secret: &str) -> bool {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let mut signed = format!(
        "{}.{}.",
        received.header("webhook-id"),
        received.header("webhook-timestamp")
    )
    .into_bytes();
    signed.extend_from_slice(&received.body);
    let expected = format!("v1,{}", STANDARD.encode(ring::hmac::sign(&key, &signed).as_ref()));
    received
        .header("webhook-signature")
        .split(' ')
        .any(|signature| signature == expected)
}

fn types_of(received: &[Received]) -> Vec<String> {
    received
        .iter()
        .map(|delivery| delivery.json()["type"].as_str().unwrap().to_owned())
        .collect()
}

async fn endpoints_are_managed_by_admins_and_keys_with_the_scope(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let receiver = WebhookReceiver::start();
    let created = register(
        &app,
        &owner,
        &receiver.url,
        &["note.added", "message.received", "note.added"],
    )
    .await;
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_") && STANDARD.decode(&secret[6..]).unwrap().len() == 32);
    let endpoint = &created["endpoint"];
    assert_eq!(endpoint["event_types"], json!(["message.received", "note.added"]));
    assert_eq!(endpoint["enabled"], true);
    let id = endpoint["id"].as_str().unwrap();
    let path = format!("/api/v1/webhook-endpoints/{id}");
    let listed = app
        .get("/api/v1/webhook-endpoints", token(&owner))
        .await
        .expect(200)
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(
        !listed.to_string().contains(&secret[6..]),
        "the secret is never shown again"
    );

    let changed = app
        .patch(
            &path,
            token(&owner),
            &json!({"event_types": ["contact.created"], "description": "Shop"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(changed["event_types"], json!(["contact.created"]));
    assert_eq!(changed["description"], "Shop");

    for (body, field, code) in [
        (
            json!({"url": "ftp://crm.example.com/", "event_types": ["note.added"]}),
            "url",
            "invalid_url",
        ),
        (
            json!({"url": receiver.url, "event_types": []}),
            "event_types",
            "required",
        ),
        (
            json!({"url": receiver.url, "event_types": ["message.exploded"]}),
            "event_types[0]",
            "invalid_type",
        ),
    ] {
        let problem = app
            .post("/api/v1/webhook-endpoints", token(&owner), &body)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(problem.errors[0].field, field, "{body}");
        assert!(
            problem.errors[0].code.starts_with(code),
            "{body}: {:?}",
            problem.errors[0]
        );
    }

    let agent = app.add_agent(&owner, "agent@acme.example", "agent").await;
    app.get("/api/v1/webhook-endpoints", token(&agent))
        .await
        .expect_problem(403, "admins_only");
    let keys = |scopes: &[&str]| json!({"label": "Zapier", "scopes": scopes});
    let without = app
        .post("/api/v1/api-keys", token(&owner), &keys(&["contacts:read"]))
        .await
        .expect(201)
        .json();
    app.get("/api/v1/webhook-endpoints", without["secret"].as_str())
        .await
        .expect_problem(403, "scope_missing");
    let manage_only = app
        .post("/api/v1/api-keys", token(&owner), &keys(&["webhooks:manage"]))
        .await
        .expect(201)
        .json();
    // Subscribing is reading: a key needs the read scope of what the events carry.
    let problem = app
        .post(
            "/api/v1/webhook-endpoints",
            manage_only["secret"].as_str(),
            &json!({"url": receiver.url, "event_types": ["note.added"]}),
        )
        .await
        .expect_problem(403, "scope_missing");
    assert!(problem.detail.unwrap().contains("conversations:read"));
    let with = app
        .post(
            "/api/v1/api-keys",
            token(&owner),
            &keys(&["webhooks:manage", "conversations:read"]),
        )
        .await
        .expect(201)
        .json();
    let by_key = register(
        &app,
        &Session {
            access_token: with["secret"].as_str().unwrap().to_owned(),
            ..owner.clone()
        },
        &receiver.url,
        &["note.added"],
    )
    .await;
    assert_eq!(by_key["endpoint"]["created_by"], owner.agent_id.as_str());

    let other = app.create_other_organization("Globex", "owner@globex.example").await;
    app.get(&path, token(&other)).await.expect_problem(404, "not_found");
    app.delete(&path, token(&other)).await.expect_problem(404, "not_found");
    app.delete(&path, token(&owner)).await.expect(204);
    app.get(&path, token(&owner)).await.expect_problem(404, "not_found");
    let audit = app
        .get("/api/v1/audit-log?limit=50", token(&owner))
        .await
        .expect(200)
        .json();
    let actions: BTreeSet<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["action"].as_str())
        .collect();
    for action in ["webhook.created", "webhook.changed", "webhook.deleted"] {
        assert!(actions.contains(action), "{action} in {actions:?}");
    }
}

async fn every_delivery_is_signed_as_standard_webhooks_say(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let receiver = WebhookReceiver::start();
    let created = register(
        &app,
        &owner,
        &receiver.url,
        &["conversation.opened", "message.received"],
    )
    .await;
    let secret = created["secret"].as_str().unwrap();
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let text = app
        .text_from_customer(&owner, &number, "+12025550143", "Is my order ready?")
        .await;
    app.run_jobs(None).await;

    let received = receiver.received();
    assert_eq!(types_of(&received), ["conversation.opened", "message.received"]);
    let started = chrono::Utc::now().timestamp();
    for delivery in &received {
        assert!(signed_with(delivery, secret), "{:?}", delivery.headers);
        assert!(delivery.header("webhook-id").starts_with("msg_"));
        let timestamp: i64 = delivery.header("webhook-timestamp").parse().unwrap();
        assert!((started - timestamp).abs() < 60, "{timestamp}");
        assert_eq!(delivery.header("content-type"), "application/json");
        assert!(!signed_with(delivery, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }
    let message = received[1].json();
    assert_eq!(message["data"]["id"], text["id"]);
    assert_eq!(message["data"]["body"], "Is my order ready?");
    assert_eq!(message["data"]["direction"], "inbound");
    let opened = received[0].json();
    assert_eq!(opened["data"]["id"], text["conversation_id"]);
    assert_eq!(opened["data"]["contact_phone_number"], "+12025550143");
    assert!(opened["timestamp"].as_str().unwrap().ends_with('Z'));
    // A changed body no longer verifies.
    let mut forged = received[1].clone();
    forged.body = br#"{"type":"message.received","data":{}}"#.to_vec();
    assert!(!signed_with(&forged, secret));
}

async fn a_failing_delivery_is_retried_with_its_id_and_one_conversation_stays_in_order(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let receiver = WebhookReceiver::start();
    let created = register(&app, &owner, &receiver.url, &["message.received"]).await;
    let id = created["endpoint"]["id"].as_str().unwrap();
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    receiver.answer_with(503);
    for body in ["first", "second", "third"] {
        app.text_from_customer(&owner, &number, "+12025550143", body).await;
    }
    app.run_jobs(None).await;
    // Only the first was tried: the others wait for it.
    let tried = receiver.received();
    assert_eq!(tried.len(), 1, "{:?}", types_of(&tried));
    assert_eq!(tried[0].json()["data"]["body"], "first");

    receiver.answer_with(200);
    app.clock.set(chrono::Utc::now() + Duration::seconds(10));
    app.run_jobs(None).await;
    let received = receiver.received();
    let bodies: Vec<Value> = received
        .iter()
        .map(|delivery| delivery.json()["data"]["body"].clone())
        .collect();
    assert_eq!(bodies, ["first", "first", "second", "third"]);
    assert_eq!(
        received[0].header("webhook-id"),
        received[1].header("webhook-id"),
        "a retry keeps its id"
    );
    assert_ne!(received[1].header("webhook-id"), received[2].header("webhook-id"));

    let log = app
        .get(&format!("/api/v1/webhook-endpoints/{id}/deliveries"), token(&owner))
        .await
        .expect(200)
        .json();
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|delivery| delivery["status"] == "delivered"), "{log}");
    let first = items.last().unwrap();
    assert_eq!(first["attempts"], 2);
    assert_eq!(first["last_attempt"]["response_status"], 200);
    let detail = app
        .get(
            &format!(
                "/api/v1/webhook-endpoints/{id}/deliveries/{}",
                first["id"].as_str().unwrap()
            ),
            token(&owner),
        )
        .await
        .expect(200)
        .json();
    let statuses: Vec<&Value> = detail["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["response_status"])
        .collect();
    assert_eq!(statuses, [&json!(503), &json!(200)]);
    assert_eq!(detail["attempts"][0]["error"], "receiver is down");
    assert!(detail["attempts"][0]["latency_ms"].as_u64().is_some());
    assert_eq!(detail["body"]["data"]["body"], "first");

    // An admin sends a delivered one again: same id, one more attempt.
    let first_id = first["id"].as_str().unwrap();
    let again = app
        .post(
            &format!("/api/v1/webhook-endpoints/{id}/deliveries/{first_id}/redeliver"),
            token(&owner),
            &json!({}),
        )
        .await
        .expect(202)
        .json();
    assert_eq!(again["status"], "pending");
    app.run_jobs(None).await;
    let received = receiver.received();
    assert_eq!(received.len(), 5);
    assert_eq!(received[4].header("webhook-id"), received[0].header("webhook-id"));
}

async fn an_endpoint_failing_for_a_day_is_turned_off_and_can_be_turned_on_again(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let receiver = WebhookReceiver::start();
    let created = register(&app, &owner, &receiver.url, &["message.received"]).await;
    let id = created["endpoint"]["id"].as_str().unwrap();
    let path = format!("/api/v1/webhook-endpoints/{id}");
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    receiver.answer_with(500);
    app.text_from_customer(&owner, &number, "+12025550143", "Hello?").await;
    let mut at = chrono::Utc::now();
    app.run_jobs(None).await;
    // Each wait of the schedule, then a little: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    for wait in [5, 300, 1800, 7200, 18000, 36000, 36000] {
        at += Duration::seconds(wait + 1);
        app.clock.set(at);
        app.run_jobs(None).await;
    }
    assert_eq!(receiver.received().len(), 8, "eight attempts over 27.5 hours");
    let endpoint = app.get(&path, token(&owner)).await.expect(200).json();
    assert_eq!(endpoint["enabled"], false);
    assert_eq!(endpoint["disabled_by"], "failures");
    assert!(
        endpoint["disabled_reason"].as_str().unwrap().contains("HTTP 500"),
        "{endpoint}"
    );
    // Its admins are told by mail (kept in the Mail outbox: this server has no SMTP server).
    app.run_jobs(None).await;
    let mails = app.get("/api/v1/mails", token(&owner)).await.expect(200).json();
    let notice = mails["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|mail| mail["kind"] == "webhook_disabled")
        .unwrap_or_else(|| panic!("no notice in {mails}"));
    assert_eq!(notice["to"], "owner@acme.example");
    assert!(notice["subject"].as_str().unwrap().contains(&receiver.url), "{notice}");
    let log = app
        .get(&format!("{path}/deliveries"), token(&owner))
        .await
        .expect(200)
        .json();
    assert_eq!(log["items"][0]["status"], "failed");
    assert_eq!(log["items"][0]["attempts"], 8);
    let audit = app
        .get("/api/v1/audit-log?limit=50", token(&owner))
        .await
        .expect(200)
        .json();
    assert!(audit.to_string().contains("webhook.disabled"), "{audit}");

    // Off: nothing more is recorded for it, and nothing can be sent again.
    app.text_from_customer(&owner, &number, "+12025550143", "Anyone?").await;
    app.run_jobs(None).await;
    assert_eq!(receiver.received().len(), 8);
    let delivery = log["items"][0]["id"].as_str().unwrap();
    let redeliver = format!("{path}/deliveries/{delivery}/redeliver");
    app.post(&redeliver, token(&owner), &json!({}))
        .await
        .expect_problem(409, "endpoint_disabled");

    receiver.answer_with(204);
    let enabled = app
        .patch(&path, token(&owner), &json!({"enabled": true}))
        .await
        .expect(200)
        .json();
    assert_eq!(enabled["enabled"], true);
    assert!(enabled.get("disabled_reason").is_none() && enabled.get("disabled_by").is_none());
    app.post(&redeliver, token(&owner), &json!({})).await.expect(202);
    app.run_jobs(None).await;
    let received = receiver.received();
    assert_eq!(received.len(), 9);
    assert_eq!(received[8].json()["data"]["body"], "Hello?");
}

async fn a_rotated_secret_signs_beside_the_new_one_for_a_day(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let receiver = WebhookReceiver::start();
    let created = register(&app, &owner, &receiver.url, &["message.received"]).await;
    let old = created["secret"].as_str().unwrap().to_owned();
    let id = created["endpoint"]["id"].as_str().unwrap();
    let rotated = app
        .post(
            &format!("/api/v1/webhook-endpoints/{id}/rotate-secret"),
            token(&owner),
            &json!({}),
        )
        .await
        .expect(200)
        .json();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(old, new);
    assert!(rotated["endpoint"]["previous_secret_expires_at"].is_string());
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    app.text_from_customer(&owner, &number, "+12025550143", "During").await;
    app.run_jobs(None).await;
    let during = &receiver.received()[0];
    assert_eq!(during.header("webhook-signature").split(' ').count(), 2);
    assert!(signed_with(during, &old) && signed_with(during, &new));

    app.clock.set(chrono::Utc::now() + Duration::hours(25));
    app.text_from_customer(&owner, &number, "+12025550143", "After").await;
    app.run_jobs(None).await;
    let after = &receiver.received()[1];
    assert_eq!(after.json()["data"]["body"], "After");
    assert!(signed_with(after, &new) && !signed_with(after, &old));
}

async fn private_addresses_never_receive_deliveries(app: TestApp) {
    let strict = TestApp::spawn_with(app.backend, |settings| settings.webhooks_allow_private = false).await;
    let owner = strict.create_workspace("Acme", "owner@acme.example").await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
    ] {
        let problem = strict
            .post(
                "/api/v1/webhook-endpoints",
                token(&owner),
                &json!({"url": url, "event_types": ["note.added"]}),
            )
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(problem.errors[0].field, "url");
        assert_eq!(problem.errors[0].code, "private_address", "{url}");
    }

    // A receiver that was allowed (here: on the permissive server) but whose worker is strict,
    // as after a name's address changed to a private one: the connection is refused.
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let receiver = WebhookReceiver::start();
    let created = register(&app, &owner, &receiver.url, &["message.received"]).await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    app.text_from_customer(&owner, &number, "+12025550143", "Hi").await;
    let mut context = app.worker_context(None);
    context.webhooks = textdesk_providers::outbound_webhooks::WebhookClient::new(false);
    actix_web::web::block(move || textdesk_worker::run_pending(&context))
        .await
        .unwrap()
        .unwrap();
    assert!(receiver.received().is_empty());
    let id = created["endpoint"]["id"].as_str().unwrap();
    let log = app
        .get(&format!("/api/v1/webhook-endpoints/{id}/deliveries"), token(&owner))
        .await
        .expect(200)
        .json();
    let attempt = &log["items"][0]["last_attempt"];
    assert!(attempt.get("response_status").is_none());
    assert!(
        attempt["error"].as_str().unwrap().contains("private or local"),
        "{attempt}"
    );
}

async fn each_event_type_is_announced(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let receiver = WebhookReceiver::start();
    let all = [
        "message.received",
        "message.sent",
        "message.status_changed",
        "note.added",
        "conversation.opened",
        "conversation.closed",
        "conversation.assigned",
        "contact.created",
        "contact.changed",
        "contact.opted_out",
        "contact.opted_in",
    ];
    register(&app, &owner, &receiver.url, &all).await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let text = app.text_from_customer(&owner, &number, "+12025550143", "Hello").await;
    let conversation = text["conversation_id"].as_str().unwrap();
    let path = format!("/api/v1/conversations/{conversation}");
    app.post(&format!("{path}/claim"), token(&owner), &json!({}))
        .await
        .expect(200);
    app.post(&format!("{path}/messages"), token(&owner), &json!({"body": "Hi there"}))
        .await
        .expect(201);
    app.post(&format!("{path}/notes"), token(&owner), &json!({"body": "VIP"}))
        .await
        .expect(201);
    app.post(&format!("{path}/close"), token(&owner), &json!({}))
        .await
        .expect(200);
    let shown = app.get(&path, token(&owner)).await.expect(200).json();
    let contact = shown["conversation"]["contact_id"].as_str().unwrap();
    app.patch(
        &format!("/api/v1/contacts/{contact}"),
        token(&owner),
        &json!({"first_name": "Ada"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/contacts/{contact}/opt-out"),
        token(&owner),
        &json!({}),
    )
    .await
    .expect(200);
    app.post(&format!("/api/v1/contacts/{contact}/opt-in"), token(&owner), &json!({}))
        .await
        .expect(200);
    app.post(
        "/api/v1/contacts",
        token(&owner),
        &json!({"phone_number": "+12025550199"}),
    )
    .await
    .expect(201);
    app.run_jobs(None).await;
    app.run_jobs(None).await;

    let seen: BTreeSet<String> = types_of(&receiver.received()).into_iter().collect();
    let all: BTreeSet<String> = all.iter().map(|kind| (*kind).to_owned()).collect();
    assert_eq!(seen, all);
    // One conversation's events arrived in the order they happened.
    let of_conversation: Vec<String> = receiver
        .received()
        .iter()
        .map(Received::json)
        .filter(|body| body["type"].as_str().unwrap().starts_with("conversation."))
        .map(|body| body["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(of_conversation.first().map(String::as_str), Some("conversation.opened"));
    assert_eq!(of_conversation.last().map(String::as_str), Some("conversation.closed"));
}

async fn a_delivery_is_attempted_once_however_often_it_is_queued(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let receiver = WebhookReceiver::start();
    let created = register(&app, &owner, &receiver.url, &["message.received"]).await;
    let path = format!(
        "/api/v1/webhook-endpoints/{}",
        created["endpoint"]["id"].as_str().unwrap()
    );
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    app.text_from_customer(&owner, &number, "+12025550143", "Once").await;
    // Off and on twice before any job ran: each turn-on queues the due delivery again.
    for enabled in [false, true, false, true] {
        app.patch(&path, token(&owner), &json!({"enabled": enabled}))
            .await
            .expect(200);
    }
    app.run_jobs(None).await;
    assert_eq!(receiver.received().len(), 1);

    let log = app
        .get(&format!("{path}/deliveries"), token(&owner))
        .await
        .expect(200)
        .json();
    let redeliver = format!(
        "{path}/deliveries/{}/redeliver",
        log["items"][0]["id"].as_str().unwrap()
    );
    let (first, second) = futures_util::future::join(
        app.post(&redeliver, token(&owner), &json!({})),
        app.post(&redeliver, token(&owner), &json!({})),
    )
    .await;
    let mut statuses = [first.status.as_u16(), second.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [202, 409]);
    app.run_jobs(None).await;
    assert_eq!(receiver.received().len(), 2);
}
