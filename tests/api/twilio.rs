use std::time::Duration;

use awc::http::Method;
use serde_json::{Value, json};
use textdesk_app::inbound::batches::{ReceivedWebhook, store_batch};
use textdesk_db::jobs;
use textdesk_db::secrets::SecretBox;
use textdesk_providers::twilio::fake::{FakeResponse, FakeTwilio};
use textdesk_providers::twilio::signature;
use textdesk_providers::{HttpClient, ProviderKind, WebhookEndpoint, WebhookEvent, WebhookRequest, provider_for};
use textdesk_tests::{Session, TestApp, TestResponse, on_both_backends};
use textdesk_types::MessageId;
use textdesk_types::messages::MessageStatus;

on_both_backends!(
    messages_go_out_through_twilio,
    status_reports_only_move_forward,
    permanent_failures_show_the_reason_and_can_be_retried,
    opted_out_recipients_are_marked,
    transient_failures_stay_queued_for_a_retry,
    inbound_messages_need_a_valid_signature,
    the_same_message_sid_is_stored_once,
    a_closed_conversation_is_reopened_as_a_new_one,
    the_simulator_delivers,
    parallel_workers_send_each_message_once,
    media_go_out_from_an_expiring_address,
    inbound_media_are_fetched_within_limits,
    agents_replies_go_before_bulk_messages,
    each_number_keeps_to_its_send_rate,
    first_messages_racing_from_a_new_customer_are_all_stored,
    a_burst_of_webhooks_is_stored_whole_and_refused_alone,
    texts_stored_together_keep_their_order_and_keywords,
    one_batch_answers_each_webhook_on_its_own,
    an_interrupted_send_is_found_at_the_provider_not_sent_again,
    an_interrupted_send_the_provider_never_got_goes_out_once,
    a_like_text_sent_elsewhere_before_the_attempt_is_not_taken_for_it,
    a_worker_that_lost_its_lease_cannot_end_the_job,
    slow_media_never_hold_up_a_reply,
);

async fn connect_twilio(app: &TestApp, owner: &Session, fake: &FakeTwilio, phone: &str) -> Value {
    let credentials = fake.credentials();
    let body = json!({"phone_number": phone, "label": "Twilio", "provider": "twilio",
        "account_sid": credentials.account_sid, "auth_token": credentials.auth_token, "send_rate_per_second": 100});
    app.post("/api/v1/numbers", Some(&owner.access_token), &body)
        .await
        .expect(201)
        .json()
}

async fn send(app: &TestApp, owner: &Session, body: &str) -> Value {
    app.post(
        "/api/v1/messages",
        Some(&owner.access_token),
        &json!({"to": "+12025550143", "body": body}),
    )
    .await
    .expect(201)
    .json()
}

async fn message(app: &TestApp, owner: &Session, sent: &Value) -> Value {
    let path = format!("/api/v1/conversations/{}", sent["conversation_id"].as_str().unwrap());
    let detail = app.get(&path, Some(&owner.access_token)).await.expect(200).json();
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == sent["id"])
        .unwrap()
        .clone()
}

/// Posts a webhook as Twilio would, signed with `token` (or unsigned).
async fn webhook(app: &TestApp, endpoint: &str, params: &[(&str, &str)], token: Option<&str>) -> TestResponse {
    let path = format!("/webhooks/twilio/{endpoint}");
    let owned: Vec<(String, String)> = params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&owned)
        .finish();
    let mut request = awc::Client::new()
        .request(Method::POST, format!("{}{path}", app.address))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"));
    if let Some(token) = token {
        let url = format!("{}{path}", app.settings.public_url());
        request = request.insert_header(("X-Twilio-Signature", signature(token, &url, &owned)));
    }
    let mut response = request.send_body(body).await.unwrap();
    TestResponse {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.body().await.unwrap().to_vec(),
    }
}

fn status_params<'a>(fake: &'a FakeTwilio, sid: &'a str, status: &'a str) -> Vec<(&'static str, String)> {
    vec![
        ("MessageSid", sid.to_owned()),
        ("AccountSid", fake.credentials().account_sid),
        ("MessageStatus", status.to_owned()),
    ]
}

async fn report(app: &TestApp, fake: &FakeTwilio, sid: &str, status: &str, extra: &[(&str, &str)]) {
    let mut params = status_params(fake, sid, status);
    params.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    webhook(app, "status", &borrowed, Some(&fake.credentials().auth_token))
        .await
        .expect(200);
}

async fn messages_go_out_through_twilio(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let sent = send(&app, &owner, "Your crown is ready").await;
    assert_eq!(app.run_jobs(Some(&fake)).await, 1);

    let requests = fake.sent();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.field("To").as_deref(), Some("+12025550143"));
    assert_eq!(request.field("From").as_deref(), Some("+12025550100"));
    assert_eq!(request.field("Body").as_deref(), Some("Your crown is ready"));
    assert_eq!(request.idempotency_token(), sent["id"].as_str());
    let callback = request.field("StatusCallback").unwrap();
    assert!(callback.ends_with("/webhooks/twilio/status"), "{callback}");

    let stored = message(&app, &owner, &sent).await;
    assert_eq!(stored["status"], "sending");
    assert!(stored["sent_at"].is_string());
    assert_eq!(app.run_jobs(Some(&fake)).await, 0, "the job left the queue");
}

