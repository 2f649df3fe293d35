//! Compliance: opt-out, opt-in and help keywords, consent and double opt-in, quiet hours and
//! the length policy, through signed Twilio webhooks and the fake Twilio server.

use std::sync::atomic::{AtomicU32, Ordering};

use awc::http::Method;
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use textdesk_providers::twilio::fake::{FakeResponse, FakeTwilio};
use textdesk_providers::twilio::signature;
use textdesk_tests::{Session, TestApp, TestResponse, on_both_backends};

on_both_backends!(
    every_default_opt_out_keyword_opts_out_in_any_casing,
    near_misses_do_not_opt_out,
    punctuated_and_split_keywords_opt_out,
    organizations_choose_their_keywords,
    an_opt_out_on_one_number_blocks_every_number_and_is_confirmed_once,
    start_after_stop_opts_back_in_when_keywords_may,
    start_after_stop_waits_for_an_agent_when_keywords_may_not,
    help_is_answered_with_the_help_text,
    a_provider_opt_out_is_in_the_history,
    the_consent_message_goes_first_and_once,
    double_opt_in_blocks_sends_until_yes,
    agents_opt_out_and_in_by_hand_with_history,
    bulk_messages_wait_for_quiet_hours_to_end,
    single_segment_organizations_refuse_longer_texts,
    a_held_bulk_message_is_not_sent_after_stop,
    the_consent_text_goes_before_a_reply_sent_while_it_is_held,
    yes_confirms_a_pending_double_opt_in_off_the_opt_in_list,
    opting_back_in_restores_declined_consent,
    declined_consent_refuses_every_send,
    the_double_opt_in_request_waits_for_quiet_hours,
    a_retry_keeps_its_lane_and_waits_for_quiet_hours,
    an_unplaceable_contact_number_takes_the_business_number_zone,
    two_concurrent_yes_texts_confirm_once,
    a_repeated_start_is_requested_once,
    control_characters_are_refused_naming_the_field,
    huge_bodies_are_refused_before_the_policy,
    the_history_names_the_listed_keyword,
    texts_are_counted_before_sending,
);

const CUSTOMER: &str = "+12025550143";
const BUSINESS: &str = "+12025550100";

async fn connect_twilio(app: &TestApp, owner: &Session, fake: &FakeTwilio, phone: &str) -> Value {
    let credentials = fake.credentials();
    let body = json!({"phone_number": phone, "label": phone, "provider": "twilio",
        "account_sid": credentials.account_sid, "auth_token": credentials.auth_token, "send_rate_per_second": 100});
    app.post("/api/v1/numbers", Some(&owner.access_token), &body)
        .await
        .expect(201)
        .json()
}

async fn setup(app: &TestApp) -> (FakeTwilio, Session) {
    let fake = FakeTwilio::start().unwrap();
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    connect_twilio(app, &owner, &fake, BUSINESS).await;
    (fake, owner)
}

/// Inbound sids, apart from the ones the fake server gives the messages it accepts.
fn next_sid() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    format!("SMc0ffee{:026x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A text from `from` to the business number `to`, signed as Twilio would sign it.
async fn text_from(app: &TestApp, fake: &FakeTwilio, from: &str, to: &str, body: &str) {
    let credentials = fake.credentials();
    let sid = next_sid();
    let params = [
        ("MessageSid", sid.as_str()),
        ("AccountSid", credentials.account_sid.as_str()),
        ("From", from),
        ("To", to),
        ("Body", body),
        ("NumMedia", "0"),
    ];
    let owned: Vec<(String, String)> = params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&owned)
        .finish();
    let path = "/webhooks/twilio/messages";
    let url = format!("{}{path}", app.settings.public_url());
    let mut response = awc::Client::new()
        .request(Method::POST, format!("{}{path}", app.address))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .insert_header(("X-Twilio-Signature", signature(&credentials.auth_token, &url, &owned)))
        .send_body(form)
        .await
        .unwrap();
    let answer = TestResponse {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.body().await.unwrap().to_vec(),
    };
    answer.expect(200);
}

async fn contact(app: &TestApp, owner: &Session, phone: &str) -> Value {
    let row = app
        .db
        .read(|conn| {
            textdesk_db::contacts::find_by_phone(
                conn,
                &textdesk_types::OrganizationId::new(owner.organization_id.clone()),
                phone,
            )
        })
        .unwrap()
        .unwrap_or_else(|| panic!("no contact for {phone}"));
    app.get(&format!("/api/v1/contacts/{}", row.id), Some(&owner.access_token))
        .await
        .expect(200)
        .json()
}

async fn send_to(app: &TestApp, owner: &Session, to: &str, body: Value) -> TestResponse {
    let mut body = body;
    body["to"] = json!(to);
    app.post("/api/v1/messages", Some(&owner.access_token), &body).await
}

async fn history(app: &TestApp, owner: &Session, contact_id: &str) -> Vec<Value> {
    let path = format!("/api/v1/contacts/{contact_id}/consent-history");
    app.get(&path, Some(&owner.access_token))
        .await
        .expect(200)
        .json()
        .as_array()
        .unwrap()
        .clone()
}

