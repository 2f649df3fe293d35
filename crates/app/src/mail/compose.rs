//! The words of each kind of mail, as plain text and as HTML with the same content.

use std::fmt::Write;

/// A mail's subject and its two bodies.
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub use textdesk_domain::export::html_text as escape_html;

/// A header value on one line: line breaks become spaces.
pub fn escape_header(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

/// Paragraphs of text as HTML: escaped, line breaks kept.
fn paragraph(text: &str) -> String {
    format!("<p>{}</p>", escape_html(text).replace('\n', "<br>"))
}

fn page(body: &str) -> String {
    format!(
        "<!doctype html><html><body style=\"font-family: -apple-system, 'Segoe UI', Roboto, sans-serif; \
         font-size: 15px; line-height: 1.45; color: #1f2933\">{body}</body></html>"
    )
}

fn link(url: &str, label: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape_html(url), escape_html(label))
}

/// One text of the contact's, as the notification shows it.
pub struct NotifiedText {
    /// When it arrived, in the agent's time zone.
    pub at: String,
    pub body: String,
    /// Its pictures and files, as links into the app.
    pub media: Vec<(String, String)>,
}

/// What a notification tells.
pub struct Notification<'a> {
    pub contact: &'a str,
    pub conversation_number: i64,
    pub transfers: &'a [String],
    pub texts: &'a [NotifiedText],
    /// Texts beyond those shown.
    pub more: i64,
    /// The conversation's latest line, when no texts are told (a transfer alone).
    pub latest: Option<&'a str>,
    pub conversation_url: &'a str,
    pub unsubscribe_url: &'a str,
    /// The choices that asked for it, in words.
    pub reasons: &'a [&'a str],
    pub can_reply: bool,
}

/// One subject per conversation, so mail clients that thread by subject keep it together.
pub fn notification_subject(contact: &str, number: i64) -> String {
    format!("Conversation #{number} with {contact}")
}

pub fn notification(n: &Notification<'_>) -> Composed {
    let mut text = String::new();
    let mut html = String::new();
    let heading = format!("{} · conversation #{}", n.contact, n.conversation_number);
    let _ = writeln!(text, "{heading}\n");
    let _ = write!(html, "<p><strong>{}</strong></p>", escape_html(&heading));
    for transfer in n.transfers {
        let _ = writeln!(text, "{transfer}\n");
        html.push_str(&paragraph(transfer));
    }
    for told in n.texts {
        let _ = writeln!(text, "{}, {}:", n.contact, told.at);
        let _ = write!(
            html,
            "<p style=\"margin-bottom:0;color:#52606d\">{}, {}:</p>",
            escape_html(n.contact),
            escape_html(&told.at)
        );
        let mut lines = vec![told.body.clone()];
        let mut html_lines = vec![escape_html(&told.body).replace('\n', "<br>")];
        for (label, url) in &told.media {
            lines.push(format!("[{label}: {url}]"));
            html_lines.push(link(url, &format!("[{label}]")));
        }
        let _ = writeln!(text, "{}\n", lines.join("\n").trim());
        let _ = write!(
            html,
            "<blockquote style=\"margin:4px 0 12px 0;padding-left:10px;border-left:3px solid #cbd2d9\">{}</blockquote>",
            html_lines.join("<br>")
        );
    }
    if n.more > 0 {
        let more = format!("…and {} more in the app.", n.more);
        let _ = writeln!(text, "{more}\n");
        html.push_str(&paragraph(&more));
    }
    if let Some(latest) = n.latest.filter(|latest| !latest.is_empty()) {
        let _ = writeln!(text, "Latest: {latest}\n");
        html.push_str(&paragraph(&format!("Latest: {latest}")));
    }
    let open = if n.can_reply {
        format!(
            "Reply to this mail to answer {} by text, or open the conversation:",
            n.contact
        )
    } else {
        "Open the conversation:".to_owned()
    };
    let _ = writeln!(text, "{open}\n{}\n", n.conversation_url);
    let _ = write!(
        html,
        "<p>{} {}</p>",
        escape_html(&open),
        link(n.conversation_url, "Open in Textdesk")
    );
    let why = format!("You get this mail because you chose {}.", n.reasons.join(" and "));
    let _ = write!(text, "--\n{why}\nStop these mails: {}\n", n.unsubscribe_url);
    let _ = write!(
        html,
        "<hr><p style=\"font-size:13px;color:#52606d\">{} {}</p>",
        escape_html(&why),
        link(n.unsubscribe_url, "Stop these mails")
    );
    Composed {
        subject: notification_subject(n.contact, n.conversation_number),
        text,
        html: page(&html),
    }
}

