use awc::http::Method;
use serde_json::json;
use textdesk_tests::{TestApp, on_both_backends};

on_both_backends!(groups_and_members, group_names_are_unique_and_valid);

async fn groups_and_members(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let token = Some(owner.access_token.as_str());
    let group = app
        .post(
            "/api/v1/groups",
            token,
            &json!({"name": "Front desk", "member_ids": [sam.agent_id]}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(group["member_ids"], json!([sam.agent_id]));
    let path = format!("/api/v1/groups/{}", group["id"].as_str().unwrap());

    let with_owner = app
        .send_json(
            Method::PUT,
            &format!("{path}/members/{}", owner.agent_id),
            token,
            &json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(with_owner["member_ids"].as_array().unwrap().len(), 2);
    app.send_json(
        Method::PUT,
        &format!("{path}/members/{}", owner.agent_id),
        token,
        &json!({}),
    )
    .await
    .expect(200);

    let renamed = app
        .patch(&path, token, &json!({"name": "Reception"}))
        .await
        .expect(200)
        .json();
    assert_eq!(renamed["name"], "Reception");
    let without_sam = app
        .delete(&format!("{path}/members/{}", sam.agent_id), token)
        .await
        .expect(200)
        .json();
    assert_eq!(without_sam["member_ids"], json!([owner.agent_id]));

    let listed = app
        .get("/api/v1/groups", Some(&sam.access_token))
        .await
        .expect(200)
        .json();
    assert_eq!(listed["items"][0]["name"], "Reception");
    app.delete(&path, Some(&sam.access_token))
        .await
        .expect_problem(403, "admins_only");
    app.delete(&path, token).await.expect(204);
    let log = app.get("/api/v1/audit-log?limit=1", token).await.expect(200).json();
    assert_eq!(log["items"][0]["action"], "group.deleted");
    assert_eq!(log["items"][0]["detail"]["name"], "Reception");
    app.get(&path, token).await.expect_problem(404, "not_found");
}

async fn group_names_are_unique_and_valid(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    app.post("/api/v1/groups", token, &json!({"name": "Billing"}))
        .await
        .expect(201);
    let taken = app
        .post("/api/v1/groups", token, &json!({"name": "Billing"}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(taken.errors[0].code, "name_taken");
    let empty = app
        .post("/api/v1/groups", token, &json!({"name": " "}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(empty.errors[0].field, "name");
    let unknown_member = app
        .post(
            "/api/v1/groups",
            token,
            &json!({"name": "Ghosts", "member_ids": ["01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a69"]}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(unknown_member.errors[0].field, "member_ids[0]");
    let listed = app.get("/api/v1/groups", token).await.expect(200).json();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "the refused group was not stored"
    );
}
