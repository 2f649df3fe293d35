//! Moving between pages, and each page's title in the browser's tab.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::Redirect;

use crate::inbox_views::InboxViews;

/// Navigates to `path`, replacing the current history entry: Back should not return to a page
/// that would only send the person forward again.
#[component]
pub fn GoTo(path: &'static str) -> impl IntoView {
    let options = NavigateOptions {
        replace: true,
        ..Default::default()
    };
    view! { <Redirect path options /> }
}

/// Names the browser tab after the page while it is shown, led by how many conversations hold
/// messages the agent has not read: "(3) Inbox · Textdesk".
#[component]
pub fn PageTitle(#[prop(into)] text: Signal<String>) -> impl IntoView {
    let unread = use_context::<InboxViews>();
    Effect::new(move || {
        let count = unread.map(|unread| unread.label()).unwrap_or_default();
        let title = match count {
            Some(count) => format!("({count}) {} · Textdesk", text.get()),
            None => format!("{} · Textdesk", text.get()),
        };
        document().set_title(&title);
    });
}
