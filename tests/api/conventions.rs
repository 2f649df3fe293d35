use awc::http::Method;
use serde_json::json;
use textdesk_tests::{TestApp, on_both_backends};

on_both_backends!(
    malformed_json_is_a_400,
    wrong_types_and_unknown_fields_name_the_field,
    oversized_and_non_json_bodies_are_refused,
    unknown_routes_and_methods_answer_problems,
    probes_and_request_ids,
    the_browser_app_is_served,
);

async fn malformed_json_is_a_400(app: TestApp) {
    let cases: [&[u8]; 4] = [
        b"{\"email\": ",
        b"not json",
        b"",
        b"{\"email\":\"a@b.co\",\"password\":\"x\"} trailing",
    ];
    for body in cases {
        let problem = app
            .raw(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some("application/json"),
                body.to_vec(),
            )
            .await
            .expect_problem(400, "malformed_json");
        assert!(problem.detail.unwrap().starts_with("The body is not valid JSON"));
    }
}

async fn wrong_types_and_unknown_fields_name_the_field(app: TestApp) {
    let wrong_type = app
        .post("/api/v1/setup", None, &json!({"organization_name": 42, "owner": {}}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(wrong_type.errors[0].field, "organization_name");
    assert_eq!(wrong_type.errors[0].code, "invalid_type");

    let nested_missing = app
        .post(
            "/api/v1/setup",
            None,
            &json!({"organization_name": "Acme", "owner": {"email": "a@b.co"}}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(nested_missing.errors[0].field, "owner.password");
    assert_eq!(nested_missing.errors[0].code, "required");

    let unknown = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "a@b.co", "password": "x", "remember_me": true}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(unknown.errors[0].field, "remember_me");
    assert_eq!(unknown.errors[0].code, "unknown_field");

    let not_an_object = app
        .post("/api/v1/auth/login", None, &json!("me"))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(not_an_object.errors[0].field, "body");
}

async fn oversized_and_non_json_bodies_are_refused(app: TestApp) {
    let huge = format!("{{\"email\": \"{}\", \"password\": \"x\"}}", "a".repeat(70 * 1024));
    app.raw(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some("application/json"),
        huge.into_bytes(),
    )
    .await
    .expect_problem(413, "payload_too_large");
    app.raw(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some("text/plain"),
        b"{}".to_vec(),
    )
    .await
    .expect_problem(415, "unsupported_media_type");
    app.raw(Method::POST, "/api/v1/auth/login", None, None, b"{}".to_vec())
        .await
        .expect_problem(415, "unsupported_media_type");
}

async fn unknown_routes_and_methods_answer_problems(app: TestApp) {
    app.get("/api/v1/no-such-thing", None)
        .await
        .expect_problem(404, "not_found");
    app.get("/api/v2/agents", None).await.expect_problem(404, "not_found");
    app.get("/api/v1/agents/", None).await.expect_problem(404, "not_found");
    app.delete("/api/v1/agents", None)
        .await
        .expect_problem(405, "method_not_allowed");
    app.raw(
        Method::PUT,
        "/api/v1/auth/login",
        None,
        Some("application/json"),
        b"{}".to_vec(),
    )
    .await
    .expect_problem(405, "method_not_allowed");
    app.post("/webhooks/unknown", None, &json!({}))
        .await
        .expect_problem(404, "not_found");
}

async fn probes_and_request_ids(app: TestApp) {
    let health = app.get("/healthz", None).await.expect(200);
    assert_eq!(health.json(), json!({"status": "ok"}));
    assert!(health.header("x-request-id").is_some_and(|id| id.len() >= 32));
    let ready = app.get("/readyz", None).await.expect(200).json();
    let backend = match app.backend {
        textdesk_tests::Backend::Sqlite => "sqlite",
        textdesk_tests::Backend::Postgres => "postgresql",
    };
    assert_eq!(ready["database"], backend);
}

async fn the_browser_app_is_served(app: TestApp) {
    for path in ["/", "/login", "/team/members", "/../../etc/passwd"] {
        let page = app.get(path, None).await.expect(200);
        assert!(page.text().contains("Textdesk test app"), "{path}");
    }
    app.post("/login", None, &json!({}))
        .await
        .expect_problem(404, "not_found");
}
