//! Text relay end to end with the simulator and the fake Twilio: an admin sets a number aside
//! and gives it to an agent, who turns relay on; new texts in their conversations go to their
//! phone while they are away from the Message Center and not while it is open; a reply from
//! the phone starting with the conversation number reaches the contact; each bad reply gets
//! seed 003's rules back and sends nothing; STOP from the agent's phone opts nobody out.

use serde_json::{Value, json};
use textdesk_tests::{Session, TestApp, on_both_backends};

const CUSTOMER: &str = "+12025550143";
const AGENT_PHONE: &str = "+12025550188";
const RELAY: &str = "+12025550177";

on_both_backends!(relay_forwards_texts_and_takes_replies, relay_numbers_text_no_customer);

fn token(session: &Session) -> Option<&str> {
    Some(&session.access_token)
}

/// The agent's phone texts the relay number.
async fn from_agent_phone(app: &TestApp, session: &Session, relay: &str, body: &str) {
    let text = json!({"from": AGENT_PHONE, "number_id": relay, "body": body});
    app.post("/api/v1/simulator/messages", token(session), &text)
        .await
        .expect(202);
}

async fn relay_texts(app: &TestApp, session: &Session) -> Vec<Value> {
    app.get(
        &format!(
            "/api/v1/simulator/relay-texts?phone={}",
            AGENT_PHONE.replace('+', "%2B")
        ),
        token(session),
    )
    .await
    .expect(200)
    .json()
    .as_array()
    .unwrap()
    .clone()
}

