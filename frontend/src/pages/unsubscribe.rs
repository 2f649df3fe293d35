//! A notification's "Stop these mails" link: one button, so a link checker that opens the page
//! turns nothing off.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use textdesk_types::agents::NotificationTopic;

use crate::api;
use crate::components::{AuthCard, FormAlert, failure};

fn topic_words(topic: NotificationTopic) -> &'static str {
    match topic {
        NotificationTopic::TransferMine => "transfers to or from you",
        NotificationTopic::TransferGroup => "transfers to or from your group",
        NotificationTopic::MessageMine => "new messages in your conversations",
        NotificationTopic::MessageGroup => "new messages in your group's conversations",
    }
}

#[component]
pub fn Unsubscribe() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|query| query.get("token").unwrap_or_default());
    let stop = Action::new_local(|token: &String| api::mail::unsubscribe(token.clone()));
    let problem = failure(stop);
    let outcome = move || stop.value().get().and_then(Result::ok);
    view! {
        <AuthCard title="Stop these mails" lead="Turn off the notifications that sent you this link.">
            <Show
                when=move || outcome().is_some()
                fallback=move || {
                    view! {
                        <FormAlert problem />
                        <button
                            type="button"
                            class="button button-primary button-wide"
                            id="unsubscribe"
                            disabled=stop.pending()
                            on:click=move |_| {
                                stop.dispatch(token());
                            }
                        >
                            "Stop these mails"
                        </button>
                    }
                }
            >
                <p class="reset-done" id="unsubscribed" role="status">
                    {move || {
                        let topics: Vec<&str> = outcome().map(|done| done.turned_off).unwrap_or_default().into_iter().map(topic_words).collect();
                        if topics.is_empty() {
                            "Nothing was on.".to_owned()
                        } else {
                            format!("Done: no more mail about {}.", topics.join(" or "))
                        }
                    }}
                </p>
            </Show>
            <p class="auth-aside"><A href="/profile">"Choose your notifications in your profile"</A></p>
        </AuthCard>
    }
}
