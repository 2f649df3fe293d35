use std::collections::HashSet;

use serde_json::{Value, json};
use textdesk_tests::{Session, TestApp, TestResponse, on_both_backends};

on_both_backends!(
    phone_numbers_are_found_however_typed,
    names_numbers_and_closed_conversations_are_found,
    message_text_is_matched_by_words_and_highlighted,
    texts_and_notes_are_found_and_compliance_texts_are_not,
    another_organizations_conversations_never_appear,
    hostile_queries_never_fail,
    bad_parameters_name_the_field,
    results_page_without_duplicates,
    a_hit_opens_the_conversation_around_its_message,
    common_and_rare_words_find_every_conversation_holding_them,
);

/// Adds a simulator number; returns its id.
async fn add_number(app: &TestApp, owner: &Session, phone: &str) -> String {
    let body = json!({"phone_number": phone, "label": "Main line", "provider": "simulator"});
    let number = app
        .post("/api/v1/numbers", Some(&owner.access_token), &body)
        .await
        .expect(201)
        .json();
    number["id"].as_str().unwrap().to_owned()
}

/// Adds a contact; returns its id.
async fn add_contact(app: &TestApp, session: &Session, contact: Value) -> String {
    let contact = app
        .post("/api/v1/contacts", Some(&session.access_token), &contact)
        .await
        .expect(201)
        .json();
    contact["id"].as_str().unwrap().to_owned()
}

/// Sends a text; returns (message id, conversation id).
async fn send_to(app: &TestApp, session: &Session, to: &str, body: &str) -> (String, String) {
    let message = app
        .post(
            "/api/v1/messages",
            Some(&session.access_token),
            &json!({"to": to, "body": body}),
        )
        .await
        .expect(201)
        .json();
    (
        message["id"].as_str().unwrap().to_owned(),
        message["conversation_id"].as_str().unwrap().to_owned(),
    )
}

async fn close(app: &TestApp, session: &Session, conversation: &str) {
    app.post(
        &format!("/api/v1/conversations/{conversation}/close"),
        Some(&session.access_token),
        &json!({}),
    )
    .await
    .expect(200);
}

fn search_path(q: &str, extra: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", q)
        .finish();
    format!("/api/v1/search?{query}{extra}")
}

async fn search_raw(app: &TestApp, session: &Session, q: &str, extra: &str) -> TestResponse {
    app.get(&search_path(q, extra), Some(&session.access_token)).await
}

/// The hits of the first page.
async fn search(app: &TestApp, session: &Session, q: &str) -> Vec<Value> {
    let page = search_raw(app, session, q, "").await.expect(200).json();
    page["items"].as_array().unwrap().clone()
}

/// The highlighted parts of a hit's snippet, cut by character positions.
fn highlighted(hit: &Value) -> Vec<String> {
    let snippet: Vec<char> = hit["snippet"].as_str().unwrap().chars().collect();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let (start, end) = (
                h["start"].as_u64().unwrap() as usize,
                h["end"].as_u64().unwrap() as usize,
            );
            snippet[start..end].iter().collect()
        })
        .collect()
}

