//! `Idempotency-Key` on POST and PATCH: a retry gets the first answer and acts once, another
//! request with the same key is refused, concurrent requests with one key (on two server
//! processes) act once, an error gives the key back, and keys belong to their caller.

use actix_web::http::Method;
use futures_util::future::join_all;
use serde_json::{Value, json};
use textdesk_tests::{Session, TestApp, TestResponse, on_both_backends};

on_both_backends!(
    a_retried_request_gets_the_first_answer_and_acts_once,
    the_same_key_with_another_request_is_refused,
    concurrent_requests_with_one_key_act_once_across_servers,
    a_refused_request_gives_its_key_back,
    keys_belong_to_their_caller_and_last_a_day,
    a_malformed_key_is_refused_by_name,
    a_kept_answer_keeps_no_secret_readable,
);

fn token(session: &Session) -> Option<&str> {
    Some(session.access_token.as_str())
}

async fn post_with_key(app: &TestApp, path: &str, token: Option<&str>, key: &str, body: &Value) -> TestResponse {
    app.send_json_with_headers(Method::POST, path, token, &[("Idempotency-Key", key)], body)
        .await
}

/// A conversation of the organization, from a customer's text.
async fn conversation(app: &TestApp, owner: &Session) -> String {
    let number = app.add_simulator_number(owner, "+12025550100").await;
    let text = app.text_from_customer(owner, &number, "+12025550143", "Hello").await;
    text["conversation_id"].as_str().unwrap().to_owned()
}

async fn notes_in(app: &TestApp, owner: &Session, conversation: &str) -> Vec<Value> {
    let page = app
        .get(&format!("/api/v1/conversations/{conversation}"), token(owner))
        .await
        .expect(200)
        .json();
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|message| message["direction"] == "note")
        .cloned()
        .collect()
}

