//! Contact imports from CSV (seed 003 "Upload Mobile Users"): a file is checked and previewed
//! without touching contacts, then imported in the worker; every row not imported is in the
//! report with why, and an opted-out column never undoes a keyword opt-out.

use actix_web::http::Method;
use serde_json::{Value, json};
use textdesk_tests::{Session, TestApp, on_both_backends};

on_both_backends!(
    a_file_is_checked_then_imported_and_every_bad_row_reported,
    existing_contacts_are_skipped_when_the_importer_says_so,
    the_opted_out_column_never_undoes_a_keyword_opt_out,
    files_that_cannot_be_imported_are_refused_whole,
    imports_are_for_admins_of_their_own_organization,
    the_sample_file_imports_without_problems,
    a_long_report_is_read_page_by_page,
);

fn token(session: &Session) -> Option<&str> {
    Some(session.access_token.as_str())
}

/// Checks `file` as an import; the answer as the server gave it.
async fn check(app: &TestApp, session: &Session, query: &str, file: &[u8]) -> textdesk_tests::TestResponse {
    app.raw(
        Method::POST,
        &format!("/api/v1/contact-imports?{query}"),
        token(session),
        Some("text/csv"),
        file.to_vec(),
    )
    .await
}

/// Confirms an import and runs the worker's queue until it is done.
async fn import(app: &TestApp, session: &Session, id: &str, existing: &str) -> Value {
    let started = app
        .post(
            &format!("/api/v1/contact-imports/{id}/start"),
            token(session),
            &json!({"existing": existing}),
        )
        .await
        .expect(202)
        .json();
    assert_eq!(started["status"], "queued");
    app.run_jobs(None).await;
    app.get(&format!("/api/v1/contact-imports/{id}"), token(session))
        .await
        .expect(200)
        .json()
}

async fn all_issues(app: &TestApp, session: &Session, id: &str) -> Vec<Value> {
    let page = app
        .get(
            &format!("/api/v1/contact-imports/{id}/issues?limit=200"),
            token(session),
        )
        .await
        .expect(200)
        .json();
    page["items"].as_array().unwrap().clone()
}

async fn contact_by_phone(app: &TestApp, session: &Session, phone: &str) -> Option<Value> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let list = app
        .get(&format!("/api/v1/contacts?q={digits}"), token(session))
        .await
        .expect(200)
        .json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|contact| contact["phone_number"] == phone)
        .cloned()
}