/// The choice a topic stands for, as the profile words it.
pub fn reason(topic: textdesk_types::agents::NotificationTopic) -> &'static str {
    use textdesk_types::agents::NotificationTopic;
    match topic {
        NotificationTopic::TransferMine => "\"conversation transfers to or from you\"",
        NotificationTopic::TransferGroup => "\"conversation transfers to or from your group\"",
        NotificationTopic::MessageMine => "\"new messages in your conversations\"",
        NotificationTopic::MessageGroup => "\"new messages in your group's conversations\"",
    }
}

pub fn password_reset(first_name: &str, url: &str, hours: i64) -> Composed {
    let greeting = if first_name.is_empty() {
        "Hello,".to_owned()
    } else {
        format!("Hello {first_name},")
    };
    let ask = "Someone (we hope you) asked to reset your Textdesk password. Choose a new one here:";
    let after = format!(
        "The link works once, for {hours} hours. If you did not ask, ignore this mail: your password stays as it is."
    );
    Composed {
        subject: "Reset your Textdesk password".to_owned(),
        text: format!("{greeting}\n\n{ask}\n{url}\n\n{after}\n"),
        html: page(&format!(
            "{}{}<p>{}</p>{}",
            paragraph(&greeting),
            paragraph(ask),
            link(url, "Choose a new password"),
            paragraph(&after)
        )),
    }
}

pub fn reply_refused(subject: &str, reason: &str, written: &str) -> Composed {
    let lead = "Your reply was not sent to the customer.";
    let mut text = format!("{lead}\n\n{reason}\n");
    let mut html = format!("{}{}", paragraph(lead), paragraph(reason));
    if !written.is_empty() {
        let _ = write!(text, "\nWhat you wrote:\n{written}\n");
        let _ = write!(
            html,
            "<p>What you wrote:</p><blockquote>{}</blockquote>",
            escape_html(written).replace('\n', "<br>")
        );
    }
    Composed {
        subject: format!("Not sent: {subject}"),
        text,
        html: page(&html),
    }
}

pub fn webhook_disabled(url: &str, reason: &str, settings_url: &str) -> Composed {
    let lead = format!("Textdesk turned off the webhook endpoint {url} after its deliveries kept failing.");
    let why = format!("The last answer: {reason}");
    let next = "Events are not sent to it while it is off. Once the receiver works again, turn it back on in Settings → Webhooks; what waited is sent then.";
    Composed {
        subject: format!("Webhook endpoint turned off: {url}"),
        text: format!("{lead}\n\n{why}\n\n{next}\n{settings_url}\n"),
        html: page(&format!(
            "{}{}{}<p>{}</p>",
            paragraph(&lead),
            paragraph(&why),
            paragraph(next),
            link(settings_url, "Open webhook settings")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_has_its_texts_links_and_way_out_in_both_parts() {
        let texts = [NotifiedText {
            at: "Dec 5, 9:02 AM".to_owned(),
            body: "Is <noon> ok?".to_owned(),
            media: vec![("Picture".to_owned(), "https://app/c/1".to_owned())],
        }];
        let composed = notification(&Notification {
            contact: "Ann Smith",
            conversation_number: 1042,
            transfers: &["Transferred to you by Olive".to_owned()],
            texts: &texts,
            more: 2,
            latest: None,
            conversation_url: "https://app/c/1",
            unsubscribe_url: "https://app/unsubscribe?token=t",
            reasons: &["\"new messages in your conversations\""],
            can_reply: true,
        });
        assert_eq!(composed.subject, "Conversation #1042 with Ann Smith");
        for part in [&composed.text, &composed.html] {
            assert!(part.contains("Transferred to you by Olive"), "{part}");
            assert!(part.contains("https://app/unsubscribe?token=t"), "{part}");
            assert!(part.contains("and 2 more"), "{part}");
        }
        assert!(composed.text.contains("Is <noon> ok?\n[Picture: https://app/c/1]"));
        assert!(composed.html.contains("Is &lt;noon&gt; ok?"));
    }
}
