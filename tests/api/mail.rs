//! Mail: reset links by mail, batched notifications with threading and unsubscribe headers,
//! replies by email turned into texts (and refused or ignored when they should be), the Mail
//! outbox without SMTP, and mail that waits out an SMTP server that is down. A real SMTP
//! server on loopback receives what is sent.

use serde_json::{Value, json};
use textdesk_tests::smtp_receiver::{ReceivedMail, SmtpReceiver};
use textdesk_tests::{PASSWORD, Session, TestApp, on_both_backends};

const SECRET: &str = "inbound-mail-secret";
const CUSTOMER: &str = "+12025550143";

on_both_backends!(
    forgot_password_mails_a_single_use_link,
    a_burst_of_texts_makes_one_threaded_notification,
    replies_by_email_become_texts_or_are_refused,
    without_smtp_mail_waits_in_the_outbox_and_is_answered_there,
    mail_waits_for_a_server_that_is_down_and_arrives_once,
);

fn token(session: &Session) -> Option<&str> {
    Some(&session.access_token)
}

async fn spawn_with_smtp(backend: textdesk_tests::Backend, smtp: &SmtpReceiver) -> TestApp {
    let url = smtp.url();
    TestApp::spawn_with(backend, move |settings| {
        settings.smtp_url = Some(url);
        settings.mail_from = "Textdesk <notify@textdesk.test>".to_owned();
        settings.reply_domain = Some("reply.textdesk.test".to_owned());
        settings.inbound_mail_secret = Some(SECRET.to_owned());
    })
    .await
}

/// Moves the clock past any burst, then runs the queue.
async fn run_jobs_later(app: &TestApp) {
    app.clock.set(app.clock.now() + chrono::Duration::minutes(3));
    app.run_jobs(None).await;
}

fn reset_token(mail: &ReceivedMail) -> String {
    let body = mail.parsed().body_text(0).unwrap_or_default().into_owned();
    let start = body.find("token=").unwrap_or_else(|| panic!("no link in {body}")) + "token=".len();
    body[start..].split_whitespace().next().unwrap_or_default().to_owned()
}

async fn forgot_password_mails_a_single_use_link(app: TestApp) {
    let smtp = SmtpReceiver::start();
    let app = spawn_with_smtp(app.backend, &smtp).await;
    let owner = app.create_workspace("Acme", "owner@acme.test").await;
    app.add_agent(&owner, "sam@acme.test", "agent").await;
    for email in ["SAM@acme.test", "nobody@acme.test"] {
        app.post("/api/v1/auth/password-reset-requests", None, &json!({"email": email}))
            .await
            .expect(202);
    }
    app.post(
        "/api/v1/auth/password-reset-requests",
        None,
        &json!({"email": "not-an-address"}),
    )
    .await
    .expect_problem(422, "validation_failed");
    app.run_jobs(None).await;
    let mails = smtp.received();
    assert_eq!(mails.len(), 1, "only the account's address gets mail");
    let mail = &mails[0];
    assert_eq!(mail.to, vec!["sam@acme.test"]);
    assert_eq!(mail.header("Subject").as_deref(), Some("Reset your Textdesk password"));
    assert!(mail.header("Auto-Submitted").is_some());
    let token = reset_token(mail);
    let confirm = json!({"token": token, "new_password": "a brand new passphrase"});
    app.post("/api/v1/auth/password-reset", None, &confirm)
        .await
        .expect(204);
    app.post("/api/v1/auth/password-reset", None, &confirm)
        .await
        .expect_problem(400, "invalid_reset_token");
    app.login("sam@acme.test", "a brand new passphrase").await.expect(200);
    app.login("sam@acme.test", PASSWORD).await.expect(401);
    // The owner's outbox shows it sent, with the server's answer and without the link.
    let page = app.get("/api/v1/mails", token_of(&owner)).await.expect(200).json();
    let id = page["items"][0]["id"].as_str().unwrap().to_owned();
    let stored = app
        .get(&format!("/api/v1/mails/{id}"), token_of(&owner))
        .await
        .expect(200)
        .json();
    assert_eq!(stored["status"], "sent");
    assert!(stored["smtp_response"].as_str().unwrap().starts_with("250"), "{stored}");
    assert!(!stored["text_body"].as_str().unwrap().contains(&token));
    // Throttled per address: two more are taken, then 429 until the first leaves the hour.
    let ask = json!({"email": "sam@acme.test"});
    for _ in 0..2 {
        app.post("/api/v1/auth/password-reset-requests", None, &ask)
            .await
            .expect(202);
    }
    let refused = app.post("/api/v1/auth/password-reset-requests", None, &ask).await;
    let wait: i64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((3500..=3600).contains(&wait), "{wait}");
    refused.expect_problem(429, "rate_limited");
    // Asked for in parallel, an address still gets three.
    let ask = json!({"email": "olive@acme.test"});
    let answers =
        futures_util::future::join_all((0..8).map(|_| app.post("/api/v1/auth/password-reset-requests", None, &ask)))
            .await;
    let taken = answers.iter().filter(|answer| answer.status.as_u16() == 202).count();
    assert_eq!(
        taken,
        3,
        "{:?}",
        answers.iter().map(|answer| answer.status).collect::<Vec<_>>()
    );
}

