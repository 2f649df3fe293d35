use serde_json::json;
use textdesk_tests::{PASSWORD, TestApp, on_both_backends};
use textdesk_types::auth::TokenResponse;

on_both_backends!(
    login_right_and_wrong,
    login_is_throttled_per_account,
    login_is_throttled_per_address,
    refresh_rotates_tokens,
    reused_refresh_token_revokes_the_session,
    logout_ends_the_session,
    disabled_agent_is_locked_out_at_once,
    password_reset_link_works_once,
    changing_password_ends_other_sessions,
    bad_tokens_are_refused,
    login_is_audited,
);

async fn login_right_and_wrong(app: TestApp) {
    app.create_workspace("Acme", "owner@acme.example").await;
    let tokens: TokenResponse = app.login("OWNER@acme.example ", PASSWORD).await.expect(200).parse();
    assert_eq!(tokens.token_type, "Bearer");
    assert!((800..=900).contains(&tokens.expires_in));
    app.get("/api/v1/me", Some(&tokens.access_token)).await.expect(200);

    let wrong = app
        .login("owner@acme.example", "wrong password!")
        .await
        .expect_problem(401, "invalid_credentials");
    let unknown = app
        .login("nobody@acme.example", PASSWORD)
        .await
        .expect_problem(401, "invalid_credentials");
    assert_eq!(wrong.detail, unknown.detail, "no hint which emails exist");
}

async fn login_is_throttled_per_account(app: TestApp) {
    app.create_workspace("Acme", "owner@acme.example").await;
    for _ in 0..5 {
        app.login("owner@acme.example", "wrong password!").await.expect(401);
    }
    let throttled = app.login("owner@acme.example", PASSWORD).await;
    let retry_after: i64 = throttled.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after));
    throttled.expect_problem(429, "too_many_attempts");
}

async fn login_is_throttled_per_address(app: TestApp) {
    app.create_workspace("Acme", "owner@acme.example").await;
    for attempt in 0..20 {
        app.login(&format!("guess{attempt}@acme.example"), "wrong password!")
            .await
            .expect(401);
    }
    app.login("owner@acme.example", PASSWORD)
        .await
        .expect_problem(429, "too_many_attempts");
}

async fn refresh_rotates_tokens(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let body = json!({"refresh_token": owner.refresh_token});
    let next: TokenResponse = app.post("/api/v1/auth/refresh", None, &body).await.expect(200).parse();
    assert_ne!(next.refresh_token, owner.refresh_token);
    app.get("/api/v1/me", Some(&next.access_token)).await.expect(200);
    let again: TokenResponse = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": next.refresh_token}),
        )
        .await
        .expect(200)
        .parse();
    assert_ne!(again.refresh_token, next.refresh_token);
    app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": "made-up"}))
        .await
        .expect_problem(401, "invalid_refresh_token");
}

async fn reused_refresh_token_revokes_the_session(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let other_session = app.sign_in("owner@acme.example").await;
    let first = json!({"refresh_token": owner.refresh_token});
    let next: TokenResponse = app.post("/api/v1/auth/refresh", None, &first).await.expect(200).parse();

    app.post("/api/v1/auth/refresh", None, &first)
        .await
        .expect_problem(401, "refresh_token_reused");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": next.refresh_token}),
    )
    .await
    .expect_problem(401, "session_revoked");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": other_session.refresh_token}),
    )
    .await
    .expect(200);
}

async fn logout_ends_the_session(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let body = json!({"refresh_token": owner.refresh_token});
    app.post("/api/v1/auth/logout", None, &body).await.expect(204);
    app.post("/api/v1/auth/refresh", None, &body)
        .await
        .expect_problem(401, "session_revoked");
    app.post("/api/v1/auth/logout", None, &json!({"refresh_token": "unknown"}))
        .await
        .expect(204);
}

