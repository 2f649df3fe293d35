//! The Message Center: the search box, the views with their unread counts, the tools and the
//! conversation list in the left column, the selected conversation in the reading pane beside
//! it. The list stays mounted while conversations are opened, so it keeps its place; on a
//! phone, the list and the conversation are two screens. While it is shown, the agent is
//! online.

mod bulk;
mod edit_view;
mod list;
mod presence;
mod search;
mod tabs;
pub mod tools;
pub mod views;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;
use textdesk_types::{ConversationId, NumberId};

use self::bulk::Selection;
use self::edit_view::EditView;
use self::list::ConversationList;
use self::presence::{OnlineAgents, keep_present};
use self::search::{SearchBox, SearchResults};
use self::tabs::ConversationTabs;
pub use self::tabs::Tabs;
use self::tools::{MarkAllRead, NewConversation, NumberFilter};
use self::views::{ViewKey, ViewNav};
use crate::api;
use crate::components::{Loading, Logo, PageTitle};
use crate::idle_alert::IdleAlert;

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
    let view = ViewKey::current();
    let number = RwSignal::new(None::<NumberId>);
    let shown = Memo::new(move |_| (view.get(), number.get()));
    let selected = Memo::new(move |_| location.pathname.with(|path| selected_at(path)));
    let searching = RwSignal::new(String::new());
    let selection = Selection::new();
    let saved = Trigger::new();
    let online = RwSignal::new(Vec::new());
    keep_present(online, selected);
    let numbers = LocalResource::new(api::numbers::list);
    let alert = use_context::<IdleAlert>();
    view! {
        <div class="message-center" class:has-selection=move || selected.with(Option::is_some)>
            <section class="mc-column" aria-labelledby="mc-heading">
                <div class="mc-head">
                    <h1 class="mc-heading" id="mc-heading" class:alerting=move || alert.is_some_and(|alert| alert.on.get())>
                        "Inbox"
                    </h1>
                    <OnlineAgents online />
                    <NewConversation numbers />
                </div>
                <SearchBox text=searching />
                <ViewNav current=view />
                <div class="list-tools">
                    <NumberFilter number numbers />
                    <MarkAllRead />
                    <EditView current=view saved />
                </div>
                <Show
                    when=move || searching.with(String::is_empty)
                    fallback=move || view! { <SearchResults text=searching /> }
                >
                    <ConversationList shown selected selection saved />
                </Show>
            </section>
            // Its own boundary: opening a conversation suspends the pane, never the list.
            <div class="mc-pane">
                <ConversationTabs selected view />
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