fn token_of(session: &Session) -> Option<&str> {
    token(session)
}

/// A workspace with a simulator number, an agent and a conversation they own.
async fn owned_conversation(app: &TestApp) -> (Session, Session, String, String) {
    let owner = app.create_workspace("Acme", "owner@acme.test").await;
    let sam = app.add_agent(&owner, "sam@acme.test", "agent").await;
    let number = app.add_simulator_number(&owner, "+12025550100").await;
    let first = app.text_from_customer(&owner, &number, CUSTOMER, "Hello?").await;
    let conversation = first["conversation_id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/conversations/{conversation}/claim"),
        token(&sam),
        &json!({}),
    )
    .await
    .expect(200);
    (owner, sam, number, conversation)
}

async fn a_burst_of_texts_makes_one_threaded_notification(app: TestApp) {
    let smtp = SmtpReceiver::start();
    let app = spawn_with_smtp(app.backend, &smtp).await;
    let (owner, sam, number, conversation) = owned_conversation(&app).await;
    app.run_jobs(None).await;
    for n in 1..=10 {
        app.text_from_customer(&owner, &number, CUSTOMER, &format!("text number {n}"))
            .await;
    }
    run_jobs_later(&app).await;
    let mails = smtp.received();
    assert_eq!(mails.len(), 1, "ten texts in a burst make one mail");
    let mail = &mails[0];
    assert_eq!(mail.to, vec!["sam@acme.test"]);
    assert!(mail.header("From").unwrap().contains("notify@textdesk.test"));
    let reply_to = mail.header("Reply-To").unwrap();
    assert!(
        reply_to.contains("reply+") && reply_to.contains("@reply.textdesk.test"),
        "{reply_to}"
    );
    let root = mail.header("In-Reply-To").unwrap();
    assert_eq!(mail.header("References").as_deref(), Some(root.as_str()));
    let unsubscribe = mail.header("List-Unsubscribe").unwrap();
    assert_eq!(
        mail.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let parsed = mail.parsed();
    let text = parsed.body_text(0).unwrap().replace("\r\n", "\n");
    let html = parsed.body_html(0).unwrap();
    for n in 1..=10 {
        assert!(text.contains(&format!("text number {n}\n")), "{text}");
        assert!(html.contains(&format!("text number {n}<")), "{html}");
    }
    assert!(text.contains(&format!("/conversations/{conversation}")));
    assert!(mail.header("Subject").unwrap().starts_with("Conversation #"));
    // The next text makes the next mail of the same thread.
    app.text_from_customer(&owner, &number, CUSTOMER, "one more").await;
    run_jobs_later(&app).await;
    let mails = smtp.received();
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].header("References").as_deref(), Some(root.as_str()));
    assert_ne!(mails[1].header("Message-ID"), mails[0].header("Message-ID"));
    // With the conversation open in a tab, no mail.
    let beat = json!({"tab_id": "tab-1", "conversation_id": conversation});
    app.post("/api/v1/presence", token(&sam), &beat).await.expect(204);
    app.text_from_customer(&owner, &number, CUSTOMER, "are you there?")
        .await;
    app.clock.set(app.clock.now() + chrono::Duration::seconds(40));
    app.run_jobs(None).await;
    assert_eq!(smtp.received().len(), 2, "the agent sees it in the app");
    // One click stops them.
    let url = unsubscribe.trim_matches(['<', '>']);
    let path = &url[url.find("/api/v1/").unwrap()..];
    let done = app.post(path, None, &json!({})).await.expect(200).json();
    assert_eq!(done["turned_off"], json!(["message_mine"]));
    let me = app.get("/api/v1/me", token(&sam)).await.expect(200).json();
    assert_eq!(me["notifications"]["message_mine"], false);
}