fn sent_bodies(fake: &FakeTwilio) -> Vec<String> {
    fake.sent().iter().map(|r| r.field("Body").unwrap()).collect()
}

async fn settings(app: &TestApp, owner: &Session, changes: Value) -> Value {
    app.patch("/api/v1/organization", Some(&owner.access_token), &changes)
        .await
        .expect(200)
        .json()
}

async fn every_default_opt_out_keyword_opts_out_in_any_casing(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    let keywords = [
        "STOP",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "REVOKE",
        "OPTOUT",
    ];
    let mut n = 0;
    for keyword in keywords {
        let lower = keyword.to_lowercase();
        let mut title = lower.clone();
        title[..1].make_ascii_uppercase();
        for body in [
            keyword.to_owned(),
            lower.clone(),
            format!("  {title} \n"),
            format!("\t{lower} "),
        ] {
            n += 1;
            let phone = format!("+1202555{:04}", 1000 + n);
            text_from(&app, &fake, &phone, BUSINESS, &body).await;
            let contact = contact(&app, &owner, &phone).await;
            assert_eq!(contact["opted_out"], true, "{body:?} opts out");
            assert!(contact["opted_out_at"].is_string());
        }
    }
}

/// The FCC's 2024 order names "opt out" among the ways to revoke consent, and a texter's
/// punctuation does not make STOP a conversation.
async fn punctuated_and_split_keywords_opt_out(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    for (i, body) in ["Stop.", "STOP!", "opt out", "Opt-Out", "'quit'"]
        .into_iter()
        .enumerate()
    {
        let phone = format!("+1202555{:04}", 4000 + i);
        text_from(&app, &fake, &phone, BUSINESS, body).await;
        assert_eq!(
            contact(&app, &owner, &phone).await["opted_out"],
            true,
            "{body:?} opts out"
        );
    }
}

async fn near_misses_do_not_opt_out(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    for (i, body) in [
        "Stop by at 5",
        "cancel my order",
        "STOP please",
        "stopp",
        "S T O P",
        "end?",
        "please unsubscribe me",
    ]
    .into_iter()
    .enumerate()
    {
        let phone = format!("+1202555{:04}", 2000 + i);
        text_from(&app, &fake, &phone, BUSINESS, body).await;
        assert_eq!(contact(&app, &owner, &phone).await["opted_out"], false, "{body:?}");
    }
    assert_eq!(app.run_jobs(Some(&fake)).await, 0, "no confirmation went out");
}

async fn organizations_choose_their_keywords(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    settings(
        &app,
        &owner,
        json!({"opt_out_keywords": ["arret", "STOP"], "opt_in_keywords": ["UNSTOP"]}),
    )
    .await;
    text_from(&app, &fake, "+12025553001", BUSINESS, "Arret").await;
    assert_eq!(contact(&app, &owner, "+12025553001").await["opted_out"], true);
    text_from(&app, &fake, "+12025553002", BUSINESS, "cancel").await;
    assert_eq!(
        contact(&app, &owner, "+12025553002").await["opted_out"],
        false,
        "CANCEL is off the list"
    );
    text_from(&app, &fake, "+12025553001", BUSINESS, "start").await;
    assert_eq!(
        contact(&app, &owner, "+12025553001").await["opted_out"],
        true,
        "START is off the list"
    );
    text_from(&app, &fake, "+12025553001", BUSINESS, "unstop").await;
    assert_eq!(contact(&app, &owner, "+12025553001").await["opted_out"], false);
}

async fn an_opt_out_on_one_number_blocks_every_number_and_is_confirmed_once(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    let second = connect_twilio(&app, &owner, &fake, "+12025550101").await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "Hi there").await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "STOP").await;
    text_from(&app, &fake, CUSTOMER, "+12025550101", "stop").await;
    assert_eq!(app.run_jobs(Some(&fake)).await, 1, "one confirmation");
    let sent = fake.sent();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].field("Body").unwrap().contains("unsubscribed"));
    assert_eq!(sent[0].field("To").as_deref(), Some(CUSTOMER));
    assert_eq!(sent[0].field("From").as_deref(), Some(BUSINESS));

    let refused = send_to(
        &app,
        &owner,
        CUSTOMER,
        json!({"body": "hello?", "from_number_id": second["id"]}),
    )
    .await;
    let problem = refused.expect_problem(409, "contact_opted_out");
    assert!(problem.problem_type.ends_with("contact_opted_out"), "{problem:?}");
    assert!(
        problem.detail.as_deref().unwrap_or_default().contains("opted out on"),
        "{problem:?}"
    );

    let contact = contact(&app, &owner, CUSTOMER).await;
    let conversations = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json();
    let conversation = conversations["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/conversations/{conversation}");
    let shown = app.get(&path, Some(&owner.access_token)).await.expect(200).json();
    let bodies: Vec<&str> = shown["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Hi there", "STOP", "stop"], "the confirmation is hidden");
    assert_eq!(conversations["items"][0]["last_message_preview"], "stop");
    let all = app
        .get(&format!("{path}?include_hidden=true"), Some(&owner.access_token))
        .await
        .expect(200)
        .json();
    let hidden: Vec<&Value> = all["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["purpose"] != "normal")
        .collect();
    assert_eq!(hidden.len(), 1);
    assert_eq!(hidden[0]["purpose"], "opt_out_confirmation");

    let changes = history(&app, &owner, contact["id"].as_str().unwrap()).await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(
        (changes[0]["field"].as_str(), changes[0]["source"].as_str()),
        (Some("opted_out"), Some("keyword"))
    );
    assert_eq!(changes[0]["keyword"], "STOP");
}

