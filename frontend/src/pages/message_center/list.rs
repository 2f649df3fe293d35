//! The Message Center's list: one view's conversations, newest activity first, kept current
//! by the change feed. Rows are links, reachable with Tab and walked with the arrow keys.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use textdesk_types::ConversationId;
use textdesk_types::conversations::{Conversation, ConversationStatus};
use textdesk_types::events::ChangeKind;
use textdesk_types::messages::Direction;
use textdesk_types::page::MAX_PAGE_SIZE;
use wasm_bindgen::JsCast;

use super::views::View;
use crate::api::{self, ApiResult, Problem};
use crate::components::{LoadError, Loading, failure};
use crate::live::{LiveFeed, coalesced};
use crate::pages::frame::FirstList;
use crate::time::Moment;

/// Changes that can add, move or restyle a row.
const KINDS: &[ChangeKind] = &[
    ChangeKind::ConversationChanged,
    ChangeKind::MessageAdded,
    ChangeKind::MessageStatusChanged,
    ChangeKind::ReadStateChanged,
    ChangeKind::ContactChanged,
];

#[derive(Clone)]
enum State {
    Loading,
    Failed(Problem),
    Ready,
}

#[component]
pub fn ConversationList(view: Memo<View>, selected: Memo<Option<ConversationId>>) -> impl IntoView {
    let rows = RwSignal::new(Vec::<Conversation>::new());
    let next = RwSignal::new(None::<String>);
    let state = RwSignal::new(State::Loading);
    let feed = LiveFeed::expect();
    // As many rows as are shown, so a change does not undo "Show more".
    let reload = coalesced(move || async move {
        let wanted = view.get_untracked();
        let limit = u32::try_from(rows.with_untracked(Vec::len))
            .unwrap_or(MAX_PAGE_SIZE)
            .clamp(View::PAGE, MAX_PAGE_SIZE);
        let loaded = api::conversations::list(wanted.filter(), limit, None).await;
        // Another view was chosen meanwhile; its own load follows this one.
        if view.get_untracked() != wanted {
            return;
        }
        match loaded {
            Ok(page) => {
                rows.try_set(page.items);
                next.try_set(page.next_cursor);
                state.try_set(State::Ready);
            }
            // Rows already shown stay; the next change or view tries again.
            Err(problem) if rows.with_untracked(Vec::is_empty) => {
                state.try_set(State::Failed(problem));
            }
            Err(_) => {}
        }
    });
    let on_change = reload.clone();
    let on_resync = reload.clone();
    feed.subscribe(KINDS, move |_| on_change(), on_resync);
    let first = use_context::<FirstList>();
    Effect::new(move |_| {
        let current = view.get();
        match first.and_then(|first| first.take(current)) {
            Some(page) => {
                // Read before the feed's starting point, a change may have slipped between.
                let read_again = !feed.started_from(page.feed_cursor.as_deref());
                rows.set(page.items);
                next.set(page.next_cursor);
                state.set(State::Ready);
                if read_again {
                    reload();
                }
            }
            None => {
                rows.set(Vec::new());
                next.set(None);
                state.set(State::Loading);
                reload();
            }
        }
    });
    let more = Action::new_local(move |cursor: &String| {
        let cursor = cursor.clone();
        async move {
            let page = api::conversations::list(view.get_untracked().filter(), View::PAGE, Some(cursor)).await?;
            rows.update(|shown| {
                for conversation in page.items {
                    if !shown.iter().any(|row| row.id == conversation.id) {
                        shown.push(conversation);
                    }
                }
            });
            next.set(page.next_cursor);
            ApiResult::Ok(())
        }
    });
    view! {
        <div class="conversation-list">
            {move || match state.get() {
                State::Loading => view! { <Loading /> }.into_any(),
                State::Failed(problem) => view! { <LoadError problem=*problem /> }.into_any(),
                State::Ready if rows.with(Vec::is_empty) => {
                    view! { <p class="list-empty">{view.get().empty_text()}</p> }.into_any()
                }
                State::Ready => ().into_any(),
            }}
            <ul aria-label=move || format!("{} conversations", view.get().label()) on:keydown=walk_rows>
                <For each=move || rows.get() key=row_key let:conversation>
                    <ConversationRow conversation selected view />
                </For>
            </ul>
            {move || {
                next.get()
                    .map(|cursor| {
                        view! {
                            <button
                                type="button"
                                class="button button-quiet show-more"
                                disabled=more.pending()
                                on:click=move |_| {
                                    more.dispatch(cursor.clone());
                                }
                            >
                                "Show more"
                            </button>
                        }
                    })
            }}
            {move || failure(more).get().map(|problem| view! { <LoadError problem=*problem /> })}
        </div>
    }
}

/// What a row shows: a change to any of it redraws the row.
fn row_key(conversation: &Conversation) -> (ConversationId, i64, bool, &'static str, String, String) {
    (
        conversation.id.clone(),
        conversation.last_message_at.timestamp_millis(),
        conversation.unread,
        conversation.status.as_str(),
        conversation.contact_name.clone(),
        conversation.last_message_preview.clone(),
    )
}

/// Up and Down move the focus between rows, as in a mail client's list.
fn walk_rows(event: KeyboardEvent) {
    let forward = match event.key().as_str() {
        "ArrowDown" => true,
        "ArrowUp" => false,
        _ => return,
    };
    let Some(row) = document()
        .active_element()
        .and_then(|focused| focused.closest("li").ok().flatten())
    else {
        return;
    };
    let sibling = if forward {
        row.next_element_sibling()
    } else {
        row.previous_element_sibling()
    };
    let link = sibling
        .and_then(|item| item.first_element_child())
        .and_then(|link| link.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(link) = link {
        event.prevent_default();
        let _ = link.focus();
    }
}

#[component]
fn ConversationRow(
    conversation: Conversation,
    selected: Memo<Option<ConversationId>>,
    view: Memo<View>,
) -> impl IntoView {
    let id = conversation.id.clone();
    let href_id = id.clone();
    let is_selected = Memo::new(move |_| selected.with(|selected| selected.as_ref() == Some(&id)));
    let href = move || format!("/conversations/{href_id}{}", view.get().query());
    let closed = conversation.status == ConversationStatus::Closed;
    let replied = conversation.last_direction == Some(Direction::Outbound);
    view! {
        <li>
            <a
                class="conversation-row"
                class:unread=conversation.unread
                class:selected=is_selected
                href=href
                aria-current=move || is_selected.get().then_some("page")
            >
                <span class="conversation-who">{conversation.contact_name.clone()}</span>
                <Moment at=conversation.last_message_at short=true class="conversation-time" />
                <span class="conversation-preview">
                    {replied.then_some("You: ")}
                    {conversation.last_message_preview.clone()}
                </span>
                <span class="conversation-tags">
                    {conversation.unread.then(|| view! { <span class="unread-dot" title="Unread"><span class="visually-hidden">"Unread"</span></span> })}
                    {closed.then(|| view! { <span class="badge">"Closed"</span> })}
                    <span class="conversation-number">{format!("#{}", conversation.number)}</span>
                </span>
            </a>
        </li>
    }
}
