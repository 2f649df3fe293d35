//! The views of the Message Center's left column: which conversations its list shows. The view
//! is part of the address (`?view=unread`), so reloading, sharing a link and Back keep it.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::conversations::ListFilter;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    Open,
    Unread,
    Closed,
    All,
}

impl View {
    /// Conversations per page of the list.
    pub const PAGE: u32 = 50;

    const EVERY: [View; 4] = [View::Open, View::Unread, View::Closed, View::All];

    fn key(self) -> &'static str {
        match self {
            View::Open => "open",
            View::Unread => "unread",
            View::Closed => "closed",
            View::All => "all",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            View::Open => "Open",
            View::Unread => "Unread",
            View::Closed => "Closed",
            View::All => "All",
        }
    }

    pub fn filter(self) -> ListFilter {
        let view = match self {
            View::Open => Some("open"),
            View::Closed => Some("closed"),
            View::Unread | View::All => None,
        };
        ListFilter {
            view: view.map(str::to_owned),
            number: None,
            unread: (self == View::Unread).then_some(true),
        }
    }

    fn from_key(key: Option<&str>) -> View {
        Self::EVERY
            .into_iter()
            .find(|view| Some(view.key()) == key)
            .unwrap_or_default()
    }

    /// The view a query string such as `?view=closed` names; Open when it names none.
    pub fn from_search(search: &str) -> View {
        let key = search
            .trim_start_matches('?')
            .split('&')
            .find_map(|pair| pair.strip_prefix("view="));
        Self::from_key(key)
    }

    /// The view of the current address, following it.
    pub fn current() -> Memo<View> {
        let query = use_location().query;
        Memo::new(move |_| query.with(|query| View::from_key(query.get_str("view"))))
    }

    /// The query that keeps this view on another page of the Message Center.
    pub fn query(self) -> String {
        match self {
            View::Open => String::new(),
            other => format!("?view={}", other.key()),
        }
    }

    /// What an empty list of this view says.
    pub fn empty_text(self) -> &'static str {
        match self {
            View::Open => "No open conversations. New ones arrive here when customers text your numbers.",
            View::Unread => "Nothing unread. You are all caught up.",
            View::Closed => "No closed conversations yet.",
            View::All => "No conversations yet. They arrive here once a number is connected and customers text it.",
        }
    }
}

/// The views, as links that keep the selected conversation open.
#[component]
pub fn ViewNav(current: Memo<View>) -> impl IntoView {
    let location = use_location();
    view! {
        <nav class="views" aria-label="Views">
            {View::EVERY
                .into_iter()
                .map(|view| {
                    let href = move || format!("{}{}", location.pathname.get(), view.query());
                    let selected = move || (current.get() == view).then_some("true");
                    view! {
                        <a class="view-link" href=href aria-current=selected id=format!("view-{}", view.key())>
                            {view.label()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
