//! The contacts page's search: names, companies, emails, numbers typed in any format, labels;
//! and the contact tab's edits and opt-outs seen through the contact.

use serde_json::{Value, json};
use textdesk_tests::{Session, TestApp, on_both_backends};

on_both_backends!(
    contacts_are_found_by_name_email_number_and_label,
    contact_search_refuses_an_overlong_query_and_label,
    another_organizations_contacts_stay_hidden,
    custom_fields_are_typed_and_admins_define_them,
    labels_given_to_contacts_are_offered,
);

fn token(session: &Session) -> Option<&str> {
    Some(session.access_token.as_str())
}

async fn add(app: &TestApp, session: &Session, contact: Value) -> Value {
    app.post("/api/v1/contacts", token(session), &contact)
        .await
        .expect(201)
        .json()
}

/// The phone numbers of the contacts a search finds, sorted.
async fn found(app: &TestApp, session: &Session, query: &str) -> Vec<String> {
    let list = app
        .get(&format!("/api/v1/contacts?{query}"), token(session))
        .await
        .expect(200)
        .json();
    let mut numbers: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|contact| contact["phone_number"].as_str().unwrap().to_owned())
        .collect();
    numbers.sort();
    numbers
}

async fn contacts_are_found_by_name_email_number_and_label(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add(
        &app,
        &owner,
        json!({"phone_number": "(202) 555-0123", "first_name": "Grace", "last_name": "Hopper",
               "company": "Navy Yard", "email": "grace@navy.example", "labels": ["vip", "catering"]}),
    )
    .await;
    add(
        &app,
        &owner,
        json!({"phone_number": "+44 20 7946 0958", "first_name": "Ada", "last_name": "Lovelace",
               "labels": ["vip-lite"]}),
    )
    .await;
    add(&app, &owner, json!({"phone_number": "+12025550199"})).await;
    let grace = ["+12025550123"];
    let ada = ["+442079460958"];
    for query in [
        "q=grace",
        "q=HOPPER",
        "q=Grace%20Hopper",
        "q=navy%20yard",
        "q=grace%40navy",
    ] {
        assert_eq!(found(&app, &owner, query).await, grace, "{query}");
    }
    // A number as people write it, in part or whole, with or without the country code.
    for query in [
        "q=(202)%20555-0123",
        "q=202-555-0123",
        "q=%2B1%20202%20555%200123",
        "q=5550123",
    ] {
        assert_eq!(found(&app, &owner, query).await, grace, "{query}");
    }
    assert_eq!(
        found(&app, &owner, "q=020%207946%200958").await,
        Vec::<String>::new(),
        "a UK trunk prefix is not in the number"
    );
    assert_eq!(found(&app, &owner, "q=7946%200958").await, ada);
    // A label exactly: "vip" is not "vip-lite".
    assert_eq!(found(&app, &owner, "label=vip").await, grace);
    assert_eq!(found(&app, &owner, "label=vip-lite").await, ada);
    assert_eq!(found(&app, &owner, "label=vip&q=ada").await, Vec::<String>::new());
    assert_eq!(
        found(&app, &owner, "q=%20%20").await.len(),
        3,
        "a blank search lists everyone"
    );
    assert_eq!(found(&app, &owner, "q=nobody").await, Vec::<String>::new());
}

async fn contact_search_refuses_an_overlong_query_and_label(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    for (query, field) in [
        (format!("q={}", "a".repeat(201)), "q"),
        (format!("label={}", "b".repeat(51)), "label"),
    ] {
        let problem = app
            .get(&format!("/api/v1/contacts?{query}"), token(&owner))
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(
            (problem.errors[0].field.as_str(), problem.errors[0].code.as_str()),
            (field, "too_long")
        );
    }
}

async fn another_organizations_contacts_stay_hidden(app: TestApp) {
    let acme = app.create_workspace("Acme", "owner@acme.example").await;
    let globex = app.create_other_organization("Globex", "owner@globex.example").await;
    let theirs = add(
        &app,
        &globex,
        json!({"phone_number": "+12025550123", "first_name": "Grace", "labels": ["vip"]}),
    )
    .await;
    assert!(found(&app, &acme, "q=grace").await.is_empty());
    assert!(found(&app, &acme, "label=vip").await.is_empty());
    let id = theirs["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/contacts/{id}"),
        format!("/api/v1/contacts/{id}/consent-history"),
        format!("/api/v1/contacts/{id}/thread"),
    ] {
        app.get(&path, token(&acme)).await.expect(404);
    }
    app.patch(
        &format!("/api/v1/contacts/{id}"),
        token(&acme),
        &json!({"first_name": "Mine"}),
    )
    .await
    .expect(404);
    app.post(&format!("/api/v1/contacts/{id}/opt-out"), token(&acme), &json!({}))
        .await
        .expect(404);
}