async fn disabled_agent_is_locked_out_at_once(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    app.get("/api/v1/me", Some(&sam.access_token)).await.expect(200);

    let path = format!("/api/v1/agents/{}", sam.agent_id);
    let disabled = app
        .patch(&path, Some(&owner.access_token), &json!({"disabled": true}))
        .await
        .expect(200)
        .json();
    assert_eq!(disabled["disabled"], true);

    app.get("/api/v1/me", Some(&sam.access_token))
        .await
        .expect_problem(401, "account_disabled");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": sam.refresh_token}),
    )
    .await
    .expect_problem(401, "session_revoked");
    app.login("sam@acme.example", PASSWORD)
        .await
        .expect_problem(401, "account_disabled");
    app.login("sam@acme.example", "wrong password!")
        .await
        .expect_problem(401, "invalid_credentials");

    app.patch(&path, Some(&owner.access_token), &json!({"disabled": false}))
        .await
        .expect(200);
    app.sign_in("sam@acme.example").await;
}

async fn password_reset_link_works_once(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let path = format!("/api/v1/agents/{}/password-reset", sam.agent_id);
    app.post(&path, Some(&sam.access_token), &json!({}))
        .await
        .expect_problem(403, "admins_only");
    let link = app
        .post(&path, Some(&owner.access_token), &json!({}))
        .await
        .expect(201)
        .json();
    let token = link["token"].as_str().unwrap().to_owned();
    assert!(link["reset_url"].as_str().unwrap().ends_with(&token));

    let confirm = |password: &str| json!({"token": token, "new_password": password});
    app.post("/api/v1/auth/password-reset", None, &confirm("short"))
        .await
        .expect_problem(422, "validation_failed");
    app.post("/api/v1/auth/password-reset", None, &confirm("a brand new passphrase"))
        .await
        .expect(204);
    app.post("/api/v1/auth/password-reset", None, &confirm("another new passphrase"))
        .await
        .expect_problem(400, "invalid_reset_token");

    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": sam.refresh_token}),
    )
    .await
    .expect_problem(401, "session_revoked");
    app.login("sam@acme.example", PASSWORD).await.expect(401);
    app.login("sam@acme.example", "a brand new passphrase")
        .await
        .expect(200);
}

async fn changing_password_ends_other_sessions(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let laptop = app.sign_in("owner@acme.example").await;
    let wrong = json!({"current_password": "not my password", "new_password": "a brand new passphrase"});
    app.put("/api/v1/me/password", Some(&owner.access_token), &wrong)
        .await
        .expect_problem(403, "wrong_password");
    let body = json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"});
    let fresh: TokenResponse = app
        .put("/api/v1/me/password", Some(&owner.access_token), &body)
        .await
        .expect(200)
        .parse();
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": laptop.refresh_token}),
    )
    .await
    .expect_problem(401, "session_revoked");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": fresh.refresh_token}),
    )
    .await
    .expect(200);
    app.login("owner@acme.example", "a brand new passphrase")
        .await
        .expect(200);
}

async fn bad_tokens_are_refused(app: TestApp) {
    app.create_workspace("Acme", "owner@acme.example").await;
    let missing = app.get("/api/v1/me", None).await;
    assert_eq!(missing.header("www-authenticate").as_deref(), Some("Bearer"));
    missing.expect_problem(401, "missing_token");
    app.get("/api/v1/me", Some("not.a.jwt"))
        .await
        .expect_problem(401, "invalid_token");
    let forged = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4Iiwib3JnIjoieCIsInJvbGUiOiJvd25lciIsImlhdCI6MSwiZXhwIjo5OTk5OTk5OTk5fQ.c2lnbmF0dXJl";
    app.get("/api/v1/me", Some(forged))
        .await
        .expect_problem(401, "invalid_token");
}

async fn login_is_audited(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    app.login("owner@acme.example", "wrong password!").await.expect(401);
    let log = app
        .get("/api/v1/audit-log", Some(&owner.access_token))
        .await
        .expect(200)
        .json();
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.first(), Some(&"login.failed"), "{actions:?}");
    assert!(actions.contains(&"organization.created"));
    assert!(actions.contains(&"login.succeeded"));
    assert_eq!(log["items"][0]["client_address"], "127.0.0.1");
}
