//! The messages of an open conversation, oldest first, with their authors, times, statuses,
//! failures (and retry) and media.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use textdesk_types::MessageId;
use textdesk_types::conversations::Conversation;
use textdesk_types::messages::{Direction, MediaAttachment, MediaStatus, Message, MessageStatus};

use super::Thread;
use crate::api::{self, ApiResult};
use crate::components::{ActionButton, LoadError, failure};
use crate::pages::frame::CurrentAgent;
use crate::time::{Moment, agent_zone, day};

#[component]
pub fn MessageList(thread: Thread) -> impl IntoView {
    let older = thread.older;
    let load_older = Action::new_local(move |_: &()| async move {
        let Some(before) = older.get_untracked() else {
            return Ok(());
        };
        let Some(id) = thread.id() else {
            return Ok(());
        };
        let detail = api::conversations::get(id, api::conversations::Window::Before(before)).await?;
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
                <Earlier thread />
                {move || {
                    older
                        .with(Option::is_some)
                        .then(|| {
                            view! {
                                <ActionButton
                                    class="button button-quiet load-older"
                                    id="load-older"
                                    pending=load_older.pending()
                                    on_click=move |_| {
                                        load_older.dispatch(());
                                    }
                                >
                                    "Load older messages"
                                </ActionButton>
                            }
                        })
                }}
                {move || failure(load_older).get().map(|problem| view! { <LoadError problem=*problem /> })}
                // Not a live region: each redraw would be read out again. The thread announces
                // customers' new texts on its own.
                <ol class="messages">
                    <For each=move || thread.messages.get() key=drawn_as let:message>
                        <MessageItem
                            author=thread.author(&message, me.as_ref())
                            found=thread.found.with_value(|found| found.as_ref() == Some(&message.id))
                            message
                        />
                    </For>
                </ol>
            </div>
        </section>
    }
}

/// What a message looks like: a change to any of it (its status, its media arriving) redraws it.
fn drawn_as(message: &Message) -> (MessageId, &'static str, Vec<(bool, bool)>) {
    let media = message
        .media
        .iter()
        .map(|attachment| (attachment.status == MediaStatus::Pending, attachment.error.is_some()))
        .collect();
    (message.id.clone(), message.status.as_str(), media)
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

/// The conversations of the contact's thread before this one, folded, each read when opened.
#[component]
fn Earlier(thread: Thread) -> impl IntoView {
    let earlier = RwSignal::new(Vec::<Conversation>::new());
    let (id, contact) = thread
        .conversation
        .with_untracked(|c| (c.id.clone(), c.contact_id.clone()));
    spawn_local(async move {
        if let Ok(mut all) = api::contacts::thread(contact).await {
            // Oldest first: those before this one.
            all.truncate(all.iter().position(|c| c.id == id).unwrap_or(0));
            earlier.try_set(all);
        }
    });
    let zone = agent_zone();
    view! {
        <div class="earlier" aria-label="Earlier conversations" role="group">
            {move || {
                earlier
                    .get()
                    .into_iter()
                    .map(|past| {
                        let last = past.closed_at.unwrap_or(past.last_message_at);
                        let [from, to] = zone.with_untracked(|zone| [day(zone, past.opened_at), day(zone, last)]);
                        let mut title = ["#", &past.number.to_string(), " · ", &from].concat();
                        if from != to {
                            title.push_str(" – ");
                            title.push_str(&to);
                        }
                        view! { <EarlierConversation thread id=past.id title /> }
                    })
                    .collect_view()
            }}
        </div>
    }
}

#[component]
fn EarlierConversation(thread: Thread, id: textdesk_types::ConversationId, title: String) -> impl IntoView {
    let messages = RwSignal::new(None::<Vec<Message>>);
    let me = use_context::<CurrentAgent>().map(|CurrentAgent(me)| me.with_untracked(|agent| agent.id.clone()));
    let on_toggle = move |_| {
        if messages.with_untracked(Option::is_none) {
            messages.set(Some(Vec::new()));
            let id = id.clone();
            spawn_local(async move {
                if let Ok(detail) = api::conversations::get(id, api::conversations::Window::Newest).await {
                    messages.try_set(Some(detail.messages));
                }
            });
        }
    };
    view! {
        <details class="earlier-conversation" on:toggle=on_toggle>
            <summary>{title}</summary>
            <ol class="messages">
                {move || {
                    messages
                        .get()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|message| view! { <MessageItem author=thread.author(&message, me.as_ref()) found=false message /> })
                        .collect_view()
                }}
            </ol>
        </details>
    }
}

#[component]
fn MessageItem(message: Message, author: String, found: bool) -> impl IntoView {
    if message.direction == Direction::System {
        // Ownership and status changes: a line of the history, not a text.
        return view! {
            <li class="message-system" data-id=message.id.to_string()>
                <span class="message-body">{message.body}</span>
                " · "
                <Moment at=message.created_at />
            </li>
        }
        .into_any();
    }
    let direction = message.direction.as_str();
    let outbound = message.direction == Direction::Outbound;
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
        <li class=format!("message message-{direction}") data-id=message.id.to_string() data-found=found.then_some("")>
            <div class="message-bubble">
                {(message.direction == Direction::Note)
                    .then(|| {
                        let tag = match &message.source {
                            Some(source) => format!("Note · {source}"),
                            None => "Note".to_owned(),
                        };
                        view! { <span class="message-tag">{tag}</span> }
                    })}
                {(!message.body.is_empty()).then(|| view! { <p class="message-body">{message.body.clone()}</p> })}
                {message.media.into_iter().map(|attachment| view! { <Media attachment /> }).collect_view()}
            </div>
            <div class="message-meta">
                <span class="message-author">{author}</span>
                " · "
                <Moment at=message.created_at />
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
    .into_any()
}

/// Why a message did not arrive; a failed one can be sent again.
#[component]
fn MessageError(id: textdesk_types::MessageId, reason: String, retry: bool) -> impl IntoView {
    let thread = use_context::<Thread>();
    let retrying = Action::new_local(move |_: &()| {
        let id = id.clone();
        async move {
            let message = api::messages::retry(id).await?;
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
                        <ActionButton
                            class="button button-quiet retry"
                            pending=retrying.pending()
                            on_click=move |_| {
                                retrying.dispatch(());
                            }
                        >
                            "Retry"
                        </ActionButton>
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
        let loaded = api::messages::media_object_url(&url, &content_type).await;
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
