//! One conversation in the Message Center's reading pane: its head, its messages kept current
//! by the change feed, and the composer.

mod attachments;
mod composer;
mod contact;
mod header;
mod merge_fields;
mod quick_replies;
mod thread;

use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params_map, use_query_map};
use textdesk_types::contacts::Contact;
use textdesk_types::conversations::{Conversation, ConversationDetail};
use textdesk_types::events::{Change, ChangeKind, Event};
use textdesk_types::messages::{AuthorKind, Direction, Message};
use textdesk_types::{AgentId, ConversationId, MessageId};

use self::composer::Composer;
use self::contact::{ContactPanel, Panel};
use self::header::ConversationHeader;
use self::thread::MessageList;
use crate::api::{self, ApiResult};
use crate::components::{LoadError, Loading, PageTitle};
use crate::live::{LiveFeed, coalesced};
use crate::pages::frame::AgentNames;
use crate::pages::message_center::Tabs;

/// Changes an open conversation shows.
const KINDS: &[ChangeKind] = &[
    ChangeKind::ConversationChanged,
    ChangeKind::MessageAdded,
    ChangeKind::MessageStatusChanged,
    ChangeKind::MessageMediaChanged,
    ChangeKind::ContactChanged,
];

/// What the pieces of an open conversation share. The messages are oldest first.
#[derive(Clone, Copy)]
pub struct Thread {
    pub conversation: RwSignal<Conversation>,
    pub contact: RwSignal<Contact>,
    pub messages: RwSignal<Vec<Message>>,
    older: RwSignal<Option<String>>,
    /// The team's names by id, for the authors of messages.
    names: StoredValue<HashMap<AgentId, String>>,
    /// What a screen reader hears when a customer's text arrives.
    announcement: RwSignal<String>,
    /// The message the address asked for (`?around=`), shown highlighted.
    found: StoredValue<Option<MessageId>>,
    /// The tab shown: the messages or the contact.
    panel: RwSignal<Panel>,
}

impl Thread {
    /// The conversation's id; `None` once the thread is gone.
    pub fn id(&self) -> Option<ConversationId> {
        self.conversation.try_with_untracked(|c| c.id.clone())
    }

    /// Adds messages and, when `replace`, overwrites the ones already shown. Answers to this
    /// browser's own calls do not replace: the feed may already have brought a newer status.
    pub fn upsert(&self, fresh: Vec<Message>, replace: bool) {
        self.messages.try_update(|list| {
            for message in fresh {
                match list.iter_mut().find(|shown| shown.id == message.id) {
                    Some(shown) if replace => *shown = message,
                    Some(_) => {}
                    None => list.push(message),
                }
            }
            list.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        });
    }

    /// Reads the newest messages again, with their current statuses, errors and media, and
    /// announces a customer's text that was not shown before.
    async fn refresh_messages(self) {
        let Some(id) = self.id() else {
            return;
        };
        let Ok(detail) = api::conversations::get(id, api::conversations::Window::Newest).await else {
            return;
        };
        let known: Vec<MessageId> = self
            .messages
            .try_with_untracked(|list| list.iter().map(|message| message.id.clone()).collect())
            .unwrap_or_default();
        let arrived = detail
            .messages
            .iter()
            .rfind(|message| message.direction == Direction::Inbound && !known.contains(&message.id))
            .map(|message| {
                format!(
                    "New message from {}: {}",
                    detail.conversation.contact_name, message.body
                )
            });
        self.conversation.try_set(detail.conversation);
        self.upsert(detail.messages, true);
        if let Some(arrived) = arrived {
            self.announcement.try_set(arrived);
        }
    }

    async fn refresh_contact(self) {
        let Some(id) = self.contact.try_with_untracked(|c| c.id.clone()) else {
            return;
        };
        if let Ok(contact) = api::contacts::get(id).await {
            self.contact.try_set(contact);
        }
    }

    pub fn author(&self, message: &Message, me: Option<&AgentId>) -> String {
        match (message.direction, message.author.kind) {
            (Direction::Inbound, _) | (_, AuthorKind::Contact) => {
                self.conversation.with_untracked(|c| c.contact_name.clone())
            }
            (_, AuthorKind::Agent) => {
                let id = message.author.id.clone().map(AgentId::new);
                if id.is_some() && id.as_ref() == me {
                    return "You".to_owned();
                }
                id.and_then(|id| self.names.with_value(|names| names.get(&id).cloned()))
                    .unwrap_or_else(|| "An agent".to_owned())
            }
            (_, AuthorKind::ApiClient) => match &message.author.label {
                Some(label) => format!("{label} (API)"),
                None => "API".to_owned(),
            },
            (_, AuthorKind::System) => "Textdesk".to_owned(),
        }
    }
}