async fn start_after_stop_opts_back_in_when_keywords_may(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "STOP").await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "Start").await;
    let contact = contact(&app, &owner, CUSTOMER).await;
    assert_eq!(contact["opted_out"], false);
    app.run_jobs(Some(&fake)).await;
    let bodies = sent_bodies(&fake);
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert!(bodies[1].contains("subscribed again"), "{bodies:?}");
    let changes = history(&app, &owner, contact["id"].as_str().unwrap()).await;
    let values: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c["old_value"].as_str().unwrap(), c["new_value"].as_str().unwrap()))
        .collect();
    assert_eq!(values, [("false", "true"), ("true", "false")]);
    send_to(&app, &owner, CUSTOMER, json!({"body": "Welcome back"}))
        .await
        .expect(201);
}

async fn start_after_stop_waits_for_an_agent_when_keywords_may_not(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    settings(&app, &owner, json!({"opt_in_by_keyword": false})).await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "STOP").await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "UNSTOP").await;
    let waiting = contact(&app, &owner, CUSTOMER).await;
    assert_eq!(waiting["opted_out"], true);
    assert!(waiting["opt_in_requested_at"].is_string());
    app.run_jobs(Some(&fake)).await;
    assert_eq!(sent_bodies(&fake).len(), 1, "only the opt-out confirmation");
    send_to(&app, &owner, CUSTOMER, json!({"body": "hi"}))
        .await
        .expect_problem(409, "contact_opted_out");

    let id = waiting["id"].as_str().unwrap();
    let path = format!("/api/v1/contacts/{id}/opt-in");
    let confirmed = app
        .post(
            &path,
            Some(&owner.access_token),
            &json!({"reason": "Texted UNSTOP; confirmed by phone"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(confirmed["opted_out"], false);
    assert!(confirmed["opt_in_requested_at"].is_null());
    let changes = history(&app, &owner, id).await;
    let last = changes.last().unwrap();
    assert_eq!(changes[1]["field"], "opt_in_request");
    assert_eq!(
        (last["source"].as_str(), last["agent_id"].as_str()),
        (Some("agent"), Some(owner.agent_id.as_str()))
    );
    assert_eq!(last["reason"], "Texted UNSTOP; confirmed by phone");
    send_to(&app, &owner, CUSTOMER, json!({"body": "hi"})).await.expect(201);
}

async fn help_is_answered_with_the_help_text(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    settings(
        &app,
        &owner,
        json!({"help_text": "Acme Dental: call 555-0100. Reply STOP to opt out."}),
    )
    .await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, " help ").await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "STOP").await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "Info").await;
    app.run_jobs(Some(&fake)).await;
    let bodies = sent_bodies(&fake);
    assert_eq!(bodies.len(), 3, "{bodies:?}");
    assert_eq!(bodies[0], "Acme Dental: call 555-0100. Reply STOP to opt out.");
    assert_eq!(bodies[2], bodies[0], "HELP is answered even after STOP");
    assert_eq!(contact(&app, &owner, CUSTOMER).await["opted_out"], true);
}

async fn a_provider_opt_out_is_in_the_history(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    let sent = send_to(&app, &owner, CUSTOMER, json!({"body": "hello"}))
        .await
        .expect(201)
        .json();
    fake.respond_next(FakeResponse::error(
        400,
        21610,
        "Attempt to send to unsubscribed recipient",
    ));
    app.run_jobs(Some(&fake)).await;
    let contact = contact(&app, &owner, CUSTOMER).await;
    assert_eq!(contact["opted_out"], true);
    let changes = history(&app, &owner, contact["id"].as_str().unwrap()).await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["source"], "provider");
    let retry = format!("/api/v1/messages/{}/retry", sent["id"].as_str().unwrap());
    app.post(&retry, Some(&owner.access_token), &json!({}))
        .await
        .expect_problem(409, "contact_opted_out");
    send_to(&app, &owner, CUSTOMER, json!({"body": "again"}))
        .await
        .expect_problem(409, "contact_opted_out");
}