fn conversation_ids(hits: &[Value]) -> Vec<String> {
    hits.iter()
        .map(|hit| hit["conversation"]["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn phone_numbers_are_found_however_typed(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    add_contact(
        &app,
        &owner,
        json!({"phone_number": "+12025550123", "first_name": "Joe", "last_name": "Smith"}),
    )
    .await;
    let (_, joes) = send_to(&app, &owner, "+12025550123", "Hello Joe").await;
    send_to(&app, &owner, "+12025550999", "Hello stranger").await;

    for (typed, marked) in [
        ("(202) 555-0123", "2025550123"),
        ("202-555-0123", "2025550123"),
        ("+1 202 555 0123", "12025550123"),
        ("2025550123", "2025550123"),
        ("202.555.0123", "2025550123"),
        ("555-0123", "5550123"),
        ("0123", "0123"),
    ] {
        let hits = search(&app, &owner, typed).await;
        assert_eq!(hits.len(), 1, "{typed}: {hits:?}");
        let hit = &hits[0];
        assert_eq!(hit["matched"], "phone_number", "{typed}");
        assert_eq!(hit["conversation"]["id"], joes.as_str());
        assert_eq!(hit["conversation"]["contact_phone_number"], "+12025550123");
        assert_eq!(hit["snippet"], "+12025550123");
        assert_eq!(highlighted(hit), [marked], "{typed}");
        assert!(hit.get("message_id").is_none());
    }
    assert!(search(&app, &owner, "555-01").await.is_empty(), "too few digits");
    assert!(
        search(&app, &owner, "9999").await.is_empty(),
        "digits match the end only"
    );
    assert!(search(&app, &owner, "0100").await.is_empty(), "not the business number");
}

async fn names_numbers_and_closed_conversations_are_found(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let joe = add_contact(
        &app,
        &owner,
        json!({"phone_number": "+12025550143", "first_name": "Joe", "last_name": "Smith", "company": "Bright Dental"}),
    )
    .await;
    add_contact(
        &app,
        &owner,
        json!({"phone_number": "+12025550144", "first_name": "Mary", "last_name": "Smithers"}),
    )
    .await;
    let (crown, first) = send_to(&app, &owner, "+12025550143", "Your crown is ready for pickup").await;
    close(&app, &owner, &first).await;
    let (_, marys) = send_to(&app, &owner, "+12025550144", "See you Tuesday").await;
    let (_, second) = send_to(&app, &owner, "+12025550143", "Second visit booked").await;
    assert_ne!(first, second, "closing opened a new conversation");

    let hits = search(&app, &owner, "crown").await;
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["matched"], "message");
    assert_eq!(hits[0]["conversation"]["id"], first.as_str());
    assert_eq!(hits[0]["conversation"]["status"], "closed");
    assert_eq!(hits[0]["message_id"], crown.as_str());
    assert_eq!(hits[0]["snippet"], "Your crown is ready for pickup");
    assert_eq!(
        hits[0]["highlights"],
        json!([{"start": 5, "end": 10}]),
        "character positions of the word"
    );

    // The last word is matched as typed so far; every conversation of the contact is found,
    // newest activity first.
    let hits = search(&app, &owner, "joe SMI").await;
    assert_eq!(conversation_ids(&hits), [second.as_str(), first.as_str()]);
    for hit in &hits {
        assert_eq!(hit["matched"], "contact_name");
        assert_eq!(hit["snippet"], "Joe Smith · Bright Dental");
        assert_eq!(highlighted(hit), ["Joe", "Smith"]);
    }
    let smi = search(&app, &owner, "smi").await;
    assert_eq!(smi.len(), 3, "Smith and Smithers: {smi:?}");
    assert!(conversation_ids(&smi).contains(&marys));
    assert_eq!(
        conversation_ids(&search(&app, &owner, "smith ").await),
        [second.as_str(), first.as_str()],
        "a finished word matches whole words only"
    );
    let company = search(&app, &owner, "dental").await;
    assert_eq!(company.len(), 2);
    assert_eq!(highlighted(&company[0]), ["Dental"]);
    assert!(
        search(&app, &owner, "joe smithers").await.is_empty(),
        "every word must match"
    );

    // The number, as typed or with its sign; it comes before any other kind of match.
    let detail = app
        .get(&format!("/api/v1/conversations/{first}"), Some(&owner.access_token))
        .await
        .expect(200)
        .json();
    let number = detail["conversation"]["number"].as_i64().unwrap();
    for typed in [number.to_string(), format!("#{number}")] {
        let hits = search(&app, &owner, &typed).await;
        assert_eq!(hits[0]["matched"], "conversation_number", "{typed}");
        assert_eq!(hits[0]["conversation"]["id"], first.as_str());
        assert_eq!(hits[0]["snippet"], format!("#{number}"));
        assert_eq!(highlighted(&hits[0]), [number.to_string()]);
    }
    assert!(search(&app, &owner, "987654").await.is_empty());

    // An edited name is found by its new words only.
    app.patch(
        &format!("/api/v1/contacts/{joe}"),
        Some(&owner.access_token),
        &json!({"first_name": "Joseph", "company": ""}),
    )
    .await
    .expect(200);
    let renamed = search(&app, &owner, "joseph").await;
    assert_eq!(conversation_ids(&renamed), [second.as_str(), first.as_str()]);
    assert_eq!(renamed[0]["snippet"], "Joseph Smith");
    assert_eq!(renamed[0]["conversation"]["contact_name"], "Joseph Smith");
    assert!(search(&app, &owner, "joe ").await.is_empty());
    assert!(search(&app, &owner, "dental").await.is_empty());
}

