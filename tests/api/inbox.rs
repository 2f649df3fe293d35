//! The shared inbox: ownership with its system notes, automatic assignment and round robin,
//! presence, views with unread counts, flags, bulk operations and deleting.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use textdesk_db::{Backend, unread};
use textdesk_tests::{Session, TestApp, on_both_backends};

on_both_backends!(
    claims_and_transfers_leave_system_notes,
    transfers_name_only_enabled_agents_of_the_organization,
    follow_up_survives_transfers_and_closing_clears_it,
    waiting_for_reply_turns_on_as_time_passes,
    keyword_rules_come_before_the_numbers_target,
    round_robin_is_fair_and_waits_for_someone_online,
    round_robin_hands_out_to_a_member_who_joins_and_stops_when_switched_off,
    presence_follows_heartbeats_and_sign_out,
    view_counts_match_their_lists,
    tallies_fold_safely_beside_concurrent_changes,
    custom_views_filter_like_a_brute_force_check,
    personal_views_are_private_and_shared_views_are_not,
    bulk_operations_close_assign_and_mark_read,
    deleting_is_allowed_where_the_organization_allows_it,
    another_organizations_inbox_ids_are_not_found,
);

fn token(session: &Session) -> Option<&str> {
    Some(session.access_token.as_str())
}

/// A customer texts the number; returns the conversation's id.
async fn text_in(app: &TestApp, session: &Session, number: &str, from: &str, body: &str) -> String {
    let message = app.text_from_customer(session, number, from, body).await;
    message["conversation_id"].as_str().unwrap().to_owned()
}

async fn conversation(app: &TestApp, session: &Session, id: &str) -> Value {
    app.get(&format!("/api/v1/conversations/{id}"), token(session))
        .await
        .expect(200)
        .json()
}

