//! One conversation: its messages, kept current by the change feed, and the composer.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use textdesk_types::contacts::Contact;
use textdesk_types::conversations::{Conversation, ConversationDetail, ConversationStatus};
use textdesk_types::events::{Change, Event};
use textdesk_types::messages::{AuthorKind, Direction, MediaAttachment, MediaStatus, Message, MessageStatus};
use textdesk_types::{AgentId, ConversationId};

use super::composer::Composer;
use super::shell::CurrentAgent;
use crate::api::{self, ApiResult};
use crate::feed;
use crate::ui::{LoadError, Loading, failure};

/// What the pieces of an open conversation share. The messages are oldest first.
#[derive(Clone, Copy)]
pub struct Thread {
    pub conversation: RwSignal<Conversation>,
    pub contact: RwSignal<Contact>,
    pub messages: RwSignal<Vec<Message>>,
    older: RwSignal<Option<String>>,
    agent_names: StoredValue<HashMap<AgentId, String>>,
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

    /// Reads the newest messages again, with their current statuses and errors.
    async fn refresh_messages(self) {
        if let Ok(detail) = api::conversation(self.id(), None).await {
            self.conversation.try_set(detail.conversation);
            self.upsert(detail.messages, true);
        }
    }

    async fn refresh_contact(self) {
        let id = self.contact.with_untracked(|c| c.id.clone());
        if let Ok(contact) = api::contact(id).await {
            self.contact.try_set(contact);
        }
    }

    /// Applies one batch of the feed: only what concerns this conversation and its contact.
    async fn apply(self, events: &[Event]) {
        let id = self.id();
        let contact_id = self.contact.with_untracked(|c| c.id.clone());
        let ours = |event: &Event| event.change.conversation_id() == Some(&id);
        let added = events
            .iter()
            .any(|e| matches!(e.change, Change::MessageAdded(_)) && ours(e));
        let changed = events.iter().any(|e| {
            matches!(
                e.change,
                Change::MessageStatusChanged(_) | Change::ConversationChanged(_)
            ) && ours(e)
        });
        if added || changed {
            self.refresh_messages().await;
        }
        if added {
            // The agent has the conversation in front of them.
            let _ = api::mark_read(id).await;
        }
        if events
            .iter()
            .any(|e| matches!(&e.change, Change::ContactChanged(change) if change.contact_id == contact_id))
        {
            self.refresh_contact().await;
        }
    }

    fn author(&self, message: &Message, me: Option<&AgentId>) -> String {
        match (message.direction, message.author.kind) {
            (Direction::Inbound, _) | (_, AuthorKind::Contact) => {
                self.conversation.with_untracked(|c| c.contact_name.clone())
            }
            (_, AuthorKind::Agent) => {
                let id = message.author.id.clone().map(AgentId::new);
                if id.is_some() && id.as_ref() == me {
                    return "You".to_owned();
                }
                id.and_then(|id| self.agent_names.with_value(|names| names.get(&id).cloned()))
                    .unwrap_or_else(|| "An agent".to_owned())
            }
            (_, AuthorKind::ApiClient) => "API".to_owned(),
            (_, AuthorKind::System) => "Textdesk".to_owned(),
        }
    }
}

#[derive(Clone)]
struct Opened {
    feed_cursor: String,
    detail: ConversationDetail,
    contact: Contact,
    agent_names: HashMap<AgentId, String>,
}

async fn open(id: ConversationId) -> ApiResult<Opened> {
    // Taken before the conversation is read, so a change made meanwhile comes through the feed.
    let feed_cursor = api::feed_cursor().await?;
    let detail = api::conversation(id.clone(), None).await?;
    let contact = api::contact(detail.conversation.contact_id.clone()).await?;
    // Names only make the authors friendlier; without them the thread still works.
    let agent_names = api::agents()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|agent| (agent.id.clone(), agent.display_name().to_owned()))
        .collect();
    let _ = api::mark_read(id).await;
    Ok(Opened {
        feed_cursor,
        detail,
        contact,
        agent_names,
    })
}

#[component]
pub fn ConversationPage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let id = ConversationId::new(params.with(|p| p.get("id").unwrap_or_default()));
        view! { <ConversationLoader id /> }
    }
}

