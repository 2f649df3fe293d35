use serde_json::json;
use textdesk_tests::{PASSWORD, TestApp, on_both_backends};

on_both_backends!(
    setup_happens_exactly_once,
    setup_lists_every_invalid_field,
    org_create_after_setup
);

async fn setup_happens_exactly_once(app: TestApp) {
    assert_eq!(
        app.get("/api/v1/setup", None).await.expect(200).json(),
        json!({"needs_setup": true})
    );
    let owner = app.create_workspace("Harbor Dental", "ana@harbor.example").await;
    assert_eq!(
        app.get("/api/v1/setup", None).await.expect(200).json(),
        json!({"needs_setup": false})
    );

    let me = app
        .get("/api/v1/me", Some(&owner.access_token))
        .await
        .expect(200)
        .json();
    assert_eq!(me["role"], "owner");
    assert_eq!(me["email"], "ana@harbor.example");
    let organization = app
        .get("/api/v1/organization", Some(&owner.access_token))
        .await
        .expect(200)
        .json();
    assert_eq!(organization["name"], "Harbor Dental");
    assert_eq!(organization["settings"]["distribution_list_limit"], 0);

    let again = json!({
        "organization_name": "Second",
        "owner": {"email": "eve@example.com", "password": PASSWORD, "first_name": "Eve", "last_name": "X"}
    });
    app.post("/api/v1/setup", None, &again)
        .await
        .expect_problem(409, "already_set_up");
    app.login("eve@example.com", PASSWORD).await.expect(401);
}

async fn setup_lists_every_invalid_field(app: TestApp) {
    let body = json!({
        "organization_name": "  ",
        "owner": {"email": "not-an-email", "password": "short", "first_name": "", "last_name": "Ok"}
    });
    let problem = app
        .post("/api/v1/setup", None, &body)
        .await
        .expect_problem(422, "validation_failed");
    let mut fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["organization_name", "owner.email", "owner.first_name", "owner.password"]
    );
    assert_eq!(
        app.get("/api/v1/setup", None).await.json(),
        json!({"needs_setup": true}),
        "nothing was stored"
    );
}

async fn org_create_after_setup(app: TestApp) {
    let first = app.create_workspace("First", "first@example.com").await;
    let other = app.create_other_organization("Second Co", "second@example.com").await;
    assert_ne!(first.organization_id, other.organization_id);
    let organization = app
        .get("/api/v1/organization", Some(&other.access_token))
        .await
        .expect(200)
        .json();
    assert_eq!(organization["name"], "Second Co");
}