/// A raw reply from `from` to `to`, with `body` as the whole MIME body part (headers and all).
fn reply_mail(from: &str, to: &str, headers_and_body: &str) -> String {
    format!(
        "From: Sam <{from}>\r\nTo: {to}\r\nSubject: Re: Conversation\r\nMessage-ID: <r{}@mail.test>\r\nMIME-Version: 1.0\r\n{headers_and_body}",
        uuid::Uuid::now_v7().simple()
    )
}

async fn post_mail(app: &TestApp, raw: &str) -> Value {
    app.raw(
        awc::http::Method::POST,
        "/webhooks/email",
        Some(SECRET),
        Some("message/rfc822"),
        raw.as_bytes().to_vec(),
    )
    .await
    .expect(200)
    .json()
}

async fn replies_by_email_become_texts_or_are_refused(app: TestApp) {
    let smtp = SmtpReceiver::start();
    let app = spawn_with_smtp(app.backend, &smtp).await;
    let (owner, sam, number, conversation) = owned_conversation(&app).await;
    app.text_from_customer(&owner, &number, CUSTOMER, "Can I come at 9?")
        .await;
    run_jobs_later(&app).await;
    let reply_to = smtp.received()[0].header("Reply-To").unwrap();
    let reply_to = reply_to.trim_matches(['<', '>']).to_owned();
    let cases = [
        (
            "Gmail",
            "Content-Type: text/plain; charset=utf-8\r\n\r\nYes, 9 works.\r\n\r\nOn Mon, Dec 5, 2026 at 9:00 AM Textdesk <x@y> wrote:\r\n> Can I come at 9?\r\n",
            "Yes, 9 works.",
        ),
        (
            "Outlook, quoted-printable",
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nWe can do Friday =E2=80=94 see you.\r\n\r\n________________________________\r\nFrom: Textdesk\r\nSent: Monday\r\n",
            "We can do Friday — see you.",
        ),
        (
            "Apple, HTML only, base64",
            &format!(
                "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    "<div>Sure thing.</div><div><br></div><div>Sent from my iPhone</div><blockquote type=\"cite\">On Dec 5, 2026, at 09:00, Textdesk wrote:<br>hi</blockquote>"
                )
            ),
            "Sure thing.",
        ),
        (
            "Latin-1",
            "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nOui, =E0 bient=F4t.\r\n-- \r\nSam\r\n",
            "Oui, à bientôt.",
        ),
    ];
    for (style, part, expected) in cases {
        let raw = reply_mail("sam@acme.test", &reply_to, part);
        let outcome = post_mail(&app, &raw).await;
        assert_eq!(outcome["outcome"], "sent", "{style}: {outcome}");
        assert_eq!(
            app.last_outbound(&sam, &conversation).await.as_deref(),
            Some(expected),
            "{style}"
        );
        // Posted again (a service's retry), it sends nothing more.
        assert_eq!(post_mail(&app, &raw).await["outcome"], "ignored", "{style}");
    }
    let sent_before = smtp.received().len();
    // From another address: refused, and that address is told why.
    let outcome = post_mail(
        &app,
        &reply_mail(
            "mallory@evil.test",
            &reply_to,
            "Content-Type: text/plain\r\n\r\nSend this\r\n",
        ),
    )
    .await;
    assert_eq!(outcome["outcome"], "refused");
    // Nothing above the quote: refused.
    let empty = "Content-Type: text/plain\r\n\r\nOn Mon, Dec 5, 2026 Textdesk <x@y> wrote:\r\n> hi\r\n";
    assert_eq!(
        post_mail(&app, &reply_mail("sam@acme.test", &reply_to, empty)).await["outcome"],
        "refused"
    );
    // Longer than the organization's length policy allows: refused, the agent told why.
    let long = format!("Content-Type: text/plain\r\n\r\n{}\r\n", "word ".repeat(1000));
    let outcome = post_mail(&app, &reply_mail("sam@acme.test", &reply_to, &long)).await;
    assert_eq!(outcome["outcome"], "refused", "{outcome}");
    // An out-of-office answer: ignored, nobody told.
    let auto = reply_mail(
        "sam@acme.test",
        &reply_to,
        "Auto-Submitted: auto-replied\r\nContent-Type: text/plain\r\n\r\nI am away\r\n",
    );
    assert_eq!(post_mail(&app, &auto).await["outcome"], "ignored");
    // An address nobody was given: refused without a word.
    let unknown = reply_mail(
        "sam@acme.test",
        "reply+unknowntoken123@reply.textdesk.test",
        "Content-Type: text/plain\r\n\r\nHi\r\n",
    );
    assert_eq!(post_mail(&app, &unknown).await["outcome"], "refused");
    assert_eq!(
        app.last_outbound(&sam, &conversation).await.as_deref(),
        Some("Oui, à bientôt.")
    );
    app.run_jobs(None).await;
    let explained: Vec<ReceivedMail> = smtp.received().into_iter().skip(sent_before).collect();
    let to: Vec<&str> = explained.iter().map(|mail| mail.to[0].as_str()).collect();
    assert_eq!(
        to,
        vec!["mallory@evil.test", "sam@acme.test", "sam@acme.test"],
        "one explanation per refusal with a sender"
    );
    let stranger = explained[0].text();
    assert!(
        !stranger.contains("Send this") && !stranger.contains("sam@acme.test"),
        "{stranger}"
    );
    assert!(explained[1].text().contains("Nothing was written"));
    // A reply to a closed conversation opens the thread's next one.
    app.post(
        &format!("/api/v1/conversations/{conversation}/close"),
        token(&sam),
        &json!({}),
    )
    .await
    .expect(200);
    let outcome = post_mail(
        &app,
        &reply_mail(
            "sam@acme.test",
            &reply_to,
            "Content-Type: text/plain\r\n\r\nAnything else?\r\n",
        ),
    )
    .await;
    assert_eq!(outcome["outcome"], "sent", "{outcome}");
    assert_ne!(outcome["conversation_id"], json!(conversation));
    // A service posting a form (SendGrid's raw mode: the mail in the field `email`).
    let formed = reply_mail(
        "sam@acme.test",
        &reply_to,
        "Content-Type: text/plain\r\n\r\nBy form\r\n",
    );
    let form = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\n{reply_to}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n{formed}\r\n--XyZ--\r\n"
    );
    let outcome = app
        .raw(
            awc::http::Method::POST,
            "/webhooks/email",
            Some(SECRET),
            Some("multipart/form-data; boundary=XyZ"),
            form.into_bytes(),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(outcome["outcome"], "sent", "{outcome}");
    let reopened = outcome["conversation_id"].as_str().unwrap();
    assert_eq!(app.last_outbound(&sam, reopened).await.as_deref(), Some("By form"));
    // The pipe command takes the same mail.
    let piped = reply_mail(
        "sam@acme.test",
        &reply_to,
        "Content-Type: text/plain\r\n\r\nBy pipe\r\n",
    );
    let settings = app.settings.clone();
    let outcome = actix_web::web::block(move || textdesk::commands::receive_mail(&settings, piped.as_bytes()))
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        matches!(outcome, textdesk_types::mail::InboundMailOutcome::Sent { .. }),
        "{outcome:?}"
    );
    // Without the secret, nothing.
    app.raw(
        awc::http::Method::POST,
        "/webhooks/email",
        Some("wrong"),
        Some("message/rfc822"),
        b"x".to_vec(),
    )
    .await
    .expect_problem(401, "wrong_secret");
}