#[component]
fn ConversationLoader(id: ConversationId) -> impl IntoView {
    let opened = LocalResource::new(move || open(id.clone()));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match opened.await {
                    Ok(opened) => view! { <OpenConversation opened /> }.into_any(),
                    Err(problem) => {
                        view! {
                            <a class="back-link" href="/">"← Inbox"</a>
                            <LoadError problem=*problem />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn OpenConversation(opened: Opened) -> impl IntoView {
    let Opened {
        feed_cursor,
        detail,
        contact,
        agent_names,
    } = opened;
    let thread = Thread {
        conversation: RwSignal::new(detail.conversation),
        contact: RwSignal::new(contact),
        messages: RwSignal::new(detail.messages),
        older: RwSignal::new(detail.older_cursor),
        agent_names: StoredValue::new(agent_names),
    };
    provide_context(thread);
    feed::follow(
        feed_cursor,
        || true,
        move |events| async move { thread.apply(&events).await },
        move || async move {
            thread.refresh_messages().await;
            thread.refresh_contact().await;
        },
    );
    view! {
        <div class="conversation-page">
            <ConversationHeader thread />
            <MessageList thread />
            <Composer thread />
        </div>
    }
}

#[component]
fn ConversationHeader(thread: Thread) -> impl IntoView {
    let conversation = thread.conversation;
    let contact = thread.contact;
    view! {
        <header class="conversation-header">
            <a class="back-link" href="/">"← Inbox"</a>
            <div class="conversation-title">
                <h1 id="conversation-contact">{move || contact.with(Contact::display_name)}</h1>
                <span class="conversation-number" id="conversation-number">
                    {move || format!("#{}", conversation.with(|c| c.number))}
                </span>
                {move || {
                    let closed = conversation.with(|c| c.status == ConversationStatus::Closed);
                    view! {
                        <span class="badge" class:badge-active=!closed id="conversation-status">
                            {if closed { "Closed" } else { "Open" }}
                        </span>
                    }
                }}
                {move || contact.with(|c| c.opted_out).then(|| view! { <span class="badge badge-disabled">"Opted out"</span> })}
                {move || {
                    conversation
                        .with(|c| c.consent_message_sent_at)
                        .map(|at| {
                            let when = format!("The consent text went on {}", at.format("%b %-d, %H:%M UTC"));
                            view! { <span class="badge" title=when>"Consent text sent"</span> }
                        })
                }}
            </div>
            // A contact without a name is already headed by their number.
            {move || {
                contact.with(|c| {
                    (c.display_name() != c.phone_number).then(|| view! { <p class="lead">{c.phone_number.clone()}</p> })
                })
            }}
        </header>
    }
}

#[component]
fn MessageList(thread: Thread) -> impl IntoView {
    let older = thread.older;
    let load_older = Action::new_local(move |_: &()| async move {
        let Some(before) = older.get_untracked() else {
            return Ok(());
        };
        let detail = api::conversation(thread.id(), Some(before)).await?;
        older.try_set(detail.older_cursor);
        thread.upsert(detail.messages, false);
        Ok(())
    });
    let me = use_context::<CurrentAgent>().map(|CurrentAgent(me)| me.with_untracked(|agent| agent.id.clone()));
    view! {
        // Reversed flex with one child: the view starts at the newest message and stays there
        // as messages arrive, while the document order stays oldest first.
        <section class="thread" aria-label="Messages">
            <div class="thread-inner">
                {move || {
                    older
                        .with(Option::is_some)
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="button button-quiet load-older"
                                    id="load-older"
                                    disabled=load_older.pending()
                                    on:click=move |_| {
                                        load_older.dispatch(());
                                    }
                                >
                                    "Load older messages"
                                </button>
                            }
                        })
                }}
                {move || failure(load_older).get().map(|problem| view! { <LoadError problem=*problem /> })}
                <ol class="messages" aria-live="polite">
                    <For
                        each=move || thread.messages.get()
                        // The status is part of the key so a message redraws when it moves on.
                        key=|message| (message.id.clone(), message.status.as_str())
                        let:message
                    >
                        <MessageItem author=thread.author(&message, me.as_ref()) message />
                    </For>
                </ol>
            </div>
        </section>
    }
}

fn status_label(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Queued => "Queued",
        MessageStatus::Sending => "Sending",
        MessageStatus::Sent => "Sent",
        MessageStatus::Delivered => "Delivered",
        MessageStatus::Undelivered => "Undelivered",
        MessageStatus::Failed => "Failed",
        MessageStatus::Received => "Received",
    }
}

