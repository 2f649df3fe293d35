//! Organization settings: their defaults and the rules for keyword lists.

use textdesk_types::organization::OrganizationSettings;

use crate::Invalid;
use crate::quiet_hours::SendWindow;

/// Opt-out keywords: carriers' and Twilio's defaults, with REVOKE and OPTOUT from the FCC's
/// 2024 consent order.
pub const DEFAULT_OPT_OUT_KEYWORDS: [&str; 8] = [
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
];
pub const DEFAULT_OPT_IN_KEYWORDS: [&str; 3] = ["START", "UNSTOP", "YES"];
pub const DEFAULT_HELP_KEYWORDS: [&str; 2] = ["HELP", "INFO"];

/// The longest keyword an organization may list.
pub const KEYWORD_MAX_CHARS: usize = 40;
/// The most keywords one list may hold.
pub const KEYWORDS_MAX: usize = 50;
/// The longest text sent to contacts on the organization's behalf (ten segments).
pub const OUTBOUND_TEXT_MAX_CHARS: usize = 1600;
/// The most numbers a distribution list may hold.
pub const DISTRIBUTION_LIST_LIMIT_MAX: u32 = 10_000;
/// Minutes without a reply before a conversation counts as waiting: a minute to a week.
pub const WAITING_FOR_REPLY_MINUTES_MIN: u32 = 1;
pub const WAITING_FOR_REPLY_MINUTES_MAX: u32 = 10_080;
/// The last minute of a day, the latest a quiet-hours window may start or end.
pub const WINDOW_MINUTE_MAX: u32 = 24 * 60 - 1;

/// A new organization's settings.
pub fn default_settings(organization_name: &str) -> OrganizationSettings {
    OrganizationSettings {
        consent_message_required: false,
        consent_message_text: format!(
            "{organization_name}: we will text you about your requests. Msg & data rates may apply. Reply STOP to opt out, HELP for help."
        ),
        concatenation_allowed: true,
        inbound_mms_allowed: true,
        agents_may_delete: false,
        exports_allowed: true,
        drips_enabled: true,
        notes_api_enabled: true,
        distribution_list_limit: 0,
        waiting_for_reply_minutes: 15,
        help_text: format!("{organization_name}: reply to this number to reach our team. Reply STOP to opt out."),
        opt_out_keywords: to_strings(&DEFAULT_OPT_OUT_KEYWORDS),
        opt_in_keywords: to_strings(&DEFAULT_OPT_IN_KEYWORDS),
        help_keywords: to_strings(&DEFAULT_HELP_KEYWORDS),
        opt_in_by_keyword: true,
        double_opt_in: false,
        double_opt_in_text: format!(
            "{organization_name}: reply YES to confirm that you want our texts. Reply STOP to opt out."
        ),
        opt_out_confirmation_text: format!(
            "{organization_name}: you are unsubscribed and will receive no more messages. Reply START to resubscribe."
        ),
        opt_in_confirmation_text: format!(
            "{organization_name}: you are subscribed again. Reply STOP to opt out, HELP for help."
        ),
        quiet_hours_start_minute: u32::from(SendWindow::DEFAULT.start_minute()),
        quiet_hours_end_minute: u32::from(SendWindow::DEFAULT.end_minute()),
        mms_text_only: false,
        name_tags_in_first_message: false,
    }
}

fn to_strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_owned()).collect()
}

/// Keywords are matched against a whole message, case-insensitively: store them trimmed,
/// upper-cased and without duplicates.
pub fn parse_keywords(raw: &[String]) -> Result<Vec<String>, Invalid> {
    if raw.len() > KEYWORDS_MAX {
        return Err(Invalid::new("too_many", format!("at most {KEYWORDS_MAX} keywords")));
    }
    let mut keywords: Vec<String> = Vec::with_capacity(raw.len());
    for word in raw {
        let typed = word.trim();
        // Counted as typed: upper-casing can lengthen a word ("ß" becomes "SS").
        let too_long = typed.chars().count() > KEYWORD_MAX_CHARS;
        let keyword = typed.to_uppercase();
        if keyword.is_empty() {
            return Err(Invalid::new("empty_keyword", "keywords must not be empty"));
        }
        if too_long || keyword.chars().any(char::is_control) {
            return Err(Invalid::new(
                "invalid_keyword",
                format!("{keyword:?} must be one line of at most {KEYWORD_MAX_CHARS} characters"),
            ));
        }
        if !keywords.contains(&keyword) {
            keywords.push(keyword);
        }
    }
    Ok(keywords)
}

