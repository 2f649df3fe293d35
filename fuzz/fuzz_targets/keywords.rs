#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use textdesk_domain::compliance::{KeywordLists, match_keyword};
use textdesk_domain::organization::default_settings;
use textdesk_types::organization::OrganizationSettings;

static SETTINGS: LazyLock<OrganizationSettings> = LazyLock::new(|| default_settings("Fuzz"));

fuzz_target!(|body: &str| {
    let lists = KeywordLists::from_settings(&SETTINGS);
    let action = match_keyword(body, &lists);
    // Surrounding whitespace never changes the answer.
    assert_eq!(match_keyword(&format!(" \n\u{00A0}{body}\t "), &lists), action);
    if action.is_some() {
        assert!(!body.trim().is_empty());
    }
});
