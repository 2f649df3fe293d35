//! Exports of messages: how a value becomes a CSV cell that a spreadsheet shows as text (never
//! runs as a formula), how it becomes HTML, and the longest span of days one conversation's
//! export may cover (seed 000).

use chrono::{Duration, NaiveDate};

use crate::Invalid;

/// One conversation's export covers at most this many days (seed 000).
pub const CONVERSATION_RANGE_MAX_DAYS: i64 = 7;

/// A CSV cell, RFC 4180 quoted when it holds a comma, quote or line break. A value a
/// spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return) gets a leading `'`, which spreadsheets show as text (OWASP's CSV injection advice).
pub fn csv_cell(value: &str) -> String {
    let neutralised = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        ["'", value].concat()
    } else {
        value.to_owned()
    };
    if neutralised.contains([',', '"', '\n', '\r']) {
        ["\"", &neutralised.replace('"', "\"\""), "\""].concat()
    } else {
        neutralised
    }
}

/// A CSV line of cells, ended by CRLF as RFC 4180 has it.
pub fn csv_line<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut line = cells.into_iter().map(csv_cell).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// Text as HTML: `<`, `>`, `&` and quotes escaped.
pub fn html_text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The days of one conversation's export, first and last included: the last may not come
/// before the first, nor more than `CONVERSATION_RANGE_MAX_DAYS` days after it. The error
/// names `until`.
pub fn check_range(from: NaiveDate, until: NaiveDate) -> Result<(), Invalid> {
    if until < from {
        return Err(Invalid::new("before_from", "must not be before from"));
    }
    if until - from >= Duration::days(CONVERSATION_RANGE_MAX_DAYS) {
        return Err(Invalid::new(
            "range_too_long",
            format!("must be at most {CONVERSATION_RANGE_MAX_DAYS} days from from, both days included"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_as_text_and_separators_quoted() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for formula in ["+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                csv_cell(formula).trim_start_matches('"').starts_with('\''),
                "{formula:?}"
            );
        }
        assert_eq!(csv_cell("Hi, there"), "\"Hi, there\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_line(["a", "b,c"]), "a,\"b,c\"\r\n");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            html_text("<b>\"Tom & Jerry's\"</b>"),
            "&lt;b&gt;&quot;Tom &amp; Jerry&#39;s&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn a_conversation_export_spans_seven_days_at_most() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default();
        assert!(check_range(day(1), day(7)).is_ok());
        assert_eq!(check_range(day(1), day(8)).map_err(|e| e.code), Err("range_too_long"));
        assert_eq!(check_range(day(8), day(1)).map_err(|e| e.code), Err("before_from"));
    }
}
