//! What an agent wrote in a reply by email: the text above what their mail client quoted, and
//! above their signature.

/// The reply's own text: everything before the first line where the quoted mail or a signature
/// starts, trimmed. Knows Gmail's and Apple Mail's "On … wrote:" (also wrapped over two lines,
/// and in a few other languages), Outlook's header block and rule, "Original Message" dividers,
/// `>` quoting, the `-- ` signature divider and the phones' "Sent from my iPhone" lines.
pub fn reply_text(body: &str) -> String {
    let lines: Vec<&str> = body.lines().map(|line| line.trim_end_matches('\r')).collect();
    let end = (0..lines.len())
        .find(|&index| starts_quote(&lines, index))
        .unwrap_or(lines.len());
    lines[..end].join("\n").trim().to_owned()
}

fn starts_quote(lines: &[&str], index: usize) -> bool {
    let line = lines[index].trim();
    let next = lines.get(index + 1).map_or("", |line| line.trim());
    is_attribution(line)
        || (!next.is_empty() && is_attribution(&format!("{line} {next}")) && !is_attribution(next))
        || line.starts_with('>')
        || is_divider(line)
        || is_outlook_header(lines, index)
        || is_signature(lines[index])
        || is_mobile_footer(line)
}

/// "On Mon, Dec 5, 2026 at 9:00 AM Textdesk <…> wrote:" and its kin.
fn is_attribution(line: &str) -> bool {
    let lower = line.to_lowercase();
    let openings = ["on ", "le ", "am ", "el ", "il ", "op ", "em "];
    let closings = [
        "wrote:",
        "a écrit :",
        "a écrit:",
        "schrieb:",
        "escribió:",
        "ha scritto:",
        "schreef:",
        "escreveu:",
    ];
    openings.iter().any(|opening| lower.starts_with(opening)) && closings.iter().any(|closing| lower.ends_with(closing))
}

fn is_divider(line: &str) -> bool {
    let lower = line.to_lowercase();
    lower.contains("original message") && line.starts_with('-')
        || lower.starts_with("begin forwarded message")
        || (line.len() >= 10 && line.chars().all(|c| c == '_'))
}

/// Outlook's "From: … / Sent: … / To: … / Subject: …" block above the quoted mail.
fn is_outlook_header(lines: &[&str], index: usize) -> bool {
    let line = lines[index].trim_start_matches('*').trim();
    if !line.starts_with("From:") {
        return false;
    }
    lines[index + 1..]
        .iter()
        .take(3)
        .map(|line| line.trim_start_matches('*').trim())
        .any(|line| line.starts_with("Sent:") || line.starts_with("Date:"))
}

/// The signature divider: a line of `-- ` (or `--` where a client ate the space).
fn is_signature(line: &str) -> bool {
    line == "-- " || line == "--"
}

fn is_mobile_footer(line: &str) -> bool {
    let lower = line.to_lowercase();
    ["sent from my ", "sent from mail for windows", "get outlook for "]
        .iter()
        .any(|footer| lower.starts_with(footer))
        && lower.len() < 80
}

/// The token of a reply address `reply+<token>@domain`, if `address` is one at `domain`.
pub fn reply_token<'a>(address: &'a str, domain: &str) -> Option<&'a str> {
    let (local, host) = address.rsplit_once('@')?;
    if !host.eq_ignore_ascii_case(domain) {
        return None;
    }
    let token = local.strip_prefix("reply+")?;
    (!token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric())).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_quote_goes() {
        let body = "Yes, 9 tomorrow works.\n\nOn Mon, Dec 5, 2026 at 9:00 AM Textdesk <reply+abc@x.io> wrote:\n> New text from Ann\n> Can I come in?\n";
        assert_eq!(reply_text(body), "Yes, 9 tomorrow works.");
    }

    #[test]
    fn wrapped_attribution_goes() {
        let body =
            "See you then\r\n\r\nOn Mon, Dec 5, 2026 at 9:00 AM Textdesk <\r\nreply+abc@x.io> wrote:\r\n> hi\r\n";
        assert_eq!(reply_text(body), "See you then");
    }

    #[test]
    fn apple_mail_quote_goes() {
        let body = "Sure thing.\n\nSent from my iPhone\n\n> On Dec 5, 2026, at 09:00, Textdesk <reply+abc@x.io> wrote:\n> \n> hi";
        assert_eq!(reply_text(body), "Sure thing.");
        let body = "Sure.\n\nOn Dec 5, 2026, at 09:00, Textdesk <n@x.io> wrote:\n\nhi";
        assert_eq!(reply_text(body), "Sure.");
    }

    #[test]
    fn outlook_header_block_goes() {
        let body = "We can do Friday.\n\n________________________________\nFrom: Textdesk <n@x.io>\nSent: Monday, December 5, 2026 9:00 AM\nTo: Sam\nSubject: New text";
        assert_eq!(reply_text(body), "We can do Friday.");
        let body = "We can do Friday.\n\nFrom: Textdesk <n@x.io>\nSent: Monday, December 5, 2026 9:00 AM\n";
        assert_eq!(reply_text(body), "We can do Friday.");
        let body = "Ok\n-----Original Message-----\nFrom: x";
        assert_eq!(reply_text(body), "Ok");
    }

    #[test]
    fn signature_goes() {
        assert_eq!(reply_text("Thanks!\n-- \nSam Lee\nAcme Dental"), "Thanks!");
        assert_eq!(reply_text("Thanks!\n\nGet Outlook for iOS"), "Thanks!");
    }

    #[test]
    fn plain_reply_stays_whole() {
        let body = "Line one\n\nLine two mentions From: nobody\nOn second thought, yes.";
        assert_eq!(reply_text(body), body);
    }

    #[test]
    fn only_a_quote_is_empty() {
        assert_eq!(reply_text("\n\nOn Mon, Dec 5, 2026 Textdesk wrote:\n> hi"), "");
    }

    #[test]
    fn reply_tokens_are_read_from_their_domain_only() {
        assert_eq!(
            reply_token("reply+Ab12@reply.example.com", "reply.example.com"),
            Some("Ab12")
        );
        assert_eq!(
            reply_token("reply+Ab12@REPLY.example.com", "reply.example.com"),
            Some("Ab12")
        );
        assert_eq!(reply_token("reply+Ab12@other.com", "reply.example.com"), None);
        assert_eq!(reply_token("reply+@reply.example.com", "reply.example.com"), None);
        assert_eq!(reply_token("reply+a.b@reply.example.com", "reply.example.com"), None);
        assert_eq!(reply_token("sam@reply.example.com", "reply.example.com"), None);
    }
}