async fn the_consent_message_goes_first_and_once(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    settings(
        &app,
        &owner,
        json!({"consent_message_required": true, "consent_message_text": "Acme: we text about your visits. Reply STOP to opt out."}),
    )
    .await;
    // A saved contact, so the two sends race on the consent message, not on creating the contact.
    app.post(
        "/api/v1/contacts",
        Some(&owner.access_token),
        &json!({"phone_number": CUSTOMER}),
    )
    .await
    .expect(201);
    let first = send_to(&app, &owner, CUSTOMER, json!({"body": "one"}));
    let second = send_to(&app, &owner, CUSTOMER, json!({"body": "two"}));
    let (first, second) = futures_util::future::join(first, second).await;
    first.expect(201);
    second.expect(201);
    send_to(&app, &owner, CUSTOMER, json!({"body": "three"}))
        .await
        .expect(201);
    app.run_jobs(Some(&fake)).await;
    let bodies = sent_bodies(&fake);
    assert_eq!(bodies.len(), 4, "{bodies:?}");
    assert_eq!(bodies[0], "Acme: we text about your visits. Reply STOP to opt out.");
    assert_eq!(bodies[3], "three");
    let contact = contact(&app, &owner, CUSTOMER).await;
    assert!(contact["consent_message_sent_at"].is_string());
    let list = app
        .get("/api/v1/conversations", Some(&owner.access_token))
        .await
        .expect(200)
        .json();
    assert_eq!(
        list["items"][0]["consent_message_sent_at"],
        contact["consent_message_sent_at"]
    );
}

