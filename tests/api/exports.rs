//! Exports of messages: the columns, cells a spreadsheet shows as text, HTML escaped, the days
//! of one conversation, a contact's thread, chosen conversations, the whole organization for
//! admins, the organization's switch, other organizations' ids, and the audit log.

use chrono::{Duration, Utc};
use serde_json::json;
use textdesk_tests::{Session, TestApp, on_both_backends};

on_both_backends!(
    a_conversation_exports_as_csv_with_formulas_shown_as_text,
    exports_cover_threads_chosen_conversations_and_the_organization,
    exports_are_refused_where_not_allowed,
    a_day_across_a_daylight_saving_change_is_the_agents_day,
);

fn token(session: &Session) -> Option<&str> {
    Some(session.access_token.as_str())
}

async fn export(app: &TestApp, session: &Session, query: &str) -> String {
    let response = app
        .get(&format!("/api/v1/exports/messages?{query}"), token(session))
        .await
        .expect(200);
    String::from_utf8(response.body).unwrap()
}

/// The CSV's lines, split where RFC 4180 would (a quoted cell may hold a line break).
fn records(csv: &str) -> Vec<&str> {
    csv.split("\r\n").filter(|line| !line.is_empty()).collect()
}

async fn a_conversation_exports_as_csv_with_formulas_shown_as_text(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let first = app
        .text_from_customer(
            &owner,
            &number,
            "+12025550143",
            "=HYPERLINK(\"http://evil.example\",\"Click\")",
        )
        .await;
    let conversation = first["conversation_id"].as_str().unwrap().to_owned();
    let contact = app
        .get(&format!("/api/v1/conversations/{conversation}"), token(&owner))
        .await
        .expect(200)
        .json()["conversation"]["contact_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.patch(
        &format!("/api/v1/contacts/{contact}"),
        token(&owner),
        &json!({"first_name": "Joe", "last_name": "Smith"}),
    )
    .await
    .expect(200);
    app.text_from_customer(&owner, &number, "+12025550143", "Hi, it's \"Joe\"\non two lines <b>")
        .await;

    let response = app
        .get(
            &format!("/api/v1/exports/messages?conversation_id={conversation}"),
            token(&owner),
        )
        .await
        .expect(200);
    assert!(response.header("content-type").unwrap().starts_with("text/csv"));
    assert!(response.header("content-disposition").unwrap().contains("attachment"));
    let csv = String::from_utf8(response.body).unwrap();
    let lines = records(&csv);
    assert_eq!(
        lines[0],
        "Message ID,Thread ID,Conversation,Date and time,Contact,From,To,Status,Message"
    );
    assert!(lines[1].starts_with(first["id"].as_str().unwrap()), "{csv}");
    assert!(lines[1].contains(&format!(",{contact},")), "{csv}");
    // A number starts with `+`, which a spreadsheet would also read as a formula.
    assert!(
        lines[1].contains(",Joe Smith,'+12025550143,'+12025550100,received,"),
        "{csv}"
    );
    assert!(
        lines[1].ends_with("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\""),
        "{csv}"
    );
    assert!(csv.contains("\"Hi, it's \"\"Joe\"\"\non two lines <b>\""), "{csv}");
    assert_eq!(lines.len(), 3);

    // The days, in the agent's zone: both included, at most 7.
    let today = Utc::now().date_naive();
    let days = |from: i64, until: i64| {
        format!(
            "conversation_id={conversation}&from={}&until={}",
            today + Duration::days(from),
            today + Duration::days(until)
        )
    };
    assert_eq!(records(&export(&app, &owner, &days(-1, 1)).await).len(), 3);
    assert_eq!(
        records(&export(&app, &owner, &days(-10, -4)).await).len(),
        1,
        "the header alone"
    );
    let problem = app
        .get(&format!("/api/v1/exports/messages?{}", days(-7, 0)), token(&owner))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(
        (problem.errors[0].field.as_str(), problem.errors[0].code.as_str()),
        ("until", "range_too_long")
    );
    let problem = app
        .get(
            &format!("/api/v1/exports/messages?conversation_id={conversation}&from=yesterday&until=2026-12-01"),
            token(&owner),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "from");

    let html = export(&app, &owner, &format!("conversation_id={conversation}&format=html")).await;
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("on two lines &lt;b&gt;"), "{html}");
    assert!(!html.contains("<b>"));
    assert!(html.trim_end().ends_with("</html>"));
}