/// Texts sent to contacts (consent and help messages).
pub fn parse_outbound_text(raw: &str) -> Result<String, Invalid> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Invalid::new("required", "must not be empty"));
    }
    if text.chars().count() > OUTBOUND_TEXT_MAX_CHARS {
        return Err(Invalid::new(
            "too_long",
            format!("must be at most {OUTBOUND_TEXT_MAX_CHARS} characters long"),
        ));
    }
    crate::text::check_multiline(text)?;
    Ok(text.to_owned())
}

/// Distribution lists hold at most 10,000 numbers (seed 003).
pub fn parse_distribution_list_limit(limit: u32) -> Result<u32, Invalid> {
    if limit <= DISTRIBUTION_LIST_LIMIT_MAX {
        Ok(limit)
    } else {
        Err(Invalid::new(
            "out_of_range",
            format!("must be between 0 and {DISTRIBUTION_LIST_LIMIT_MAX}"),
        ))
    }
}

pub fn parse_waiting_for_reply_minutes(minutes: u32) -> Result<u32, Invalid> {
    if (WAITING_FOR_REPLY_MINUTES_MIN..=WAITING_FOR_REPLY_MINUTES_MAX).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(Invalid::new(
            "out_of_range",
            format!(
                "must be between {WAITING_FOR_REPLY_MINUTES_MIN} and {WAITING_FOR_REPLY_MINUTES_MAX} minutes (a week)"
            ),
        ))
    }
}

/// An organization's quiet-hours window from its stored minutes.
pub fn send_window(settings: &OrganizationSettings) -> Result<SendWindow, Invalid> {
    let minute = |value: u32| u16::try_from(value).map_err(|_| Invalid::new("out_of_range", "must be 0 to 1439"));
    SendWindow::new(
        minute(settings.quiet_hours_start_minute)?,
        minute(settings.quiet_hours_end_minute)?,
    )
}

/// One end of the quiet-hours window, in minutes after midnight.
pub fn parse_window_minute(minute: u32) -> Result<u32, Invalid> {
    if minute <= WINDOW_MINUTE_MAX {
        Ok(minute)
    } else {
        Err(Invalid::new(
            "out_of_range",
            format!("must be minutes after midnight, 0 to {WINDOW_MINUTE_MAX}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_the_fcc_list() {
        let settings = default_settings("Acme");
        for keyword in ["STOP", "REVOKE", "OPTOUT", "QUIT"] {
            assert!(settings.opt_out_keywords.iter().any(|k| k == keyword));
        }
        assert_eq!(settings.distribution_list_limit, 0);
    }

    #[test]
    fn keywords_are_normalised() {
        let parsed = parse_keywords(&[" stop ".into(), "STOP".into(), "Arret".into()]);
        assert_eq!(parsed, Ok(vec!["STOP".to_owned(), "ARRET".to_owned()]));
        assert!(parse_keywords(&["  ".into()]).is_err());
    }

    #[test]
    fn a_keyword_is_as_long_as_it_was_typed() {
        let typed = "ß".repeat(KEYWORD_MAX_CHARS);
        let parsed = parse_keywords(std::slice::from_ref(&typed)).map(|words| words[0].chars().count());
        assert_eq!(
            parsed,
            Ok(2 * KEYWORD_MAX_CHARS),
            "stored upper-cased, counted as typed"
        );
        assert!(parse_keywords(&["a".repeat(KEYWORD_MAX_CHARS + 1)]).is_err());
    }
}