async fn a_retried_request_gets_the_first_answer_and_acts_once(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let conversation = conversation(&app, &owner).await;
    let path = format!("/api/v1/conversations/{conversation}/notes");
    let note = json!({"body": "Called back", "source": "Phone"});
    let first = post_with_key(&app, &path, token(&owner), "retry-1", &note)
        .await
        .expect(201);
    assert_eq!(first.header("idempotent-replayed"), None);
    // The same request again, its JSON laid out differently: the first answer, replayed.
    let again = app
        .raw(
            Method::POST,
            &path,
            token(&owner),
            Some("application/json"),
            br#"{ "source": "Phone",   "body": "Called back" }"#.to_vec(),
        )
        .await;
    assert_eq!(again.status.as_u16(), 201, "{}", again.text());
    assert_eq!(again.header("idempotent-replayed"), None, "no key: a second note");
    let replayed = app
        .send_json_with_headers(
            Method::POST,
            &path,
            token(&owner),
            &[("Idempotency-Key", "retry-1")],
            &json!({"source": "Phone", "body": "Called back"}),
        )
        .await
        .expect(201);
    assert_eq!(replayed.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(replayed.json(), first.json());
    assert_eq!(replayed.header("content-type"), first.header("content-type"));
    assert_eq!(notes_in(&app, &owner, &conversation).await.len(), 2);

    // PATCH too: a replayed change returns the first answer.
    let patch = |name: &'static str| {
        let app = &app;
        let owner = &owner;
        async move {
            app.send_json_with_headers(
                Method::PATCH,
                "/api/v1/organization",
                token(owner),
                &[("Idempotency-Key", "rename")],
                &json!({"name": name}),
            )
            .await
        }
    };
    let renamed = patch("Acme Corp").await.expect(200).json();
    let replayed = patch("Acme Corp").await.expect(200);
    assert_eq!(replayed.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(replayed.json(), renamed);
}

async fn the_same_key_with_another_request_is_refused(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let conversation = conversation(&app, &owner).await;
    let path = format!("/api/v1/conversations/{conversation}/notes");
    post_with_key(&app, &path, token(&owner), "k-1", &json!({"body": "First"}))
        .await
        .expect(201);
    let problem = post_with_key(&app, &path, token(&owner), "k-1", &json!({"body": "Second"}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "Idempotency-Key");
    assert_eq!(problem.errors[0].code, "idempotency_key_reused");
    // Another path with the same body is another request too.
    let quick_reply = json!({"body": "First"});
    let other = post_with_key(&app, "/api/v1/quick-replies", token(&owner), "k-1", &quick_reply)
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(other.errors[0].code, "idempotency_key_reused");
    assert_eq!(notes_in(&app, &owner, &conversation).await.len(), 1);
}

async fn concurrent_requests_with_one_key_act_once_across_servers(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let conversation = conversation(&app, &owner).await;
    let replica = app.replica().await;
    let path = format!("/api/v1/conversations/{conversation}/notes");
    let note = json!({"body": "Only once"});
    let requests = (0..8).map(|i| {
        let server = if i % 2 == 0 { &app } else { &replica };
        post_with_key(server, &path, token(&owner), "race", &note)
    });
    let answers = join_all(requests).await;
    let bodies: Vec<Value> = answers
        .into_iter()
        .map(|answer| {
            assert_eq!(answer.status.as_u16(), 201, "{}", answer.text());
            answer.json()
        })
        .collect();
    assert!(bodies.iter().all(|body| body == &bodies[0]), "{bodies:?}");
    assert_eq!(notes_in(&app, &owner, &conversation).await.len(), 1);
}

async fn a_refused_request_gives_its_key_back(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let created = app
        .post(
            "/api/v1/api-keys",
            token(&owner),
            &json!({"label": "Voicemail", "scopes": ["notes:write"]}),
        )
        .await
        .expect(201)
        .json();
    let key = created["secret"].as_str();
    let note = json!({"phone_number": "+12025550143", "body": "Call back", "source": "Voicemail"});
    // No contact with that number yet: refused, and nothing kept.
    post_with_key(&app, "/api/v1/notes", key, "vm-7", &note)
        .await
        .expect_problem(404, "not_found");
    let conversation = conversation(&app, &owner).await;
    let pushed = post_with_key(&app, "/api/v1/notes", key, "vm-7", &note)
        .await
        .expect(201);
    assert_eq!(pushed.header("idempotent-replayed"), None);
    assert_eq!(pushed.json()["conversation_id"], conversation.as_str());
    // A refused body does not hold the key either.
    let path = format!("/api/v1/conversations/{conversation}/notes");
    post_with_key(&app, &path, token(&owner), "typo", &json!({"bdy": "x"}))
        .await
        .expect_problem(422, "validation_failed");
    post_with_key(&app, &path, token(&owner), "typo", &json!({"body": "x"}))
        .await
        .expect(201);
}

async fn keys_belong_to_their_caller_and_last_a_day(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let agent = app.add_agent(&owner, "agent@acme.example", "agent").await;
    let conversation = conversation(&app, &owner).await;
    let path = format!("/api/v1/conversations/{conversation}/notes");
    let note = json!({"body": "Same words"});
    for session in [&owner, &agent] {
        let answer = post_with_key(&app, &path, token(session), "shared", &note)
            .await
            .expect(201);
        assert_eq!(answer.header("idempotent-replayed"), None, "{}", session.email);
    }
    // Another organization's agent with the same key: their own request, their own 404.
    let other = app.create_other_organization("Globex", "owner@globex.example").await;
    post_with_key(&app, &path, token(&other), "shared", &note)
        .await
        .expect_problem(404, "not_found");
    assert_eq!(notes_in(&app, &owner, &conversation).await.len(), 2);

    // A day later the key is free again.
    app.db
        .write(|conn| -> Result<usize, textdesk_db::DbError> {
            use diesel::RunQueryDsl;
            let day_ago = chrono::Utc::now().naive_utc() - chrono::Duration::hours(25);
            Ok(diesel::sql_query(format!(
                "UPDATE idempotency_keys SET created_at = '{}'",
                day_ago.format("%Y-%m-%d %H:%M:%S")
            ))
            .execute(conn)?)
        })
        .unwrap();
    let later = post_with_key(&app, &path, token(&owner), "shared", &json!({"body": "Next day"}))
        .await
        .expect(201);
    assert_eq!(later.json()["body"], "Next day");
    assert_eq!(notes_in(&app, &owner, &conversation).await.len(), 3);
}

async fn a_kept_answer_keeps_no_secret_readable(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let request = json!({"label": "Shop", "scopes": ["contacts:read"]});
    let created = post_with_key(&app, "/api/v1/api-keys", token(&owner), "new-key", &request)
        .await
        .expect(201)
        .json();
    let secret = created["secret"].as_str().unwrap().to_owned();
    let stored: Vec<u8> = app
        .db
        .read(|conn| -> Result<Vec<u8>, textdesk_db::DbError> {
            use diesel::prelude::*;
            use textdesk_db::schema::idempotency_keys;
            Ok(idempotency_keys::table
                .select(idempotency_keys::response_body)
                .first::<Option<Vec<u8>>>(conn)?
                .unwrap_or_default())
        })
        .unwrap();
    assert!(!stored.is_empty());
    assert!(
        !String::from_utf8_lossy(&stored).contains(&secret[4..]),
        "the key's secret is stored readable"
    );
    let replayed = post_with_key(&app, "/api/v1/api-keys", token(&owner), "new-key", &request)
        .await
        .expect(201);
    assert_eq!(replayed.json()["secret"], secret.as_str());
}

async fn a_malformed_key_is_refused_by_name(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let conversation = conversation(&app, &owner).await;
    let path = format!("/api/v1/conversations/{conversation}/notes");
    let too_long = "k".repeat(256);
    for key in ["has space", too_long.as_str()] {
        let problem = post_with_key(&app, &path, token(&owner), key, &json!({"body": "x"}))
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(problem.errors[0].field, "Idempotency-Key");
        assert_eq!(problem.errors[0].code, "invalid_idempotency_key");
    }
    let longest = "k".repeat(255);
    post_with_key(&app, &path, token(&owner), &longest, &json!({"body": "x"}))
        .await
        .expect(201);
    assert_eq!(notes_in(&app, &owner, &conversation).await.len(), 1);
}
