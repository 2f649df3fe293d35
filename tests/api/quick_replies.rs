//! Quick replies (personal and shared) and merge fields in the texts the team sends.

use serde_json::{Value, json};
use textdesk_tests::{Session, TestApp, on_both_backends};

on_both_backends!(
    quick_replies_are_personal_or_shared_by_admins,
    quick_replies_refuse_bad_titles_and_texts,
    merge_fields_are_filled_from_the_contact_when_sent,
);

fn token(session: &Session) -> Option<&str> {
    Some(session.access_token.as_str())
}

async fn save(app: &TestApp, session: &Session, title: &str, shared: bool) -> Value {
    app.post(
        "/api/v1/quick-replies",
        token(session),
        &json!({"title": title, "body": format!("{title}, {{{{First Name}}}}!"), "shared": shared}),
    )
    .await
    .expect(201)
    .json()
}

async fn titles(app: &TestApp, session: &Session, query: &str) -> Vec<String> {
    app.get(&format!("/api/v1/quick-replies{query}"), token(session))
        .await
        .expect(200)
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|reply| reply["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn quick_replies_are_personal_or_shared_by_admins(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let lee = app.add_agent(&owner, "lee@acme.example", "agent").await;
    let shared = save(&app, &owner, "Closing", true).await;
    assert_eq!(shared["shared"], true);
    assert_eq!(shared["body"], "Closing, {{First Name}}!");
    let sams = save(&app, &sam, "Hours", false).await;
    assert_eq!(sams["shared"], false);

    // An agent keeps their own; sharing is for owners and admins.
    let problem = app
        .post(
            "/api/v1/quick-replies",
            token(&sam),
            &json!({"title": "Mine for all", "body": "Hi", "shared": true}),
        )
        .await
        .expect_problem(403, "admins_only");
    assert!(problem.detail.is_some());
    assert_eq!(titles(&app, &sam, "").await, ["Closing", "Hours"]);
    assert_eq!(titles(&app, &lee, "").await, ["Closing"]);
    assert_eq!(titles(&app, &owner, "").await, ["Closing"]);
    assert_eq!(titles(&app, &sam, "?q=HOUR").await, ["Hours"]);
    assert_eq!(titles(&app, &sam, "?q=closing,").await, ["Closing"]);

    // Another agent's own is not found; a shared one is seen by all, changed by admins only.
    let sams_path = format!("/api/v1/quick-replies/{}", sams["id"].as_str().unwrap());
    let shared_path = format!("/api/v1/quick-replies/{}", shared["id"].as_str().unwrap());
    app.patch(&sams_path, token(&lee), &json!({"title": "Taken"}))
        .await
        .expect_problem(404, "not_found");
    app.delete(&sams_path, token(&owner)).await.expect(404);
    app.patch(&shared_path, token(&sam), &json!({"title": "Bye"}))
        .await
        .expect_problem(403, "admins_only");
    app.delete(&shared_path, token(&sam)).await.expect(403);
    let changed = app
        .patch(&sams_path, token(&sam), &json!({"body": "Open 9 to 5"}))
        .await
        .expect(200)
        .json();
    assert_eq!(
        (changed["title"].as_str(), changed["body"].as_str()),
        (Some("Hours"), Some("Open 9 to 5"))
    );
    let renamed = app
        .patch(&shared_path, token(&owner), &json!({"title": "Goodbye"}))
        .await
        .expect(200)
        .json();
    assert_eq!(renamed["title"], "Goodbye");
    app.delete(&sams_path, token(&sam)).await.expect(204);
    app.delete(&shared_path, token(&owner)).await.expect(204);
    assert!(titles(&app, &sam, "").await.is_empty());

    // Another organization's quick reply is not found.
    let other = app.create_other_organization("Globex", "owner@globex.example").await;
    let theirs = save(&app, &other, "Theirs", true).await;
    let theirs_path = format!("/api/v1/quick-replies/{}", theirs["id"].as_str().unwrap());
    app.patch(&theirs_path, token(&owner), &json!({"title": "Ours"}))
        .await
        .expect(404);
    app.delete(&theirs_path, token(&owner)).await.expect(404);
    assert!(titles(&app, &owner, "").await.is_empty());
}

async fn quick_replies_refuse_bad_titles_and_texts(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    for (body, field, code) in [
        (json!({"title": "  ", "body": "Hi"}), "title", "required"),
        (json!({"title": "x".repeat(81), "body": "Hi"}), "title", "too_long"),
        (json!({"title": "Hi", "body": " \n "}), "body", "required"),
        (json!({"title": "Hi", "body": "x".repeat(2001)}), "body", "too_long"),
        (json!({"title": "Hi", "body": "a\u{0}b"}), "body", "control_characters"),
    ] {
        let problem = app
            .post("/api/v1/quick-replies", token(&owner), &body)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(
            (problem.errors[0].field.as_str(), problem.errors[0].code.as_str()),
            (field, code)
        );
    }
    assert!(titles(&app, &owner, "").await.is_empty());
}

async fn merge_fields_are_filled_from_the_contact_when_sent(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let number = app
        .post(
            "/api/v1/numbers",
            token(&owner),
            &json!({"phone_number": "+12025550100", "label": "Main", "provider": "simulator"}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = json!({"from": "+12025550143", "number_id": number, "body": "Hello?"});
    let inbound = app
        .post("/api/v1/simulator/messages", token(&owner), &text)
        .await
        .expect(201)
        .json();
    let conversation = inbound["conversation_id"].as_str().unwrap().to_owned();
    let contact = app
        .get(&format!("/api/v1/conversations/{conversation}"), token(&owner))
        .await
        .expect(200)
        .json()["conversation"]["contact_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = |body: &'static str| {
        let (app, owner, conversation) = (&app, &owner, &conversation);
        async move {
            app.post(
                &format!("/api/v1/conversations/{conversation}/messages"),
                token(owner),
                &json!({"body": body}),
            )
            .await
        }
    };

    // A field the contact has no value for is refused, naming it; nothing is sent.
    let problem = reply("Hi {{First Name}}, about your {{plan}}")
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "body");
    assert_eq!(problem.errors[0].code, "merge_field_missing");
    assert!(problem.errors[0].message.contains("{{First Name}}") && problem.errors[0].message.contains("{{plan}}"));
    let thread = app
        .get(&format!("/api/v1/contacts/{contact}/thread"), token(&owner))
        .await
        .expect(200)
        .json();
    let bodies = thread.to_string();
    assert!(!bodies.contains("about your"), "nothing was recorded");

    app.patch(
        &format!("/api/v1/contacts/{contact}"),
        token(&owner),
        &json!({
            "first_name": "Joe", "last_name": "Smith", "company": "An Exceptionally Long Company Name Inc.",
            "custom_fields": {"plan": "diamond"}
        }),
    )
    .await
    .expect(200);
    let sent = reply("Hi {{First Name}} {{Last Name}} of {{Company Name}}, your {{Plan}} plan")
        .await
        .expect(201)
        .json();
    assert_eq!(
        sent["body"],
        "Hi Joe Smith of An Exceptionally Long Company, your diamond plan"
    );
    // Braces that name no field are text.
    let plain = reply("Braces {{ alone, and {} or }} stay").await.expect(201).json();
    assert_eq!(plain["body"], "Braces {{ alone, and {} or }} stay");
}
