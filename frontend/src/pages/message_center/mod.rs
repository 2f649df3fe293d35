//! The Message Center: the views and the conversation list in the left column, the selected
//! conversation in the reading pane beside it. The list stays mounted while conversations are
//! opened, so it keeps its place; on a phone, the list and the conversation are two screens.

mod list;
pub mod views;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;
use textdesk_types::ConversationId;

use self::list::ConversationList;
use self::views::{View, ViewNav};
use crate::components::{Loading, Logo, PageTitle};

/// Whether the Message Center shows at `path`: its own address, or a conversation's.
pub fn shows_at(path: &str) -> bool {
    path == "/" || selected_at(path).is_some()
}

/// The conversation open at `path`, if any.
fn selected_at(path: &str) -> Option<ConversationId> {
    path.strip_prefix("/conversations/")
        .filter(|id| !id.is_empty())
        .map(|id| ConversationId::new(id.to_owned()))
}

#[component]
pub fn MessageCenter() -> impl IntoView {
    let location = use_location();
    let view = View::current();
    let selected = Memo::new(move |_| location.pathname.with(|path| selected_at(path)));
    view! {
        <div class="message-center" class:has-selection=move || selected.with(Option::is_some)>
            <section class="mc-column" aria-labelledby="mc-heading">
                <h1 class="mc-heading" id="mc-heading">"Inbox"</h1>
                <ViewNav current=view />
                <ConversationList view selected />
            </section>
            // Its own boundary: opening a conversation suspends the pane, never the list.
            <div class="mc-pane">
                <Suspense fallback=Loading>
                    <Outlet />
                </Suspense>
            </div>
        </div>
    }
}

/// The reading pane before a conversation is chosen.
#[component]
pub fn NoSelection() -> impl IntoView {
    view! {
        <PageTitle text="Inbox" />
        <div class="pane-empty">
            <Logo />
            <h2>"No conversation selected"</h2>
            <p>"Choose a conversation from the list to read and answer it here."</p>
        </div>
    }
}