/// An open thread with its refreshes, each run at most once at a time: answers of two reads
/// racing each other could put an older status back.
#[derive(Clone)]
struct Following {
    thread: Thread,
    refresh_messages: Rc<dyn Fn()>,
    refresh_contact: Rc<dyn Fn()>,
}

impl Following {
    fn new(thread: Thread) -> Self {
        Self {
            thread,
            refresh_messages: Rc::new(coalesced(move || thread.refresh_messages())),
            refresh_contact: Rc::new(coalesced(move || thread.refresh_contact())),
        }
    }

    fn refresh(&self) {
        (self.refresh_messages)();
        (self.refresh_contact)();
    }

    /// Applies one batch of the feed: only what concerns this conversation and its contact.
    fn apply(&self, events: &[Event]) {
        let thread = self.thread;
        let (Some(id), Some(contact_id)) = (thread.id(), thread.contact.try_with_untracked(|c| c.id.clone())) else {
            return;
        };
        let ours = |event: &Event| event.change.conversation_id() == Some(&id);
        let shows_media = |change: &Change| match change {
            Change::MessageMediaChanged(media) => thread
                .messages
                .try_with_untracked(|list| list.iter().any(|message| message.id == media.message_id))
                .unwrap_or(false),
            _ => false,
        };
        let added = events
            .iter()
            .any(|e| matches!(e.change, Change::MessageAdded(_)) && ours(e));
        let changed = events.iter().any(|e| {
            matches!(
                e.change,
                Change::MessageStatusChanged(_) | Change::ConversationChanged(_)
            ) && ours(e)
                || shows_media(&e.change)
        });
        if added || changed {
            (self.refresh_messages)();
        }
        if added {
            // The agent has the conversation in front of them; a failure leaves it unread,
            // which the list shows.
            spawn_local(async move {
                let _ = api::conversations::mark_read(id).await;
            });
        }
        if events
            .iter()
            .any(|e| matches!(&e.change, Change::ContactChanged(change) if change.contact_id == contact_id))
        {
            (self.refresh_contact)();
        }
    }
}

#[derive(Clone)]
struct Opened {
    detail: ConversationDetail,
    contact: Contact,
    found: Option<MessageId>,
}

/// Reads the conversation's newest messages and, for a search hit, those around it too.
async fn open(id: ConversationId, around: Option<MessageId>) -> ApiResult<Opened> {
    use api::conversations::{Window, get};
    let mut detail = get(id.clone(), Window::Newest).await?;
    if let Some(hit) = around.clone() {
        let window = get(id.clone(), Window::Around(hit)).await?;
        detail.older_cursor = window.older_cursor;
        for message in window.messages {
            if !detail.messages.iter().any(|shown| shown.id == message.id) {
                detail.messages.push(message);
            }
        }
        detail
            .messages
            .sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    }
    let contact = api::contacts::get(detail.conversation.contact_id.clone());
    let (contact, _) = futures_util::future::join(contact, api::conversations::mark_read(id)).await;
    Ok(Opened {
        detail,
        contact: contact?,
        found: around,
    })
}