#[component]
fn MessageItem(message: Message, author: String) -> impl IntoView {
    let direction = message.direction.as_str();
    let outbound = message.direction == Direction::Outbound;
    let time = message.created_at.format("%b %-d, %H:%M UTC").to_string();
    let failed = matches!(message.status, MessageStatus::Failed | MessageStatus::Undelivered);
    let error = failed.then(|| {
        let reason = [message.error_code.as_deref(), message.error_message.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        view! { <MessageError id=message.id.clone() reason retry=message.status == MessageStatus::Failed /> }
    });
    view! {
        <li class=format!("message message-{direction}") data-id=message.id.to_string()>
            <div class="message-bubble">
                {(message.direction == Direction::Note).then(|| view! { <span class="message-tag">"Note"</span> })}
                {(!message.body.is_empty()).then(|| view! { <p class="message-body">{message.body.clone()}</p> })}
                {message.media.into_iter().map(|attachment| view! { <Media attachment /> }).collect_view()}
            </div>
            <div class="message-meta">
                <span class="message-author">{author}</span>
                " · "
                <time datetime=message.created_at.to_rfc3339()>{time}</time>
                {outbound
                    .then(|| {
                        view! {
                            " · "
                            <span class="message-status" data-status=message.status.as_str()>
                                {status_label(message.status)}
                            </span>
                        }
                    })}
            </div>
            {error}
        </li>
    }
}

/// Why a message did not arrive; a failed one can be sent again.
#[component]
fn MessageError(id: textdesk_types::MessageId, reason: String, retry: bool) -> impl IntoView {
    let thread = use_context::<Thread>();
    let retrying = Action::new_local(move |_: &()| {
        let id = id.clone();
        async move {
            let message = api::retry_message(id).await?;
            if let Some(thread) = thread {
                thread.upsert(vec![message], true);
            }
            ApiResult::Ok(())
        }
    });
    let reason = if reason.is_empty() {
        "The provider gave no reason.".to_owned()
    } else {
        reason
    };
    view! {
        <div class="message-error" role="alert">
            <span>{reason}</span>
            {retry
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="button button-quiet retry"
                            disabled=retrying.pending()
                            on:click=move |_| {
                                retrying.dispatch(());
                            }
                        >
                            "Retry"
                        </button>
                    }
                })}
            {move || failure(retrying).get().map(|problem| view! { <span>{problem.message()}</span> })}
        </div>
    }
}

#[component]
fn Media(attachment: MediaAttachment) -> impl IntoView {
    match attachment.status {
        MediaStatus::Stored => view! { <StoredMedia attachment /> }.into_any(),
        MediaStatus::Pending => view! { <p class="media-note">"Fetching the media…"</p> }.into_any(),
        MediaStatus::Failed => {
            let why = attachment.error.unwrap_or_else(|| "no reason given".to_owned());
            view! { <p class="media-note">{format!("The media could not be fetched: {why}")}</p> }.into_any()
        }
    }
}

/// A media file fetched with the session's token, shown from an object URL that is released
/// when the message leaves the page.
#[component]
fn StoredMedia(attachment: MediaAttachment) -> impl IntoView {
    let shown = RwSignal::new(None::<Result<String, String>>);
    let held = Arc::new(std::sync::Mutex::new(None::<String>));
    let release = Arc::clone(&held);
    on_cleanup(move || {
        if let Some(url) = release.lock().ok().and_then(|mut slot| slot.take()) {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    let (url, content_type) = (attachment.url.clone(), attachment.content_type.clone());
    spawn_local(async move {
        let loaded = api::media_object_url(&url, &content_type).await;
        if let (Ok(object), Ok(mut slot)) = (&loaded, held.lock()) {
            *slot = Some(object.clone());
        }
        shown.try_set(Some(loaded.map_err(|problem| problem.message())));
    });
    let kind = attachment.content_type.clone();
    let size = format!("{} KB", attachment.size_bytes.div_ceil(1024));
    move || match shown.get() {
        None => view! { <p class="media-note">"Loading the media…"</p> }.into_any(),
        Some(Err(why)) => view! { <p class="media-note">{why}</p> }.into_any(),
        Some(Ok(src)) if kind.starts_with("image/") => {
            let full = src.clone();
            view! {
                <a class="media" href=full target="_blank" rel="noopener">
                    <img src=src alt=format!("Image ({size})") />
                </a>
            }
            .into_any()
        }
        Some(Ok(src)) if kind.starts_with("video/") => {
            view! { <video class="media" src=src controls=true preload="metadata"></video> }.into_any()
        }
        Some(Ok(src)) => view! {
            <a class="media-note" href=src download="">
                {format!("Download the file ({kind}, {size})")}
            </a>
        }
        .into_any(),
    }
}