async fn status_reports_only_move_forward(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let first = send(&app, &owner, "one").await;
    let second = send(&app, &owner, "two").await;
    app.run_jobs(Some(&fake)).await;
    let bodies: Vec<String> = fake.sent().iter().map(|r| r.field("Body").unwrap()).collect();
    assert_eq!(bodies, ["one", "two"]);
    let stored_first = app
        .db
        .read(|conn| textdesk_db::messages::find(conn, &MessageId::new(first["id"].as_str().unwrap())))
        .unwrap();
    let stored_second = app
        .db
        .read(|conn| textdesk_db::messages::find(conn, &MessageId::new(second["id"].as_str().unwrap())))
        .unwrap();
    let first_sid = stored_first.provider_message_id.unwrap();
    let second_sid = stored_second.provider_message_id.unwrap();

    report(&app, &fake, &first_sid, "delivered", &[]).await;
    report(&app, &fake, &first_sid, "sent", &[]).await;
    assert_eq!(
        message(&app, &owner, &first).await["status"],
        "delivered",
        "a late sent changes nothing"
    );

    report(
        &app,
        &fake,
        &second_sid,
        "undelivered",
        &[("ErrorCode", "30003"), ("ErrorMessage", "Unreachable handset")],
    )
    .await;
    report(&app, &fake, &second_sid, "delivered", &[]).await;
    let failed = message(&app, &owner, &second).await;
    assert_eq!(failed["status"], "undelivered");
    assert_eq!(failed["error_code"], "30003");
    assert_eq!(failed["error_message"], "Unreachable handset");
}

async fn permanent_failures_show_the_reason_and_can_be_retried(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let sent = send(&app, &owner, "hello").await;
    fake.respond_next(FakeResponse::error(
        400,
        21211,
        "The 'To' number is not a valid phone number.",
    ));
    app.run_jobs(Some(&fake)).await;
    let failed = message(&app, &owner, &sent).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["error_code"], "21211");
    assert!(
        failed["error_message"]
            .as_str()
            .unwrap()
            .contains("not a valid phone number")
    );

    let retry = format!("/api/v1/messages/{}/retry", sent["id"].as_str().unwrap());
    let queued = app
        .post(&retry, Some(&owner.access_token), &json!({}))
        .await
        .expect(200)
        .json();
    assert_eq!(queued["status"], "queued");
    assert!(queued.get("error_code").is_none());
    app.post(&retry, Some(&owner.access_token), &json!({}))
        .await
        .expect_problem(409, "not_failed");
    app.run_jobs(Some(&fake)).await;
    assert_eq!(message(&app, &owner, &sent).await["status"], "sending");
}

async fn opted_out_recipients_are_marked(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let sent = send(&app, &owner, "hello").await;
    fake.respond_next(FakeResponse::error(
        400,
        21610,
        "Attempt to send to unsubscribed recipient",
    ));
    app.run_jobs(Some(&fake)).await;
    let failed = message(&app, &owner, &sent).await;
    assert_eq!(
        (failed["status"].as_str(), failed["error_code"].as_str()),
        (Some("failed"), Some("21610"))
    );
    let contacts = app.get("/api/v1/contacts", Some(&owner.access_token)).await.json();
    assert_eq!(contacts["items"][0]["opted_out"], true);
}

async fn transient_failures_stay_queued_for_a_retry(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let sent = send(&app, &owner, "hello").await;
    fake.respond_next(FakeResponse::error(503, 20500, "Service unavailable"));
    assert_eq!(app.run_jobs(Some(&fake)).await, 1, "the job waits for its backoff");
    assert_eq!(message(&app, &owner, &sent).await["status"], "queued");
    let waiting = app
        .db
        .read(|conn| jobs::pending(conn, jobs::JobKind::SendMessage))
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].attempts, 1);
    assert!(waiting[0].last_error.as_deref().is_some_and(|e| !e.is_empty()));
    assert!(waiting[0].run_at > textdesk_db::now());
}

async fn inbound_messages_need_a_valid_signature(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let credentials = fake.credentials();
    let params = [
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("AccountSid", credentials.account_sid.as_str()),
        ("From", "+12025550143"),
        ("To", "+12025550100"),
        ("Body", "Is my crown ready?"),
        ("NumMedia", "0"),
    ];
    webhook(&app, "messages", &params, None)
        .await
        .expect_problem(403, "invalid_signature");
    webhook(&app, "messages", &params, Some("not-the-token"))
        .await
        .expect_problem(403, "invalid_signature");
    let none = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json();
    assert!(none["items"].as_array().unwrap().is_empty(), "nothing was stored");

    let answer = webhook(&app, "messages", &params, Some(&credentials.auth_token))
        .await
        .expect(200);
    assert!(answer.text().contains("<Response/>"));
    let list = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json();
    let conversation = &list["items"][0];
    assert_eq!(conversation["unread"], true);
    assert_eq!(conversation["last_direction"], "inbound");
    assert_eq!(conversation["last_message_preview"], "Is my crown ready?");

    let unknown = [
        ("To", "+12025550999"),
        ("From", "+12025550143"),
        ("MessageSid", "SMx"),
        ("AccountSid", "ACx"),
        ("Body", "x"),
    ];
    // An unconnected number is refused exactly like a forged signature: an unauthenticated
    // caller cannot learn which numbers are connected.
    let unknown_number = webhook(&app, "messages", &unknown, Some(&credentials.auth_token))
        .await
        .expect_problem(403, "invalid_signature");
    let forged = webhook(&app, "messages", &params, Some("not-the-token"))
        .await
        .expect_problem(403, "invalid_signature");
    assert_eq!(
        (unknown_number.title, unknown_number.detail),
        (forged.title, forged.detail),
        "answered alike"
    );
    webhook(&app, "nonsense", &params, Some(&credentials.auth_token))
        .await
        .expect(404);
}