async fn double_opt_in_blocks_sends_until_yes(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    daytime(&app);
    settings(
        &app,
        &owner,
        json!({"double_opt_in": true, "double_opt_in_text": "Acme: reply YES to get our texts."}),
    )
    .await;
    let created = app
        .post(
            "/api/v1/contacts",
            Some(&owner.access_token),
            &json!({"phone_number": CUSTOMER}),
        )
        .await
        .expect(201)
        .json();
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/contacts/{id}/consent");
    app.post(
        &path,
        Some(&owner.access_token),
        &json!({"consent": "maybe", "source": "web"}),
    )
    .await
    .expect_problem(422, "validation_failed");
    let problem = app
        .post(
            &path,
            Some(&owner.access_token),
            &json!({"consent": "pending", "source": " "}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "source");
    let pending = app
        .post(
            &path,
            Some(&owner.access_token),
            &json!({"consent": "pending", "source": "web form"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(pending["consent"], "pending");
    app.run_jobs(Some(&fake)).await;
    assert_eq!(sent_bodies(&fake), ["Acme: reply YES to get our texts."]);
    send_to(&app, &owner, CUSTOMER, json!({"body": "Our offer"}))
        .await
        .expect_problem(409, "consent_pending");

    text_from(&app, &fake, CUSTOMER, BUSINESS, "yes").await;
    assert_eq!(contact(&app, &owner, CUSTOMER).await["consent"], "yes");
    send_to(&app, &owner, CUSTOMER, json!({"body": "Our offer"}))
        .await
        .expect(201);

    text_from(&app, &fake, CUSTOMER, BUSINESS, "STOP").await;
    let stopped = contact(&app, &owner, CUSTOMER).await;
    assert_eq!(
        (stopped["consent"].as_str(), stopped["opted_out"].as_bool()),
        (Some("no"), Some(true))
    );
    let changes = history(&app, &owner, id).await;
    let consent: Vec<&str> = changes
        .iter()
        .filter(|c| c["field"] == "consent")
        .map(|c| c["new_value"].as_str().unwrap())
        .collect();
    assert_eq!(consent, ["pending", "yes", "no"]);
    assert_eq!(changes[0]["source"], "api");
    assert_eq!(changes[0]["reason"], "web form");
}

async fn agents_opt_out_and_in_by_hand_with_history(app: TestApp) {
    let (_fake, owner) = setup(&app).await;
    send_to(&app, &owner, CUSTOMER, json!({"body": "hello"}))
        .await
        .expect(201);
    let id = contact(&app, &owner, CUSTOMER).await["id"].as_str().unwrap().to_owned();
    let out = app
        .post(
            &format!("/api/v1/contacts/{id}/opt-out"),
            Some(&owner.access_token),
            &json!({"reason": "Asked by phone"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(out["opted_out"], true);
    send_to(&app, &owner, CUSTOMER, json!({"body": "hi"}))
        .await
        .expect_problem(409, "contact_opted_out");
    let too_long = "x".repeat(501);
    let problem = app
        .post(
            &format!("/api/v1/contacts/{id}/opt-in"),
            Some(&owner.access_token),
            &json!({"reason": too_long}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "reason");
    app.post(
        &format!("/api/v1/contacts/{id}/opt-in"),
        Some(&owner.access_token),
        &json!({}),
    )
    .await
    .expect(200);
    let changes = history(&app, &owner, &id).await;
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["reason"], "Asked by phone");
    assert_eq!(changes[0]["agent_id"], owner.agent_id.as_str());

    let other = app.create_other_organization("Other", "owner@other.example").await;
    app.post(
        &format!("/api/v1/contacts/{id}/opt-out"),
        Some(&other.access_token),
        &json!({}),
    )
    .await
    .expect_problem(404, "not_found");
    app.get(
        &format!("/api/v1/contacts/{id}/consent-history"),
        Some(&other.access_token),
    )
    .await
    .expect_problem(404, "not_found");
}

async fn bulk_messages_wait_for_quiet_hours_to_end(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    // 22:00 in Washington (the customer's area code 202), a winter evening.
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 3, 0, 0).unwrap());
    let held = send_to(
        &app,
        &owner,
        CUSTOMER,
        json!({"body": "Our sale starts", "lane": "bulk"}),
    )
    .await
    .expect(201)
    .json();
    assert_eq!(held["scheduled_at"], "2035-01-16T13:00:00Z", "08:00 EST");
    let reply = send_to(&app, &owner, CUSTOMER, json!({"body": "Your crown is ready"}))
        .await
        .expect(201)
        .json();
    assert!(reply["scheduled_at"].is_null(), "agents' replies are never held");
    app.run_jobs(Some(&fake)).await;
    assert_eq!(sent_bodies(&fake), ["Your crown is ready"]);

    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 12, 59, 0).unwrap());
    app.run_jobs(Some(&fake)).await;
    assert_eq!(sent_bodies(&fake).len(), 1, "still quiet hours");
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 13, 0, 0).unwrap());
    app.run_jobs(Some(&fake)).await;
    assert_eq!(sent_bodies(&fake), ["Your crown is ready", "Our sale starts"]);

    // Inside the window an automated message goes at once; the contact's own zone wins.
    let id = contact(&app, &owner, CUSTOMER).await["id"].as_str().unwrap().to_owned();
    app.patch(
        &format!("/api/v1/contacts/{id}"),
        Some(&owner.access_token),
        &json!({"time_zone": "Asia/Tokyo"}),
    )
    .await
    .expect(200);
    app.patch(
        &format!("/api/v1/contacts/{id}"),
        Some(&owner.access_token),
        &json!({"time_zone": "Mars/Olympus"}),
    )
    .await
    .expect_problem(422, "validation_failed");
    // 13:00 UTC is 22:00 in Tokyo: held until 08:00 there, 23:00 UTC.
    let automated = send_to(&app, &owner, CUSTOMER, json!({"body": "Reminder", "lane": "automated"}))
        .await
        .expect(201)
        .json();
    assert_eq!(automated["scheduled_at"], "2035-01-16T23:00:00Z");
}

async fn single_segment_organizations_refuse_longer_texts(app: TestApp) {
    let (_fake, owner) = setup(&app).await;
    settings(&app, &owner, json!({"concatenation_allowed": false})).await;
    let problem = send_to(&app, &owner, CUSTOMER, json!({"body": "a".repeat(161)}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "body");
    assert!(problem.errors[0].message.contains("2 segments"), "{problem:?}");
    send_to(&app, &owner, CUSTOMER, json!({"body": "a".repeat(160)}))
        .await
        .expect(201);
    let problem = send_to(&app, &owner, CUSTOMER, json!({"body": "  "}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "body");

    settings(&app, &owner, json!({"concatenation_allowed": true})).await;
    send_to(&app, &owner, CUSTOMER, json!({"body": "a".repeat(459)}))
        .await
        .expect(201);
    let problem = send_to(&app, &owner, CUSTOMER, json!({"body": "a".repeat(460)}))
        .await
        .expect_problem(422, "validation_failed");
    assert!(problem.errors[0].message.contains("4 segments"), "{problem:?}");
}

async fn a_held_bulk_message_is_not_sent_after_stop(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    // 22:00 in Washington: the bulk text waits for 08:00.
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 3, 0, 0).unwrap());
    let held = send_to(
        &app,
        &owner,
        CUSTOMER,
        json!({"body": "Our sale starts", "lane": "bulk"}),
    )
    .await
    .expect(201)
    .json();
    text_from(&app, &fake, CUSTOMER, BUSINESS, "STOP").await;
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 13, 0, 0).unwrap());
    app.run_jobs(Some(&fake)).await;
    let bodies = sent_bodies(&fake);
    assert_eq!(bodies.len(), 1, "only the opt-out confirmation: {bodies:?}");
    assert!(bodies[0].contains("unsubscribed"), "{bodies:?}");
    let conversation = held["conversation_id"].as_str().unwrap();
    let shown = app
        .get(
            &format!("/api/v1/conversations/{conversation}"),
            Some(&owner.access_token),
        )
        .await
        .expect(200)
        .json();
    let message = shown["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == held["id"])
        .unwrap()
        .clone();
    assert_eq!(message["status"], "failed", "{message}");
    assert_eq!(message["error_code"], "contact_opted_out", "{message}");
}

