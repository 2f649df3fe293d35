use std::time::Duration;

use serde_json::json;
use textdesk_tests::{TestApp, on_both_backends};

on_both_backends!(
    a_customer_texts_a_simulator_number_and_sees_the_reply,
    the_demo_workspace_has_an_inbox
);

async fn a_customer_texts_a_simulator_number_and_sees_the_reply(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    let number = app
        .post(
            "/api/v1/numbers",
            token,
            &json!({"phone_number": "+12025550100", "label": "Sim", "provider": "simulator"}),
        )
        .await
        .expect(201)
        .json();
    let text = json!({"from": "(202) 555-0143", "number_id": number["id"], "body": "Are you open Saturday?"});
    let inbound = app
        .post("/api/v1/simulator/messages", token, &text)
        .await
        .expect(201)
        .json();
    assert_eq!(inbound["direction"], "inbound");
    assert_eq!(inbound["from"], "+12025550143");
    let list = app.get("/api/v1/conversations", token).await.json();
    assert_eq!(list["items"][0]["unread"], true);

    let reply = format!(
        "/api/v1/conversations/{}/messages",
        inbound["conversation_id"].as_str().unwrap()
    );
    app.post(&reply, token, &json!({"body": "Yes, 9 to 1."}))
        .await
        .expect(201);
    app.run_jobs(None).await;
    actix_rt::time::sleep(Duration::from_millis(1100)).await;
    app.run_jobs(None).await;
    let handset = app
        .get("/api/v1/simulator/messages?phone=%2B12025550143", token)
        .await
        .expect(200)
        .json();
    let texts: Vec<(&str, &str)> = handset
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["body"].as_str().unwrap(), m["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        texts,
        [("Are you open Saturday?", "received"), ("Yes, 9 to 1.", "delivered")]
    );

    let twilio = json!({"phone_number": "+12025550101", "label": "Real", "provider": "twilio", "account_sid": "AC1", "auth_token": "t"});
    let real = app.post("/api/v1/numbers", token, &twilio).await.expect(201).json();
    let wrong = json!({"from": "+12025550143", "number_id": real["id"], "body": "hi"});
    app.post("/api/v1/simulator/messages", token, &wrong)
        .await
        .expect_problem(409, "not_a_simulator");
    let nul = json!({"from": "+12025550143", "number_id": number["id"], "body": "a\u{0}b"});
    let problem = app
        .post("/api/v1/simulator/messages", token, &nul)
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "body");
    let empty = app
        .get("/api/v1/simulator/messages?phone=%2B12025550199", token)
        .await
        .expect(200)
        .json();
    assert_eq!(empty, json!([]));
}

async fn the_demo_workspace_has_an_inbox(app: TestApp) {
    let db = app.db.clone();
    let created = actix_web::web::block(move || textdesk::demo::ensure_demo_workspace(&db))
        .await
        .unwrap()
        .unwrap();
    assert!(created);
    let db = app.db.clone();
    let again = actix_web::web::block(move || textdesk::demo::ensure_demo_workspace(&db))
        .await
        .unwrap()
        .unwrap();
    assert!(!again, "the demo is created once");
    let tokens = app
        .login(textdesk::demo::DEMO_OWNER, textdesk::demo::DEMO_PASSWORD)
        .await
        .expect(200)
        .json();
    let token = tokens["access_token"].as_str();
    let list = app.get("/api/v1/conversations", token).await.expect(200).json();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["contact_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Joe", "Maria"]);
    let numbers = app.get("/api/v1/numbers", token).await.expect(200).json();
    assert_eq!(numbers[0]["provider"], "simulator");
}