async fn the_same_message_sid_is_stored_once(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let credentials = fake.credentials();
    let params = [
        ("MessageSid", "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ("AccountSid", credentials.account_sid.as_str()),
        ("From", "+12025550143"),
        ("To", "+12025550100"),
        ("Body", "Hello?"),
    ];
    for _ in 0..3 {
        webhook(&app, "messages", &params, Some(&credentials.auth_token))
            .await
            .expect(200);
    }
    let conversation =
        app.get("/api/v1/conversations", Some(&owner.access_token)).await.json()["items"][0]["id"].clone();
    let detail = app
        .get(
            &format!("/api/v1/conversations/{}", conversation.as_str().unwrap()),
            Some(&owner.access_token),
        )
        .await
        .json();
    assert_eq!(detail["messages"].as_array().unwrap().len(), 1);
}

async fn a_closed_conversation_is_reopened_as_a_new_one(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let first = send(&app, &owner, "Anything else?").await;
    let conversation = first["conversation_id"].as_str().unwrap();
    let closed = app
        .post(
            &format!("/api/v1/conversations/{conversation}/close"),
            Some(&owner.access_token),
            &json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closed_by"], owner.agent_id.as_str());
    app.post(
        &format!("/api/v1/conversations/{conversation}/messages"),
        Some(&owner.access_token),
        &json!({"body": "x"}),
    )
    .await
    .expect_problem(409, "conversation_closed");

    let credentials = fake.credentials();
    let params = [
        ("MessageSid", "SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
        ("AccountSid", credentials.account_sid.as_str()),
        ("From", "+12025550143"),
        ("To", "+12025550100"),
        ("Body", "One more question"),
    ];
    webhook(&app, "messages", &params, Some(&credentials.auth_token))
        .await
        .expect(200);
    let list = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["number"], 1002);
    assert_eq!(items[0]["status"], "open");
    assert_eq!(items[0]["unread"], true);
    assert_eq!(items[1]["number"], 1001);
    let thread = app
        .get(
            &format!("/api/v1/contacts/{}/thread", items[0]["contact_id"].as_str().unwrap()),
            Some(&owner.access_token),
        )
        .await
        .json();
    assert_eq!(thread.as_array().unwrap().len(), 2);
}

async fn the_simulator_delivers(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let body = json!({"phone_number": "+12025550100", "label": "Sim", "provider": "simulator"});
    app.post("/api/v1/numbers", Some(&owner.access_token), &body)
        .await
        .expect(201);
    let sent = send(&app, &owner, "hello").await;
    app.run_jobs(None).await;
    assert_eq!(message(&app, &owner, &sent).await["status"], "sending");
    actix_rt::time::sleep(Duration::from_millis(1100)).await;
    app.run_jobs(None).await;
    let delivered = message(&app, &owner, &sent).await;
    assert_eq!(delivered["status"], "delivered");
    assert!(delivered["delivered_at"].is_string());
}

async fn parallel_workers_send_each_message_once(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    for n in 0..24 {
        let body = json!({"to": format!("+120255501{n:02}"), "body": format!("message {n}")});
        app.post("/api/v1/messages", Some(&owner.access_token), &body)
            .await
            .expect(201);
    }
    let (first, second, third) = tokio::join!(
        app.run_jobs(Some(&fake)),
        app.run_jobs(Some(&fake)),
        app.run_jobs(Some(&fake))
    );
    assert_eq!(first + second + third, 24, "every job ran exactly once");
    let mut tokens: Vec<String> = fake
        .sent()
        .iter()
        .map(|r| r.idempotency_token().unwrap().to_owned())
        .collect();
    assert_eq!(tokens.len(), 24);
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 24, "no message was sent twice");
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn upload(app: &TestApp, session: &Session, bytes: &[u8]) -> TestResponse {
    app.raw(
        Method::POST,
        "/api/v1/media",
        Some(&session.access_token),
        Some("application/octet-stream"),
        bytes.to_vec(),
    )
    .await
}

async fn media_go_out_from_an_expiring_address(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let uploaded = upload(&app, &owner, PNG).await.expect(201).json();
    assert_eq!(uploaded["content_type"], "image/png");
    assert_eq!(uploaded["size_bytes"], PNG.len());
    let problem = upload(&app, &owner, b"%PDF-1.7 not an image")
        .await
        .expect_problem(422, "validation_failed");
    assert!(problem.errors[0].message.contains("PDF"));

    let body = json!({"to": "+12025550143", "body": "", "media_ids": [uploaded["id"]]});
    let sent = app
        .post("/api/v1/messages", Some(&owner.access_token), &body)
        .await
        .expect(201)
        .json();
    assert_eq!(sent["media"][0]["id"], uploaded["id"]);
    assert!(sent["warnings"].as_array().is_none_or(Vec::is_empty), "{sent}");
    app.post("/api/v1/messages", Some(&owner.access_token), &body)
        .await
        .expect_problem(422, "validation_failed");
    let other = app.create_other_organization("Globex", "boss@globex.example").await;
    let theirs = upload(&app, &other, PNG).await.expect(201).json();
    let stolen = json!({"to": "+12025550143", "body": "x", "media_ids": [theirs["id"]]});
    app.post("/api/v1/messages", Some(&owner.access_token), &stolen)
        .await
        .expect_problem(422, "validation_failed");
    app.get(
        &format!("/api/v1/media/{}", theirs["id"].as_str().unwrap()),
        Some(&owner.access_token),
    )
    .await
    .expect_problem(404, "not_found");

    app.run_jobs(Some(&fake)).await;
    let request = fake.sent().into_iter().last().unwrap();
    let url = request.field("MediaUrl").unwrap();
    let path = &url[url.find("/media/").unwrap()..];
    let served = app.get(path, None).await.expect(200);
    assert_eq!(served.body, PNG);
    assert_eq!(served.header("content-type").as_deref(), Some("image/png"));
    app.get("/media/not-a-token", None)
        .await
        .expect_problem(404, "not_found");
    let own = app
        .get(
            &format!("/api/v1/media/{}", uploaded["id"].as_str().unwrap()),
            Some(&owner.access_token),
        )
        .await
        .expect(200);
    assert_eq!(own.body, PNG);

    // Above 1.5 MB the send goes through with a warning (seed 000).
    let mut large = PNG.to_vec();
    large.resize(1_600_000, 0);
    let large = upload(&app, &owner, &large).await.expect(201).json();
    let heavy = json!({"to": "+12025550143", "body": "", "media_ids": [large["id"]]});
    let warned = app
        .post("/api/v1/messages", Some(&owner.access_token), &heavy)
        .await
        .expect(201)
        .json();
    assert!(warned["warnings"][0].as_str().unwrap().contains("1.5 MB"), "{warned}");
}

async fn inbound_media_are_fetched_within_limits(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let picture = fake.add_media("image/jpeg", b"\xff\xd8\xffjpeg bytes".to_vec());
    let program = fake.add_media("application/x-msdownload", b"MZ...".to_vec());
    let credentials = fake.credentials();
    let params = [
        ("MessageSid", "MMcccccccccccccccccccccccccccccccc"),
        ("AccountSid", credentials.account_sid.as_str()),
        ("From", "+12025550143"),
        ("To", "+12025550100"),
        ("Body", "Here is the photo"),
        ("NumMedia", "2"),
        ("MediaUrl0", picture.as_str()),
        ("MediaContentType0", "image/jpeg"),
        ("MediaUrl1", program.as_str()),
        ("MediaContentType1", "application/x-msdownload"),
    ];
    webhook(&app, "messages", &params, Some(&credentials.auth_token))
        .await
        .expect(200);
    let list = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json();
    let path = format!("/api/v1/conversations/{}", list["items"][0]["id"].as_str().unwrap());
    let before = app.get(&path, Some(&owner.access_token)).await.json();
    let statuses: Vec<&str> = before["messages"][0]["media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["pending", "pending"]);

    app.run_jobs(Some(&fake)).await;
    let after = app.get(&path, Some(&owner.access_token)).await.json();
    let media = after["messages"][0]["media"].as_array().unwrap().clone();
    assert_eq!(media[0]["status"], "stored");
    assert_eq!(media[1]["status"], "failed");
    assert!(media[1]["error"].as_str().unwrap().contains("application/x-msdownload"));
    let file = app
        .get(media[0]["url"].as_str().unwrap(), Some(&owner.access_token))
        .await
        .expect(200);
    assert_eq!(file.body, b"\xff\xd8\xffjpeg bytes");

    app.patch(
        "/api/v1/organization",
        Some(&owner.access_token),
        &json!({"inbound_mms_allowed": false}),
    )
    .await
    .expect(200);
    let mut switched_off = params;
    switched_off[0] = ("MessageSid", "MMdddddddddddddddddddddddddddddddd");
    webhook(&app, "messages", &switched_off, Some(&credentials.auth_token))
        .await
        .expect(200);
    let requests_before = fake.requests().len();
    app.run_jobs(Some(&fake)).await;
    assert_eq!(fake.requests().len(), requests_before, "nothing was fetched");
    let latest = app.get(&path, Some(&owner.access_token)).await.json();
    let last = latest["messages"].as_array().unwrap().last().unwrap().clone();
    assert!(last["media"][0]["error"].as_str().unwrap().contains("switched off"));
}

async fn agents_replies_go_before_bulk_messages(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let number = connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let organization = textdesk_types::OrganizationId::new(owner.organization_id.clone());
    let number_id = textdesk_types::NumberId::new(number["id"].as_str().unwrap());
    app.db
        .write(|conn| -> Result<(), textdesk_db::DbError> {
            for n in 0..3 {
                let (contact, _) =
                    textdesk_db::contacts::find_or_create(conn, &organization, &format!("+1202555016{n}"))?;
                textdesk_db::threads::record(
                    conn,
                    &organization,
                    textdesk_db::threads::NewThreadMessage {
                        contact: &contact,
                        conversation: None,
                        number: Some((&number_id, "+12025550100")),
                        direction: textdesk_types::messages::Direction::Outbound,
                        body: "bulk announcement",
                        author_kind: textdesk_types::messages::AuthorKind::System,
                        author_id: None,
                        author_label: None,
                        source: None,
                        lane: textdesk_types::messages::SendLane::Bulk,
                        provider_ids: None,
                        purpose: textdesk_types::messages::MessagePurpose::Normal,
                        scheduled_at: None,
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
    send(&app, &owner, "an agent's reply").await;
    app.run_jobs(Some(&fake)).await;
    let bodies: Vec<String> = fake.sent().iter().map(|r| r.field("Body").unwrap()).collect();
    assert_eq!(bodies[0], "an agent's reply", "{bodies:?}");
    assert_eq!(bodies.len(), 4);
}

async fn each_number_keeps_to_its_send_rate(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let number = connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let path = format!("/api/v1/numbers/{}", number["id"].as_str().unwrap());
    let slow = app
        .patch(&path, Some(&owner.access_token), &json!({"send_rate_per_second": 1}))
        .await
        .expect(200)
        .json();
    assert_eq!(slow["send_rate_per_second"], 1);
    app.patch(&path, Some(&owner.access_token), &json!({"send_rate_per_second": 0}))
        .await
        .expect_problem(422, "validation_failed");
    for n in 0..3 {
        send(&app, &owner, &format!("message {n}")).await;
    }
    app.run_jobs(Some(&fake)).await;
    assert_eq!(fake.sent().len(), 1, "one message a second from this number");
    let waiting = app
        .db
        .read(|conn| jobs::pending(conn, jobs::JobKind::SendMessage))
        .unwrap();
    assert_eq!(waiting.len(), 2);
    assert!(
        waiting.iter().all(|job| job.attempts == 0),
        "waiting for the rate is not a failed attempt"
    );
    actix_rt::time::sleep(Duration::from_millis(1100)).await;
    app.run_jobs(Some(&fake)).await;
    assert_eq!(fake.sent().len(), 2);
}

async fn first_messages_racing_from_a_new_customer_are_all_stored(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let credentials = fake.credentials();
    let token = credentials.auth_token.clone();
    let sids: Vec<String> = (0..6).map(|n| format!("SM{n:032}")).collect();
    let deliveries = sids.iter().map(|sid| {
        let params = vec![
            ("MessageSid", sid.as_str()),
            ("AccountSid", credentials.account_sid.as_str()),
            ("From", "+12025550177"),
            ("To", "+12025550100"),
            ("Body", "hello?"),
        ];
        let (app, token) = (&app, token.clone());
        async move { webhook(app, "messages", &params, Some(&token)).await.status.as_u16() }
    });
    let statuses = futures_util::future::join_all(deliveries).await;
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    let list = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "one contact, one conversation"
    );
    let path = format!("/api/v1/conversations/{}", list["items"][0]["id"].as_str().unwrap());
    let detail = app.get(&path, Some(&owner.access_token)).await.json();
    assert_eq!(
        detail["messages"].as_array().unwrap().len(),
        6,
        "every message answered 200 was stored"
    );
}

/// The bodies of a conversation's messages, oldest first; compliance texts only when `hidden`.
async fn bodies(app: &TestApp, owner: &Session, conversation: &Value, hidden: bool) -> Vec<String> {
    let path = format!(
        "/api/v1/conversations/{}?include_hidden={hidden}",
        conversation["id"].as_str().unwrap()
    );
    let detail = app.get(&path, Some(&owner.access_token)).await.expect(200).json();
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect()
}

async fn conversation_of(app: &TestApp, owner: &Session, phone: &str) -> Value {
    let list = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["contact_phone_number"] == phone)
        .unwrap_or_else(|| panic!("no conversation with {phone}: {list}"))
        .clone()
}

/// A webhook's form fields.
type Params = Vec<(&'static str, String)>;

async fn a_burst_of_webhooks_is_stored_whole_and_refused_alone(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let credentials = fake.credentials();
    let good = Some(credentials.auth_token.as_str());
    // Six new customers text five times each, all at once, with a redelivery, a forged and a
    // misaddressed delivery among them: the burst shares transactions, the refusals do not.
    let mut deliveries: Vec<(Params, Option<&str>, u16)> = Vec::new();
    for customer in 0..6 {
        for n in 0..5 {
            let params = vec![
                ("MessageSid", format!("SM{customer}{n:031}")),
                ("AccountSid", credentials.account_sid.clone()),
                ("From", format!("+1202555017{customer}")),
                ("To", "+12025550100".to_owned()),
                ("Body", format!("text {n} from {customer}")),
            ];
            deliveries.push((params, good, 200));
        }
    }
    deliveries.push((deliveries[0].0.clone(), good, 200));
    let mut forged = deliveries[1].0.clone();
    forged[0].1 = "SMforged".to_owned();
    forged[4].1 = "forged".to_owned();
    deliveries.push((forged, Some("not-the-token"), 403));
    let mut misaddressed = deliveries[2].0.clone();
    misaddressed[0].1 = "SMmisaddressed".to_owned();
    misaddressed[3].1 = "+12025550999".to_owned();
    deliveries.push((misaddressed, good, 403));
    let posted = deliveries.iter().map(|(params, token, _)| {
        let borrowed: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let app = &app;
        async move { webhook(app, "messages", &borrowed, *token).await.status.as_u16() }
    });
    let statuses = futures_util::future::join_all(posted).await;
    let expected: Vec<u16> = deliveries.iter().map(|(_, _, status)| *status).collect();
    assert_eq!(statuses, expected);

    let list = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json();
    let conversations = list["items"].as_array().unwrap();
    assert_eq!(conversations.len(), 6, "one conversation per customer");
    let mut numbers: Vec<i64> = conversations.iter().map(|c| c["number"].as_i64().unwrap()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 6, "each conversation has its own number");
    for customer in 0..6 {
        let conversation = conversation_of(&app, &owner, &format!("+1202555017{customer}")).await;
        let mut stored = bodies(&app, &owner, &conversation, true).await;
        stored.sort();
        let sent: Vec<String> = (0..5).map(|n| format!("text {n} from {customer}")).collect();
        assert_eq!(stored, sent, "each text once, nothing forged");
    }
}

async fn texts_stored_together_keep_their_order_and_keywords(app: TestApp) {
    use textdesk_app::inbound::{InboundText, store_all};
    use textdesk_providers::InboundMessage;

    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let account = fake.credentials().account_sid;
    let text = |sid: &str, from: &str, body: &str| InboundMessage {
        provider_message_id: sid.to_owned(),
        account_sid: account.clone(),
        from: from.to_owned(),
        to: "+12025550100".to_owned(),
        body: body.to_owned(),
        media: Vec::new(),
    };
    let (first, second) = ("+12025550161", "+12025550162");
    let texts = [
        text("SM1", first, "Are you open today?"),
        text("SM2", second, "Hello"),
        text("SM3", first, "STOP"),
        text("SM4", first, "sorry, wrong button"),
        text("SM2", second, "Hello"),
    ];
    let store = |texts: &[InboundMessage]| {
        app.db
            .write(|conn| -> Result<Vec<Option<String>>, textdesk_app::AppError> {
                let number = textdesk_db::numbers::find_by_phone_numbers(conn, &["+12025550100"])?
                    .pop()
                    .unwrap();
                let inbound: Vec<InboundText<'_>> = texts
                    .iter()
                    .map(|message| InboundText {
                        number: &number,
                        from: &message.from,
                        message,
                    })
                    .collect();
                let stored = store_all(conn, textdesk_db::now(), &inbound)?;
                Ok(stored.into_iter().map(|m| m.map(|m| m.body)).collect())
            })
            .unwrap()
    };
    let stored = store(&texts);
    let expected = ["Are you open today?", "Hello", "STOP", "sorry, wrong button"].map(|b| Some(b.to_owned()));
    assert_eq!(stored[..4], expected, "stored in one transaction");
    assert_eq!(stored[4], None, "the redelivery within the batch is stored once");
    assert_eq!(store(&texts[..1]), [None], "and a later redelivery too");

    let conversation = conversation_of(&app, &owner, first).await;
    assert_eq!(conversation["last_message_preview"], "sorry, wrong button");
    assert_eq!(
        bodies(&app, &owner, &conversation, false).await,
        ["Are you open today?", "STOP", "sorry, wrong button"],
        "one conversation, in the order received"
    );
    let hidden = bodies(&app, &owner, &conversation, true).await;
    assert_eq!(hidden.len(), 4, "one opt-out confirmation: {hidden:?}");
    let contact = app
        .get(
            &format!("/api/v1/contacts/{}", conversation["contact_id"].as_str().unwrap()),
            Some(&owner.access_token),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(contact["opted_out"], true);
    let other = conversation_of(&app, &owner, second).await;
    assert_eq!(bodies(&app, &owner, &other, true).await, ["Hello"]);
    assert_ne!(other["number"], conversation["number"]);
}

/// A delivery as the HTTP handler hands it to a writer: parsed, signed with `token`.
fn received(app: &TestApp, params: &[(&str, &str)], token: &str) -> ReceivedWebhook {
    let url = format!("{}/webhooks/twilio/messages", app.settings.public_url());
    let owned: Vec<(String, String)> = params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&owned)
        .finish()
        .into_bytes();
    let headers = vec![("X-Twilio-Signature".to_owned(), signature(token, &url, &owned))];
    let provider = provider_for(ProviderKind::Twilio, &HttpClient::new());
    let request = WebhookRequest {
        url: &url,
        headers: &headers,
        body: &body,
    };
    let WebhookEvent::Inbound(message) = provider.parse_webhook(WebhookEndpoint::Messages, &request).unwrap() else {
        panic!("not an inbound message");
    };
    ReceivedWebhook::new(provider, (url, headers, body), message)
}

async fn one_batch_answers_each_webhook_on_its_own(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let credentials = fake.credentials();
    let (good, account) = (credentials.auth_token.as_str(), credentials.account_sid.as_str());
    let (maria, joe, ann) = ("+12025550161", "+12025550162", "+12025550163");
    let text = |sid: &'static str, from: &'static str, to: &'static str, body: &'static str| {
        vec![
            ("MessageSid", sid),
            ("AccountSid", account),
            ("From", from),
            ("To", to),
            ("Body", body),
        ]
    };
    let ours = "+12025550100";
    let batch = [
        received(&app, &text("SM1", maria, ours, "Is my order ready?"), good),
        received(&app, &text("SM2", joe, ours, "forged"), "not-the-token"),
        received(&app, &text("SM3", joe, "+12025550999", "misaddressed"), good),
        received(&app, &text("SM4", maria, ours, "It has a blue lid"), good),
        received(&app, &text("SM1", maria, ours, "Is my order ready?"), good),
        received(&app, &text("SM5", maria, ours, "STOP"), good),
        received(&app, &text("SM6", maria, ours, "START"), good),
        received(&app, &text("SM7", ann, ours, "Hello"), good),
    ];
    let secrets = SecretBox::from_server_secret(&app.settings.jwt_secret().unwrap()).unwrap();
    let context = textdesk_app::AppContext {
        db: app.db.clone(),
        clock: app.clock.clone(),
        mail: app.settings.mail_settings(),
    };
    let outcomes = actix_web::web::block(move || {
        let webhooks: Vec<&ReceivedWebhook> = batch.iter().collect();
        store_batch(&context, &secrets, &webhooks)
            .into_iter()
            .map(|outcome| outcome.map_err(|error| textdesk_api::ApiError::from(error).problem().status))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert_eq!(
        outcomes,
        [Ok(()), Err(403), Err(403), Ok(()), Ok(()), Ok(()), Ok(()), Ok(())]
    );

    let list = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json();
    let phones: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["contact_phone_number"].as_str().unwrap())
        .collect();
    assert_eq!(
        phones,
        [ann, maria],
        "newest activity first, nothing from the refused ones"
    );
    let conversation = conversation_of(&app, &owner, maria).await;
    assert_eq!(
        bodies(&app, &owner, &conversation, false).await,
        ["Is my order ready?", "It has a blue lid", "STOP", "START"]
    );
    assert_eq!(conversation["last_message_preview"], "START");
    // STOP then START in one batch: the second keyword sees what the first did.
    let contact = app
        .get(
            &format!("/api/v1/contacts/{}", conversation["contact_id"].as_str().unwrap()),
            Some(&owner.access_token),
        )
        .await
        .json();
    assert_eq!(contact["opted_out"], false, "opted out, then back in");
    let all = bodies(&app, &owner, &conversation, true).await;
    assert_eq!(all.len(), 6, "an opt-out and an opt-in confirmation: {all:?}");
}

/// Claims the message's send job as a worker would and leaves it the way a worker killed in
/// the middle of the provider call does: the message marked sending, the job leased.
async fn interrupt_send(app: &TestApp, sent: &Value) {
    interrupt_send_begun_at(app, sent, chrono::Utc::now().naive_utc()).await;
}

/// The same, for an attempt that began at `attempted_at`.
async fn interrupt_send_begun_at(app: &TestApp, sent: &Value, attempted_at: chrono::NaiveDateTime) {
    let message_id = MessageId::new(sent["id"].as_str().unwrap());
    let now = app.clock.now_naive();
    app.db
        .write(|conn| -> Result<(), textdesk_db::DbError> {
            let job = jobs::claim(conn, None, now, chrono::Duration::seconds(15))?.unwrap();
            assert_eq!(job.message_id.as_ref(), Some(&message_id));
            let sending = textdesk_db::messages::DeliveryChanges {
                status: Some(MessageStatus::Sending),
                attempted_at: Some(Some(attempted_at)),
                ..Default::default()
            };
            textdesk_db::messages::update_delivery(conn, &message_id, &sending)?;
            Ok(())
        })
        .unwrap();
}

async fn an_interrupted_send_is_found_at_the_provider_not_sent_again(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    // Twilio does not promise to honour the idempotency key: the fake does not either.
    fake.ignore_idempotency();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let sent = send(&app, &owner, "Your crown is ready").await;
    interrupt_send(&app, &sent).await;
    // The provider had accepted the text when the worker died.
    let provider = textdesk_providers::twilio::TwilioProvider::new(textdesk_providers::HttpClient::new());
    let outbound = textdesk_providers::OutboundMessage {
        from: "+12025550100".to_owned(),
        to: "+12025550143".to_owned(),
        body: "Your crown is ready".to_owned(),
        media_urls: Vec::new(),
        status_callback: None,
        idempotency_key: sent["id"].as_str().unwrap().to_owned(),
    };
    let credentials = fake.credentials().with_base_url(fake.base_url());
    let accepted = textdesk_providers::Provider::send(&provider, &credentials, &outbound).unwrap();

    assert_eq!(app.run_jobs(Some(&fake)).await, 0, "the lease still holds");
    app.clock.set(app.clock.now() + chrono::Duration::seconds(16));
    assert_eq!(
        app.run_jobs(Some(&fake)).await,
        1,
        "taken up again once the lease ran out"
    );
    assert_eq!(fake.sent().len(), 1, "not sent a second time");
    let waiting = app
        .db
        .read(|conn| jobs::pending(conn, jobs::JobKind::SendMessage))
        .unwrap();
    assert!(waiting.is_empty(), "{waiting:?}");
    let recorded = app
        .db
        .read(|conn| textdesk_db::messages::find(conn, &MessageId::new(sent["id"].as_str().unwrap())))
        .unwrap();
    assert_eq!(
        recorded.provider_message_id.as_deref(),
        Some(accepted.provider_message_id.as_str())
    );
}

async fn an_interrupted_send_the_provider_never_got_goes_out_once(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    fake.ignore_idempotency();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    // An identical text sent before is not mistaken for this one.
    let earlier = send(&app, &owner, "See you at 3").await;
    app.run_jobs(Some(&fake)).await;
    let sent = send(&app, &owner, "See you at 3").await;
    interrupt_send(&app, &sent).await;
    app.clock.set(app.clock.now() + chrono::Duration::seconds(16));
    app.run_jobs(Some(&fake)).await;
    assert_eq!(fake.sent().len(), 2, "each of the two texts went out once");
    let provider_id = |message: &Value| {
        let id = MessageId::new(message["id"].as_str().unwrap());
        app.db
            .read(move |conn| textdesk_db::messages::find(conn, &id))
            .unwrap()
            .provider_message_id
    };
    let (first, second) = (provider_id(&earlier), provider_id(&sent));
    assert!(
        first.is_some() && second.is_some() && first != second,
        "{first:?} {second:?}"
    );
}

/// Something else on the same number sends the same words to the same customer while the
/// message waits; the message's own attempt, later, is cut off. The provider is asked what it
/// accepted since that attempt began, so the other text is not taken for it: it goes out.
async fn a_like_text_sent_elsewhere_before_the_attempt_is_not_taken_for_it(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    fake.ignore_idempotency();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let sent = send(&app, &owner, "Your crown is ready").await;
    let provider = textdesk_providers::twilio::TwilioProvider::new(textdesk_providers::HttpClient::new());
    let elsewhere = textdesk_providers::OutboundMessage {
        from: "+12025550100".to_owned(),
        to: "+12025550143".to_owned(),
        body: "Your crown is ready".to_owned(),
        media_urls: Vec::new(),
        status_callback: None,
        idempotency_key: "another-system".to_owned(),
    };
    let credentials = fake.credentials().with_base_url(fake.base_url());
    let other = textdesk_providers::Provider::send(&provider, &credentials, &elsewhere).unwrap();
    let later = chrono::Utc::now().naive_utc() + chrono::Duration::minutes(5);
    interrupt_send_begun_at(&app, &sent, later).await;
    app.clock.set(app.clock.now() + chrono::Duration::seconds(16));
    assert_eq!(app.run_jobs(Some(&fake)).await, 1);
    assert_eq!(fake.sent().len(), 2, "the other system's text and this one");
    let recorded = app
        .db
        .read(|conn| textdesk_db::messages::find(conn, &MessageId::new(sent["id"].as_str().unwrap())))
        .unwrap();
    assert!(recorded.provider_message_id.is_some());
    assert_ne!(
        recorded.provider_message_id.as_deref(),
        Some(other.provider_message_id.as_str())
    );
}

/// A worker whose lease ran out (stalled, or cut off) while another worker took the job can no
/// longer renew, end or reschedule it: its claim is not the job's any more.
async fn a_worker_that_lost_its_lease_cannot_end_the_job(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    send(&app, &owner, "Your crown is ready").await;
    let lease = chrono::Duration::seconds(15);
    let now = app.clock.now_naive();
    let first = app
        .db
        .write(|conn| jobs::claim(conn, None, now, lease))
        .unwrap()
        .unwrap();
    let later = now + chrono::Duration::seconds(16);
    let second = app
        .db
        .write(|conn| jobs::claim(conn, None, later, lease))
        .unwrap()
        .unwrap();
    assert_eq!(first.id, second.id, "the same job, taken again once the lease ran out");
    let stale = app.db.write(|conn| jobs::renew_lease(conn, &first, later)).unwrap();
    assert!(!stale, "the first claim cannot renew the second's lease");
    app.db.write(|conn| jobs::complete(conn, &first)).unwrap();
    let waiting = app
        .db
        .read(|conn| jobs::pending(conn, jobs::JobKind::SendMessage))
        .unwrap();
    assert_eq!(waiting.len(), 1, "the first claim did not end the second's run");
    app.db.write(|conn| jobs::complete(conn, &second)).unwrap();
    let waiting = app
        .db
        .read(|conn| jobs::pending(conn, jobs::JobKind::SendMessage))
        .unwrap();
    assert!(waiting.is_empty());
}

/// A media server that accepts connections and never answers.
fn silent_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    format!("http://{address}")
}

async fn slow_media_never_hold_up_a_reply(app: TestApp) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(&app, &owner, &fake, "+12025550100").await;
    let silent = silent_server();
    let credentials = fake.credentials();
    let urls: Vec<String> = (0..10).map(|n| format!("{silent}/media/{n}.jpg")).collect();
    let count = urls.len().to_string();
    let mut params = vec![
        ("MessageSid", "MMdddddddddddddddddddddddddddddddd"),
        ("AccountSid", credentials.account_sid.as_str()),
        ("From", "+12025550143"),
        ("To", "+12025550100"),
        ("Body", "Photos of the damage"),
        ("NumMedia", count.as_str()),
    ];
    let names: Vec<(String, String)> = (0..urls.len())
        .map(|n| (format!("MediaUrl{n}"), format!("MediaContentType{n}")))
        .collect();
    for ((url_name, type_name), url) in names.iter().zip(&urls) {
        params.push((url_name.as_str(), url.as_str()));
        params.push((type_name.as_str(), "image/jpeg"));
    }
    webhook(&app, "messages", &params, Some(&credentials.auth_token))
        .await
        .expect(200);

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(textdesk_worker::run(app.worker_context(Some(&fake)), stopped));
    // Let the media runners take their jobs and hang on the silent server.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let reply = send(&app, &owner, "Thanks, we will call you").await;
    let mut status = String::new();
    for _ in 0..100 {
        status = message(&app, &owner, &reply).await["status"]
            .as_str()
            .unwrap()
            .to_owned();
        if status != "queued" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let path = format!("/api/v1/conversations/{}", reply["conversation_id"].as_str().unwrap());
    let detail = app.get(&path, Some(&owner.access_token)).await.json();
    let pending = detail["messages"][0]["media"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "pending")
        .count();
    stop.send(true).unwrap();
    assert_eq!(status, "sending", "the reply went to the provider");
    assert_eq!(fake.sent().len(), 1);
    assert!(pending > 0, "while the media were still being fetched");
    drop(worker);
}
