use awc::http::Method;
use serde_json::json;
use textdesk_tests::{PASSWORD, TestApp, on_both_backends};

on_both_backends!(
    admins_manage_agents,
    agents_are_refused_admin_actions,
    admins_cannot_touch_owners,
    the_last_owner_stays,
    emails_are_unique,
    another_organizations_ids_are_not_found,
    agent_lists_are_paginated,
    agents_edit_their_own_profile,
    avatars_are_checked,
    the_audit_log_is_searched_by_actor_action_and_time,
);

async fn admins_manage_agents(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let admin = app.add_agent(&owner, "admin@acme.example", "admin").await;
    let body = json!({"email": "Sam@Acme.example", "password": PASSWORD, "first_name": "Sam", "last_name": "Lee", "role": "agent"});
    let created = app
        .post("/api/v1/agents", Some(&admin.access_token), &body)
        .await
        .expect(201);
    let location = created.header("location").unwrap();
    let sam = created.json();
    assert_eq!(sam["email"], "sam@acme.example");
    assert_eq!(sam["screenname"], "Sam");
    assert_eq!(sam["idle_alert_seconds"], 300);
    assert_eq!(location, format!("/api/v1/agents/{}", sam["id"].as_str().unwrap()));

    let promoted = app
        .patch(&location, Some(&admin.access_token), &json!({"role": "admin"}))
        .await
        .expect(200)
        .json();
    assert_eq!(promoted["role"], "admin");
    let log = app
        .get("/api/v1/audit-log", Some(&owner.access_token))
        .await
        .expect(200)
        .json();
    let entry = &log["items"][0];
    assert_eq!(entry["action"], "agent.role_changed");
    assert_eq!(entry["detail"], json!({"from": "agent", "to": "admin"}));
    assert_eq!(entry["actor_id"], admin.agent_id.as_str());
}

async fn the_audit_log_is_searched_by_actor_action_and_time(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let admin = app.add_agent(&owner, "admin@acme.example", "admin").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let token = Some(owner.access_token.as_str());
    let sam_path = format!("/api/v1/agents/{}", sam.agent_id);
    app.patch(&sam_path, Some(&admin.access_token), &json!({"role": "admin"}))
        .await
        .expect(200);
    app.patch(&sam_path, Some(&admin.access_token), &json!({"disabled": true}))
        .await
        .expect(200);
    app.post(
        "/api/v1/api-keys",
        token,
        &json!({"label": "Shop", "scopes": ["contacts:read"]}),
    )
    .await
    .expect(201);
    let search = |query: String| {
        let app = &app;
        async move {
            let page = app
                .get(&format!("/api/v1/audit-log?{query}"), token)
                .await
                .expect(200)
                .json();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|entry| (entry["action"].as_str().unwrap().to_owned(), entry["actor_id"].clone()))
                .collect::<Vec<_>>()
        }
    };
    let by_admin = search(format!("actor_id={}", admin.agent_id)).await;
    assert!(!by_admin.is_empty());
    assert!(
        by_admin.iter().all(|(_, actor)| actor == admin.agent_id.as_str()),
        "{by_admin:?}"
    );
    let roles = search("action=agent.role_changed".to_owned()).await;
    assert_eq!(roles.len(), 1, "{roles:?}");
    let family = search("action=agent.".to_owned()).await;
    assert!(
        family.iter().all(|(action, _)| action.starts_with("agent.")),
        "{family:?}"
    );
    assert!(family.len() >= 2, "{family:?}");
    let keys = search("action=api_key.".to_owned()).await;
    assert_eq!(
        keys.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(),
        ["api_key.created"]
    );
    // `_` in a family is itself, not LIKE's any character.
    assert!(search("action=api%5Fkey.".to_owned()).await.len() == 1);
    assert!(search("action=apixkey.".to_owned()).await.is_empty());

    let hour_ago = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let in_an_hour = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let encode = |at: &str| form_urlencoded::byte_serialize(at.as_bytes()).collect::<String>();
    let within = search(format!("since={}&until={}", encode(&hour_ago), encode(&in_an_hour))).await;
    assert!(within.len() >= 4, "{within:?}");
    assert!(search(format!("since={}", encode(&in_an_hour))).await.is_empty());
    assert!(search(format!("until={}", encode(&hour_ago))).await.is_empty());
    let problem = app
        .get(
            &format!(
                "/api/v1/audit-log?since={}&until={}",
                encode(&in_an_hour),
                encode(&hour_ago)
            ),
            token,
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "until");
    app.get("/api/v1/audit-log?since=yesterday", token)
        .await
        .expect_problem(422, "validation_failed");
}