async fn texts_and_notes_are_found_and_compliance_texts_are_not(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let number = add_number(&app, &owner, "+12025550100").await;
    let token = Some(owner.access_token.as_str());
    let text = |body: &str| json!({"from": "+12025550143", "number_id": number, "body": body});
    let inbound = app
        .post("/api/v1/simulator/messages", token, &text("My filling fell out"))
        .await
        .expect(201)
        .json();
    let conversation = inbound["conversation_id"].as_str().unwrap().to_owned();
    let note = app
        .post(
            &format!("/api/v1/conversations/{conversation}/notes"),
            token,
            &json!({"body": "Left a voicemail about the filling"}),
        )
        .await
        .expect(201)
        .json();

    let hits = search(&app, &owner, "filling").await;
    assert_eq!(conversation_ids(&hits), [conversation.as_str()]);
    let found = search(&app, &owner, "voicemail").await;
    assert_eq!(found[0]["message_id"], note["id"]);
    assert_eq!(found[0]["matched"], "message");
    let texted = search(&app, &owner, "fell out").await;
    assert_eq!(texted[0]["message_id"], inbound["id"]);

    // STOP is answered with a confirmation that the conversation shows only on request.
    app.post("/api/v1/simulator/messages", token, &text("STOP"))
        .await
        .expect(201);
    let all = app
        .get(
            &format!("/api/v1/conversations/{conversation}?include_hidden=true"),
            token,
        )
        .await
        .expect(200)
        .json();
    let hidden: Vec<String> = all["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["purpose"] != "normal")
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(hidden.len(), 1, "{all}");
    let word = hidden[0]
        .split(|c: char| !c.is_alphanumeric())
        .find(|word| word.len() > 6)
        .unwrap()
        .to_owned();
    assert!(search(&app, &owner, &format!("{word} ")).await.is_empty(), "{word}");
    assert_eq!(
        search(&app, &owner, "stop").await.len(),
        1,
        "the customer's STOP is a text"
    );
}

async fn message_text_is_matched_by_words_and_highlighted(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let (_, plain) = send_to(&app, &owner, "+12025550151", "Invoice attached").await;
    let (twice, doubled) = send_to(&app, &owner, "+12025550152", "The invoice for your invoice").await;
    send_to(&app, &owner, "+12025550152", "Thanks, the invoice is paid").await;
    let (email, contact_details) = send_to(
        &app,
        &owner,
        "+12025550153",
        "Write to joe@example.com or call 555-0199",
    )
    .await;
    let (dessert, french) = send_to(&app, &owner, "+12025550154", "Café crème\nbrûlée is ready").await;
    let long_body = format!("{} the warranty {}", "filler ".repeat(30), "tail ".repeat(30));
    let (_, long) = send_to(&app, &owner, "+12025550155", &long_body).await;
    let conversation = |hits: &[Value], id: &str| -> Value {
        hits.iter()
            .find(|hit| hit["conversation"]["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} not among {hits:?}"))
    };

    // One hit per conversation, with the best matching message.
    let hits = search(&app, &owner, "invoice").await;
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(hits.iter().all(|hit| hit["matched"] == "message"));
    assert_eq!(
        conversation_ids(&hits).into_iter().collect::<HashSet<_>>(),
        HashSet::from([plain.clone(), doubled.clone()])
    );
    let best = conversation(&hits, &doubled);
    assert_eq!(best["message_id"], twice.as_str(), "two matches rank above one");
    assert_eq!(highlighted(&best), ["invoice", "invoice"]);
    assert_eq!(
        best["highlights"],
        json!([{"start": 4, "end": 11}, {"start": 21, "end": 28}])
    );
    assert_eq!(highlighted(&conversation(&hits, &plain)), ["Invoice"]);

    // The word being typed matches from three letters; every word must be there.
    assert_eq!(search(&app, &owner, "invo").await.len(), 2);
    assert!(
        search(&app, &owner, "in").await.is_empty(),
        "two letters match whole words only"
    );
    assert_eq!(
        conversation_ids(&search(&app, &owner, "invoice paid").await),
        [doubled.as_str()]
    );
    assert!(search(&app, &owner, "invoice overdue").await.is_empty());

    // Words split at punctuation, as typed or as stored.
    for typed in ["example", "joe@example.com", "0199", "call 555"] {
        let hits = search(&app, &owner, typed).await;
        assert_eq!(conversation_ids(&hits), [contact_details.as_str()], "{typed}");
        assert_eq!(hits[0]["message_id"], email.as_str());
    }

    // Letters beyond ASCII, in any case; positions count characters, and a line break is shown
    // as a space.
    let hits = search(&app, &owner, "CRÈME").await;
    assert_eq!(conversation_ids(&hits), [french.as_str()]);
    assert_eq!(hits[0]["message_id"], dessert.as_str());
    assert_eq!(hits[0]["snippet"], "Café crème brûlée is ready");
    assert_eq!(hits[0]["highlights"], json!([{"start": 5, "end": 10}]));
    assert_eq!(highlighted(&search(&app, &owner, "brûl").await[0]), ["brûlée"]);

    // A long message is cut around the match.
    let hits = search(&app, &owner, "warranty").await;
    assert_eq!(conversation_ids(&hits), [long.as_str()]);
    let snippet = hits[0]["snippet"].as_str().unwrap();
    assert!(snippet.starts_with('…') && snippet.ends_with('…'), "{snippet}");
    assert!(snippet.chars().count() < long_body.chars().count());
    assert_eq!(highlighted(&hits[0]), ["warranty"]);
}

async fn another_organizations_conversations_never_appear(app: TestApp) {
    let ours = app.create_workspace("Acme", "owner@acme.example").await;
    let theirs = app.create_other_organization("Globex", "boss@globex.example").await;
    add_number(&app, &ours, "+12025550100").await;
    add_number(&app, &theirs, "+12025550199").await;
    for session in [&ours, &theirs] {
        add_contact(
            &app,
            session,
            json!({"phone_number": "+12025550143", "first_name": "Joe", "last_name": "Smith"}),
        )
        .await;
    }
    let (_, our_conversation) = send_to(&app, &ours, "+12025550143", "Your crown is ready").await;
    let (_, their_conversation) = send_to(&app, &theirs, "+12025550143", "Crown secret plans").await;
    send_to(&app, &theirs, "+12025550177", "Globex only").await;

    for typed in ["crown", "smith", "joe", "+1 202 555 0143", "0143", "1001", "#1001"] {
        let hits = search(&app, &ours, typed).await;
        assert_eq!(conversation_ids(&hits), [our_conversation.as_str()], "{typed}");
        let theirs_found = search(&app, &theirs, typed).await;
        assert_eq!(
            conversation_ids(&theirs_found),
            [their_conversation.as_str()],
            "{typed}"
        );
    }
    for typed in ["secret", "globex", "0177"] {
        assert!(search(&app, &ours, typed).await.is_empty(), "{typed}");
    }
}

async fn hostile_queries_never_fail(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let (_, conversation) = send_to(&app, &owner, "+12025550143", "Your crown is ready").await;
    let long = "crown ".repeat(33);
    let queries = [
        "\"",
        "*",
        "AND",
        ")",
        "(",
        "'",
        "%",
        "_",
        "\\",
        ":",
        "^",
        "-",
        "+",
        "#",
        "\"crown",
        "crown\"",
        "crown*",
        "*crown",
        "crown AND",
        "crown OR ready",
        "NOT crown",
        "crown NOT ready",
        "NEAR(crown ready)",
        "body:crown",
        "{body}: crown",
        "crown & ready | !x",
        "crown:*",
        "crown <-> ready",
        "'; DROP TABLE messages; --",
        "%_%",
        "😀",
        "crown 😀",
        "日本語",
        "Ünïcödé",
        "\u{0}crown",
        "crown\u{7}",
        "\u{202e}crown",
        "+-+-+-+-",
        "((((((((((1234",
        "99999999999999999999999",
        "#",
        "# ",
        &long,
    ];
    for q in queries {
        let response = search_raw(&app, &owner, q, "").await;
        let status = response.status.as_u16();
        assert!(
            status == 200 || (400..500).contains(&status),
            "{q:?} answered {status}: {}",
            response.text()
        );
        if status == 200 {
            let hits = response.json()["items"].as_array().unwrap().clone();
            assert!(conversation_ids(&hits).iter().all(|id| *id == conversation), "{q:?}");
        }
    }
    // Operators and wildcards are plain words, or nothing.
    assert_eq!(search(&app, &owner, "\"crown\"").await.len(), 1);
    assert_eq!(search(&app, &owner, "crown OR nothing").await.len(), 0);
    assert_eq!(search(&app, &owner, "crown*").await.len(), 1);
}

async fn bad_parameters_name_the_field(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let token = Some(owner.access_token.as_str());
    let field_of = |response: TestResponse| {
        let problem = response.expect_problem(422, "validation_failed");
        (problem.errors[0].field.clone(), problem.errors[0].code.clone())
    };
    let missing = app.get("/api/v1/search", token).await;
    assert_eq!(field_of(missing), ("q".to_owned(), "required".to_owned()));
    for blank in ["", "   "] {
        let answer = search_raw(&app, &owner, blank, "").await;
        assert_eq!(field_of(answer), ("q".to_owned(), "required".to_owned()));
    }
    let too_long = search_raw(&app, &owner, &"a".repeat(201), "").await;
    assert_eq!(field_of(too_long), ("q".to_owned(), "too_long".to_owned()));
    search_raw(&app, &owner, &format!("  {}  ", "a".repeat(200)), "")
        .await
        .expect(200);
    for limit in ["0", "201"] {
        let answer = search_raw(&app, &owner, "crown", &format!("&limit={limit}")).await;
        assert_eq!(field_of(answer).0, "limit");
    }
    search_raw(&app, &owner, "crown", "&limit=x")
        .await
        .expect_problem(422, "validation_failed");
    let forged = search_raw(&app, &owner, "crown", "&cursor=bm9wZQ").await;
    assert_eq!(field_of(forged), ("cursor".to_owned(), "invalid_cursor".to_owned()));
    let unknown = search_raw(&app, &owner, "crown", "&sort=newest").await;
    assert_eq!(field_of(unknown).0, "sort");
    app.get(&search_path("crown", ""), None)
        .await
        .expect_problem(401, "missing_token");
}

async fn results_page_without_duplicates(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    add_contact(
        &app,
        &owner,
        json!({"phone_number": "+12025550160", "first_name": "Refill", "last_name": "Pharmacy"}),
    )
    .await;
    let mut expected = HashSet::new();
    expected.insert(send_to(&app, &owner, "+12025550160", "Hello").await.1);
    for n in 1..=7 {
        let phone = format!("+1202555016{n}");
        expected.insert(
            send_to(&app, &owner, &phone, &format!("Your refill {n} is ready"))
                .await
                .1,
        );
        // A second match in the same conversation adds no second hit.
        send_to(&app, &owner, &phone, "Refill picked up").await;
    }

    let mut seen = Vec::new();
    let mut kinds = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let extra = match &cursor {
            Some(cursor) => format!("&limit=3&cursor={cursor}"),
            None => "&limit=3".to_owned(),
        };
        let page = search_raw(&app, &owner, "refill", &extra).await.expect(200).json();
        pages += 1;
        for hit in page["items"].as_array().unwrap() {
            seen.push(hit["conversation"]["id"].as_str().unwrap().to_owned());
            kinds.push(hit["matched"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 8, "{seen:?}");
    assert_eq!(
        seen.iter().cloned().collect::<HashSet<_>>(),
        expected,
        "no duplicates, none missing"
    );
    assert_eq!(kinds[0], "contact_name", "a name match comes before message matches");
    assert!(kinds[1..].iter().all(|kind| kind == "message"));

    // A cursor belongs to its search.
    let first = search_raw(&app, &owner, "refill", "&limit=3").await.expect(200).json();
    let cursor = first["next_cursor"].as_str().unwrap();
    let problem = search_raw(&app, &owner, "ready", &format!("&cursor={cursor}"))
        .await
        .expect_problem(422, "validation_failed");
    assert_eq!(problem.errors[0].field, "cursor");
}

async fn a_hit_opens_the_conversation_around_its_message(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let token = Some(owner.access_token.as_str());
    let mut ids = Vec::new();
    let mut conversation = String::new();
    for n in 0..9 {
        let body = if n == 4 {
            "message 4 with the tracking code".to_owned()
        } else {
            format!("message {n}")
        };
        let (id, in_conversation) = send_to(&app, &owner, "+12025550143", &body).await;
        ids.push(id);
        conversation = in_conversation;
    }
    let hits = search(&app, &owner, "tracking").await;
    assert_eq!(hits[0]["message_id"], ids[4].as_str());
    let bodies = |detail: &Value| -> Vec<String> {
        detail["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap().chars().take(9).collect())
            .collect()
    };
    let path = format!("/api/v1/conversations/{conversation}");

    let around = app
        .get(&format!("{path}?around={}&limit=3", ids[4]), token)
        .await
        .expect(200)
        .json();
    assert_eq!(bodies(&around), ["message 3", "message 4", "message 5"]);
    let older = app
        .get(
            &format!("{path}?limit=3&before={}", around["older_cursor"].as_str().unwrap()),
            token,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(bodies(&older), ["message 0", "message 1", "message 2"]);
    let newer = app
        .get(
            &format!("{path}?limit=3&after={}", around["newer_cursor"].as_str().unwrap()),
            token,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(bodies(&newer), ["message 6", "message 7", "message 8"]);

    // Near an end, the other side fills the window.
    let at_end = app
        .get(&format!("{path}?around={}&limit=4", ids[8]), token)
        .await
        .expect(200)
        .json();
    assert_eq!(bodies(&at_end), ["message 5", "message 6", "message 7", "message 8"]);
    assert!(at_end["newer_cursor"].is_null());
    assert!(at_end["older_cursor"].is_string());
    let whole = app
        .get(&format!("{path}?around={}", ids[0]), token)
        .await
        .expect(200)
        .json();
    assert_eq!(whole["messages"].as_array().unwrap().len(), 9);
    assert!(whole["older_cursor"].is_null() && whole["newer_cursor"].is_null());

    let field_of = |response: TestResponse| {
        let problem = response.expect_problem(422, "validation_failed");
        (problem.errors[0].field.clone(), problem.errors[0].code.clone())
    };
    let cursor = around["older_cursor"].as_str().unwrap();
    let both = app
        .get(&format!("{path}?around={}&before={cursor}", ids[4]), token)
        .await;
    assert_eq!(field_of(both), ("around".to_owned(), "conflicting".to_owned()));
    let garbage = app.get(&format!("{path}?around=nope"), token).await;
    assert_eq!(field_of(garbage), ("around".to_owned(), "invalid_id".to_owned()));
    let (elsewhere, _) = send_to(&app, &owner, "+12025550144", "another thread").await;
    let foreign = app.get(&format!("{path}?around={elsewhere}"), token).await;
    assert_eq!(field_of(foreign), ("around".to_owned(), "unknown_message".to_owned()));
}

/// A word in most messages, a word being typed, a rare word, a typo and a number found
/// nowhere: each finds exactly the conversations holding it. (PostgreSQL looks up matches older
/// than the newest 20,000 messages in the word index; `crates/loadgen/bench-inbox.sh` runs that
/// part, at 1,000,000 messages.)
async fn common_and_rare_words_find_every_conversation_holding_them(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    add_number(&app, &owner, "+12025550100").await;
    let mut with_invoice = HashSet::new();
    let mut with_parcel = HashSet::new();
    for n in 0..30 {
        let phone = format!("+120255502{n:02}");
        let (_, conversation) = send_to(&app, &owner, &phone, &format!("Invoice {n} is attached")).await;
        send_to(&app, &owner, &phone, "Your invoice was paid, thanks").await;
        with_invoice.insert(conversation.clone());
        if n % 10 == 0 {
            send_to(&app, &owner, &phone, "The parcel left today").await;
            with_parcel.insert(conversation);
        }
    }
    let all_hits = |q: &'static str| {
        let (app, owner) = (&app, &owner);
        async move {
            let mut found = HashSet::new();
            let mut cursor: Option<String> = None;
            loop {
                let extra = cursor.map(|c| format!("&cursor={c}")).unwrap_or_default();
                let page = search_raw(app, owner, q, &extra).await.expect(200).json();
                found.extend(conversation_ids(page["items"].as_array().unwrap()));
                match page["next_cursor"].as_str() {
                    Some(next) => cursor = Some(next.to_owned()),
                    None => break found,
                }
            }
        }
    };
    assert_eq!(all_hits("invoice").await, with_invoice, "60 of 63 messages hold it");
    assert_eq!(all_hits("invoi").await, with_invoice, "a word being typed");
    assert_eq!(all_hits("parcel").await, with_parcel, "3 of 63 messages hold it");
    assert!(all_hits("invoise").await.is_empty(), "a typo finds nothing, and fast");
    assert!(all_hits("4242").await.is_empty());
}
