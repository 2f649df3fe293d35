//! The Message Center's list: one view's conversations in the view's order, kept current by
//! the change feed, optionally of one business number. Rows are links, reachable with Tab and
//! walked with the arrow keys; each has a box to select it for the bulk actions.
//!
//! Each row keeps its element while its conversation changes (a read, a new message), so the
//! focus and the list's place survive the updates the feed brings.

use leptos::ev::KeyboardEvent;
use leptos::html::Div;
use leptos::prelude::*;
use textdesk_types::conversations::{Conversation, ConversationStatus, Replier};
use textdesk_types::events::ChangeKind;
use textdesk_types::messages::Direction;
use textdesk_types::page::MAX_PAGE_SIZE;
use textdesk_types::{ConversationId, NumberId, Page};
use wasm_bindgen::JsCast;

use super::bulk::{BulkBar, Selection};
use super::views::ViewKey;
use crate::api::{self, ApiResult, Problem};
use crate::components::{ActionButton, LoadError, Loading, failure};
use crate::live::{LiveFeed, coalesced};
use crate::pages::frame::AgentNames;
use crate::pages::frame::FirstList;
use crate::time::Moment;

/// Changes that can add, move or restyle a row.
const KINDS: &[ChangeKind] = &[
    ChangeKind::ConversationChanged,
    ChangeKind::ConversationDeleted,
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

/// A row: its conversation as a signal of its own, so a change restyles the row in place.
#[derive(Clone)]
struct Row {
    id: ConversationId,
    conversation: ArcRwSignal<Conversation>,
}

/// The rows shown, with what is needed to page on and to tell stale answers apart.
#[derive(Clone, Copy)]
struct ListState {
    rows: RwSignal<Vec<Row>>,
    next: RwSignal<Option<String>>,
    state: RwSignal<State>,
    /// Counts view changes: an answer asked for under an older view is dropped.
    generation: StoredValue<u32>,
    /// The list the rows shown belong to (the last one's stay until the new one's arrive).
    rows_view: StoredValue<Option<Shown>>,
}

/// What a list shows: a view, and a business number or all of them.
pub type Shown = (ViewKey, Option<NumberId>);

impl ListState {
    /// Shows a fresh first page. Rows the agent paged to beyond it stay, and so does the open
    /// conversation, although a change (reading it, closing it) took it out of the view.
    fn show_first_page(self, page: Page<Conversation>, view: Shown, selected: Option<ConversationId>) {
        let Page { items, next_cursor, .. } = page;
        let fresh_count = items.len();
        let same_view = self.rows_view.try_get_value().flatten().as_ref() == Some(&view);
        self.rows_view.try_set_value(Some(view));
        self.rows.try_update(|rows| {
            if !same_view {
                rows.clear();
            }
            let mut kept: Vec<Row> = items.into_iter().map(|item| reuse(rows, item)).collect();
            let has = |kept: &[Row], id: &ConversationId| kept.iter().any(|row| &row.id == id);
            if next_cursor.is_some() {
                let beyond: Vec<Row> = rows
                    .iter()
                    .skip(fresh_count)
                    .filter(|row| !has(&kept, &row.id))
                    .cloned()
                    .collect();
                kept.extend(beyond);
            }
            if let Some(open) = selected.filter(|id| same_view && !has(&kept, id))
                && let Some(position) = rows.iter().position(|row| row.id == open)
            {
                let row = rows[position].clone();
                kept.insert(position.min(kept.len()), row);
            }
            *rows = kept;
        });
        if self.rows.with_untracked(|rows| rows.len()) <= fresh_count {
            self.next.try_set(next_cursor);
        }
        self.state.try_set(State::Ready);
    }

    fn append(self, page: Page<Conversation>) {
        self.rows.try_update(|rows| {
            for item in page.items {
                if !rows.iter().any(|row| row.id == item.id) {
                    rows.push(Row {
                        id: item.id.clone(),
                        conversation: ArcRwSignal::new(item),
                    });
                }
            }
        });
        self.next.try_set(page.next_cursor);
    }
}

/// The row already shown for `item`'s conversation, brought up to date, or a new one.
fn reuse(rows: &[Row], item: Conversation) -> Row {
    match rows.iter().find(|row| row.id == item.id) {
        Some(row) => {
            if row.conversation.with_untracked(|shown| *shown != item) {
                row.conversation.set(item);
            }
            row.clone()
        }
        None => Row {
            id: item.id.clone(),
            conversation: ArcRwSignal::new(item),
        },
    }
}

#[component]
pub fn ConversationList(
    shown: Memo<Shown>,
    selected: Memo<Option<ConversationId>>,
    selection: Selection,
    /// Notified when the view's criteria were saved in place, which the feed does not tell.
    saved: Trigger,
) -> impl IntoView {
    let view = Memo::new(move |_| shown.with(|(view, _)| view.clone()));
    let list = ListState {
        rows: RwSignal::new(Vec::new()),
        next: RwSignal::new(None),
        state: RwSignal::new(State::Loading),
        generation: StoredValue::new(0),
        rows_view: StoredValue::new(None),
    };
    let feed = LiveFeed::expect();
    let reload = coalesced(move || reload_first_page(list, shown, selected));
    let on_change = reload.clone();
    let on_resync = reload.clone();
    feed.subscribe(KINDS, move |_| on_change(), on_resync);
    let first = use_context::<FirstList>();
    Effect::new(move |_| {
        saved.track();
        let current = shown.get();
        list.generation.update_value(|generation| *generation += 1);
        selection.clear();
        let first_page = first
            .filter(|_| current.1.is_none())
            .and_then(|first| first.take(&current.0));
        match first_page {
            Some(page) => {
                // Read before the feed's starting point, a change may have slipped between.
                let read_again = !feed.started_from(page.feed_cursor.as_deref());
                list.show_first_page(page, current, None);
                if read_again {
                    reload();
                }
            }
            // The rows of the last view stay until the new ones arrive.
            None => reload(),
        }
    });
    let more = Action::new_local(move |cursor: &String| show_more(list, shown, cursor.clone()));
    let ids = Signal::derive(move || list.rows.with(|rows| rows.iter().map(|row| row.id.clone()).collect()));
    let element = NodeRef::<Div>::new();
    let remember_place = keep_place_on_phones(element, selected);
    view! {
        <div
            class="conversation-list"
            node_ref=element
            on:scroll=remember_place
            aria-busy=move || matches!(list.state.get(), State::Loading)
        >
            {move || match list.state.get() {
                State::Loading if list.rows.with(Vec::is_empty) => view! { <Loading /> }.into_any(),
                State::Failed(problem) => view! { <LoadError problem=*problem /> }.into_any(),
                State::Ready if list.rows.with(Vec::is_empty) => {
                    view! { <p class="list-empty">{view.get().empty_text()}</p> }.into_any()
                }
                _ => ().into_any(),
            }}
            <BulkBar selection view=view ids />
            <ul aria-label="Conversations" on:keydown=walk_rows>
                <For each=move || list.rows.get() key=|row| row.id.clone() let:row>
                    <ConversationRow conversation=row.conversation selected view selection />
                </For>
            </ul>
            {move || {
                list.next
                    .get()
                    .map(|cursor| {
                        view! {
                            <ActionButton
                                class="button button-quiet show-more"
                                pending=more.pending()
                                on_click=move |_| {
                                    more.dispatch(cursor.clone());
                                }
                            >
                                "Show more"
                            </ActionButton>
                        }
                    })
            }}
            {move || failure(more).get().map(|problem| view! { <LoadError problem=*problem /> })}
        </div>
    }
}

/// Reads the view's first rows again: as many as are shown (up to a page's limit), so a change
/// does not undo "Show more".
async fn reload_first_page(list: ListState, shown: Memo<Shown>, selected: Memo<Option<ConversationId>>) {
    let (Some(wanted), Some(count)) = (shown.try_get_untracked(), list.rows.try_with_untracked(Vec::len)) else {
        return;
    };
    let generation = list.generation.try_get_value();
    let limit = u32::try_from(count)
        .unwrap_or(MAX_PAGE_SIZE)
        .clamp(ViewKey::PAGE, MAX_PAGE_SIZE);
    let loaded = api::conversations::list(wanted.0.filter(wanted.1.clone()), limit, None).await;
    // The view changed meanwhile: its own load follows this one.
    if list.generation.try_get_value() != generation || shown.try_get_untracked().as_ref() != Some(&wanted) {
        return;
    }
    match loaded {
        Ok(page) => list.show_first_page(page, wanted, selected.try_get_untracked().flatten()),
        // Rows already shown stay; the next change tries again.
        Err(problem) if list.rows.try_with_untracked(Vec::is_empty).unwrap_or(false) => {
            list.state.try_set(State::Failed(problem));
        }
        Err(_) => {}
    }
}

async fn show_more(list: ListState, shown: Memo<Shown>, cursor: String) -> ApiResult<()> {
    let Some((view, number)) = shown.try_get_untracked() else {
        return Ok(());
    };
    let generation = list.generation.try_get_value();
    let page = api::conversations::list(view.filter(number), ViewKey::PAGE, Some(cursor)).await?;
    if list.generation.try_get_value() == generation {
        list.append(page);
    }
    Ok(())
}

/// On a phone the list is hidden while a conversation is open, which drops its scroll offset
/// without a scroll event: the last offset scrolled to is put back when the list shows again.
fn keep_place_on_phones(element: NodeRef<Div>, selected: Memo<Option<ConversationId>>) -> impl Fn(leptos::ev::Event) {
    let offset = StoredValue::new(0);
    Effect::new(move |_| {
        if selected.with(Option::is_none)
            && let Some(list) = element.get_untracked()
            && list.scroll_top() == 0
        {
            list.set_scroll_top(offset.get_value());
        }
    });
    move |_| {
        if let Some(list) = element.get_untracked() {
            offset.set_value(list.scroll_top());
        }
    }
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

/// A flag of a row: a symbol, with its meaning for screen readers and as a tooltip.
fn flag(class: &'static str, symbol: &'static str, meaning: &'static str) -> impl IntoView {
    view! {
        <span class=class title=meaning>
            <span aria-hidden="true">{symbol}</span>
            <span class="visually-hidden">{meaning}</span>
        </span>
    }
}

/// Who owns a conversation, as a row shows it: "Sam", "Billing", or nothing.
fn owner_of(conversation: &Conversation, names: Option<AgentNames>) -> Option<String> {
    let agent = conversation.owner_agent_id.as_ref()?;
    names.and_then(|AgentNames(names)| names.with_value(|names| names.get(agent).cloned()))
}

#[component]
fn ConversationRow(
    conversation: ArcRwSignal<Conversation>,
    selected: Memo<Option<ConversationId>>,
    view: Memo<ViewKey>,
    selection: Selection,
) -> impl IntoView {
    let conversation = RwSignal::from(conversation);
    let id = conversation.with_untracked(|c| c.id.clone());
    let href_id = id.clone();
    let check_id = id.clone();
    let toggle_id = id.clone();
    let is_selected = Memo::new(move |_| selected.with(|selected| selected.as_ref() == Some(&id)));
    let href = move || format!("/conversations/{href_id}{}", view.get().query());
    let field = move |read: fn(&Conversation) -> String| move || conversation.with(read);
    let has = move |read: fn(&Conversation) -> bool| move || conversation.with(read);
    let at = Signal::derive(move || conversation.with(|c| c.last_message_at));
    let names = use_context::<AgentNames>();
    let owner = move || conversation.with(|c| owner_of(c, names));
    view! {
        <li class="row-item">
            <a
                class="conversation-row"
                class:unread=has(|c| c.unread)
                class:waiting=has(|c| c.waiting)
                class:selected=is_selected
                href=href
                aria-current=move || is_selected.get().then_some("true")
            >
                <span class="conversation-who">{field(|c| c.contact_name.clone())}</span>
                <Moment at short=true class="conversation-time" />
                <span class="conversation-preview">
                    {field(|c| {
                        let replied = c.last_direction == Some(Direction::Outbound);
                        // A message with nothing but media has no text to preview.
                        let preview = match c.last_message_preview.as_str() {
                            "" if c.last_direction.is_some() => "Picture or video",
                            text => text,
                        };
                        format!("{}{preview}", if replied { "You: " } else { "" })
                    })}
                </span>
                <span class="conversation-tags">
                    <Show when=has(|c| c.unread)>
                        <span class="unread-dot" title="Unread">
                            <span class="visually-hidden">"Unread"</span>
                        </span>
                    </Show>
                    <Show when=has(|c| c.waiting)>{flag("flag flag-waiting", "!", "Waiting for a reply")}</Show>
                    <Show when=has(|c| c.follow_up)>{flag("flag flag-follow-up", "⚑", "Follow-up")}</Show>
                    <Show when=has(|c| c.auto_replied)>{flag("flag", "⚙", "Auto-replied")}</Show>
                    <Show when=has(|c| c.last_replied_by == Some(Replier::Agent))>
                        {flag("flag", "↩", "Last reply by an agent")}
                    </Show>
                    <Show when=has(|c| c.status == ConversationStatus::Closed)>{flag("flag", "🔒", "Closed")}</Show>
                    {move || owner().map(|name| view! { <span class="conversation-owner">{name}</span> })}
                    <span class="conversation-number">{field(|c| format!("#{}", c.number))}</span>
                </span>
            </a>
            <input
                type="checkbox"
                class="row-select"
                aria-label=move || format!("Select {}", conversation.with(|c| c.contact_name.clone()))
                prop:checked=move || selection.has(&check_id)
                on:change=move |_| selection.toggle(&toggle_id)
            />
        </li>
    }
}
