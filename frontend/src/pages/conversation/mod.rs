//! One conversation in the Message Center's reading pane: its head, its messages kept current
//! by the change feed, and the composer.

mod composer;
mod header;
mod thread;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use textdesk_types::contacts::Contact;
use textdesk_types::conversations::{Conversation, ConversationDetail};
use textdesk_types::events::{Change, ChangeKind, Event};
use textdesk_types::messages::{AuthorKind, Direction, Message};
use textdesk_types::{AgentId, ConversationId};

use self::composer::Composer;
use self::header::ConversationHeader;
use self::thread::MessageList;
use crate::api::{self, ApiResult};
use crate::components::{LoadError, Loading, PageTitle};
use crate::live::LiveFeed;
use crate::pages::frame::AgentNames;

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
}

impl Thread {
    pub fn id(&self) -> ConversationId {
        self.conversation.with_untracked(|c| c.id.clone())
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

    /// Reads the newest messages again, with their current statuses, errors and media.
    async fn refresh_messages(self) {
        if let Ok(detail) = api::conversations::get(self.id(), None).await {
            self.conversation.try_set(detail.conversation);
            self.upsert(detail.messages, true);
        }
    }

    async fn refresh_contact(self) {
        let id = self.contact.with_untracked(|c| c.id.clone());
        if let Ok(contact) = api::contacts::get(id).await {
            self.contact.try_set(contact);
        }
    }

    async fn refresh(self) {
        self.refresh_messages().await;
        self.refresh_contact().await;
    }

    /// Applies one batch of the feed: only what concerns this conversation and its contact.
    async fn apply(self, events: Vec<Event>) {
        let id = self.id();
        let contact_id = self.contact.with_untracked(|c| c.id.clone());
        let ours = |event: &Event| event.change.conversation_id() == Some(&id);
        let shown = |change: &Change| match change {
            Change::MessageMediaChanged(media) => self
                .messages
                .with_untracked(|list| list.iter().any(|message| message.id == media.message_id)),
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
                || shown(&e.change)
        });
        if added || changed {
            self.refresh_messages().await;
        }
        if added {
            // The agent has the conversation in front of them; a failure leaves it unread,
            // which the list shows.
            let _ = api::conversations::mark_read(id).await;
        }
        if events
            .iter()
            .any(|e| matches!(&e.change, Change::ContactChanged(change) if change.contact_id == contact_id))
        {
            self.refresh_contact().await;
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
                let names = use_context::<AgentNames>();
                id.and_then(|id| names.and_then(|AgentNames(names)| names.with_value(|names| names.get(&id).cloned())))
                    .unwrap_or_else(|| "An agent".to_owned())
            }
            (_, AuthorKind::ApiClient) => "API".to_owned(),
            (_, AuthorKind::System) => "Textdesk".to_owned(),
        }
    }
}

#[derive(Clone)]
struct Opened {
    detail: ConversationDetail,
    contact: Contact,
}

async fn open(id: ConversationId) -> ApiResult<Opened> {
    let detail = api::conversations::get(id.clone(), None).await?;
    let contact = api::contacts::get(detail.conversation.contact_id.clone());
    let (contact, _) = futures_util::future::join(contact, api::conversations::mark_read(id)).await;
    Ok(Opened {
        detail,
        contact: contact?,
    })
}

/// The reading pane's route: the conversation the address names.
#[component]
pub fn ConversationPane() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| ConversationId::new(params.with(|p| p.get("id").unwrap_or_default())));
    move || view! { <ConversationLoader id=id.get() /> }
}

#[component]
fn ConversationLoader(id: ConversationId) -> impl IntoView {
    // Subscribed before loading, so a change made while the conversation loads is not missed:
    // until the thread is shown, any change only marks it to be read again.
    let shown = StoredValue::new(None::<Thread>);
    let missed = StoredValue::new(false);
    LiveFeed::expect().subscribe(
        KINDS,
        move |events| match shown.get_value() {
            Some(thread) => spawn_local(thread.apply(events)),
            None => missed.set_value(true),
        },
        move || match shown.get_value() {
            Some(thread) => spawn_local(thread.refresh()),
            None => missed.set_value(true),
        },
    );
    let opened = LocalResource::new(move || open(id.clone()));
    view! {
        <Suspense fallback=Loading>
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
        </Suspense>
    }
}

#[component]
fn OpenConversation(opened: Opened, shown: StoredValue<Option<Thread>>, missed: StoredValue<bool>) -> impl IntoView {
    let Opened { detail, contact } = opened;
    let thread = Thread {
        conversation: RwSignal::new(detail.conversation),
        contact: RwSignal::new(contact),
        messages: RwSignal::new(detail.messages),
        older: RwSignal::new(detail.older_cursor),
    };
    provide_context(thread);
    shown.set_value(Some(thread));
    if missed.get_value() {
        spawn_local(thread.refresh());
    }
    let title = Signal::derive(move || thread.contact.with(|contact| contact.display_name().to_owned()));
    view! {
        <PageTitle text=title />
        <article class="conversation-page" aria-labelledby="conversation-contact">
            <ConversationHeader thread />
            <MessageList thread />
            <Composer thread />
        </article>
    }
}
