//! API keys: shown once and stored hashed, held to their scopes, refused where only agents
//! may go, revoked at once, and what they do attributed to them.

use serde_json::{Value, json};
use textdesk_tests::{Session, TestApp, on_both_backends};

on_both_backends!(
    a_key_is_shown_once_and_works_as_a_bearer_token,
    each_scope_allows_only_its_endpoints,
    a_revoked_key_stops_at_once,
    what_a_key_does_is_attributed_to_it,
    keys_are_managed_by_admins_of_their_own_organization,
    a_key_pushes_notes_where_they_belong_with_their_source,
    a_key_is_held_to_its_requests_a_minute_across_servers,
    a_key_upserts_contacts_by_phone_number,
);

fn token(session: &Session) -> Option<&str> {
    Some(session.access_token.as_str())
}

/// Creates a key with these scopes; the answer (`key` and `secret`).
async fn create_key(app: &TestApp, admin: &Session, label: &str, scopes: &[&str]) -> Value {
    app.post(
        "/api/v1/api-keys",
        token(admin),
        &json!({"label": label, "scopes": scopes}),
    )
    .await
    .expect(201)
    .json()
}

fn secret(created: &Value) -> &str {
    created["secret"].as_str().unwrap()
}

/// A conversation of the organization, from a customer's text.
async fn conversation(app: &TestApp, owner: &Session) -> String {
    let number = app.add_simulator_number(owner, "+12025550100").await;
    let text = app.text_from_customer(owner, &number, "+12025550143", "Hello").await;
    text["conversation_id"].as_str().unwrap().to_owned()
}

async fn a_key_is_shown_once_and_works_as_a_bearer_token(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let created = create_key(
        &app,
        &owner,
        "Shopify",
        &["contacts:read", "contacts:read", "notes:write"],
    )
    .await;
    let secret = secret(&created).to_owned();
    assert!(secret.starts_with("tdk_") && secret.len() == 47, "{secret}");
    let key = &created["key"];
    assert_eq!(key["label"], "Shopify");
    assert_eq!(key["prefix"], &secret[..8]);
    assert_eq!(key["scopes"], json!(["notes:write", "contacts:read"]));
    assert_eq!(key["requests_per_minute"], 600);
    assert!(key.get("last_used_at").is_none());

    app.get("/api/v1/contacts", Some(&secret)).await.expect(200);
    let listed = app.get("/api/v1/api-keys", token(&owner)).await.expect(200).json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(listed[0].get("secret").is_none(), "the secret is never shown again");
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    assert!(
        !serde_json::to_string(&listed).unwrap().contains(&secret[8..]),
        "no part of the secret past its prefix is shown"
    );

    let wrong = format!("{}x", &secret[..secret.len() - 1]);
    app.get("/api/v1/contacts", Some(&wrong))
        .await
        .expect_problem(401, "invalid_api_key");
}

async fn each_scope_allows_only_its_endpoints(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let conversation = conversation(&app, &owner).await;
    let reader = create_key(&app, &owner, "Reader", &["contacts:read"]).await;
    let reader = Some(secret(&reader));
    app.get("/api/v1/contacts", reader).await.expect(200);
    for (method, path, body) in [
        (
            "POST",
            "/api/v1/contacts".to_owned(),
            json!({"phone_number": "+12025550111"}),
        ),
        ("GET", "/api/v1/conversations".to_owned(), Value::Null),
        ("GET", format!("/api/v1/conversations/{conversation}"), Value::Null),
        (
            "POST",
            format!("/api/v1/conversations/{conversation}/notes"),
            json!({"body": "hi"}),
        ),
        (
            "POST",
            format!("/api/v1/conversations/{conversation}/messages"),
            json!({"body": "hi"}),
        ),
        ("GET", "/api/v1/events?wait=0".to_owned(), Value::Null),
    ] {
        let response = match method {
            "GET" => app.get(&path, reader).await,
            _ => app.post(&path, reader, &body).await,
        };
        response.expect_problem(403, "scope_missing");
    }
    // Only agents: their own profile, the team, settings, keys themselves.
    for path in [
        "/api/v1/me",
        "/api/v1/agents",
        "/api/v1/api-keys",
        "/api/v1/organization",
        "/api/v1/views",
    ] {
        app.get(path, reader).await.expect_problem(403, "agents_only");
    }
    app.post(
        "/api/v1/api-keys",
        reader,
        &json!({"label": "More", "scopes": ["contacts:write"]}),
    )
    .await
    .expect_problem(403, "agents_only");

    let crm = create_key(
        &app,
        &owner,
        "CRM",
        &["conversations:read", "notes:write", "contacts:write", "messages:send"],
    )
    .await;
    let crm = Some(secret(&crm));
    app.get(&format!("/api/v1/conversations/{conversation}"), crm)
        .await
        .expect(200);
    app.post(
        &format!("/api/v1/conversations/{conversation}/notes"),
        crm,
        &json!({"body": "Called back"}),
    )
    .await
    .expect(201);
    app.post("/api/v1/contacts", crm, &json!({"phone_number": "+12025550111"}))
        .await
        .expect(201);
    app.get("/api/v1/contacts", crm)
        .await
        .expect_problem(403, "scope_missing");
}