async fn agents_are_refused_admin_actions(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let token = Some(sam.access_token.as_str());
    let new_agent =
        json!({"email": "x@acme.example", "password": PASSWORD, "first_name": "X", "last_name": "Y", "role": "agent"});
    app.post("/api/v1/agents", token, &new_agent)
        .await
        .expect_problem(403, "admins_only");
    let owner_path = format!("/api/v1/agents/{}", owner.agent_id);
    app.patch(&owner_path, token, &json!({"first_name": "Hacked"}))
        .await
        .expect_problem(403, "admins_only");
    app.post("/api/v1/groups", token, &json!({"name": "Mine"}))
        .await
        .expect_problem(403, "admins_only");
    app.patch("/api/v1/organization", token, &json!({"name": "Mine"}))
        .await
        .expect_problem(403, "admins_only");
    app.get("/api/v1/audit-log", token)
        .await
        .expect_problem(403, "admins_only");
    app.get("/api/v1/agents", token).await.expect(200);
    app.get("/api/v1/organization", token).await.expect(200);
}

async fn admins_cannot_touch_owners(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let admin = app.add_agent(&owner, "admin@acme.example", "admin").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let token = Some(admin.access_token.as_str());
    let owner_path = format!("/api/v1/agents/{}", owner.agent_id);
    app.patch(&owner_path, token, &json!({"disabled": true}))
        .await
        .expect_problem(403, "owners_only");
    let sam_path = format!("/api/v1/agents/{}", sam.agent_id);
    app.patch(&sam_path, token, &json!({"role": "owner"}))
        .await
        .expect_problem(403, "owners_only");
    let new_owner = json!({"email": "o2@acme.example", "password": PASSWORD, "first_name": "O", "last_name": "Two", "role": "owner"});
    app.post("/api/v1/agents", token, &new_owner)
        .await
        .expect_problem(403, "owners_only");
    let admin_path = format!("/api/v1/agents/{}", admin.agent_id);
    app.patch(&admin_path, token, &json!({"disabled": true}))
        .await
        .expect_problem(403, "own_account");
    app.post(&format!("{owner_path}/password-reset"), token, &json!({}))
        .await
        .expect_problem(403, "owners_only");
}

async fn the_last_owner_stays(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let second = app.add_agent(&owner, "second@acme.example", "owner").await;
    let first_path = format!("/api/v1/agents/{}", owner.agent_id);
    app.patch(&first_path, Some(&second.access_token), &json!({"role": "admin"}))
        .await
        .expect(200);
    let second_path = format!("/api/v1/agents/{}", second.agent_id);
    let first_now_admin = app.sign_in("owner@acme.example").await;
    app.patch(
        &second_path,
        Some(&first_now_admin.access_token),
        &json!({"role": "agent"}),
    )
    .await
    .expect_problem(403, "owners_only");
    app.patch(&second_path, Some(&second.access_token), &json!({"role": "admin"}))
        .await
        .expect_problem(403, "own_account");
}

async fn emails_are_unique(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let body = json!({"email": "OWNER@acme.example", "password": PASSWORD, "first_name": "A", "last_name": "B", "role": "agent"});
    let problem = app
        .post("/api/v1/agents", Some(&owner.access_token), &body)
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "email");
    assert_eq!(problem.errors[0].code, "email_taken");
}

async fn another_organizations_ids_are_not_found(app: TestApp) {
    let ours = app.create_workspace("Acme", "owner@acme.example").await;
    let theirs = app.create_other_organization("Globex", "boss@globex.example").await;
    let their_agent = format!("/api/v1/agents/{}", theirs.agent_id);
    let token = Some(ours.access_token.as_str());
    app.get(&their_agent, token).await.expect_problem(404, "not_found");
    app.patch(&their_agent, token, &json!({"first_name": "X"}))
        .await
        .expect_problem(404, "not_found");
    app.post(&format!("{their_agent}/password-reset"), token, &json!({}))
        .await
        .expect_problem(404, "not_found");
    app.get(&format!("{their_agent}/avatar"), token)
        .await
        .expect_problem(404, "not_found");
    let listed = app.get("/api/v1/agents", token).await.expect(200).json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    let group = app
        .post("/api/v1/groups", Some(&theirs.access_token), &json!({"name": "Sales"}))
        .await
        .expect(201)
        .json();
    let group_path = format!("/api/v1/groups/{}", group["id"].as_str().unwrap());
    app.get(&group_path, token).await.expect_problem(404, "not_found");
    app.delete(&group_path, token).await.expect_problem(404, "not_found");
    app.send_json(
        Method::PUT,
        &format!("{group_path}/members/{}", ours.agent_id),
        token,
        &json!({}),
    )
    .await
    .expect_problem(404, "not_found");
    let our_group = app
        .post("/api/v1/groups", token, &json!({"name": "Support"}))
        .await
        .expect(201)
        .json();
    let our_group_path = format!("/api/v1/groups/{}", our_group["id"].as_str().unwrap());
    app.send_json(
        Method::PUT,
        &format!("{our_group_path}/members/{}", theirs.agent_id),
        token,
        &json!({}),
    )
    .await
    .expect_problem(404, "not_found");
    app.get("/api/v1/agents/not-even-an-id", token)
        .await
        .expect_problem(404, "not_found");
}