async fn the_consent_text_goes_before_a_reply_sent_while_it_is_held(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    settings(
        &app,
        &owner,
        json!({"consent_message_required": true, "consent_message_text": "Acme: we text about your visits."}),
    )
    .await;
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 3, 0, 0).unwrap());
    let automated = send_to(&app, &owner, CUSTOMER, json!({"body": "Reminder", "lane": "automated"}))
        .await
        .expect(201)
        .json();
    assert!(automated["scheduled_at"].is_string(), "held with its consent text");
    send_to(&app, &owner, CUSTOMER, json!({"body": "Your crown is ready"}))
        .await
        .expect(201);
    app.run_jobs(Some(&fake)).await;
    assert_eq!(
        sent_bodies(&fake),
        ["Acme: we text about your visits.", "Your crown is ready"]
    );
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 13, 0, 0).unwrap());
    app.run_jobs(Some(&fake)).await;
    assert_eq!(sent_bodies(&fake).len(), 3, "the consent text went once");
}

/// 10:00 in Washington: the double opt-in request (automated) goes at once.
fn daytime(app: &TestApp) {
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 15, 0, 0).unwrap());
}

async fn create_contact(app: &TestApp, owner: &Session, phone: &str) -> String {
    let created = app
        .post(
            "/api/v1/contacts",
            Some(&owner.access_token),
            &json!({"phone_number": phone}),
        )
        .await
        .expect(201)
        .json();
    created["id"].as_str().unwrap().to_owned()
}

async fn record_consent(app: &TestApp, owner: &Session, id: &str, consent: &str) -> Value {
    let path = format!("/api/v1/contacts/{id}/consent");
    app.post(
        &path,
        Some(&owner.access_token),
        &json!({"consent": consent, "source": "web form"}),
    )
    .await
    .expect(200)
    .json()
}

fn consent_values(changes: &[Value]) -> Vec<&str> {
    changes
        .iter()
        .filter(|c| c["field"] == "consent")
        .map(|c| c["new_value"].as_str().unwrap())
        .collect()
}

async fn yes_confirms_a_pending_double_opt_in_off_the_opt_in_list(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    daytime(&app);
    settings(
        &app,
        &owner,
        json!({"double_opt_in": true, "double_opt_in_text": "Acme: reply YES.", "opt_in_keywords": ["UNSTOP"]}),
    )
    .await;
    let id = create_contact(&app, &owner, CUSTOMER).await;
    record_consent(&app, &owner, &id, "pending").await;
    app.run_jobs(Some(&fake)).await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, " Yes\n").await;
    assert_eq!(contact(&app, &owner, CUSTOMER).await["consent"], "yes");
    text_from(&app, &fake, CUSTOMER, BUSINESS, "YES").await;
    app.run_jobs(Some(&fake)).await;
    let bodies = sent_bodies(&fake);
    assert_eq!(bodies.len(), 2, "the request and one confirmation: {bodies:?}");
    assert!(bodies[1].contains("subscribed again"), "{bodies:?}");
    assert_eq!(consent_values(&history(&app, &owner, &id).await), ["pending", "yes"]);
    send_to(&app, &owner, CUSTOMER, json!({"body": "Welcome"}))
        .await
        .expect(201);
}

async fn opting_back_in_restores_declined_consent(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    let id = create_contact(&app, &owner, CUSTOMER).await;
    record_consent(&app, &owner, &id, "yes").await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "STOP").await;
    assert_eq!(contact(&app, &owner, CUSTOMER).await["consent"], "no");
    text_from(&app, &fake, CUSTOMER, BUSINESS, "START").await;
    let back = contact(&app, &owner, CUSTOMER).await;
    assert_eq!(
        (back["opted_out"].as_bool(), back["consent"].as_str()),
        (Some(false), Some("yes"))
    );
    let changes = history(&app, &owner, &id).await;
    assert_eq!(consent_values(&changes), ["yes", "no", "yes"]);
    assert_eq!(changes.last().unwrap()["keyword"], "START");

    // By hand as well.
    let path = format!("/api/v1/contacts/{id}");
    app.post(&format!("{path}/opt-out"), Some(&owner.access_token), &json!({}))
        .await
        .expect(200);
    let back = app
        .post(&format!("{path}/opt-in"), Some(&owner.access_token), &json!({}))
        .await
        .expect(200)
        .json();
    assert_eq!(back["consent"], "yes");
    send_to(&app, &owner, CUSTOMER, json!({"body": "Welcome back"}))
        .await
        .expect(201);
}

