use serde_json::json;
use textdesk_tests::{TestApp, on_both_backends};

on_both_backends!(settings_are_typed_and_validated);

async fn settings_are_typed_and_validated(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    let organization = app.get("/api/v1/organization", token).await.expect(200).json();
    let settings = &organization["settings"];
    assert_eq!(
        settings["opt_out_keywords"],
        json!([
            "STOP",
            "STOPALL",
            "UNSUBSCRIBE",
            "CANCEL",
            "END",
            "QUIT",
            "REVOKE",
            "OPTOUT"
        ])
    );
    assert_eq!(settings["concatenation_allowed"], true);
    assert_eq!(settings["consent_message_required"], false);
    assert_eq!(settings["name_tags_in_first_message"], false);

    let update = json!({
        "name": "Acme Dental", "consent_message_required": true, "opt_out_keywords": [" stop", "Unstop ", "STOP"],
        "distribution_list_limit": 500, "waiting_for_reply_minutes": 30, "name_tags_in_first_message": true
    });
    let updated = app
        .patch("/api/v1/organization", token, &update)
        .await
        .expect(200)
        .json();
    assert_eq!(updated["name"], "Acme Dental");
    assert_eq!(updated["settings"]["opt_out_keywords"], json!(["STOP", "UNSTOP"]));
    assert_eq!(updated["settings"]["consent_message_required"], true);
    assert_eq!(updated["settings"]["distribution_list_limit"], 500);
    assert_eq!(updated["settings"]["name_tags_in_first_message"], true);
    assert_eq!(
        updated["settings"]["help_keywords"],
        json!(["HELP", "INFO"]),
        "absent fields stay"
    );

    let bad = json!({"distribution_list_limit": 20000, "waiting_for_reply_minutes": 0, "help_text": "", "opt_in_keywords": [""]});
    let problem = app
        .patch("/api/v1/organization", token, &bad)
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors.len(), 4, "{problem:?}");
    // Admins change the rest, not the largest distribution list.
    let admin = app.add_agent(&owner, "admin@acme.example", "admin").await;
    app.patch(
        "/api/v1/organization",
        Some(admin.access_token.as_str()),
        &json!({"distribution_list_limit": 10}),
    )
    .await
    .expect_problem(403, "owners_only");
    // Sending the limit back as it is changes nothing, and is no refusal.
    app.patch(
        "/api/v1/organization",
        Some(admin.access_token.as_str()),
        &json!({"distribution_list_limit": 500, "name": "Acme Dental"}),
    )
    .await
    .expect(200);
    app.patch(
        "/api/v1/organization",
        Some(admin.access_token.as_str()),
        &json!({"waiting_for_reply_minutes": 45}),
    )
    .await
    .expect(200);
    let wrong_type = app
        .patch("/api/v1/organization", token, &json!({"drips_enabled": "yes"}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(wrong_type.errors[0].field, "drips_enabled");

    let log = app.get("/api/v1/audit-log?limit=1", token).await.expect(200).json();
    assert_eq!(log["items"][0]["action"], "organization.settings_changed");
    assert!(log["next_cursor"].is_string());
}