async fn agent_lists_are_paginated(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    for n in 0..4 {
        let body = json!({"email": format!("a{n}@acme.example"), "password": PASSWORD, "first_name": "A", "last_name": "B", "role": "agent"});
        app.post("/api/v1/agents", Some(&owner.access_token), &body)
            .await
            .expect(201);
    }
    let token = Some(owner.access_token.as_str());
    let mut seen = Vec::new();
    let mut path = "/api/v1/agents?limit=2".to_owned();
    loop {
        let page = app.get(&path, token).await.expect(200).json();
        for agent in page["items"].as_array().unwrap() {
            seen.push(agent["email"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/agents?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "owner@acme.example",
            "a0@acme.example",
            "a1@acme.example",
            "a2@acme.example",
            "a3@acme.example"
        ]
    );
    for bad in [
        "limit=0",
        "limit=500",
        "limit=many",
        "cursor=%21%21",
        "cursor=bm90LWFuLWlk",
        "colour=blue",
    ] {
        let problem = app
            .get(&format!("/api/v1/agents?{bad}"), token)
            .await
            .expect(422)
            .problem();
        assert!(!problem.errors.is_empty(), "{bad}: {problem:?}");
    }
}

async fn agents_edit_their_own_profile(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    let update = json!({
        "screenname": "Olly", "time_zone": "America/Chicago", "idle_alert_seconds": 600,
        "notifications": {"transfer_mine": true, "transfer_group": true, "message_mine": false, "message_group": true},
        "mobile_number": "+1 (555) 201-3344"
    });
    let me = app.patch("/api/v1/me", token, &update).await.expect(200).json();
    assert_eq!(me["screenname"], "Olly");
    assert_eq!(me["time_zone"], "America/Chicago");
    assert_eq!(me["idle_alert_seconds"], 600);
    assert_eq!(me["notifications"]["message_group"], true);
    assert_eq!(me["mobile_number"], "+15552013344");

    let bad = json!({"time_zone": "Mars/Olympus", "idle_alert_seconds": 5, "screenname": "", "mobile_number": "12"});
    let problem = app
        .patch("/api/v1/me", token, &bad)
        .await
        .expect_problem(422, "validation_failed");
    let mut fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["idle_alert_seconds", "mobile_number", "screenname", "time_zone"]
    );
    let unchanged = app.get("/api/v1/me", token).await.expect(200).json();
    assert_eq!(
        unchanged["time_zone"], "America/Chicago",
        "a refused update changes nothing"
    );

    app.patch("/api/v1/me", token, &json!({"role": "owner"}))
        .await
        .expect_problem(422, "validation_failed");
    let cleared = app
        .patch("/api/v1/me", token, &json!({"mobile_number": ""}))
        .await
        .expect(200)
        .json();
    assert!(cleared.get("mobile_number").is_none());
    // Typed as people write their own number, without the country code.
    let local = app
        .patch("/api/v1/me", token, &json!({"mobile_number": "(202) 555-0199"}))
        .await
        .expect(200)
        .json();
    assert_eq!(local["mobile_number"], "+12025550199");
}

async fn avatars_are_checked(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let me = app
        .raw(
            Method::PUT,
            "/api/v1/me/avatar",
            token,
            Some("application/octet-stream"),
            png.clone(),
        )
        .await
        .expect(200)
        .json();
    let url = me["avatar_url"].as_str().unwrap().to_owned();
    let image = app.get(&url, token).await.expect(200);
    assert_eq!(image.header("content-type").as_deref(), Some("image/png"));
    assert_eq!(image.body, png);

    let pdf = b"%PDF-1.7 pretending to be an image".to_vec();
    let problem = app
        .raw(Method::PUT, "/api/v1/me/avatar", token, Some("image/png"), pdf)
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].code, "unsupported_type");
    let huge = vec![0xFF; 1024 * 1024 + 1];
    app.raw(Method::PUT, "/api/v1/me/avatar", token, Some("image/jpeg"), huge)
        .await
        .expect_problem(413, "payload_too_large");

    app.delete("/api/v1/me/avatar", token).await.expect(204);
    app.get(&url, token).await.expect_problem(404, "not_found");
}