async fn declined_consent_refuses_every_send(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    let second = connect_twilio(&app, &owner, &fake, "+12025550101").await;
    let sent = send_to(&app, &owner, CUSTOMER, json!({"body": "hello"}))
        .await
        .expect(201)
        .json();
    fake.respond_next(FakeResponse::error(
        400,
        21211,
        "The 'To' number is not a valid phone number.",
    ));
    app.run_jobs(Some(&fake)).await;
    let id = contact(&app, &owner, CUSTOMER).await["id"].as_str().unwrap().to_owned();
    record_consent(&app, &owner, &id, "no").await;

    send_to(&app, &owner, CUSTOMER, json!({"body": "hi"}))
        .await
        .expect_problem(409, "consent_declined");
    let conversation = sent["conversation_id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/conversations/{conversation}/messages"),
        Some(&owner.access_token),
        &json!({"body": "hi"}),
    )
    .await
    .expect_problem(409, "consent_declined");
    app.post(
        "/api/v1/conversations",
        Some(&owner.access_token),
        &json!({"contact_id": id, "from_number_id": second["id"], "body": "hi"}),
    )
    .await
    .expect_problem(409, "consent_declined");
    let retry = format!("/api/v1/messages/{}/retry", sent["id"].as_str().unwrap());
    app.post(&retry, Some(&owner.access_token), &json!({}))
        .await
        .expect_problem(409, "consent_declined");
    app.run_jobs(Some(&fake)).await;
    assert_eq!(fake.sent().len(), 1, "only the first attempt reached the provider");
}

async fn the_double_opt_in_request_waits_for_quiet_hours(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    settings(
        &app,
        &owner,
        json!({"double_opt_in": true, "double_opt_in_text": "Acme: reply YES."}),
    )
    .await;
    let id = create_contact(&app, &owner, CUSTOMER).await;
    // 22:00 in Washington.
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 3, 0, 0).unwrap());
    record_consent(&app, &owner, &id, "pending").await;
    app.run_jobs(Some(&fake)).await;
    assert!(sent_bodies(&fake).is_empty(), "held until 08:00");
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 13, 0, 0).unwrap());
    app.run_jobs(Some(&fake)).await;
    assert_eq!(sent_bodies(&fake), ["Acme: reply YES."]);
}

async fn a_retry_keeps_its_lane_and_waits_for_quiet_hours(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    // 10:00 in Washington.
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 15, 0, 0).unwrap());
    let sent = send_to(
        &app,
        &owner,
        CUSTOMER,
        json!({"body": "Our sale starts", "lane": "bulk"}),
    )
    .await
    .expect(201)
    .json();
    fake.respond_next(FakeResponse::error(
        400,
        21211,
        "The 'To' number is not a valid phone number.",
    ));
    app.run_jobs(Some(&fake)).await;
    // Retried at 22:00.
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 17, 3, 0, 0).unwrap());
    let retry = format!("/api/v1/messages/{}/retry", sent["id"].as_str().unwrap());
    let queued = app
        .post(&retry, Some(&owner.access_token), &json!({}))
        .await
        .expect(200)
        .json();
    assert_eq!(queued["scheduled_at"], "2035-01-17T13:00:00Z");
    app.run_jobs(Some(&fake)).await;
    assert_eq!(fake.sent().len(), 1, "held, not sent again at night");
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 17, 13, 0, 0).unwrap());
    app.run_jobs(Some(&fake)).await;
    assert_eq!(fake.sent().len(), 2);
}

async fn an_unplaceable_contact_number_takes_the_business_number_zone(app: TestApp) {
    let (_fake, owner) = setup(&app).await;
    // 22:00 in Washington, where the business number is; a toll-free number has no zone.
    app.clock.set(Utc.with_ymd_and_hms(2035, 1, 16, 3, 0, 0).unwrap());
    let held = send_to(
        &app,
        &owner,
        "+18002345678",
        json!({"body": "Reminder", "lane": "automated"}),
    )
    .await
    .expect(201)
    .json();
    assert_eq!(held["scheduled_at"], "2035-01-16T13:00:00Z", "08:00 EST, not 08:00 UTC");
}

async fn two_concurrent_yes_texts_confirm_once(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    daytime(&app);
    settings(
        &app,
        &owner,
        json!({"double_opt_in": true, "double_opt_in_text": "Acme: reply YES."}),
    )
    .await;
    let id = create_contact(&app, &owner, CUSTOMER).await;
    record_consent(&app, &owner, &id, "pending").await;
    app.run_jobs(Some(&fake)).await;
    futures_util::future::join(
        text_from(&app, &fake, CUSTOMER, BUSINESS, "YES"),
        text_from(&app, &fake, CUSTOMER, BUSINESS, "yes"),
    )
    .await;
    app.run_jobs(Some(&fake)).await;
    let changes = history(&app, &owner, &id).await;
    assert_eq!(consent_values(&changes), ["pending", "yes"], "{changes:?}");
    let bodies = sent_bodies(&fake);
    assert_eq!(bodies.len(), 2, "the request and one confirmation: {bodies:?}");
}

async fn a_repeated_start_is_requested_once(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    settings(&app, &owner, json!({"opt_in_by_keyword": false})).await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "STOP").await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "START").await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, "START").await;
    let id = contact(&app, &owner, CUSTOMER).await["id"].as_str().unwrap().to_owned();
    let requests = history(&app, &owner, &id)
        .await
        .into_iter()
        .filter(|c| c["field"] == "opt_in_request")
        .count();
    assert_eq!(requests, 1);
}