async fn relay_forwards_texts_and_takes_replies(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.test").await;
    let sam = app.add_agent(&owner, "sam@acme.test", "agent").await;
    let business = app.add_simulator_number(&owner, "+12025550100").await;
    let relay = app.add_simulator_number(&owner, RELAY).await;
    app.patch(
        &format!("/api/v1/numbers/{relay}"),
        token(&owner),
        &json!({"relay": true}),
    )
    .await
    .expect(200);
    // Only a relay number can be given.
    app.patch(
        &format!("/api/v1/agents/{}", sam.agent_id),
        token(&owner),
        &json!({"relay_number_id": business}),
    )
    .await
    .expect_problem(422, "validation_failed");
    let agent = app
        .patch(
            &format!("/api/v1/agents/{}", sam.agent_id),
            token(&owner),
            &json!({"relay_number_id": relay}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(agent["relay_number_id"], json!(relay));
    // A business number is no agent's mobile: relay would loop.
    app.patch("/api/v1/me", token(&sam), &json!({"mobile_number": "+12025550100"}))
        .await
        .expect_problem(422, "validation_failed");
    let me = app
        .patch(
            "/api/v1/me",
            token(&sam),
            &json!({"mobile_number": AGENT_PHONE, "relay_enabled": true}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(me["relay_enabled"], true);

    let first = app.text_from_customer(&owner, &business, CUSTOMER, "Hello?").await;
    let conversation = first["conversation_id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/conversations/{conversation}/claim"),
        token(&sam),
        &json!({}),
    )
    .await
    .expect(200);
    let number = app
        .get(&format!("/api/v1/conversations/{conversation}"), token(&sam))
        .await
        .expect(200)
        .json()["conversation"]["number"]
        .as_i64()
        .unwrap();

    // Away from the Message Center: forwarded.
    app.text_from_customer(&owner, &business, CUSTOMER, "Can I come at 9?")
        .await;
    app.run_jobs(None).await;
    let texts = relay_texts(&app, &sam).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(texts[0]["body"], format!("#{number} {CUSTOMER}: Can I come at 9?"));
    assert_eq!(texts[0]["from_phone"], false);
    assert_eq!(texts[0]["status"], "sent");

    // With the Message Center open: not forwarded.
    app.post("/api/v1/presence", token(&sam), &json!({"tab_id": "tab-1"}))
        .await
        .expect(204);
    app.text_from_customer(&owner, &business, CUSTOMER, "Hello again").await;
    app.run_jobs(None).await;
    assert_eq!(relay_texts(&app, &sam).await.len(), 1, "the agent sees it in the app");
    app.delete("/api/v1/presence/tab-1", token(&sam)).await.expect(204);

    // A reply from the phone with the conversation number reaches the contact.
    from_agent_phone(&app, &owner, &relay, &format!("{number} Yes, 9 works")).await;
    app.run_jobs(None).await;
    assert_eq!(
        app.last_outbound(&sam, &conversation).await.as_deref(),
        Some("Yes, 9 works")
    );

    // Bad replies: each gets the rules back and sends nothing.
    for bad in [
        format!("{number}. Yes"),
        "Yes please".to_owned(),
        format!("{} not mine", number + 50),
        format!("{number} {}", "x".repeat(141)),
    ] {
        let before = relay_texts(&app, &sam).await.len();
        from_agent_phone(&app, &owner, &relay, &bad).await;
        app.run_jobs(None).await;
        let texts = relay_texts(&app, &sam).await;
        assert_eq!(texts.len(), before + 2, "{bad}: {texts:?}");
        let answer = texts.last().unwrap();
        assert!(
            answer["body"]
                .as_str()
                .unwrap()
                .contains("Conversation ID must be used to start all replies"),
            "{answer}"
        );
        assert_eq!(texts[texts.len() - 2]["status"], "refused");
        assert_eq!(
            app.last_outbound(&sam, &conversation).await.as_deref(),
            Some("Yes, 9 works"),
            "{bad}"
        );
    }

    // STOP from the agent's phone opts no customer out, and makes no contact of the phone.
    from_agent_phone(&app, &owner, &relay, "STOP").await;
    app.run_jobs(None).await;
    let contacts = app
        .get("/api/v1/contacts?limit=100", token(&owner))
        .await
        .expect(200)
        .json();
    let phones: Vec<&str> = contacts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|contact| contact["phone_number"].as_str().unwrap())
        .collect();
    assert_eq!(phones, vec![CUSTOMER]);
    assert!(contacts["items"][0]["opted_out"] == false);

    // Another agent cannot speak as Sam's phone, nor read its texts.
    let riley = app.add_agent(&owner, "riley@acme.test", "agent").await;
    let posing = json!({"from": AGENT_PHONE, "number_id": relay, "body": format!("{number} hi")});
    app.post("/api/v1/simulator/messages", token(&riley), &posing)
        .await
        .expect_problem(403, "not_your_phone");
    let path = format!(
        "/api/v1/simulator/relay-texts?phone={}",
        AGENT_PHONE.replace('+', "%2B")
    );
    let seen = app.get(&path, token(&riley)).await.expect(200).json();
    assert_eq!(seen, json!([]), "another agent's phone shows nothing");

    // A reply to a closed conversation opens the thread's next one.
    app.post(
        &format!("/api/v1/conversations/{conversation}/close"),
        token(&sam),
        &json!({}),
    )
    .await
    .expect(200);
    from_agent_phone(&app, &owner, &relay, &format!("#{number} Anything else?")).await;
    app.run_jobs(None).await;
    let thread = app
        .get("/api/v1/conversations?view=all", token(&sam))
        .await
        .expect(200)
        .json();
    let reopened = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["status"] == "open")
        .unwrap_or_else(|| panic!("no new conversation: {thread}"));
    let reopened = reopened["id"].as_str().unwrap();
    assert_eq!(
        app.last_outbound(&sam, reopened).await.as_deref(),
        Some("Anything else?")
    );

    // Relay off: nothing more is forwarded, and replies are refused.
    app.patch("/api/v1/me", token(&sam), &json!({"relay_enabled": false}))
        .await
        .expect(200);
    let before = relay_texts(&app, &sam).await.len();
    app.text_from_customer(&owner, &business, CUSTOMER, "Anyone?").await;
    app.run_jobs(None).await;
    assert_eq!(relay_texts(&app, &sam).await.len(), before);
    from_agent_phone(&app, &owner, &relay, &format!("{number} Still here")).await;
    app.run_jobs(None).await;
    let texts = relay_texts(&app, &sam).await;
    assert!(
        texts.last().unwrap()["body"]
            .as_str()
            .unwrap()
            .contains("text relay is off"),
        "{texts:?}"
    );

    // Given back to conversations, the number is nobody's relay number.
    app.patch(
        &format!("/api/v1/numbers/{relay}"),
        token(&owner),
        &json!({"relay": false}),
    )
    .await
    .expect(200);
    let agent = app
        .get(&format!("/api/v1/agents/{}", sam.agent_id), token(&owner))
        .await
        .expect(200)
        .json();
    assert!(agent.get("relay_number_id").is_none(), "{agent}");
}

/// A relay number never texts a customer: not chosen by default, refused when asked for; and a
/// text to it from a stranger's phone is dropped without a conversation.
async fn relay_numbers_text_no_customer(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.test").await;
    let relay = app.add_simulator_number(&owner, RELAY).await;
    // A number with open conversations cannot be set aside.
    app.text_from_customer(&owner, &relay, CUSTOMER, "Hi").await;
    let problem = app
        .patch(
            &format!("/api/v1/numbers/{relay}"),
            token(&owner),
            &json!({"relay": true}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "relay");
    let open = app
        .get("/api/v1/conversations?view=all", token(&owner))
        .await
        .expect(200)
        .json();
    let id = open["items"][0]["id"].as_str().unwrap().to_owned();
    app.post(&format!("/api/v1/conversations/{id}/close"), token(&owner), &json!({}))
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/numbers/{relay}"),
        token(&owner),
        &json!({"relay": true}),
    )
    .await
    .expect(200);
    app.post(
        "/api/v1/messages",
        token(&owner),
        &json!({"to": CUSTOMER, "body": "Hi"}),
    )
    .await
    .expect_problem(409, "no_number");
    app.post(
        "/api/v1/messages",
        token(&owner),
        &json!({"to": CUSTOMER, "body": "Hi", "from_number_id": relay}),
    )
    .await
    .expect_problem(422, "validation_failed");
    let text = json!({"from": CUSTOMER, "number_id": relay, "body": "Who is this?"});
    app.post("/api/v1/simulator/messages", token(&owner), &text)
        .await
        .expect(202);
    app.run_jobs(None).await;
    let conversations = app
        .get("/api/v1/conversations?view=all", token(&owner))
        .await
        .expect(200)
        .json();
    assert_eq!(
        conversations["items"].as_array().unwrap().len(),
        1,
        "only the closed one: {conversations}"
    );
}