/// The bodies of the conversation's system notes, oldest first.
async fn system_notes(app: &TestApp, session: &Session, id: &str) -> Vec<String> {
    conversation(app, session, id).await["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|message| message["direction"] == "system")
        .map(|message| message["body"].as_str().unwrap().to_owned())
        .collect()
}

async fn group(app: &TestApp, owner: &Session, name: &str, members: &[&Session], round_robin: bool) -> String {
    let ids: Vec<&str> = members.iter().map(|member| member.agent_id.as_str()).collect();
    let body = json!({"name": name, "member_ids": ids, "round_robin": round_robin});
    let group = app.post("/api/v1/groups", token(owner), &body).await.expect(201).json();
    group["id"].as_str().unwrap().to_owned()
}

async fn transfer(app: &TestApp, session: &Session, id: &str, body: &Value) -> Value {
    app.post(&format!("/api/v1/conversations/{id}/transfer"), token(session), body)
        .await
        .expect(200)
        .json()
}

async fn beat(app: &TestApp, session: &Session, tab: &str) {
    app.post("/api/v1/presence", token(session), &json!({"tab_id": tab}))
        .await
        .expect(204);
}

/// Every conversation of a view (paging through it), as the list shows them.
async fn whole_view(app: &TestApp, session: &Session, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/conversations?limit=7&{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = app.get(&path, token(session)).await.expect(200).json();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = items
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn claims_and_transfers_leave_system_notes(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let billing = group(&app, &owner, "Billing", &[&sam], false).await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let id = text_in(&app, &owner, &number, "+12025550143", "Where is my order?").await;
    let fresh = conversation(&app, &owner, &id).await["conversation"].clone();
    assert!(fresh.get("owner_agent_id").is_none() && fresh.get("owner_group_id").is_none());

    let claimed = app
        .post(&format!("/api/v1/conversations/{id}/claim"), token(&owner), &json!({}))
        .await
        .expect(200)
        .json();
    assert_eq!(claimed["owner_agent_id"], owner.agent_id.as_str());

    let to_group = transfer(&app, &owner, &id, &json!({"group_id": billing})).await;
    assert_eq!(to_group["owner_group_id"], billing.as_str());
    assert!(to_group.get("owner_agent_id").is_none());

    // Sam claims it within the group: the group stays.
    let within = app
        .post(&format!("/api/v1/conversations/{id}/claim"), token(&sam), &json!({}))
        .await
        .expect(200)
        .json();
    assert_eq!(within["owner_agent_id"], sam.agent_id.as_str());
    assert_eq!(within["owner_group_id"], billing.as_str());

    let nobody = transfer(&app, &sam, &id, &json!({})).await;
    assert!(nobody.get("owner_agent_id").is_none() && nobody.get("owner_group_id").is_none());
    // The same owner again changes nothing and notes nothing.
    transfer(&app, &sam, &id, &json!({})).await;

    app.post(&format!("/api/v1/conversations/{id}/close"), token(&owner), &json!({}))
        .await
        .expect(200);
    assert_eq!(
        system_notes(&app, &owner, &id).await,
        [
            "Olive claimed this conversation",
            "Olive transferred this to Billing",
            "Test claimed this conversation",
            "Test unassigned this conversation",
            "Closed by Olive",
        ]
    );
    let detail = conversation(&app, &owner, &id).await;
    let notes: Vec<&Value> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|message| message["direction"] == "system")
        .collect();
    assert_eq!(notes[2]["author"]["id"], sam.agent_id.as_str());
    // A system note is history, not activity: the list still previews the customer's text.
    assert_eq!(detail["conversation"]["last_message_preview"], "Where is my order?");
    assert_eq!(detail["conversation"]["last_replied_by"], "contact");
}

async fn transfers_name_only_enabled_agents_of_the_organization(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let kim = app.add_agent(&owner, "kim@acme.example", "agent").await;
    let billing = group(&app, &owner, "Billing", &[&sam], false).await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let id = text_in(&app, &owner, &number, "+12025550143", "Hello").await;
    let path = format!("/api/v1/conversations/{id}/transfer");

    let outside = json!({"agent_id": kim.agent_id, "group_id": billing});
    let problem = app
        .post(&path, token(&owner), &outside)
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "agent_id");
    assert_eq!(problem.errors[0].code, "not_a_member");

    app.patch(
        &format!("/api/v1/agents/{}", kim.agent_id),
        token(&owner),
        &json!({"disabled": true}),
    )
    .await
    .expect(200);
    let problem = app
        .post(&path, token(&owner), &json!({"agent_id": kim.agent_id}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].code, "unknown_agent");
    let problem = app
        .post(
            &path,
            token(&owner),
            &json!({"group_id": "01936f0e-4c1a-7b3e-9a55-2f1d3c4b5a69"}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "group_id");
    let together = transfer(
        &app,
        &owner,
        &id,
        &json!({"agent_id": sam.agent_id, "group_id": billing}),
    )
    .await;
    assert_eq!(together["owner_agent_id"], sam.agent_id.as_str());
    assert_eq!(
        system_notes(&app, &owner, &id).await,
        ["Olive transferred this to Test (Billing)"]
    );
}

async fn follow_up_survives_transfers_and_closing_clears_it(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let id = text_in(&app, &owner, &number, "+12025550143", "Call me back").await;
    let path = format!("/api/v1/conversations/{id}");
    let flagged = app
        .patch(&path, token(&sam), &json!({"follow_up": true}))
        .await
        .expect(200)
        .json();
    assert_eq!(flagged["follow_up"], true);
    transfer(&app, &owner, &id, &json!({"agent_id": sam.agent_id})).await;
    let follow_ups = whole_view(&app, &owner, "view=follow_up").await;
    assert_eq!(ids(&follow_ups), [id.as_str()]);

    app.post(&format!("{path}/close"), token(&owner), &json!({}))
        .await
        .expect(200);
    assert_eq!(
        conversation(&app, &owner, &id).await["conversation"]["follow_up"],
        false
    );
    assert!(whole_view(&app, &owner, "view=follow_up").await.is_empty());
    let problem = app
        .patch(&path, token(&owner), &json!({"follow_up": true}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "follow_up");
    let problem = app
        .patch(&path, token(&owner), &json!({"follow_up": "yes"}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "follow_up");
}

async fn waiting_for_reply_turns_on_as_time_passes(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let waiting = text_in(&app, &owner, &number, "+12025550143", "Anyone there?").await;
    let answered = text_in(&app, &owner, &number, "+12025550144", "Hi").await;
    app.post(
        &format!("/api/v1/conversations/{answered}/messages"),
        token(&owner),
        &json!({"body": "Hello!"}),
    )
    .await
    .expect(201);
    let row = conversation(&app, &owner, &waiting).await["conversation"].clone();
    assert_eq!(row["waiting"], false);
    assert!(row["waiting_since"].is_string());
    assert!(whole_view(&app, &owner, "view=waiting").await.is_empty());
    let not_waiting = app
        .post(
            "/api/v1/views",
            token(&owner),
            &json!({"name": "Answered or fresh", "shared": false, "filter": {"waiting": false}}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = counts(&app, &owner).await;
    assert_eq!((before["all"], before["waiting"], before[&not_waiting]), (1, 0, 1));

    // The organization's threshold is 15 minutes: nothing is written as the clock passes it.
    app.clock.set(Utc::now() + Duration::minutes(16));
    let row = conversation(&app, &owner, &waiting).await["conversation"].clone();
    assert_eq!(row["waiting"], true);
    assert_eq!(ids(&whole_view(&app, &owner, "view=waiting").await), [waiting.as_str()]);
    let after = counts(&app, &owner).await;
    assert_eq!((after["all"], after["waiting"], after[&not_waiting]), (1, 1, 0));
    let answered_row = conversation(&app, &owner, &answered).await["conversation"].clone();
    assert_eq!(answered_row["waiting"], false);
    assert_eq!(answered_row["last_replied_by"], "agent");

    app.post(
        &format!("/api/v1/conversations/{waiting}/messages"),
        token(&owner),
        &json!({"body": "Sorry for the wait"}),
    )
    .await
    .expect(201);
    let row = conversation(&app, &owner, &waiting).await["conversation"].clone();
    assert_eq!(row["waiting"], false);
    assert!(row.get("waiting_since").is_none());
    assert!(whole_view(&app, &owner, "view=waiting").await.is_empty());
    assert!(counts(&app, &owner).await.values().all(|count| *count == 0));
}

async fn keyword_rules_come_before_the_numbers_target(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let billing = group(&app, &owner, "Billing", &[&sam], false).await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    app.patch(
        &format!("/api/v1/numbers/{number}"),
        token(&owner),
        &json!({"auto_assign": {"agent_id": owner.agent_id}}),
    )
    .await
    .expect(200);
    let rule = app
        .post(
            "/api/v1/assignment-rules",
            token(&owner),
            &json!({"pattern": "Refund*", "group_id": billing}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(rule["pattern"], "refund*");
    app.post(
        "/api/v1/assignment-rules",
        token(&sam),
        &json!({"pattern": "x", "group_id": billing}),
    )
    .await
    .expect(403);
    let problem = app
        .post(
            "/api/v1/assignment-rules",
            token(&owner),
            &json!({"pattern": " * ", "group_id": billing}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "pattern");

    let by_keyword = text_in(&app, &owner, &number, "+12025550143", "I want my REFUNDS now").await;
    let row = conversation(&app, &owner, &by_keyword).await["conversation"].clone();
    assert_eq!(row["owner_group_id"], billing.as_str());
    assert_eq!(
        system_notes(&app, &owner, &by_keyword).await,
        ["Assigned to Billing by the keyword rule “refund*”"]
    );
    let by_number = text_in(&app, &owner, &number, "+12025550144", "Opening hours?").await;
    let row = conversation(&app, &owner, &by_number).await["conversation"].clone();
    assert_eq!(row["owner_agent_id"], owner.agent_id.as_str());
    assert_eq!(
        system_notes(&app, &owner, &by_number).await,
        ["Assigned to Olive by its business number"]
    );
    // Only a conversation's first text assigns it.
    text_in(&app, &owner, &number, "+12025550144", "and a refund").await;
    assert_eq!(
        conversation(&app, &owner, &by_number).await["conversation"]["owner_agent_id"],
        owner.agent_id.as_str()
    );
    // Changing the number's target changes new conversations only.
    app.patch(
        &format!("/api/v1/numbers/{number}"),
        token(&owner),
        &json!({"auto_assign": {}}),
    )
    .await
    .expect(200);
    assert_eq!(
        conversation(&app, &owner, &by_number).await["conversation"]["owner_agent_id"],
        owner.agent_id.as_str()
    );
    let unowned = text_in(&app, &owner, &number, "+12025550145", "Hello").await;
    assert!(system_notes(&app, &owner, &unowned).await.is_empty());
    let rules = app
        .get("/api/v1/assignment-rules", token(&sam))
        .await
        .expect(200)
        .json();
    assert_eq!(rules.as_array().unwrap().len(), 1);
    app.delete(
        &format!("/api/v1/assignment-rules/{}", rule["id"].as_str().unwrap()),
        token(&owner),
    )
    .await
    .expect(204);
}

async fn round_robin_hands_out_to_a_member_who_joins_and_stops_when_switched_off(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let ana = app.add_agent(&owner, "ana@acme.example", "agent").await;
    let dee = app.add_agent(&owner, "dee@acme.example", "agent").await;
    let desk = group(&app, &owner, "Desk", &[&ana], true).await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    app.patch(
        &format!("/api/v1/numbers/{number}"),
        token(&owner),
        &json!({"auto_assign": {"group_id": desk}}),
    )
    .await
    .expect(200);
    let first = text_in(&app, &owner, &number, "+12025551001", "Hi").await;
    assert_eq!(
        conversation(&app, &owner, &first).await["conversation"]["awaiting_agent"],
        true
    );

    // Dee is online but not in the group: nothing moves until she joins it.
    beat(&app, &dee, "tab-1").await;
    assert_eq!(
        conversation(&app, &owner, &first).await["conversation"]["awaiting_agent"],
        true
    );
    app.put(
        &format!("/api/v1/groups/{desk}/members/{}", dee.agent_id),
        token(&owner),
        &json!({}),
    )
    .await
    .expect(200);
    let row = conversation(&app, &owner, &first).await["conversation"].clone();
    assert_eq!(row["owner_agent_id"], dee.agent_id.as_str());
    assert_eq!(row["awaiting_agent"], false);

    // Dee leaves the group; with round robin switched off, what waited stays with the group.
    app.delete(
        &format!("/api/v1/groups/{desk}/members/{}", dee.agent_id),
        token(&owner),
    )
    .await
    .expect(200);
    let second = text_in(&app, &owner, &number, "+12025551002", "Hello").await;
    assert_eq!(
        conversation(&app, &owner, &second).await["conversation"]["awaiting_agent"],
        true
    );
    app.patch(
        &format!("/api/v1/groups/{desk}"),
        token(&owner),
        &json!({"round_robin": false}),
    )
    .await
    .expect(200);
    let row = conversation(&app, &owner, &second).await["conversation"].clone();
    assert_eq!(row["awaiting_agent"], false);
    assert_eq!(row["owner_group_id"], desk.as_str());
    assert!(row.get("owner_agent_id").is_none());
}

async fn round_robin_is_fair_and_waits_for_someone_online(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let ana = app.add_agent(&owner, "ana@acme.example", "agent").await;
    let ben = app.add_agent(&owner, "ben@acme.example", "agent").await;
    let cy = app.add_agent(&owner, "cy@acme.example", "agent").await;
    let desk = group(&app, &owner, "Desk", &[&ana, &ben, &cy], true).await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    app.patch(
        &format!("/api/v1/numbers/{number}"),
        token(&owner),
        &json!({"auto_assign": {"group_id": desk}}),
    )
    .await
    .expect(200);

    // Nobody online: conversations wait in the group.
    let mut waiting = Vec::new();
    for index in 0..3 {
        let from = format!("+1202555{:04}", 1000 + index);
        waiting.push(text_in(&app, &owner, &number, &from, "Hi").await);
    }
    for id in &waiting {
        let row = conversation(&app, &owner, id).await["conversation"].clone();
        assert_eq!(row["owner_group_id"], desk.as_str());
        assert_eq!(row["awaiting_agent"], true);
        assert!(row.get("owner_agent_id").is_none());
    }
    // Ana comes online and gets all three, in the order they came.
    beat(&app, &ana, "tab-1").await;
    for id in &waiting {
        let row = conversation(&app, &owner, id).await["conversation"].clone();
        assert_eq!(row["owner_agent_id"], ana.agent_id.as_str());
        assert_eq!(row["awaiting_agent"], false);
        assert_eq!(
            system_notes(&app, &owner, id).await,
            [
                "Assigned to Desk; waiting for a member to come online",
                "Assigned to Test (Desk) by round robin"
            ]
        );
    }

    let mut served: HashMap<String, usize> = HashMap::new();
    let mut next = 0;
    let mut text = async |app: &TestApp, served: &mut HashMap<String, usize>| {
        next += 1;
        let from = format!("+1202555{:04}", 2000 + next);
        let id = text_in(app, &owner, &number, &from, "Hello").await;
        let row = conversation(app, &owner, &id).await["conversation"].clone();
        let agent = row["owner_agent_id"].as_str().unwrap().to_owned();
        *served.entry(agent).or_default() += 1;
    };
    // Ben joins: turns alternate, Ben first (never served), whatever the order of joining.
    beat(&app, &ben, "tab-1").await;
    for _ in 0..6 {
        text(&app, &mut served).await;
    }
    assert_eq!(served.get(&ana.agent_id), Some(&3));
    assert_eq!(served.get(&ben.agent_id), Some(&3));
    // Cy joins; Ana leaves (her only tab closes): the turns go to Ben and Cy only.
    beat(&app, &cy, "tab-9").await;
    app.delete("/api/v1/presence/tab-1", token(&ana)).await.expect(204);
    served.clear();
    for _ in 0..8 {
        text(&app, &mut served).await;
    }
    assert_eq!(served.get(&ana.agent_id), None);
    assert_eq!(served.get(&ben.agent_id), Some(&4));
    assert_eq!(served.get(&cy.agent_id), Some(&4));
    // A disabled member gets no turn even with a tab open.
    app.patch(
        &format!("/api/v1/agents/{}", cy.agent_id),
        token(&owner),
        &json!({"disabled": true}),
    )
    .await
    .expect(200);
    served.clear();
    for _ in 0..3 {
        text(&app, &mut served).await;
    }
    assert_eq!(served.get(&ben.agent_id), Some(&3));
}

async fn presence_follows_heartbeats_and_sign_out(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let online = |list: Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|agent| agent["email"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(online(app.get("/api/v1/presence", token(&owner)).await.expect(200).json()).is_empty());
    beat(&app, &sam, "a").await;
    beat(&app, &sam, "b").await;
    beat(&app, &owner, "c").await;
    let list = app.get("/api/v1/presence", token(&sam)).await.expect(200).json();
    assert_eq!(online(list.clone()), ["owner@acme.example", "sam@acme.example"]);
    assert_eq!(list[1]["name"], "Test Agent");

    // One of two tabs closes: still online. The other goes quiet: offline within a minute.
    app.delete("/api/v1/presence/a", token(&sam)).await.expect(204);
    assert_eq!(online(app.get("/api/v1/presence", token(&owner)).await.json()).len(), 2);
    app.clock.set(Utc::now() + Duration::seconds(50));
    beat(&app, &owner, "c").await;
    assert_eq!(
        online(app.get("/api/v1/presence", token(&owner)).await.json()),
        ["owner@acme.example"]
    );
    // Signing out takes the agent offline at once.
    let refresh = json!({"refresh_token": owner.refresh_token});
    app.post("/api/v1/auth/logout", None, &refresh).await.expect(204);
    assert!(online(app.get("/api/v1/presence", token(&sam)).await.json()).is_empty());

    let problem = app
        .post("/api/v1/presence", token(&sam), &json!({"tab_id": "no spaces"}))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "tab_id");
}

/// The unread count of each view of `session`, by id.
async fn counts(app: &TestApp, session: &Session) -> HashMap<String, i64> {
    let list = app.get("/api/v1/views", token(session)).await.expect(200).json();
    assert!(list["feed_cursor"].is_string());
    list["views"]
        .as_array()
        .unwrap()
        .iter()
        .map(|view| {
            (
                view["id"].as_str().unwrap().to_owned(),
                view["unread_count"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn view_counts_match_their_lists(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let billing = group(&app, &owner, "Billing", &[&sam], false).await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let mut conversations = Vec::new();
    for index in 0..9 {
        let from = format!("+1202555{:04}", 3000 + index);
        conversations.push(text_in(&app, &owner, &number, &from, "Hello").await);
    }
    transfer(&app, &owner, &conversations[0], &json!({"agent_id": sam.agent_id})).await;
    transfer(&app, &owner, &conversations[1], &json!({"group_id": billing})).await;
    transfer(&app, &owner, &conversations[2], &json!({"agent_id": owner.agent_id})).await;
    app.patch(
        &format!("/api/v1/conversations/{}", conversations[3]),
        token(&owner),
        &json!({"follow_up": true}),
    )
    .await
    .expect(200);
    for id in &conversations[4..6] {
        app.post(&format!("/api/v1/conversations/{id}/close"), token(&owner), &json!({}))
            .await
            .expect(200);
    }
    app.post(
        &format!("/api/v1/conversations/{}/read", conversations[6]),
        token(&sam),
        &json!({}),
    )
    .await
    .expect(204);
    app.post(
        &format!("/api/v1/conversations/{}/messages", conversations[7]),
        token(&owner),
        &json!({"body": "Answered"}),
    )
    .await
    .expect(201);
    // Closing settles what was unread, but not what an agent marked unread afterwards.
    app.post(
        &format!("/api/v1/conversations/{}/unread", conversations[4]),
        token(&sam),
        &json!({}),
    )
    .await
    .expect(204);
    // Custom views beyond the eight built-in ones, counted by a second statement, with criteria
    // that look into contacts and messages.
    for (name, filter) in [
        ("One contact", json!({"contact": "3001"})),
        ("Greetings", json!({"message_text": "hello", "opted_out": false})),
    ] {
        app.post(
            "/api/v1/views",
            token(&owner),
            &json!({"name": name, "shared": true, "filter": filter}),
        )
        .await
        .expect(201);
    }
    app.clock.set(Utc::now() + Duration::minutes(20));

    // Counted from the changes' tallies as appended, then as housekeeping folds them
    // (PostgreSQL's; SQLite's are kept in place, with nothing to fold).
    for folded in [false, true] {
        if folded {
            let rows = app.db.write(|conn| unread::compact_tallies(conn, 0)).unwrap();
            assert_eq!(rows > 0, app.db.backend() == Backend::Postgres);
        }
        for session in [&owner, &sam] {
            let counts = counts(&app, session).await;
            assert_eq!(counts.len(), 10);
            for (view, count) in &counts {
                let unread = whole_view(&app, session, &format!("view={view}&unread=true")).await;
                assert_eq!(*count, unread.len() as i64, "view {view}, folded: {folded}");
            }
        }
    }
    let sams = counts(&app, &sam).await;
    assert_eq!(sams["mine"], 1);
    assert_eq!(sams["my_groups"], 1);
    assert_eq!(sams["closed"], 1);
    // Sam read one; the owner answered another, so it is unread for nobody; two were closed
    // and Sam marked one of those unread.
    assert_eq!(sams["all"], 6);
    assert_eq!(sams["open"], 5);
    assert_eq!(sams["follow_up"], 1);
    assert_eq!(sams["waiting"], 5);
    let owners = counts(&app, &owner).await;
    assert_eq!(owners["mine"], 1);
    assert_eq!(owners["my_groups"], 0);
    assert_eq!(owners["unassigned"], 3);
    assert_eq!(owners["closed"], 0);
    let custom: Vec<i64> = counts(&app, &owner)
        .await
        .into_iter()
        .filter(|(id, _)| id.len() > 20)
        .map(|(_, count)| count)
        .collect();
    assert_eq!(
        custom.iter().sum::<i64>(),
        1 + 6,
        "one contact's, and the six still unread"
    );

    // An agent who joins later has read everything there was; the next text is unread for them.
    let lee = app.add_agent(&owner, "lee@acme.example", "agent").await;
    assert!(counts(&app, &lee).await.values().all(|count| *count == 0));
    text_in(&app, &owner, &number, "+12025553008", "Still there?").await;
    assert_eq!(counts(&app, &lee).await["all"], 1);
    // A second fold, of the changes appended since the first, changes no count.
    let before = counts(&app, &owner).await;
    app.db.write(|conn| unread::compact_tallies(conn, 0)).unwrap();
    assert_eq!(counts(&app, &owner).await, before);
    // Views list in their order: waiting longest first.
    let waiting = whole_view(&app, &owner, "view=waiting").await;
    let since: Vec<&str> = waiting
        .iter()
        .map(|row| row["waiting_since"].as_str().unwrap())
        .collect();
    let mut sorted = since.clone();
    sorted.sort();
    assert_eq!(since, sorted);
    app.get("/api/v1/conversations?view=nonsense", token(&owner))
        .await
        .expect(404);
}

/// Two folders (as two worker processes) run while texts arrive and conversations are closed and
/// transferred: every change is counted once, whoever folds it.
async fn tallies_fold_safely_beside_concurrent_changes(app: TestApp) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let mut conversations = Vec::new();
    for index in 0..12 {
        let from = format!("+1202555{:04}", 4000 + index);
        conversations.push(text_in(&app, &owner, &number, &from, "Hello").await);
    }
    let folding = Arc::new(AtomicBool::new(true));
    let folders: Vec<_> = (0..2)
        .map(|_| {
            let (db, folding) = (app.db.clone(), Arc::clone(&folding));
            std::thread::spawn(move || {
                let mut folded = 0;
                while folding.load(Ordering::Relaxed) {
                    folded += db.write(|conn| unread::compact_tallies(conn, 0)).unwrap();
                }
                folded
            })
        })
        .collect();
    let texts = (12..24).map(|index| {
        let from = format!("+1202555{:04}", 4000 + index);
        let (app, owner, number) = (&app, &owner, &number);
        async move {
            text_in(app, owner, number, &from, "Hello").await;
        }
    });
    let closes = conversations[..4].iter().map(|id| {
        let (app, owner) = (&app, &owner);
        async move {
            app.post(&format!("/api/v1/conversations/{id}/close"), token(owner), &json!({}))
                .await
                .expect(200);
        }
    });
    let transfers = conversations[4..8].iter().map(|id| {
        let (app, owner, sam) = (&app, &owner, &sam);
        async move {
            transfer(app, owner, id, &json!({"agent_id": sam.agent_id})).await;
        }
    });
    futures_util::future::join3(
        futures_util::future::join_all(texts),
        futures_util::future::join_all(closes),
        futures_util::future::join_all(transfers),
    )
    .await;
    folding.store(false, Ordering::Relaxed);
    let folded: usize = folders.into_iter().map(|folder| folder.join().unwrap()).sum();
    assert_eq!(folded > 0, app.db.backend() == Backend::Postgres);
    for session in [&owner, &sam] {
        let counts = counts(&app, session).await;
        assert_eq!(counts["all"], 20);
        for (view, count) in &counts {
            let unread = whole_view(&app, session, &format!("view={view}&unread=true")).await;
            assert_eq!(*count, unread.len() as i64, "view {view}");
        }
    }
}

/// The filter criteria a brute-force check understands, applied to wire rows.
fn holds(filter: &Value, row: &Value, contact_names: &HashMap<String, String>) -> bool {
    if let Some(status) = filter.get("status")
        && row["status"] != *status
    {
        return false;
    }
    if let Some(contact) = filter.get("contact").and_then(Value::as_str) {
        let name = contact_names[row["contact_id"].as_str().unwrap()].to_lowercase();
        let digits: String = contact.chars().filter(char::is_ascii_digit).collect();
        let by_phone = digits.len() >= 3 && row["contact_phone_number"].as_str().unwrap().contains(&digits);
        if !name.contains(&contact.to_lowercase()) && !by_phone {
            return false;
        }
    }
    if let Some(replier) = filter.get("last_replied_by")
        && row.get("last_replied_by") != Some(replier)
    {
        return false;
    }
    if let Some(follow_up) = filter.get("follow_up")
        && row["follow_up"] != *follow_up
    {
        return false;
    }
    if let Some(groups) = filter.get("owner_group_ids")
        && !groups.as_array().unwrap().contains(&row["owner_group_id"])
    {
        return false;
    }
    if let Some(number) = filter.get("conversation_number")
        && row["number"] != *number
    {
        return false;
    }
    true
}

async fn custom_views_filter_like_a_brute_force_check(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let billing = group(&app, &owner, "Billing", &[&owner], false).await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let names = [
        "Maria Lopez",
        "Mario Rossi",
        "Ann Lee",
        "Bob Marley",
        "Zoe Park",
        "Marianne Ek",
    ];
    let mut contact_names = HashMap::new();
    for (index, name) in names.iter().enumerate() {
        let from = format!("+1202555{:04}", 4000 + index);
        let id = text_in(&app, &owner, &number, &from, &format!("Message {index}")).await;
        let detail = conversation(&app, &owner, &id).await;
        let contact_id = detail["conversation"]["contact_id"].as_str().unwrap().to_owned();
        let (first, last) = name.split_once(' ').unwrap();
        app.patch(
            &format!("/api/v1/contacts/{contact_id}"),
            token(&owner),
            &json!({"first_name": first, "last_name": last}),
        )
        .await
        .expect(200);
        contact_names.insert(contact_id, (*name).to_owned());
        match index % 3 {
            0 => {
                transfer(&app, &owner, &id, &json!({"group_id": billing})).await;
            }
            1 => {
                app.post(
                    &format!("/api/v1/conversations/{id}/messages"),
                    token(&owner),
                    &json!({"body": "Hi"}),
                )
                .await
                .expect(201);
            }
            _ => {
                app.patch(
                    &format!("/api/v1/conversations/{id}"),
                    token(&owner),
                    &json!({"follow_up": true}),
                )
                .await
                .expect(200);
            }
        }
        if index == 5 {
            app.post(&format!("/api/v1/conversations/{id}/close"), token(&owner), &json!({}))
                .await
                .expect(200);
        }
    }
    let all = whole_view(&app, &owner, "view=all").await;
    let filters = [
        json!({"contact": "mari"}),
        json!({"contact": "MARI", "status": "open"}),
        json!({"contact": "555-4003"}),
        json!({"contact": "(202) 555"}),
        json!({"last_replied_by": "agent"}),
        json!({"last_replied_by": "contact", "status": "open"}),
        json!({"follow_up": true}),
        json!({"owner_group_ids": [billing]}),
        json!({"conversation_number": all[0]["number"]}),
        json!({"contact": "zzz"}),
    ];
    for filter in filters {
        let expected: Vec<Value> = all
            .iter()
            .filter(|row| holds(&filter, row, &contact_names))
            .cloned()
            .collect();
        let preview = app
            .post("/api/v1/views/preview", token(&owner), &json!({"filter": filter}))
            .await
            .expect(200)
            .json();
        assert_eq!(ids(preview.as_array().unwrap()), ids(&expected), "preview of {filter}");
        let view = app
            .post(
                "/api/v1/views",
                token(&owner),
                &json!({"name": "Tried", "shared": false, "filter": filter}),
            )
            .await
            .expect(201)
            .json();
        let view_id = view["id"].as_str().unwrap();
        let listed = whole_view(&app, &owner, &format!("view={view_id}")).await;
        assert_eq!(ids(&listed), ids(&expected), "view of {filter}");
        app.delete(&format!("/api/v1/views/{view_id}"), token(&owner))
            .await
            .expect(204);
    }
    let problem = app
        .post(
            "/api/v1/views",
            token(&owner),
            &json!({"name": " ", "filter": {"contact": "", "conversation_number": 0}}),
        )
        .await
        .expect_problem(422, "validation_failed");
    let fields: Vec<&str> = problem.errors.iter().map(|error| error.field.as_str()).collect();
    assert_eq!(fields, ["name", "filter.contact", "filter.conversation_number"]);
    let problem = app
        .post(
            "/api/v1/views",
            token(&owner),
            &json!({"name": "x", "filter": {"colour": "red"}}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "filter.colour");
}

async fn personal_views_are_private_and_shared_views_are_not(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let mine = app
        .post(
            "/api/v1/views",
            token(&owner),
            &json!({"name": "Mine only", "filter": {"owner": "me"}}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(mine["shared"], false);
    let shared = app
        .post(
            "/api/v1/views",
            token(&owner),
            &json!({"name": "Team", "shared": true, "filter": {"status": "open"}}),
        )
        .await
        .expect(201)
        .json();
    let sams: Vec<String> = app.get("/api/v1/views", token(&sam)).await.json()["views"]
        .as_array()
        .unwrap()
        .iter()
        .map(|view| view["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(sams.contains(&"Team".to_owned()) && !sams.contains(&"Mine only".to_owned()));
    let private = format!("/api/v1/views/{}", mine["id"].as_str().unwrap());
    app.patch(&private, token(&sam), &json!({"name": "Stolen"}))
        .await
        .expect(404);
    app.get(
        &format!("/api/v1/conversations?view={}", mine["id"].as_str().unwrap()),
        token(&sam),
    )
    .await
    .expect(404);
    // A shared view's edits are everyone's.
    let team = format!("/api/v1/views/{}", shared["id"].as_str().unwrap());
    let renamed = app
        .patch(&team, token(&sam), &json!({"name": "Whole team"}))
        .await
        .expect(200)
        .json();
    assert_eq!(renamed["name"], "Whole team");
    let owners = app.get("/api/v1/views", token(&owner)).await.json();
    assert!(
        owners["views"]
            .as_array()
            .unwrap()
            .iter()
            .any(|view| view["name"] == "Whole team")
    );
}

async fn bulk_operations_close_assign_and_mark_read(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let mut conversations = Vec::new();
    for index in 0..5 {
        let from = format!("+1202555{:04}", 5000 + index);
        conversations.push(text_in(&app, &owner, &number, &from, "Hello").await);
    }
    let assigned = app
        .post(
            "/api/v1/conversations/bulk",
            token(&owner),
            &json!({"conversation_ids": &conversations[..2], "operation": {"action": "assign", "agent_id": sam.agent_id}}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(assigned["changed"], 2);
    assert_eq!(ids(&whole_view(&app, &sam, "view=mine").await), {
        let mut two = conversations[..2].to_vec();
        two.sort();
        two
    });
    let read = app
        .post(
            "/api/v1/conversations/bulk",
            token(&sam),
            &json!({"view": "mine", "operation": {"action": "mark_read"}}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(read["changed"], 2);
    assert_eq!(counts(&app, &sam).await["mine"], 0);
    assert_eq!(counts(&app, &owner).await["open"], 5);
    let closed = app
        .post(
            "/api/v1/conversations/bulk",
            token(&owner),
            &json!({"view": "open", "number_id": number, "operation": {"action": "close"}}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(closed["changed"], 5);
    assert!(whole_view(&app, &owner, "view=open").await.is_empty());
    assert_eq!(system_notes(&app, &owner, &conversations[4]).await, ["Closed by Olive"]);

    for (body, field) in [
        (json!({"operation": {"action": "close"}}), "conversation_ids"),
        (
            json!({"conversation_ids": [conversations[0]], "view": "open", "operation": {"action": "close"}}),
            "conversation_ids",
        ),
        (
            json!({"conversation_ids": [conversations[0]], "number_id": number, "operation": {"action": "close"}}),
            "number_id",
        ),
    ] {
        let problem = app
            .post("/api/v1/conversations/bulk", token(&owner), &body)
            .await
            .expect_problem(422, "validation_failed");
        assert_eq!(problem.errors[0].field, field);
    }
    let too_many: Vec<String> = (0..501).map(|_| conversations[0].clone()).collect();
    app.post(
        "/api/v1/conversations/bulk",
        token(&owner),
        &json!({"conversation_ids": too_many, "operation": {"action": "close"}}),
    )
    .await
    .expect_problem(422, "validation_failed");
}

async fn deleting_is_allowed_where_the_organization_allows_it(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let first = text_in(&app, &owner, &number, "+12025550143", "Delete me").await;
    let second = text_in(&app, &owner, &number, "+12025550144", "Me too").await;
    let problem = app
        .delete(&format!("/api/v1/conversations/{first}"), token(&sam))
        .await
        .expect_problem(403, "deleting_off");
    assert!(problem.detail.unwrap().contains("admins"));
    app.delete(&format!("/api/v1/conversations/{first}"), token(&owner))
        .await
        .expect(204);
    app.get(&format!("/api/v1/conversations/{first}"), token(&owner))
        .await
        .expect(404);
    app.patch(
        "/api/v1/organization",
        token(&owner),
        &json!({"agents_may_delete": true}),
    )
    .await
    .expect(200);
    app.delete(&format!("/api/v1/conversations/{second}"), token(&sam))
        .await
        .expect(204);
    let log = app.get("/api/v1/audit-log", token(&owner)).await.expect(200).json();
    let deletions: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "conversation.deleted")
        .collect();
    assert_eq!(deletions.len(), 2);
    let messages: i64 = app
        .db
        .read(|conn| -> Result<_, textdesk_db::DbError> {
            use diesel::prelude::*;
            use textdesk_db::schema::messages;
            Ok(messages::table.count().get_result(conn)?)
        })
        .unwrap();
    assert_eq!(messages, 0);
}

async fn another_organizations_inbox_ids_are_not_found(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let other = app.create_other_organization("Other", "other@other.example").await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let id = text_in(&app, &owner, &number, "+12025550143", "Hello").await;
    let view = app
        .post(
            "/api/v1/views",
            token(&owner),
            &json!({"name": "Shared", "shared": true, "filter": {}}),
        )
        .await
        .expect(201)
        .json();
    let view_id = view["id"].as_str().unwrap();
    for path in ["claim", "close"] {
        app.post(&format!("/api/v1/conversations/{id}/{path}"), token(&other), &json!({}))
            .await
            .expect(404);
    }
    app.post(
        &format!("/api/v1/conversations/{id}/transfer"),
        token(&other),
        &json!({}),
    )
    .await
    .expect(404);
    app.patch(
        &format!("/api/v1/conversations/{id}"),
        token(&other),
        &json!({"follow_up": true}),
    )
    .await
    .expect(404);
    app.delete(&format!("/api/v1/conversations/{id}"), token(&other))
        .await
        .expect(404);
    app.patch(
        &format!("/api/v1/views/{view_id}"),
        token(&other),
        &json!({"name": "x"}),
    )
    .await
    .expect(404);
    app.get(&format!("/api/v1/conversations?view={view_id}"), token(&other))
        .await
        .expect(404);
    let closed = app
        .post(
            "/api/v1/conversations/bulk",
            token(&other),
            &json!({"conversation_ids": [id], "operation": {"action": "close"}}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(closed["changed"], 0);
    // Another organization's agent is no owner here.
    let problem = app
        .post(
            &format!("/api/v1/conversations/{id}/transfer"),
            token(&owner),
            &json!({"agent_id": other.agent_id}),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "agent_id");
    let views = app.get("/api/v1/views", token(&other)).await.json();
    assert_eq!(views["views"].as_array().unwrap().len(), 8);
    assert!(
        app.get("/api/v1/presence", token(&other))
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
}
