//! What an outside check found: NUL bytes, JSON arrays for objects, races that answered 409,
//! case-sensitive search, and a database outage that signed agents out.

use awc::http::Method;
use serde_json::json;
use textdesk_tests::{Backend, Session, TestApp, on_both_backends};

on_both_backends!(
    nul_characters_are_refused_where_input_enters,
    bodies_must_be_json_objects,
    concurrent_read_marks_and_first_sends_all_succeed,
    contact_search_ignores_case_and_matches_wildcards_literally,
);

async fn add_simulator_number(app: &TestApp, owner: &Session) -> String {
    let number = json!({"phone_number": "+12025550100", "label": "Main", "provider": "simulator"});
    let created = app
        .post("/api/v1/numbers", Some(&owner.access_token), &number)
        .await
        .expect(201)
        .json();
    created["id"].as_str().unwrap().to_owned()
}

async fn nul_characters_are_refused_where_input_enters(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    let problem = app
        .post("/api/v1/auth/login", None, &json!({"email": "\u{0}", "password": "x"}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "email");
    assert_eq!(problem.errors[0].code, "control_characters");
    for (body, field) in [
        (
            json!({"to": "+12025550143", "body": "hi", "from_number_id": "a\u{0}b"}),
            "from_number_id",
        ),
        (
            json!({"to": "+12025550143", "body": "hi", "media_ids": ["m\u{0}"]}),
            "media_ids[0]",
        ),
    ] {
        let problem = app
            .post("/api/v1/messages", token, &body)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(problem.errors[0].field, field);
    }
    let problem = app
        .get("/api/v1/contacts?q=%00", token)
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "q");
    for path in [
        "/api/v1/contacts/a%00b",
        "/api/v1/agents/a%00b",
        "/api/v1/media/a%00b",
        "/media/a%00b",
    ] {
        app.get(path, token).await.expect_problem(404, "not_found");
    }
    let webhook = "To=%2B12025550100&From=%2B1202555%000143&MessageSid=SM1&AccountSid=AC1&Body=hi";
    let problem = app
        .raw(
            Method::POST,
            "/webhooks/twilio/messages",
            None,
            Some("application/x-www-form-urlencoded"),
            webhook.as_bytes().to_vec(),
        )
        .await
        .expect_problem(400, "invalid_webhook");
    assert!(problem.detail.unwrap().contains("From"));
}

async fn bodies_must_be_json_objects(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let problem = app
        .patch("/api/v1/me", Some(&owner.access_token), &json!(["A", "B", "C"]))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "body");
    app.post(
        "/api/v1/auth/login",
        None,
        &json!(["owner@acme.example", "correct horse battery staple"]),
    )
    .await
    .expect_problem(422, "validation_failed");
    let me = app
        .get("/api/v1/me", Some(&owner.access_token))
        .await
        .expect(200)
        .json();
    assert_ne!(me["first_name"], "A", "nothing was changed");
}