async fn exports_cover_threads_chosen_conversations_and_the_organization(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let mut conversations = Vec::new();
    for (from, body) in [
        ("+12025550143", "one"),
        ("+12025550144", "two"),
        ("+12025550145", "three"),
    ] {
        let message = app.text_from_customer(&owner, &number, from, body).await;
        conversations.push(message["conversation_id"].as_str().unwrap().to_owned());
    }
    // A second conversation with the first contact, after the first is closed.
    app.post(
        &format!("/api/v1/conversations/{}/close", conversations[0]),
        token(&owner),
        &json!({}),
    )
    .await
    .expect(200);
    app.text_from_customer(&owner, &number, "+12025550143", "four").await;
    let contact = app
        .get(&format!("/api/v1/conversations/{}", conversations[0]), token(&owner))
        .await
        .expect(200)
        .json()["conversation"]["contact_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bodies = |csv: String| -> Vec<String> {
        records(&csv)[1..]
            .iter()
            .map(|line| line.rsplit(',').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        bodies(export(&app, &owner, &format!("contact_id={contact}")).await),
        ["one", "four"]
    );
    let chosen = format!("conversation_ids={},{}", conversations[1], conversations[2]);
    assert_eq!(bodies(export(&app, &owner, &chosen).await), ["two", "three"]);
    assert_eq!(bodies(export(&app, &owner, "").await), ["one", "two", "three", "four"]);
    // "Select all in view": the open ones, the first conversation being closed.
    assert_eq!(
        bodies(export(&app, &owner, "view=open").await),
        ["two", "three", "four"]
    );
    app.get("/api/v1/exports/messages?view=no-such-view", token(&owner))
        .await
        .expect(404);
    // Notes are the team's own.
    app.post(
        &format!("/api/v1/conversations/{}/notes", conversations[1]),
        token(&owner),
        &json!({"body": "internal"}),
    )
    .await
    .expect(201);
    assert!(!export(&app, &owner, "").await.contains("internal"));
    let sam = app.add_agent(&owner, "sam@acme.example", "agent").await;
    assert_eq!(bodies(export(&app, &sam, &chosen).await), ["two", "three"]);
    app.get("/api/v1/exports/messages", token(&sam))
        .await
        .expect_problem(403, "admins_only");
    // Each export is in the audit log.
    let log = app
        .get("/api/v1/audit-log?limit=10", token(&owner))
        .await
        .expect(200)
        .json();
    let exported = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "messages.exported")
        .count();
    assert_eq!(
        exported, 6,
        "five by the owner, one by Sam; the refused ones are not exports"
    );
}

async fn exports_are_refused_where_not_allowed(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let message = app.text_from_customer(&owner, &number, "+12025550143", "hello").await;
    let conversation = message["conversation_id"].as_str().unwrap();
    let globex = app.create_other_organization("Globex", "owner@globex.example").await;
    app.get(
        &format!("/api/v1/exports/messages?conversation_id={conversation}"),
        token(&globex),
    )
    .await
    .expect(404);
    app.get(
        &format!("/api/v1/exports/messages?conversation_ids={conversation}"),
        token(&globex),
    )
    .await
    .expect(404);
    let both = app
        .get(
            &format!("/api/v1/exports/messages?conversation_id={conversation}&conversation_ids={conversation}"),
            token(&owner),
        )
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(both.errors[0].code, "one_scope");
    app.patch(
        "/api/v1/organization",
        token(&owner),
        &json!({"exports_allowed": false}),
    )
    .await
    .expect(200);
    app.get(
        &format!("/api/v1/exports/messages?conversation_id={conversation}"),
        token(&owner),
    )
    .await
    .expect_problem(403, "exports_disabled");
}

/// The agent's zone turns its clocks back on 2026-11-01 (America/New_York): that day has 25
/// hours, 01:30 comes twice, and its export holds exactly its texts, each time with its zone.
async fn a_day_across_a_daylight_saving_change_is_the_agents_day(app: TestApp) {
    use diesel::prelude::*;
    use textdesk_db::schema::messages;

    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    app.patch("/api/v1/me", token(&owner), &json!({"time_zone": "America/New_York"}))
        .await
        .expect(200);
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let sent_at = [
        ("the evening before", "2026-10-31T23:30:00Z"),
        ("first half past one", "2026-11-01T05:30:00Z"),
        ("second half past one", "2026-11-01T06:30:00Z"),
        ("late that night", "2026-11-02T04:30:00Z"),
        ("the next day", "2026-11-02T05:30:00Z"),
    ];
    let mut conversation = String::new();
    for (body, at) in sent_at {
        let text = app.text_from_customer(&owner, &number, "+12025550143", body).await;
        conversation = text["conversation_id"].as_str().unwrap().to_owned();
        let id = text["id"].as_str().unwrap().to_owned();
        let at = chrono::DateTime::parse_from_rfc3339(at).unwrap().naive_utc();
        app.db
            .write(move |conn| {
                let updated = diesel::update(messages::table.filter(messages::id.eq(id)))
                    .set(messages::created_at.eq(at))
                    .execute(conn)?;
                Ok::<_, textdesk_db::DbError>(updated)
            })
            .unwrap();
    }
    let csv = export(
        &app,
        &owner,
        &format!("conversation_id={conversation}&from=2026-11-01&until=2026-11-01"),
    )
    .await;
    let lines = records(&csv);
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[1].contains(",2026-11-01 01:30:00 EDT,") && lines[1].ends_with("first half past one"),
        "{csv}"
    );
    assert!(
        lines[2].contains(",2026-11-01 01:30:00 EST,") && lines[2].ends_with("second half past one"),
        "{csv}"
    );
    assert!(
        lines[3].contains(",2026-11-01 23:30:00 EST,") && lines[3].ends_with("late that night"),
        "{csv}"
    );
}
