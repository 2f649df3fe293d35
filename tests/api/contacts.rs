//! The contacts page's search: names, companies, emails, numbers typed in any format, labels;
//! and the contact tab's edits and opt-outs seen through the contact.

use serde_json::{Value, json};
use textdesk_tests::{Session, TestApp, on_both_backends};

on_both_backends!(
    contacts_are_found_by_name_email_number_and_label,
    contact_search_refuses_an_overlong_query_and_label,
    another_organizations_contacts_stay_hidden,
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
