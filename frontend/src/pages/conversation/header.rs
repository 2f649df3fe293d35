//! The head of an open conversation: who, which conversation of their thread, its state.

use leptos::prelude::*;
use textdesk_types::contacts::Contact;
use textdesk_types::conversations::ConversationStatus;

use super::Thread;
use crate::pages::message_center::views::ViewKey;
use crate::time::{agent_zone, long};

#[component]
pub fn ConversationHeader(thread: Thread) -> impl IntoView {
    let conversation = thread.conversation;
    let contact = thread.contact;
    let view = ViewKey::current();
    let zone = agent_zone();
    view! {
        <header class="conversation-header">
            // On a phone the list is another screen; this leads back to it, in the same view.
            <a class="back-link" href=move || format!("/{}", view.get().query())>"← Conversations"</a>
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
                            let when = format!("The consent text went on {}", zone.with(|zone| long(zone, at)));
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