async fn without_smtp_mail_waits_in_the_outbox_and_is_answered_there(app: TestApp) {
    let (owner, sam, number, conversation) = owned_conversation(&app).await;
    let riley = app.add_agent(&owner, "riley@acme.test", "agent").await;
    app.text_from_customer(&owner, &number, CUSTOMER, "Open today?").await;
    run_jobs_later(&app).await;
    let page = app.get("/api/v1/mails", token(&sam)).await.expect(200).json();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["status"], "kept");
    assert_eq!(items[0]["answerable"], true);
    let id = items[0]["id"].as_str().unwrap();
    let mail = app
        .get(&format!("/api/v1/mails/{id}"), token(&sam))
        .await
        .expect(200)
        .json();
    assert!(mail["text_body"].as_str().unwrap().contains("Open today?"));
    assert!(mail["reply_to"].as_str().unwrap().starts_with("reply+"));
    app.get(&format!("/api/v1/mails/{id}"), token(&riley)).await.expect(404);
    app.get(&format!("/api/v1/mails/{id}"), token(&owner)).await.expect(200);
    let outcome = app
        .post(
            &format!("/api/v1/mails/{id}/answer"),
            token(&sam),
            &json!({"text": "Until 6 pm."}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(outcome["outcome"], "sent", "{outcome}");
    assert_eq!(
        app.last_outbound(&sam, &conversation).await.as_deref(),
        Some("Until 6 pm.")
    );
    app.post(
        &format!("/api/v1/mails/{id}/answer"),
        token(&owner),
        &json!({"text": "x"}),
    )
    .await
    .expect_problem(409, "not_answerable");
}

async fn mail_waits_for_a_server_that_is_down_and_arrives_once(app: TestApp) {
    let smtp = SmtpReceiver::down();
    let app = spawn_with_smtp(app.backend, &smtp).await;
    let owner = app.create_workspace("Acme", "owner@acme.test").await;
    app.post(
        "/api/v1/auth/password-reset-requests",
        None,
        &json!({"email": "owner@acme.test"}),
    )
    .await
    .expect(202);
    app.run_jobs(None).await;
    let page = app.get("/api/v1/mails", token(&owner)).await.expect(200).json();
    assert_eq!(page["items"][0]["status"], "queued");
    let id = page["items"][0]["id"].as_str().unwrap();
    let mail = app
        .get(&format!("/api/v1/mails/{id}"), token(&owner))
        .await
        .expect(200)
        .json();
    assert!(mail["last_error"].is_string(), "{mail}");
    smtp.resume();
    run_jobs_later(&app).await;
    app.clock.set(app.clock.now() + chrono::Duration::hours(1));
    app.run_jobs(None).await;
    assert_eq!(smtp.received().len(), 1, "sent once the server is back, and once only");
}
