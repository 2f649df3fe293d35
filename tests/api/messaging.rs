use std::time::{Duration, Instant};

use serde_json::{Value, json};
use textdesk_db::{events, jobs};
use textdesk_tests::{Session, TestApp, on_both_backends};
use textdesk_types::OrganizationId;

on_both_backends!(
    numbers_keep_their_credentials_secret,
    contacts_are_parsed_and_unique,
    sending_to_a_phone_number_creates_the_thread,
    message_bodies_are_checked,
    one_thread_across_two_numbers,
    conversation_lists_page_by_activity,
    long_conversations_open_in_windows,
    notes_are_never_sent,
    read_state_is_per_agent,
    mark_all_read_is_per_agent,
    lists_filter_by_what_is_unread_for_the_caller,
    the_change_feed_answers_at_once_or_waits,
    a_fresh_load_gives_the_feed_cursor,
    an_expired_cursor_is_told_to_reload,
    the_change_feed_crosses_server_processes,
    another_organizations_messaging_ids_are_not_found,
);

async fn add_number(app: &TestApp, owner: &Session, phone: &str) -> Value {
    let body = json!({"phone_number": phone, "label": "Main line", "provider": "simulator"});
    app.post("/api/v1/numbers", Some(&owner.access_token), &body)
        .await
        .expect(201)
        .json()
}

async fn send_to(app: &TestApp, session: &Session, to: &str, body: &str) -> Value {
    app.post(
        "/api/v1/messages",
        Some(&session.access_token),
        &json!({"to": to, "body": body}),
    )
    .await
    .expect(201)
    .json()
}

async fn numbers_keep_their_credentials_secret(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    let missing = json!({"phone_number": "+12025550143", "label": "Main", "provider": "twilio"});
    let problem = app
        .post("/api/v1/numbers", token, &missing)
        .await
        .expect_problem(422, "validation_failed");
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["account_sid", "auth_token"]);

    let body = json!({
        "phone_number": "(202) 555-0143", "label": "Main", "provider": "twilio",
        "account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "super-secret-token"
    });
    let created = app.post("/api/v1/numbers", token, &body).await.expect(201);
    assert!(!created.text().contains("super-secret-token"));
    let number = created.json();
    assert_eq!(number["phone_number"], "+12025550143");
    assert_eq!(number["has_auth_token"], true);
    let stored: Vec<Option<String>> = app
        .db
        .read(|conn| -> Result<_, textdesk_db::DbError> {
            use diesel::prelude::*;
            use textdesk_db::schema::numbers;
            Ok(numbers::table.select(numbers::auth_token_sealed).load(conn)?)
        })
        .unwrap();
    assert!(
        stored[0]
            .as_deref()
            .is_some_and(|sealed| !sealed.contains("super-secret"))
    );

    app.post("/api/v1/numbers", token, &body)
        .await
        .expect_problem(422, "validation_failed");
    let bad = json!({"phone_number": "12", "label": "", "provider": "pigeon"});
    let problem = app
        .post("/api/v1/numbers", token, &bad)
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors.len(), 3);

    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let simulator = json!({"phone_number": "+12025550144", "label": "Sim", "provider": "simulator"});
    app.post("/api/v1/numbers", Some(&sam.access_token), &simulator)
        .await
        .expect_problem(403, "admins_only");
    let listed = app
        .get("/api/v1/numbers", Some(&sam.access_token))
        .await
        .expect(200)
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let path = format!("/api/v1/numbers/{}", number["id"].as_str().unwrap());
    let disabled = app
        .patch(&path, token, &json!({"enabled": false, "label": "Old"}))
        .await
        .expect(200)
        .json();
    assert_eq!(disabled["enabled"], false);
    assert_eq!(disabled["label"], "Old");
}

