//! Moving between pages, and each page's title in the browser's tab.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::Redirect;

use crate::idle_alert::IdleAlert;
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
/// messages the agent has not read: "(3) Inbox · Textdesk". An idle alert makes it blink.
#[component]
pub fn PageTitle(#[prop(into)] text: Signal<String>) -> impl IntoView {
    let unread = use_context::<InboxViews>();
    let alert = use_context::<IdleAlert>();
    Effect::new(move || {
        let count = unread.map(|unread| unread.label()).unwrap_or_default();
        let blinking = alert.is_some_and(|alert| alert.on.get() && alert.blink.get());
        let title = match count {
            _ if blinking => "★ New message · Textdesk".to_owned(),
            Some(count) => format!("({count}) {} · Textdesk", text.get()),
            None => format!("{} · Textdesk", text.get()),
        };
        document().set_title(&title);
    });
}