async fn concurrent_read_marks_and_first_sends_all_succeed(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = owner.access_token.as_str();
    let number = add_simulator_number(&app, &owner).await;
    let start = json!({"to": "+12025550199", "from_number_id": number});
    let starts = (0..6).flat_map(|_| 0..10).map(|_| {
        let (app, start) = (&app, &start);
        async move {
            app.post("/api/v1/conversations", Some(token), start)
                .await
                .status
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(starts).await;
    assert!(
        statuses.iter().all(|status| *status == 200 || *status == 201),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|status| **status == 201).count(),
        1,
        "one conversation"
    );
    let list = app
        .get("/api/v1/contacts?q=5550199", Some(token))
        .await
        .expect(200)
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "one contact");

    let conversations = app.get("/api/v1/conversations", Some(token)).await.json();
    let id = conversations["items"][0]["id"].as_str().unwrap().to_owned();
    let marks = (0..6).flat_map(|_| 0..25).map(|n| {
        let (app, id) = (&app, &id);
        async move {
            let action = if n % 2 == 0 { "read" } else { "unread" };
            app.post(&format!("/api/v1/conversations/{id}/{action}"), Some(token), &json!({}))
                .await
                .status
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(marks).await;
    assert!(statuses.iter().all(|status| *status == 204), "{statuses:?}");
}

async fn contact_search_ignores_case_and_matches_wildcards_literally(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    for (phone, first_name, company) in [
        ("+12025550143", "Joe", "Smile_Dental"),
        ("+12025550177", "Maria", "100% Teeth"),
    ] {
        app.post(
            "/api/v1/contacts",
            token,
            &json!({"phone_number": phone, "first_name": first_name, "company": company}),
        )
        .await
        .expect(201);
    }
    let names = |query: &'static str| {
        let app = &app;
        async move {
            let list = app
                .get(&format!("/api/v1/contacts?q={query}"), token)
                .await
                .expect(200)
                .json();
            let mut names: Vec<String> = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["first_name"].as_str().unwrap().to_owned())
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(names("joe").await, ["Joe"]);
    assert_eq!(names("MARIA").await, ["Maria"]);
    assert_eq!(names("_").await, ["Joe"], "only the company with an underscore");
    assert_eq!(names("%25").await, ["Maria"], "only the company with a percent sign");
    assert!(names("mi_e").await.is_empty(), "_ matches itself, not any character");
}

/// A database that cannot be reached answers 503 with Retry-After, never 401: a blip must not
/// sign agents out. PostgreSQL only: a SQLite file cannot be cut off from a running server.
#[actix_rt::test]
async fn an_unreachable_database_is_503_not_a_sign_out() {
    use diesel::{Connection, PgConnection, RunQueryDsl};

    let app = TestApp::spawn(Backend::Postgres).await;
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let name = app.database_url().rsplit('/').next().unwrap().to_owned();
    let admin_url = app.database_url().replace(&format!("/{name}"), "/postgres");
    let mut admin = PgConnection::establish(&admin_url).unwrap();
    let allow = |allowed: bool| format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {allowed}");
    diesel::sql_query(allow(false)).execute(&mut admin).unwrap();
    diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .execute(&mut admin)
    .unwrap();
    let during = app.get("/api/v1/me", Some(&owner.access_token)).await;
    diesel::sql_query(allow(true)).execute(&mut admin).unwrap();
    assert!(
        during.header("retry-after").is_some(),
        "says when to try again: {} {:?} {}",
        during.status,
        during.headers,
        during.text()
    );
    let problem = during.expect_problem(503, "unavailable");
    assert!(problem.detail.is_some());
    app.get("/api/v1/me", Some(&owner.access_token)).await.expect(200);
}

/// A table that grew since its statistics were gathered gets them again from housekeeping, so
/// ingest never depends on autovacuum having run (it is off on some installs). PostgreSQL
/// only: SQLite's planner keeps no such statistics.
#[actix_rt::test]
async fn grown_tables_get_fresh_planner_statistics() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let organization = textdesk_types::OrganizationId::new(owner.organization_id.clone());
    let phones: Vec<String> = (0..1_000).map(|n| format!("+1202555{n:04}")).collect();
    app.db
        .write(|conn| {
            let phones: Vec<&str> = phones.iter().map(String::as_str).collect();
            textdesk_db::contacts::find_or_create_all(conn, &organization, &phones)
        })
        .unwrap();
    // Sessions report their row counts to the statistics within seconds, not at once.
    let mut analysed = Vec::new();
    for _ in 0..60 {
        analysed = textdesk_db::housekeeping::refresh_statistics(&app.db).unwrap();
        if analysed.iter().any(|table| table == "contacts") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(analysed.iter().any(|table| table == "contacts"), "{analysed:?}");
    let again = textdesk_db::housekeeping::refresh_statistics(&app.db).unwrap();
    assert!(!again.iter().any(|table| table == "contacts"), "fresh now: {again:?}");
}

/// A read whose connection is cut while it runs (here it ends its own session, as a restarted
/// server or a proxy would) runs once more on a fresh connection and answers; a write is not
/// run again, since it may have committed. PostgreSQL only: SQLite has no connection to lose.
#[actix_rt::test]
async fn a_read_cut_mid_query_runs_once_more_and_a_write_does_not() {
    use std::sync::atomic::{AtomicU32, Ordering};

    use diesel::RunQueryDsl;
    use textdesk_db::DbError;

    let app = TestApp::spawn(Backend::Postgres).await;
    let cut_own_connection = "SELECT pg_terminate_backend(pg_backend_pid())";
    let attempts = AtomicU32::new(0);
    let answer = app.db.read(|conn| {
        if attempts.fetch_add(1, Ordering::SeqCst) == 0 {
            diesel::sql_query(cut_own_connection).execute(conn)?;
        }
        diesel::sql_query("SELECT 1").execute(conn).map_err(DbError::from)
    });
    assert_eq!(answer.unwrap(), 1, "the read answered from a fresh connection");
    assert_eq!(attempts.load(Ordering::SeqCst), 2);

    let attempts = AtomicU32::new(0);
    let written: Result<usize, DbError> = app.db.write(|conn| {
        attempts.fetch_add(1, Ordering::SeqCst);
        Ok(diesel::sql_query(cut_own_connection).execute(conn)?)
    });
    assert!(matches!(written, Err(DbError::Unavailable(_))), "{written:?}");
    assert_eq!(attempts.load(Ordering::SeqCst), 1, "a write runs once");
    app.db
        .read(|conn| diesel::sql_query("SELECT 1").execute(conn).map_err(DbError::from))
        .unwrap();
}