async fn custom_fields_are_typed_and_admins_define_them(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let mut ids = Vec::new();
    for (name, kind) in [("visits", "number"), ("renewal date", "date"), ("membership", "text")] {
        let field = app
            .post(
                "/api/v1/custom-fields",
                token(&owner),
                &json!({"name": name, "kind": kind}),
            )
            .await
            .expect(201)
            .json();
        assert_eq!(field["kind"], kind);
        ids.push(field["id"].as_str().unwrap().to_owned());
    }
    let taken = app
        .post(
            "/api/v1/custom-fields",
            token(&owner),
            &json!({"name": "visits", "kind": "text"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(
        (taken.errors[0].field.as_str(), taken.errors[0].code.as_str()),
        ("name", "name_taken")
    );
    app.post(
        "/api/v1/custom-fields",
        token(&sam),
        &json!({"name": "tier", "kind": "text"}),
    )
    .await
    .expect(403);
    let listed = app.get("/api/v1/custom-fields", token(&sam)).await.expect(200).json();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["membership", "renewal date", "visits"]);

    // Values are checked by type, every wrong one named; nothing is saved.
    let wrong = app
        .post(
            "/api/v1/contacts",
            token(&sam),
            &json!({"phone_number": "+12025550123", "custom_fields": {"visits": "ten", "renewal date": "2026-13-01"}}),
        )
        .await
        .expect_problem(422, "validation_failed");
    let mut named: Vec<(&str, &str)> = wrong
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    named.sort();
    assert_eq!(
        named,
        [
            ("custom_fields.renewal date", "invalid_date"),
            ("custom_fields.visits", "invalid_number")
        ]
    );
    assert!(found(&app, &sam, "q=5550123").await.is_empty());
    let contact = add(
        &app,
        &sam,
        json!({"phone_number": "+12025550123", "custom_fields": {"visits": " 12 ", "renewal date": "2027-01-31", "shoe size": "9"}}),
    )
    .await;
    assert_eq!(
        contact["custom_fields"],
        json!({"renewal date": "2027-01-31", "shoe size": "9", "visits": "12"})
    );
    let path = format!("/api/v1/contacts/{}", contact["id"].as_str().unwrap());
    let problem = app
        .patch(&path, token(&sam), &json!({"custom_fields": {"visits": "a dozen"}}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "custom_fields.visits");

    // Another organization's field is not found; once removed, the field's values are text.
    let globex = app.create_other_organization("Globex", "owner@globex.example").await;
    app.delete(&format!("/api/v1/custom-fields/{}", ids[0]), token(&globex))
        .await
        .expect(404);
    app.delete(&format!("/api/v1/custom-fields/{}", ids[0]), token(&sam))
        .await
        .expect(403);
    app.delete(&format!("/api/v1/custom-fields/{}", ids[0]), token(&owner))
        .await
        .expect(204);
    let patched = app
        .patch(&path, token(&sam), &json!({"custom_fields": {"visits": "a dozen"}}))
        .await
        .expect(200)
        .json();
    assert_eq!(patched["custom_fields"]["visits"], "a dozen");
    assert!(
        app.get("/api/v1/custom-fields", token(&globex))
            .await
            .expect(200)
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn labels_given_to_contacts_are_offered(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add(&app, &owner, json!({"phone_number": "+12025550123", "labels": ["vip"]})).await;
    let other = add(&app, &owner, json!({"phone_number": "+12025550124"})).await;
    app.patch(
        &format!("/api/v1/contacts/{}", other["id"].as_str().unwrap()),
        token(&owner),
        &json!({"labels": ["gold", "vip"]}),
    )
    .await
    .expect(200);
    let labels = app.get("/api/v1/labels", token(&owner)).await.expect(200).json();
    assert_eq!(labels, json!(["gold", "vip"]));
    let globex = app.create_other_organization("Globex", "owner@globex.example").await;
    assert_eq!(
        app.get("/api/v1/labels", token(&globex)).await.expect(200).json(),
        json!([])
    );
}