async fn contacts_are_parsed_and_unique(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    let body = json!({"phone_number": "202.555.0143", "first_name": "Joe", "last_name": "Smith",
        "custom_fields": {"order": "23425124"}, "labels": ["vip", "vip"]});
    let joe = app.post("/api/v1/contacts", token, &body).await.expect(201).json();
    assert_eq!(joe["phone_number"], "+12025550143");
    assert_eq!(joe["labels"], json!(["vip"]));
    assert_eq!(joe["consent"], "none");
    assert_eq!(joe["opted_out"], false);

    let again = app
        .post("/api/v1/contacts", token, &json!({"phone_number": "+1 202 555 0143"}))
        .await;
    assert_eq!(
        again.expect_problem(422, "validation_failed").errors[0].code,
        "contact_exists"
    );
    let bad = app
        .post(
            "/api/v1/contacts",
            token,
            &json!({"phone_number": "555", "email": "nope"}),
        )
        .await;
    let fields: Vec<String> = bad
        .expect_problem(422, "validation_failed")
        .errors
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["phone_number", "email"]);

    let path = format!("/api/v1/contacts/{}", joe["id"].as_str().unwrap());
    let updated = app
        .patch(
            &path,
            token,
            &json!({"company": "Acme Corp", "email": "joe@example.com"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(updated["company"], "Acme Corp");
    assert_eq!(updated["first_name"], "Joe");
    let found = app.get("/api/v1/contacts?q=Smi", token).await.expect(200).json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let none = app.get("/api/v1/contacts?q=Nobody", token).await.expect(200).json();
    assert!(none["items"].as_array().unwrap().is_empty());
}

async fn sending_to_a_phone_number_creates_the_thread(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    app.post("/api/v1/messages", token, &json!({"to": "+12025550143", "body": "Hi"}))
        .await
        .expect_problem(409, "no_number");
    let number = add_number(&app, &owner, "+12025550100").await;

    let first = send_to(&app, &owner, "(202) 555-0143", "Hello from Acme").await;
    assert_eq!(first["status"], "queued");
    assert_eq!(first["direction"], "outbound");
    assert_eq!(first["segments"], 1);
    assert_eq!(first["encoding"], "gsm7");
    assert_eq!(first["from"], "+12025550100");
    assert_eq!(first["to"], "+12025550143");
    assert_eq!(first["number_id"], number["id"]);
    assert_eq!(first["author"], json!({"kind": "agent", "id": owner.agent_id}));

    let second = send_to(&app, &owner, "+12025550143", "Your crown is ready 😀").await;
    assert_eq!(
        second["conversation_id"], first["conversation_id"],
        "one open conversation per thread"
    );
    assert_eq!(second["encoding"], "ucs2");

    let list = app.get("/api/v1/conversations", token).await.expect(200).json();
    let conversation = &list["items"][0];
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(conversation["number"], 1001);
    assert_eq!(conversation["status"], "open");
    assert_eq!(conversation["contact_phone_number"], "+12025550143");
    assert_eq!(conversation["last_message_preview"], "Your crown is ready 😀");
    assert_eq!(conversation["last_direction"], "outbound");
    assert_eq!(conversation["unread"], false);

    let queued = app
        .db
        .read(|conn| jobs::pending(conn, jobs::JobKind::SendMessage))
        .unwrap();
    assert_eq!(queued.len(), 2, "each outbound message waits in the durable queue");
    assert!(queued.iter().all(|job| job.lane == 0));
    let contacts = app.get("/api/v1/contacts", token).await.expect(200).json();
    assert_eq!(
        contacts["items"].as_array().unwrap().len(),
        1,
        "the contact was created once"
    );
}

async fn message_bodies_are_checked(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let token = Some(owner.access_token.as_str());
    for (body, code) in [("   ", "required"), (&"x".repeat(1601)[..], "too_long")] {
        let problem = app
            .post("/api/v1/messages", token, &json!({"to": "+12025550143", "body": body}))
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(
            (problem.errors[0].field.as_str(), problem.errors[0].code.as_str()),
            ("body", code)
        );
    }
    let problem = app
        .post("/api/v1/messages", token, &json!({"to": "not a number", "body": "hi"}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "to");
    let long = send_to(&app, &owner, "+12025550143", &"a".repeat(161)).await;
    assert_eq!(long["segments"], 2);
    let conversations = app.get("/api/v1/conversations", token).await.expect(200).json();
    assert_eq!(
        conversations["items"].as_array().unwrap().len(),
        1,
        "refused messages stored nothing"
    );
}

async fn one_thread_across_two_numbers(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    let first_number = add_number(&app, &owner, "+12025550100").await;
    let second_number = add_number(&app, &owner, "+12025550101").await;
    let first = send_to(&app, &owner, "+12025550143", "From the first line").await;
    let via_second = json!({"body": "From the second line", "from_number_id": second_number["id"]});
    let path = format!(
        "/api/v1/conversations/{}/messages",
        first["conversation_id"].as_str().unwrap()
    );
    let second = app.post(&path, token, &via_second).await.expect(201).json();
    assert_eq!(second["from"], "+12025550101");
    let defaulted = app
        .post(&path, token, &json!({"body": "Which line?"}))
        .await
        .expect(201)
        .json();
    assert_eq!(
        defaulted["number_id"], second_number["id"],
        "the number last used with the contact"
    );
    assert_ne!(first["number_id"], second["number_id"]);
    assert_eq!(first["number_id"], first_number["id"]);

    let contact_id = app.get("/api/v1/conversations", token).await.json()["items"][0]["contact_id"].clone();
    let thread = app
        .get(
            &format!("/api/v1/contacts/{}/thread", contact_id.as_str().unwrap()),
            token,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(thread.as_array().unwrap().len(), 1);
    let unknown = json!({"body": "x", "from_number_id": "01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a69"});
    let problem = app
        .post(&path, token, &unknown)
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "from_number_id");
}

async fn conversation_lists_page_by_activity(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let token = Some(owner.access_token.as_str());
    for n in 0..5 {
        send_to(&app, &owner, &format!("+1202555014{n}"), "hello").await;
    }
    send_to(&app, &owner, "+12025550140", "bumped to the top").await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/conversations?limit=2".to_owned();
    loop {
        let page = app.get(&path, token).await.expect(200).json();
        for conversation in page["items"].as_array().unwrap() {
            seen.push(conversation["contact_phone_number"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/conversations?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "+12025550140",
            "+12025550144",
            "+12025550143",
            "+12025550142",
            "+12025550141"
        ]
    );
    let closed = app
        .get("/api/v1/conversations?status=closed", token)
        .await
        .expect(200)
        .json();
    assert!(closed["items"].as_array().unwrap().is_empty());
    app.get("/api/v1/conversations?status=archived", token)
        .await
        .expect_problem(422, "validation_failed");
    app.get("/api/v1/conversations?cursor=bad", token)
        .await
        .expect_problem(422, "validation_failed");
}

async fn long_conversations_open_in_windows(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let token = Some(owner.access_token.as_str());
    let mut conversation_id = String::new();
    for n in 0..7 {
        conversation_id = send_to(&app, &owner, "+12025550143", &format!("message {n}")).await["conversation_id"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    let bodies = |detail: &Value| -> Vec<String> {
        detail["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap().to_owned())
            .collect()
    };
    let path = format!("/api/v1/conversations/{conversation_id}");
    let newest = app.get(&format!("{path}?limit=3"), token).await.expect(200).json();
    assert_eq!(bodies(&newest), ["message 4", "message 5", "message 6"]);
    assert!(newest["newer_cursor"].is_null());
    let older_cursor = newest["older_cursor"].as_str().unwrap();
    let older = app
        .get(&format!("{path}?limit=3&before={older_cursor}"), token)
        .await
        .expect(200)
        .json();
    assert_eq!(bodies(&older), ["message 1", "message 2", "message 3"]);
    let oldest = app
        .get(
            &format!("{path}?limit=3&before={}", older["older_cursor"].as_str().unwrap()),
            token,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(bodies(&oldest), ["message 0"]);
    assert!(oldest["older_cursor"].is_null());
    let forward = app
        .get(
            &format!("{path}?limit=2&after={}", oldest["newer_cursor"].as_str().unwrap()),
            token,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(bodies(&forward), ["message 1", "message 2"]);
    app.get(&format!("{path}?before=a&after=b"), token)
        .await
        .expect_problem(422, "validation_failed");
}

async fn notes_are_never_sent(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let token = Some(owner.access_token.as_str());
    let message = send_to(&app, &owner, "+12025550143", "hello").await;
    let path = format!(
        "/api/v1/conversations/{}/notes",
        message["conversation_id"].as_str().unwrap()
    );
    let note = app
        .post(&path, token, &json!({"body": "Called them; voicemail."}))
        .await
        .expect(201)
        .json();
    assert_eq!(note["direction"], "note");
    assert_eq!(note["from"], "");
    let queued = app
        .db
        .read(|conn| jobs::pending(conn, jobs::JobKind::SendMessage))
        .unwrap();
    assert_eq!(queued.len(), 1, "only the message waits to be sent");
    app.post(&path, token, &json!({"body": ""}))
        .await
        .expect_problem(422, "validation_failed");
}

async fn read_state_is_per_agent(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    add_number(&app, &owner, "+12025550100").await;
    let message = send_to(&app, &owner, "+12025550143", "hello").await;
    let conversation = message["conversation_id"].as_str().unwrap();
    let unread_for = |session: &Session| {
        let token = session.access_token.clone();
        let app = &app;
        async move { app.get("/api/v1/conversations", Some(&token)).await.expect(200).json()["items"][0]["unread"].clone() }
    };
    app.post(
        &format!("/api/v1/conversations/{conversation}/unread"),
        Some(&owner.access_token),
        &json!({}),
    )
    .await
    .expect(204);
    assert_eq!(unread_for(&owner).await, true);
    assert_eq!(unread_for(&sam).await, false);
    app.post(
        &format!("/api/v1/conversations/{conversation}/read"),
        Some(&owner.access_token),
        &json!({}),
    )
    .await
    .expect(204);
    assert_eq!(unread_for(&owner).await, false);
}

async fn lists_filter_by_what_is_unread_for_the_caller(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let number = add_number(&app, &owner, "+12025550100").await["id"].clone();
    for from in ["+12025550143", "+12025550177", "+12025550188"] {
        let text = json!({"from": from, "number_id": number, "body": "Hello?"});
        app.post("/api/v1/simulator/messages", Some(&owner.access_token), &text)
            .await
            .expect(201);
    }
    let phones = |session: &Session, query: &'static str| {
        let (app, token) = (&app, session.access_token.clone());
        async move {
            let list = app
                .get(&format!("/api/v1/conversations{query}"), Some(&token))
                .await
                .expect(200)
                .json();
            let mut phones: Vec<String> = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["contact_phone_number"].as_str().unwrap().to_owned())
                .collect();
            phones.sort();
            phones
        }
    };
    let all = phones(&owner, "").await;
    let first = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json()["items"][0].clone();
    app.post(
        &format!("/api/v1/conversations/{}/read", first["id"].as_str().unwrap()),
        Some(&owner.access_token),
        &json!({}),
    )
    .await
    .expect(204);
    let read = first["contact_phone_number"].as_str().unwrap().to_owned();
    let unread: Vec<String> = all.iter().filter(|phone| **phone != read).cloned().collect();
    assert_eq!(phones(&owner, "?unread=true").await, unread);
    assert_eq!(phones(&owner, "?unread=false").await, [read]);
    assert_eq!(
        phones(&sam, "?unread=true").await,
        all,
        "read state is the caller's own"
    );
    assert_eq!(phones(&owner, "?unread=true&status=closed").await, Vec::<String>::new());
    app.get("/api/v1/conversations?unread=maybe", Some(&owner.access_token))
        .await
        .expect_problem(422, "validation_failed");
}

async fn mark_all_read_is_per_agent(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let number = add_number(&app, &owner, "+12025550100").await["id"].clone();
    let customer_writes = |from: &'static str, body: &'static str| {
        let app = &app;
        let token = owner.access_token.clone();
        let number = number.clone();
        async move {
            let text = json!({"from": from, "number_id": number, "body": body});
            app.post("/api/v1/simulator/messages", Some(&token), &text)
                .await
                .expect(201);
        }
    };
    customer_writes("+12025550143", "one").await;
    customer_writes("+12025550144", "two").await;
    let unread_count = |session: &Session| {
        let token = session.access_token.clone();
        let app = &app;
        async move {
            let page = app.get("/api/v1/conversations", Some(&token)).await.expect(200).json();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["unread"] == true)
                .count()
        }
    };
    assert_eq!(unread_count(&owner).await, 2);
    let first = app.get("/api/v1/conversations", Some(&owner.access_token)).await.json()["items"][0]["id"].clone();
    app.post(
        &format!("/api/v1/conversations/{}/unread", first.as_str().unwrap()),
        Some(&owner.access_token),
        &json!({}),
    )
    .await
    .expect(204);

    app.post("/api/v1/conversations/read-all", Some(&owner.access_token), &json!({}))
        .await
        .expect(204);
    assert_eq!(unread_count(&owner).await, 0, "marked unread before is read too");
    assert_eq!(unread_count(&sam).await, 2, "only for the agent who asked");
    let read_state = "read_state.changed".to_owned();
    assert!(kinds(&whole_feed(&app, &owner).await).contains(&read_state));
    assert!(
        !kinds(&whole_feed(&app, &sam).await).contains(&read_state),
        "an agent's read state is theirs alone"
    );

    actix_rt::time::sleep(Duration::from_millis(5)).await;
    customer_writes("+12025550143", "three").await;
    assert_eq!(unread_count(&owner).await, 1, "a later message is unread again");
}

/// Every retained event the session receives, batch after batch until the feed has no more.
async fn whole_feed(app: &TestApp, session: &Session) -> Value {
    let mut events = Vec::new();
    let mut cursor = "0".to_owned();
    loop {
        let batch = app
            .get(
                &format!("/api/v1/events?after={cursor}&wait=0"),
                Some(&session.access_token),
            )
            .await
            .expect(200)
            .json();
        let got = batch["events"].as_array().unwrap().clone();
        cursor = batch["cursor"].as_str().unwrap().to_owned();
        if got.is_empty() {
            return json!({"events": events, "cursor": cursor});
        }
        events.extend(got);
    }
}

/// Leaves a client waiting on `reader`'s feed after `cursor` while, 300 ms later, a message
/// is sent through `writer`; returns the feed's answer, the sent message and the time taken.
async fn wait_while_sending(
    reader: &TestApp,
    writer: &TestApp,
    session: &Session,
    cursor: &str,
    body: &str,
) -> (Value, Value, Duration) {
    let waiting_path = format!("/api/v1/events?after={cursor}&wait=20");
    let waiting = reader.get(&waiting_path, Some(&session.access_token));
    let sending = async {
        actix_rt::time::sleep(Duration::from_millis(300)).await;
        send_to(writer, session, "+12025550143", body).await
    };
    let started = Instant::now();
    let (woken, sent) = futures_join(waiting, sending).await;
    (woken.expect(200).json(), sent, started.elapsed())
}

fn kinds(batch: &Value) -> Vec<String> {
    batch["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_change_feed_answers_at_once_or_waits(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let token = Some(owner.access_token.as_str());
    let message = send_to(&app, &owner, "+12025550143", "hello").await;

    let all = whole_feed(&app, &owner).await;
    assert_eq!(
        kinds(&all),
        ["contact.changed", "conversation.changed", "message.added"]
    );
    assert_eq!(all["events"][2]["data"]["message_id"], message["id"]);
    let cursor = all["cursor"].as_str().unwrap().to_owned();
    assert_eq!(all["events"][2]["position"], cursor.as_str());
    let from_the_middle = app
        .get(
            &format!(
                "/api/v1/events?after={}&wait=0",
                all["events"][0]["position"].as_str().unwrap()
            ),
            token,
        )
        .await
        .json();
    assert_eq!(kinds(&from_the_middle), ["conversation.changed", "message.added"]);

    let started = Instant::now();
    let empty = app
        .get(&format!("/api/v1/events?after={cursor}&wait=1"), token)
        .await
        .expect(200)
        .json();
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(empty, json!({"events": [], "cursor": cursor}));

    let (woken, _, took) = wait_while_sending(&app, &app, &owner, &cursor, "wake up").await;
    assert!(
        took < Duration::from_secs(10),
        "the waiting request returned with the change"
    );
    assert_eq!(woken["events"][0]["kind"], "conversation.changed");
    assert_ne!(woken["cursor"], cursor.as_str());

    app.get("/api/v1/events?wait=26", token)
        .await
        .expect_problem(422, "validation_failed");
    for bad in ["-1", "x", "1-", "-1-2", "3"] {
        let problem = app
            .get(&format!("/api/v1/events?after={bad}"), token)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(problem.errors[0].field, "after", "{bad}");
    }
}

/// A client that loads the inbox and then follows the feed from the list's `feed_cursor` sees
/// each later change once, and no change that the load already showed.
async fn a_fresh_load_gives_the_feed_cursor(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let token = Some(owner.access_token.as_str());
    send_to(&app, &owner, "+12025550143", "before the load").await;

    let page = app.get("/api/v1/conversations", token).await.expect(200).json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let feed_cursor = page["feed_cursor"]
        .as_str()
        .expect("the first page gives a feed cursor")
        .to_owned();
    let second = app.get("/api/v1/conversations?limit=1", token).await.json();
    assert!(second["feed_cursor"].is_string());

    let nothing_new = app
        .get(&format!("/api/v1/events?after={feed_cursor}&wait=0"), token)
        .await
        .expect(200)
        .json();
    let replayed = nothing_new["events"].as_array().unwrap();
    // PostgreSQL may replay what committed while the load began; never more than that one write.
    assert!(replayed.len() <= 3, "{replayed:?}");

    let later = send_to(&app, &owner, "+12025550177", "after the load").await;
    // Read on from the load's cursor as a client does: a batch may end before a change whose
    // transaction is still behind an older one, and the next batch brings it.
    let mut cursor = feed_cursor;
    let mut added = Vec::new();
    for _ in 0..5 {
        let batch = app
            .get(&format!("/api/v1/events?after={cursor}&wait=5"), token)
            .await
            .expect(200)
            .json();
        cursor = batch["cursor"].as_str().unwrap().to_owned();
        added.extend(
            batch["events"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["kind"] == "message.added")
                .map(|e| e["data"]["message_id"].clone()),
        );
        if added.contains(&later["id"]) {
            break;
        }
    }
    assert_eq!(added.last(), Some(&later["id"]), "{added:?}");
}

/// Changes older than the feed keeps are purged; a client whose cursor lies before the purge
/// is told to load afresh instead of silently missing changes.
async fn an_expired_cursor_is_told_to_reload(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let other = app.create_other_organization("Globex", "owner@globex.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let token = Some(owner.access_token.as_str());
    send_to(&app, &owner, "+12025550143", "old news").await;
    let feed = whole_feed(&app, &owner).await;
    let first = feed["events"][0]["position"].as_str().unwrap().to_owned();
    let newest = feed["cursor"].as_str().unwrap().to_owned();

    let organization = OrganizationId::new(owner.organization_id.clone());
    let in_a_minute = (chrono::Utc::now() + chrono::Duration::minutes(1)).naive_utc();
    let purged = events::purge_before(&app.db, &organization, in_a_minute).unwrap();
    assert!(purged >= feed["events"].as_array().unwrap().len());

    let problem = app
        .get(&format!("/api/v1/events?after={first}&wait=0"), token)
        .await
        .expect_problem(410, "cursor_expired");
    assert!(problem.detail.unwrap_or_default().contains("feed_cursor"));
    for still_good in [newest.as_str(), "0"] {
        let batch = app
            .get(&format!("/api/v1/events?after={still_good}&wait=0"), token)
            .await
            .expect(200)
            .json();
        assert_eq!(batch["events"], json!([]), "after={still_good}");
    }
    let elsewhere = Some(other.access_token.as_str());
    app.get(&format!("/api/v1/events?after={first}&wait=0"), elsewhere)
        .await
        .expect(200);

    let later = send_to(&app, &owner, "+12025550143", "news").await;
    let batch = app
        .get(&format!("/api/v1/events?after={newest}&wait=5"), token)
        .await
        .expect(200)
        .json();
    let added: Vec<&Value> = batch["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "message.added")
        .collect();
    assert_eq!(added[0]["data"]["message_id"], later["id"]);
}

/// With two server processes on one database, a change written through one wakes a client
/// waiting on the other at once (PostgreSQL: LISTEN/NOTIFY; SQLite: the short look).
async fn the_change_feed_crosses_server_processes(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let token = Some(owner.access_token.as_str());
    let replica = app.replica().await;
    let feed_cursor = replica.get("/api/v1/conversations", token).await.expect(200).json()["feed_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let (woken, sent, took) =
        wait_while_sending(&replica, &app, &owner, &feed_cursor, "through the other process").await;
    assert!(took < Duration::from_secs(5), "woken by the other process's commit");
    let ids: Vec<&Value> = woken["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["data"]["message_id"])
        .collect();
    assert!(ids.contains(&&sent["id"]) || kinds(&woken).contains(&"contact.changed".to_owned()));
}

async fn futures_join<A: std::future::Future, B: std::future::Future>(a: A, b: B) -> (A::Output, B::Output) {
    tokio::join!(a, b)
}

async fn another_organizations_messaging_ids_are_not_found(app: TestApp) {
    let ours = app.create_workspace("Acme", "owner@acme.example").await;
    let theirs = app.create_other_organization("Globex", "boss@globex.example").await;
    let their_number = add_number(&app, &theirs, "+12025550199").await;
    let their_message = send_to(&app, &theirs, "+12025550143", "theirs").await;
    let their_contact = app.get("/api/v1/contacts", Some(&theirs.access_token)).await.json()["items"][0]["id"].clone();
    let token = Some(ours.access_token.as_str());
    let conversation = their_message["conversation_id"].as_str().unwrap();
    app.get(&format!("/api/v1/conversations/{conversation}"), token)
        .await
        .expect_problem(404, "not_found");
    app.post(
        &format!("/api/v1/conversations/{conversation}/messages"),
        token,
        &json!({"body": "x"}),
    )
    .await
    .expect_problem(404, "not_found");
    app.post(&format!("/api/v1/conversations/{conversation}/read"), token, &json!({}))
        .await
        .expect_problem(404, "not_found");
    app.get(&format!("/api/v1/contacts/{}", their_contact.as_str().unwrap()), token)
        .await
        .expect_problem(404, "not_found");
    app.get(
        &format!("/api/v1/numbers/{}", their_number["id"].as_str().unwrap()),
        token,
    )
    .await
    .expect_problem(404, "not_found");
    let our_number = add_number(&app, &ours, "+12025550198").await;
    let via_theirs = json!({"to": "+12025550143", "body": "x", "from_number_id": their_number["id"]});
    app.post("/api/v1/messages", token, &via_theirs)
        .await
        .expect_problem(422, "validation_failed");
    let ours_sent = send_to(&app, &ours, "+12025550143", "ours").await;
    assert_eq!(ours_sent["number_id"], our_number["id"]);
    assert_ne!(
        ours_sent["conversation_id"], their_message["conversation_id"],
        "same phone, separate organizations"
    );
    let feed = whole_feed(&app, &ours).await;
    assert!(
        feed["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["data"]["message_id"] != their_message["id"])
    );
}
