//! The views of the Message Center's left column, each with how many of its conversations the
//! agent has not read. The view is part of the address (`?view=mine`), so reloading, sharing a
//! link and Back keep it.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use textdesk_types::NumberId;

use crate::api::conversations::ListFilter;
use crate::inbox_views::InboxViews;

/// A view's id: a built-in view's name (`open`, `mine`, …) or a custom view's id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewKey(pub String);

/// The view the Message Center opens on.
const DEFAULT: &str = "open";

impl ViewKey {
    /// Conversations per page of the list.
    pub const PAGE: u32 = 50;

    fn from_key(key: Option<&str>) -> ViewKey {
        ViewKey(key.filter(|key| !key.is_empty()).unwrap_or(DEFAULT).to_owned())
    }

    /// The view a query string such as `?view=closed` names; Open when it names none.
    pub fn from_search(search: &str) -> ViewKey {
        let key = search
            .trim_start_matches('?')
            .split('&')
            .find_map(|pair| pair.strip_prefix("view="));
        Self::from_key(key)
    }

    /// The view of the current address, following it.
    pub fn current() -> Memo<ViewKey> {
        let query = use_location().query;
        Memo::new(move |_| query.with(|query| ViewKey::from_key(query.get_str("view"))))
    }

    /// The query that keeps this view on another page of the Message Center.
    pub fn query(&self) -> String {
        if self.0 == DEFAULT {
            String::new()
        } else {
            format!("?view={}", self.0)
        }
    }

    pub fn filter(&self, number: Option<NumberId>) -> ListFilter {
        ListFilter {
            view: Some(self.0.clone()),
            number,
            unread: None,
        }
    }

    /// What an empty list of this view says.
    pub fn empty_text(&self) -> &'static str {
        match self.0.as_str() {
            "open" => "No open conversations. New ones arrive here when customers text your numbers.",
            "mine" => "You own no open conversations. Claim one, or have one transferred to you.",
            "my_groups" => "Your groups own no open conversations.",
            "unassigned" => "Every open conversation has an owner.",
            "waiting" => "Nobody is waiting for a reply.",
            "follow_up" => "No conversations are flagged for follow-up.",
            "closed" => "No closed conversations yet.",
            _ => "No conversations here yet.",
        }
    }
}

/// The views with their unread counts, as links that keep the selected conversation open.
#[component]
pub fn ViewNav(current: Memo<ViewKey>) -> impl IntoView {
    let location = use_location();
    let inbox = expect_context::<InboxViews>();
    view! {
        <nav class="views" aria-label="Views">
            <For each=move || inbox.views() key=|view| (view.id.clone(), view.name.clone()) let:view>
                {
                    let key = ViewKey(view.id.clone());
                    let query = key.query();
                    let id = view.id.clone();
                    let href = move || format!("{}{query}", location.pathname.get());
                    let selected = move || current.with(|current| current == &key).then_some("true");
                    let count = Memo::new(move |_| inbox.find(&id).map_or(0, |view| view.unread_count));
                    view! {
                        <a class="view-link" href=href aria-current=selected id=format!("view-{}", view.id)>
                            {view.name.clone()}
                            <Show when=move || { count.get() > 0 }>
                                <span class="view-count">
                                    {count}
                                    <span class="visually-hidden">" unread"</span>
                                </span>
                            </Show>
                        </a>
                    }
                }
            </For>
        </nav>
    }
}