async fn a_revoked_key_stops_at_once(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let created = create_key(&app, &owner, "Zapier", &["contacts:read"]).await;
    let id = created["key"]["id"].as_str().unwrap().to_owned();
    let key = Some(secret(&created));
    app.get("/api/v1/contacts", key).await.expect(200);
    let revoked = app
        .delete(&format!("/api/v1/api-keys/{id}"), token(&owner))
        .await
        .expect(200)
        .json();
    assert!(revoked["revoked_at"].is_string());
    app.get("/api/v1/contacts", key)
        .await
        .expect_problem(401, "api_key_revoked");
    // On another server process too: keys are looked up on every request.
    let replica = app.replica().await;
    replica
        .get("/api/v1/contacts", key)
        .await
        .expect_problem(401, "api_key_revoked");
    app.delete(&format!("/api/v1/api-keys/{id}"), token(&owner))
        .await
        .expect(200);
    let log = app
        .get("/api/v1/audit-log?limit=5", token(&owner))
        .await
        .expect(200)
        .json();
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|action| **action == "api_key.revoked").count(),
        1,
        "{actions:?}"
    );
    assert!(actions.contains(&"api_key.created"));
}

async fn what_a_key_does_is_attributed_to_it(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let conversation = conversation(&app, &owner).await;
    let created = create_key(&app, &owner, "Voicemail", &["notes:write", "contacts:write"]).await;
    let key_id = created["key"]["id"].as_str().unwrap().to_owned();
    let key = Some(secret(&created));
    let note = app
        .post(
            &format!("/api/v1/conversations/{conversation}/notes"),
            key,
            &json!({"body": "Voicemail: please call back"}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(
        note["author"],
        json!({"kind": "api_client", "id": key_id, "label": "Voicemail"})
    );
    let contact = app
        .get(&format!("/api/v1/conversations/{conversation}"), token(&owner))
        .await
        .expect(200)
        .json()["conversation"]["contact_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/contacts/{contact}/opt-out"),
        key,
        &json!({"reason": "asked the shop"}),
    )
    .await
    .expect(200);
    let log = app
        .get("/api/v1/audit-log?limit=1", token(&owner))
        .await
        .expect(200)
        .json();
    let entry = &log["items"][0];
    assert_eq!(entry["action"], "contact.opted_out");
    assert_eq!(
        entry["detail"]["via_api_key"],
        json!({"id": key_id, "label": "Voicemail"})
    );
}

async fn keys_are_managed_by_admins_of_their_own_organization(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let agent = app.add_agent(&owner, "agent@acme.example", "agent").await;
    app.post(
        "/api/v1/api-keys",
        token(&agent),
        &json!({"label": "Mine", "scopes": ["contacts:read"]}),
    )
    .await
    .expect_problem(403, "admins_only");
    app.get("/api/v1/api-keys", token(&agent))
        .await
        .expect_problem(403, "admins_only");
    for (body, field) in [
        (json!({"label": " ", "scopes": ["contacts:read"]}), "label"),
        (json!({"label": "Empty", "scopes": []}), "scopes"),
        (json!({"label": "Odd", "scopes": ["contacts:delete"]}), "scopes"),
        (
            json!({"label": "Greedy", "scopes": ["contacts:read"], "requests_per_minute": 6001}),
            "requests_per_minute",
        ),
        (
            json!({"label": "Idle", "scopes": ["contacts:read"], "requests_per_minute": 0}),
            "requests_per_minute",
        ),
    ] {
        let problem = app
            .post("/api/v1/api-keys", token(&owner), &body)
            .await
            .expect(422)
            .problem();
        assert!(problem.errors[0].field.starts_with(field), "{problem:?}");
    }
    let created = create_key(&app, &owner, "Ours", &["contacts:read"]).await;
    let id = created["key"]["id"].as_str().unwrap();
    let other = app.create_other_organization("Other", "owner@other.example").await;
    app.delete(&format!("/api/v1/api-keys/{id}"), token(&other))
        .await
        .expect_problem(404, "not_found");
    assert_eq!(
        app.get("/api/v1/api-keys", token(&other)).await.expect(200).json(),
        json!([])
    );
    // A key sees its own organization only.
    let theirs = create_key(&app, &other, "Theirs", &["contacts:read"]).await;
    app.post(
        "/api/v1/contacts",
        token(&owner),
        &json!({"phone_number": "+12025550123"}),
    )
    .await
    .expect(201);
    let seen = app
        .get("/api/v1/contacts", Some(secret(&theirs)))
        .await
        .expect(200)
        .json();
    assert_eq!(seen["items"], json!([]));
}

async fn a_key_pushes_notes_where_they_belong_with_their_source(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let conversation = conversation(&app, &owner).await;
    let shown = app
        .get(&format!("/api/v1/conversations/{conversation}"), token(&owner))
        .await
        .expect(200)
        .json();
    let (number, contact) = (
        shown["conversation"]["number"].as_i64().unwrap(),
        shown["conversation"]["contact_id"].as_str().unwrap().to_owned(),
    );
    let created = create_key(&app, &owner, "Voicemail", &["notes:write"]).await;
    let key = Some(secret(&created));
    let by_phone = app
        .post(
            "/api/v1/notes",
            key,
            &json!({"phone_number": "(202) 555-0143", "body": "Please call me back", "source": "Voicemail transcription"}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(by_phone["conversation_id"], conversation.as_str());
    assert_eq!(by_phone["direction"], "note");
    assert_eq!(by_phone["source"], "Voicemail transcription");
    assert_eq!(by_phone["author"]["label"], "Voicemail");
    for target in [json!({"conversation_number": number}), json!({"contact_id": contact})] {
        let mut note = json!({"body": "Order shipped", "source": "Shopify"});
        note.as_object_mut()
            .unwrap()
            .extend(target.as_object().unwrap().clone());
        let pushed = app.post("/api/v1/notes", key, &note).await.expect(201).json();
        assert_eq!(pushed["conversation_id"], conversation.as_str(), "{target}");
    }
    // A closed conversation is still the contact's latest: the note goes there.
    app.post(
        &format!("/api/v1/conversations/{conversation}/close"),
        token(&owner),
        &json!({}),
    )
    .await
    .expect(200);
    let late = app
        .post(
            "/api/v1/notes",
            key,
            &json!({"phone_number": "+12025550143", "body": "Late voicemail"}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(late["conversation_id"], conversation.as_str());
    assert!(late.get("source").is_none());

    for (note, field) in [
        (
            json!({"body": "Two", "contact_id": contact, "conversation_number": number}),
            "conversation_id",
        ),
        (json!({"body": "None"}), "conversation_id"),
        (json!({"body": "Bad", "phone_number": "12"}), "phone_number"),
        (
            json!({"body": "Bad", "contact_id": contact, "source": "two\nlines"}),
            "source",
        ),
        (json!({"body": " ", "contact_id": contact}), "body"),
    ] {
        let problem = app.post("/api/v1/notes", key, &note).await.expect(422).problem();
        assert_eq!(problem.errors[0].field, field, "{note}: {problem:?}");
    }
    app.post(
        "/api/v1/notes",
        key,
        &json!({"body": "Who?", "phone_number": "+12025550199"}),
    )
    .await
    .expect_problem(404, "not_found");
    app.post(
        "/api/v1/contacts",
        token(&owner),
        &json!({"phone_number": "+12025550199"}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/notes",
        key,
        &json!({"body": "Too early", "phone_number": "+12025550199"}),
    )
    .await
    .expect_problem(409, "no_conversation");

    // The organization's switch stops keys, not agents.
    app.patch(
        "/api/v1/organization",
        token(&owner),
        &json!({"notes_api_enabled": false}),
    )
    .await
    .expect(200);
    app.post("/api/v1/notes", key, &json!({"body": "Blocked", "contact_id": contact}))
        .await
        .expect_problem(403, "notes_api_disabled");
    app.post(
        "/api/v1/notes",
        token(&owner),
        &json!({"body": "Agents still can", "contact_id": contact}),
    )
    .await
    .expect(201);
}

async fn a_key_is_held_to_its_requests_a_minute_across_servers(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let created = app
        .post(
            "/api/v1/api-keys",
            token(&owner),
            &json!({"label": "Chatty", "scopes": ["contacts:read"], "requests_per_minute": 4}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(created["key"]["requests_per_minute"], 4);
    let key = Some(secret(&created));
    let replica = app.replica().await;
    // Four requests this minute, on two server processes; a minute boundary between them
    // would start the count again, so the test begins early in a minute.
    let second = chrono::Utc::now().timestamp() % 60;
    if second > 50 {
        actix_rt::time::sleep(std::time::Duration::from_secs(61 - second as u64)).await;
    }
    app.get("/api/v1/contacts", key).await.expect(200);
    replica.get("/api/v1/contacts", key).await.expect(200);
    app.get("/api/v1/contacts", key).await.expect(200);
    replica.get("/api/v1/contacts", key).await.expect(200);
    let limited = app.get("/api/v1/contacts", key).await;
    let retry_after: i64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    limited.expect_problem(429, "rate_limited");
    replica
        .get("/api/v1/contacts", key)
        .await
        .expect_problem(429, "rate_limited");
    // Agents are not held to a key's limit.
    app.get("/api/v1/contacts", token(&owner)).await.expect(200);
}

async fn a_key_upserts_contacts_by_phone_number(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let created = create_key(&app, &owner, "Shop", &["contacts:write"]).await;
    let key = Some(secret(&created));
    let first = app
        .put(
            "/api/v1/contacts/by-phone/%2B12025550143",
            key,
            &json!({"first_name": "Ada", "labels": ["customer"]}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(first["phone_number"], "+12025550143");
    // The same number as the shop writes it: the same contact, the fields given set.
    let second = app
        .put(
            "/api/v1/contacts/by-phone/(202)%20555-0143",
            key,
            &json!({"last_name": "Lovelace", "email": "ada@example.com"}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(second["id"], first["id"]);
    assert_eq!(
        (&second["first_name"], &second["last_name"], &second["labels"]),
        (&json!("Ada"), &json!("Lovelace"), &json!(["customer"]))
    );
    let problem = app
        .put("/api/v1/contacts/by-phone/12", key, &json!({"first_name": "X"}))
        .await
        .expect(422)
        .problem();
    assert_eq!(problem.errors[0].field, "phone_number");
    let problem = app
        .put("/api/v1/contacts/by-phone/2025550144", key, &json!({"email": "nope"}))
        .await
        .expect(422)
        .problem();
    assert_eq!(problem.errors[0].field, "email");
    let reader = create_key(&app, &owner, "Reader", &["contacts:read"]).await;
    app.put(
        "/api/v1/contacts/by-phone/2025550145",
        Some(secret(&reader)),
        &json!({"first_name": "Y"}),
    )
    .await
    .expect_problem(403, "scope_missing");
    let all = app.get("/api/v1/contacts", token(&owner)).await.expect(200).json();
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        1,
        "refused upserts created nothing"
    );
}