/// The reading pane's route: the conversation the address names. While the next one loads,
/// the one shown stays.
#[component]
pub fn ConversationPane() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| ConversationId::new(params.with(|p| p.get("id").unwrap_or_default())));
    let query = use_query_map();
    let around = Memo::new(move |_| query.with(|q| q.get("around").map(MessageId::new)));
    // Subscribed before loading, so a change made while a conversation loads is not missed:
    // until its thread is shown, any change only marks it to be read again.
    let shown = StoredValue::new_local(None::<Following>);
    let missed = StoredValue::new(false);
    let current = move || {
        shown
            .with_value(|shown| shown.clone())
            .filter(|following| following.thread.id().as_ref() == id.try_get_untracked().as_ref())
    };
    LiveFeed::expect().subscribe(
        KINDS,
        move |events| match current() {
            Some(following) => following.apply(&events),
            None => missed.set_value(true),
        },
        move || match current() {
            Some(following) => following.refresh(),
            None => missed.set_value(true),
        },
    );
    let opened = LocalResource::new(move || {
        missed.set_value(false);
        open(id.get(), around.get())
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match opened.await {
                    Ok(opened) => view! { <OpenConversation opened shown missed /> }.into_any(),
                    Err(problem) => {
                        view! {
                            <PageTitle text="Conversation" />
                            <div class="pane-empty">
                                <LoadError problem=*problem />
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn OpenConversation(
    opened: Opened,
    shown: StoredValue<Option<Following>, LocalStorage>,
    missed: StoredValue<bool>,
) -> impl IntoView {
    let Opened { detail, contact, found } = opened;
    let names = use_context::<AgentNames>()
        .map(|AgentNames(names)| names.get_value())
        .unwrap_or_default();
    let thread = Thread {
        conversation: RwSignal::new(detail.conversation),
        contact: RwSignal::new(contact),
        messages: RwSignal::new(detail.messages),
        older: RwSignal::new(detail.older_cursor),
        names: StoredValue::new(names),
        announcement: RwSignal::new(String::new()),
        found: StoredValue::new(found.clone()),
        panel: RwSignal::new(Panel::Messages),
    };
    if let Some(found) = found {
        // Once drawn, the hit is brought into view.
        request_animation_frame(move || {
            let selector = ["[data-id=\"", found.as_str(), "\"]"].concat();
            if let Ok(Some(element)) = document().query_selector(&selector) {
                element.scroll_into_view_with_bool(false);
            }
        });
    }
    provide_context(thread);
    let following = Following::new(thread);
    if missed.get_value() {
        following.refresh();
    }
    shown.set_value(Some(following));
    let title = Signal::derive(move || thread.contact.with(|contact| contact.display_name().to_owned()));
    // Its tab above the pane is named after the contact, and follows a new name.
    if let Some(tabs) = use_context::<Tabs>() {
        Effect::new(move |_| {
            if let Some(id) = thread.id() {
                tabs.name(&id, title.get());
            }
        });
    }
    view! {
        <PageTitle text=title />
        <article class="conversation-page" aria-labelledby="conversation-contact">
            <ConversationHeader thread />
            <PanelTabs thread />
            // Hidden rather than dropped, so a draft and the scroll position survive a look
            // at the contact.
            <div
                class="messages-panel"
                id="messages-panel"
                role="tabpanel"
                aria-labelledby="tab-messages"
                hidden=move || thread.panel.get() != Panel::Messages
            >
                <MessageList thread />
                <p class="visually-hidden" role="status" aria-live="polite">
                    {move || thread.announcement.get()}
                </p>
                <Composer thread />
            </div>
            <Show when=move || thread.panel.get().shows_contact()>
                <Suspense fallback=Loading>{move || Suspend::new(contact_panel(thread))}</Suspense>
            </Show>
        </article>
    }
}

/// The Contact tab, in a part of the wasm of its own, fetched the first time it is opened.
#[leptos::lazy]
fn contact_panel(thread: Thread) -> AnyView {
    view! { <ContactPanel thread /> }.into_any()
}

/// The two tabs of an open conversation; arrow keys move between them, as a tab list's do.
#[component]
fn PanelTabs(thread: Thread) -> impl IntoView {
    let tab = move |panel: Panel, id: &'static str, controls: &'static str, label: &'static str| {
        let selected = move || thread.panel.get().shows_contact() == panel.shows_contact();
        view! {
            <button
                type="button"
                role="tab"
                class="panel-tab"
                id=id
                aria-controls=controls
                aria-selected=move || selected().to_string()
                tabindex=move || if selected() { "0" } else { "-1" }
                on:click=move |_| thread.panel.set(panel)
            >
                {label}
            </button>
        }
    };
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let next = match event.key().as_str() {
            "ArrowLeft" | "Home" => Panel::Messages,
            "ArrowRight" | "End" => Panel::Contact,
            _ => return,
        };
        event.prevent_default();
        thread.panel.set(next);
        let id = if next == Panel::Messages {
            "tab-messages"
        } else {
            "tab-contact"
        };
        if let Some(element) = document().get_element_by_id(id)
            && let Ok(button) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element)
        {
            let _ = button.focus();
        }
    };
    view! {
        <div class="panel-tabs" role="tablist" aria-label="Conversation or contact" on:keydown=on_keydown>
            {tab(Panel::Messages, "tab-messages", "messages-panel", "Messages")}
            {tab(Panel::Contact, "tab-contact", "contact-panel", "Contact")}
        </div>
    }
}