async fn a_file_is_checked_then_imported_and_every_bad_row_reported(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    app.post(
        "/api/v1/custom-fields",
        token(&owner),
        &json!({"name": "Membership", "kind": "date"}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/contacts",
        token(&owner),
        &json!({"phone_number": "+12025550100", "first_name": "Old", "company": "Kept Ltd", "labels": ["vip"]}),
    )
    .await
    .expect(201);
    let file = "\u{FEFF}Phone Number,First Name,Last Name,Company,E-mail,Labels,membership,Favourite colour\r\n\
        (202) 555-0101,Ada,Lovelace,\"Engines, Ltd\",ada@example.com,vip;newsletter,2026-12-31,green\r\n\
        202.555.0100,Grace,,,,newsletter,,blue\r\n\
        2025550102,\"=HYPERLINK(\"\"http://x\"\")\",,@SUM(A1),,,,\r\n\
        555-12,Bad,Number,,,,,\r\n\
        2025550103,Bad,Email,,not-an-email,,,\r\n\
        2025550104,Bad,Date,,,,31/12/2026,\r\n\
        (202) 555-0101,Ada,Again,,,,,\r\n\
        2025550105,\"Two\nLines\",,,,,,\r\n\
        2025550106,Too,Many,Cells,,,,,surplus\r\n";
    let checked = check(
        &app,
        &owner,
        "file_name=customers.csv&add_country_code=true",
        file.as_bytes(),
    )
    .await
    .expect(201)
    .json();
    assert_eq!(checked["status"], "checked");
    assert_eq!(checked["file_name"], "customers.csv");
    assert_eq!(checked["rows_total"], 9);
    assert_eq!(checked["rows_valid"], 3);
    assert_eq!(checked["rows_existing"], 1);
    let fields: Vec<&Value> = checked["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["field"])
        .collect();
    assert_eq!(
        fields,
        [
            &json!("number"),
            &json!("first_name"),
            &json!("last_name"),
            &json!("company"),
            &json!("email"),
            &json!("labels"),
            &json!("custom_field"),
            &Value::Null
        ]
    );
    assert_eq!(checked["columns"][6]["custom_field"]["name"], "Membership");
    let preview = checked["preview"].as_array().unwrap();
    assert_eq!(preview.len(), 3);
    assert_eq!(preview[0]["row"], 2);
    assert_eq!(preview[0]["phone_number"], "+12025550101");
    assert_eq!(preview[0]["company"], "Engines, Ltd");
    assert_eq!(preview[0]["labels"], json!(["vip", "newsletter"]));
    assert_eq!(preview[0]["custom_fields"]["Membership"], "2026-12-31");
    assert_eq!(preview[0]["existing"], false);
    assert_eq!(preview[1]["existing"], true);
    let id = checked["id"].as_str().unwrap().to_owned();

    let issues = all_issues(&app, &owner, &id).await;
    let reported: Vec<(u64, &str, &str)> = issues
        .iter()
        .map(|issue| {
            (
                issue["row"].as_u64().unwrap(),
                issue["code"].as_str().unwrap(),
                issue["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reported,
        [
            (5, "invalid_phone_number", "failed"),
            (6, "invalid_email", "failed"),
            (7, "invalid_date", "failed"),
            (8, "duplicate_in_file", "failed"),
            (9, "control_characters", "failed"),
            (10, "extra_cells", "failed"),
        ]
    );
    assert_eq!(issues[0]["number"], "555-12");
    assert_eq!(issues[1]["column"], "E-mail");
    assert_eq!(checked["issues"], 6);
    assert!(
        contact_by_phone(&app, &owner, "+12025550101").await.is_none(),
        "checking imports nothing"
    );

    let done = import(&app, &owner, &id, "update").await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(
        (&done["created"], &done["updated"], &done["skipped"], &done["failed"]),
        (&json!(2), &json!(1), &json!(0), &json!(6))
    );
    assert_eq!(done["rows_done"], 9);
    let ada = contact_by_phone(&app, &owner, "+12025550101").await.unwrap();
    assert_eq!(
        (&ada["first_name"], &ada["last_name"], &ada["email"]),
        (&json!("Ada"), &json!("Lovelace"), &json!("ada@example.com"))
    );
    assert_eq!(ada["custom_fields"]["Membership"], "2026-12-31");
    // The existing contact: the row's values replace theirs, blank cells leave them, labels add.
    let grace = contact_by_phone(&app, &owner, "+12025550100").await.unwrap();
    assert_eq!(grace["first_name"], "Grace");
    assert_eq!(grace["company"], "Kept Ltd");
    assert_eq!(grace["labels"], json!(["vip", "newsletter"]));
    // A formula is kept as the text it is.
    let formula = contact_by_phone(&app, &owner, "+12025550102").await.unwrap();
    assert_eq!(formula["first_name"], "=HYPERLINK(\"http://x\")");
    assert_eq!(formula["company"], "@SUM(A1)");

    let labels = app.get("/api/v1/labels", token(&owner)).await.expect(200).json();
    assert_eq!(labels, json!(["newsletter", "vip"]));
    let report = app
        .get(&format!("/api/v1/contact-imports/{id}/report"), token(&owner))
        .await
        .expect(200);
    assert!(report.header("content-type").unwrap().starts_with("text/csv"));
    let report = report.text();
    assert_eq!(report.lines().count(), 7, "{report}");
    assert!(report.starts_with("row,number,column,outcome,problem\r\n"), "{report}");
    assert!(report.contains("6,2025550103,E-mail,failed,"), "{report}");
    let log = app
        .get("/api/v1/audit-log?limit=5", token(&owner))
        .await
        .expect(200)
        .json();
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"contacts.imported"), "{actions:?}");
    assert!(actions.contains(&"contacts.import_started"), "{actions:?}");
    let feed = app
        .get("/api/v1/events?after=0&wait=0", token(&owner))
        .await
        .expect(200)
        .json();
    let created: u64 = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["kind"] == "contacts.imported" && event["data"]["import_id"] == id.as_str())
        .map(|event| event["data"]["created"].as_u64().unwrap())
        .sum();
    assert_eq!(created, 2, "the feed announces the import's new contacts by batch");
    let listed = app
        .get("/api/v1/contact-imports", token(&owner))
        .await
        .expect(200)
        .json();
    assert_eq!(listed[0]["id"], id.as_str());

    app.post(
        &format!("/api/v1/contact-imports/{id}/start"),
        token(&owner),
        &json!({"existing": "update"}),
    )
    .await
    .expect_problem(409, "import_started");
}

async fn existing_contacts_are_skipped_when_the_importer_says_so(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    app.post(
        "/api/v1/contacts",
        token(&owner),
        &json!({"phone_number": "+12025550100", "first_name": "Old"}),
    )
    .await
    .expect(201);
    let file = b"number,first_name\n12025550100,New\nbad,Row\n12025550101,Fresh\n";
    let checked = check(&app, &owner, "", file).await.expect(201).json();
    let done = import(&app, &owner, checked["id"].as_str().unwrap(), "skip").await;
    assert_eq!(
        (&done["created"], &done["skipped"], &done["failed"]),
        (&json!(1), &json!(1), &json!(1))
    );
    // The report is in file order, though the bad row was found first, when the file was checked.
    let issues = all_issues(&app, &owner, checked["id"].as_str().unwrap()).await;
    let reported: Vec<(&Value, &Value, &Value)> = issues
        .iter()
        .map(|issue| (&issue["row"], &issue["code"], &issue["outcome"]))
        .collect();
    assert_eq!(
        reported,
        [
            (&json!(2), &json!("contact_exists"), &json!("skipped")),
            (&json!(3), &json!("invalid_phone_number"), &json!("failed"))
        ]
    );
    let old = contact_by_phone(&app, &owner, "+12025550100").await.unwrap();
    assert_eq!(old["first_name"], "Old");
}

async fn the_opted_out_column_never_undoes_a_keyword_opt_out(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let number = app.add_simulator_number(&owner, "+12025559000").await;
    app.text_from_customer(&owner, &number, "+12025550101", "STOP").await;
    let by_hand = app
        .post(
            "/api/v1/contacts",
            token(&owner),
            &json!({"phone_number": "+12025550102"}),
        )
        .await
        .expect(201)
        .json();
    app.post(
        &format!("/api/v1/contacts/{}/opt-out", by_hand["id"].as_str().unwrap()),
        token(&owner),
        &json!({"reason": "asked on the phone"}),
    )
    .await
    .expect(200);
    app.post(
        "/api/v1/contacts",
        token(&owner),
        &json!({"phone_number": "+12025550103"}),
    )
    .await
    .expect(201);
    let file = b"number,opted out\n12025550101,no\n12025550102,no\n12025550103,yes\n12025550104,yes\n";
    let checked = check(&app, &owner, "", file).await.expect(201).json();
    let id = checked["id"].as_str().unwrap().to_owned();
    let done = import(&app, &owner, &id, "update").await;
    assert_eq!((&done["created"], &done["updated"]), (&json!(1), &json!(3)));
    let by_keyword = contact_by_phone(&app, &owner, "+12025550101").await.unwrap();
    assert_eq!(by_keyword["opted_out"], true, "a keyword opt-out stays");
    let issues = all_issues(&app, &owner, &id).await;
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(
        (
            &issues[0]["row"],
            &issues[0]["code"],
            &issues[0]["outcome"],
            &issues[0]["column"]
        ),
        (&json!(2), &json!("kept_opted_out"), &json!("kept"), &json!("opted out"))
    );
    assert_eq!(
        contact_by_phone(&app, &owner, "+12025550102").await.unwrap()["opted_out"],
        false
    );
    for phone in ["+12025550103", "+12025550104"] {
        let contact = contact_by_phone(&app, &owner, phone).await.unwrap();
        assert_eq!(contact["opted_out"], true, "{phone}");
        let history = app
            .get(
                &format!("/api/v1/contacts/{}/consent-history", contact["id"].as_str().unwrap()),
                token(&owner),
            )
            .await
            .expect(200)
            .json();
        let last = history.as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["source"], "import", "{history}");
        assert_eq!(last["reason"], "Imported from contacts.csv");
    }
}

async fn files_that_cannot_be_imported_are_refused_whole(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    for (file, code) in [
        (&b""[..], "empty_file"),
        (&b"\xEF\xBB\xBF\r\n"[..], "empty_file"),
        (&b"name,email\nAda,ada@example.com\n"[..], "number_column_missing"),
        (&b"number,phone\n2025550101,2025550101\n"[..], "duplicate_column"),
        (&b"\xFF\xFEn\x00u\x00m\x00"[..], "not_utf8"),
    ] {
        let problem = check(&app, &owner, "", file).await.expect(422).problem();
        assert_eq!(
            (problem.errors[0].field.as_str(), problem.errors[0].code.as_str()),
            ("file", code),
            "{problem:?}"
        );
    }
    let huge = vec![b'1'; 20 * 1024 * 1024 + 1];
    check(&app, &owner, "", &huge).await.expect(413);
    let problem = check(&app, &owner, "file_name=a%0Ab.csv", b"number\n2025550101\n")
        .await
        .expect(422)
        .problem();
    assert_eq!(problem.errors[0].field, "file_name");
    check(&app, &owner, "surprise=1", b"number\n2025550101\n")
        .await
        .expect(422);
    let checked = check(&app, &owner, "", b"number\n2025550101\n")
        .await
        .expect(201)
        .json();
    let problem = app
        .post(
            &format!("/api/v1/contact-imports/{}/start", checked["id"].as_str().unwrap()),
            token(&owner),
            &json!({"existing": "overwrite"}),
        )
        .await
        .expect(422)
        .problem();
    assert_eq!(problem.errors[0].field, "existing");
    let contacts = app.get("/api/v1/contacts", token(&owner)).await.expect(200).json();
    assert_eq!(contacts["items"], json!([]), "nothing was imported");
}

async fn imports_are_for_admins_of_their_own_organization(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let agent = app.add_agent(&owner, "agent@acme.example", "agent").await;
    check(&app, &agent, "", b"number\n2025550101\n")
        .await
        .expect_problem(403, "admins_only");
    app.get("/api/v1/contact-imports/sample", token(&agent))
        .await
        .expect_problem(403, "admins_only");
    let checked = check(&app, &owner, "", b"number\n2025550101\n")
        .await
        .expect(201)
        .json();
    let id = checked["id"].as_str().unwrap();
    let other = app.create_other_organization("Other", "owner@other.example").await;
    app.get(&format!("/api/v1/contact-imports/{id}"), token(&other))
        .await
        .expect_problem(404, "not_found");
    app.get(&format!("/api/v1/contact-imports/{id}/issues"), token(&other))
        .await
        .expect(404);
    app.get(&format!("/api/v1/contact-imports/{id}/report"), token(&other))
        .await
        .expect(404);
    app.post(
        &format!("/api/v1/contact-imports/{id}/start"),
        token(&other),
        &json!({"existing": "update"}),
    )
    .await
    .expect(404);
    let listed = app
        .get("/api/v1/contact-imports", token(&other))
        .await
        .expect(200)
        .json();
    assert_eq!(listed, json!([]));
}

async fn the_sample_file_imports_without_problems(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    app.post(
        "/api/v1/custom-fields",
        token(&owner),
        &json!({"name": "Points", "kind": "number"}),
    )
    .await
    .expect(201);
    let sample = app
        .get("/api/v1/contact-imports/sample", token(&owner))
        .await
        .expect(200);
    assert!(sample.header("content-disposition").unwrap().contains("attachment"));
    let sample = sample.text();
    assert!(
        sample.starts_with("number,first_name,last_name,company,email,labels,opted_out,Points\r\n"),
        "{sample}"
    );
    let checked = check(&app, &owner, "add_country_code=true", sample.as_bytes())
        .await
        .expect(201)
        .json();
    assert_eq!((&checked["rows_total"], &checked["issues"]), (&json!(2), &json!(0)));
    assert!(
        checked["columns"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !c["field"].is_null())
    );
}

async fn a_long_report_is_read_page_by_page(app: TestApp) {
    let owner = app.create_workspace("Acme", "owner@acme.example").await;
    let mut file = String::from("number\n");
    for n in 0..120 {
        file.push_str(&format!("bad{n}\n"));
    }
    let checked = check(&app, &owner, "", file.as_bytes()).await.expect(201).json();
    let id = checked["id"].as_str().unwrap();
    let mut rows = Vec::new();
    let mut path = format!("/api/v1/contact-imports/{id}/issues?limit=50");
    loop {
        let page = app.get(&path, token(&owner)).await.expect(200).json();
        rows.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|issue| issue["row"].as_u64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/contact-imports/{id}/issues?limit=50&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(rows, (2..122).collect::<Vec<u64>>());
    app.get(
        &format!("/api/v1/contact-imports/{id}/issues?cursor=nonsense"),
        token(&owner),
    )
    .await
    .expect(422);
}