async fn control_characters_are_refused_naming_the_field(app: TestApp) {
    let (_fake, owner) = setup(&app).await;
    let sent = send_to(&app, &owner, CUSTOMER, json!({"body": "line one\r\nline two\tend"}))
        .await
        .expect(201)
        .json();
    let id = contact(&app, &owner, CUSTOMER).await["id"].as_str().unwrap().to_owned();
    let conversation = sent["conversation_id"].as_str().unwrap();
    let token = Some(owner.access_token.as_str());
    let refused = [
        (
            send_to(&app, &owner, CUSTOMER, json!({"body": "a\u{0}b"})).await,
            "body",
        ),
        (
            app.post(
                &format!("/api/v1/conversations/{conversation}/notes"),
                token,
                &json!({"body": "\u{0}"}),
            )
            .await,
            "body",
        ),
        (
            app.post(
                &format!("/api/v1/contacts/{id}/opt-out"),
                token,
                &json!({"reason": "by phone\u{0}"}),
            )
            .await,
            "reason",
        ),
        (
            app.post(
                &format!("/api/v1/contacts/{id}/consent"),
                token,
                &json!({"consent": "yes", "source": "web\u{0}"}),
            )
            .await,
            "source",
        ),
        (
            app.patch("/api/v1/organization", token, &json!({"help_text": "Acme\u{0}"}))
                .await,
            "help_text",
        ),
        (
            app.patch(
                "/api/v1/organization",
                token,
                &json!({"opt_out_confirmation_text": "Bye\u{1b}[0m"}),
            )
            .await,
            "opt_out_confirmation_text",
        ),
    ];
    for (response, field) in refused {
        let problem = response.expect_problem(422, "validation_failed");
        assert_eq!(problem.errors[0].field, field, "{problem:?}");
        assert_eq!(problem.errors[0].code, "control_characters", "{problem:?}");
    }
}

async fn huge_bodies_are_refused_before_the_policy(app: TestApp) {
    let (_fake, owner) = setup(&app).await;
    let problem = send_to(&app, &owner, CUSTOMER, json!({"body": "a".repeat(10_000)}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(
        (problem.errors[0].field.as_str(), problem.errors[0].code.as_str()),
        ("body", "too_long")
    );
    assert!(problem.errors[0].message.contains("2000"), "{problem:?}");
    let problem = send_to(&app, &owner, CUSTOMER, json!({"body": "a".repeat(2000)}))
        .await
        .expect_problem(422, "validation_failed");
    assert!(
        problem.errors[0].message.contains("segments"),
        "the policy still applies: {problem:?}"
    );
}

async fn the_history_names_the_listed_keyword(app: TestApp) {
    let (fake, owner) = setup(&app).await;
    settings(&app, &owner, json!({"opt_out_keywords": ["STOP", "REMOVE ME"]})).await;
    text_from(&app, &fake, CUSTOMER, BUSINESS, " remove \t me ").await;
    let id = contact(&app, &owner, CUSTOMER).await["id"].as_str().unwrap().to_owned();
    let changes = history(&app, &owner, &id).await;
    assert_eq!(changes[0]["keyword"], "REMOVE ME", "{changes:?}");
}

/// Integrators count a text as the browser app does: encoding, segments, characters left, and
/// whether the organization's length rules let it go.
async fn texts_are_counted_before_sending(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    let count = |body: String, with_media: bool| {
        let app = &app;
        async move {
            app.post(
                "/api/v1/messages/segments",
                token,
                &json!({"body": body, "with_media": with_media}),
            )
            .await
            .expect(200)
            .json()
        }
    };
    let report = count("a".repeat(161), false).await;
    assert_eq!(report["encoding"], "gsm7");
    assert_eq!(report["segments"], 2);
    assert_eq!(report["remaining"], 145);
    assert_eq!(report["allowed"], true);
    assert_eq!(count("Thanks 😊".to_owned(), false).await["encoding"], "ucs2");
    let empty = count("  ".to_owned(), false).await;
    assert_eq!(empty["allowed"], false);
    assert!(empty["refusal"].is_string());
    assert_eq!(count(String::new(), true).await["allowed"], true);
    // What sending refuses, the counter does not allow.
    let bell = "ring \u{7}";
    assert_eq!(count(bell.to_owned(), false).await["allowed"], false);
    app.post("/api/v1/messages", token, &json!({"to": "+12025550143", "body": bell}))
        .await
        .expect_problem(422, "validation_failed");

    settings(
        &app,
        &owner,
        json!({"concatenation_allowed": false, "mms_text_only": true}),
    )
    .await;
    let refused = count("a".repeat(161), false).await;
    assert_eq!(refused["allowed"], false);
    assert!(refused["refusal"].as_str().unwrap().contains("segment"), "{refused}");
    assert_eq!(count("a".repeat(1_500), true).await["allowed"], true);
    assert_eq!(count("a".repeat(2_001), true).await["allowed"], false);

    let problem = app
        .post("/api/v1/messages/segments", token, &json!({"body": "a".repeat(10_001)}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "body");
    app.post("/api/v1/messages/segments", None, &json!({"body": "hi"}))
        .await
        .expect(401);
}
