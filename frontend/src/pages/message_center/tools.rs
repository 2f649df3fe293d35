//! The tools above the list: which business number, "Mark all read", and starting a new
//! conversation with a phone number from a chosen number.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use textdesk_types::NumberId;
use textdesk_types::conversations::StartConversation;
use textdesk_types::numbers::Number;

use crate::api::{self, ApiResult};
use crate::components::{FormAlert, failure};

/// Every number's conversations, or one number's.
#[component]
pub fn NumberFilter(
    number: RwSignal<Option<NumberId>>,
    numbers: LocalResource<ApiResult<Vec<Number>>>,
) -> impl IntoView {
    let choose = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        number.set((!value.is_empty()).then(|| NumberId::new(value)));
    };
    view! {
        <select class="number-filter" id="number-filter" aria-label="Business number" on:change=choose>
            <option value="">"All numbers"</option>
            {move || {
                numbers
                    .get()
                    .and_then(Result::ok)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|number| view! { <option value=number.id.to_string()>{number.label}</option> })
                    .collect_view()
            }}
        </select>
    }
}

#[component]
pub fn MarkAllRead() -> impl IntoView {
    let mark = Action::new_local(|_: &()| api::conversations::mark_all_read());
    view! {
        <button
            type="button"
            class="button button-quiet"
            id="mark-all-read"
            disabled=mark.pending()
            on:click=move |_| {
                mark.dispatch(());
            }
        >
            "Mark all read"
        </button>
    }
}

/// "New conversation": to a phone number, from one of the business numbers, with an optional
/// first message; opens the conversation (an open one with that number, if there is one).
#[component]
pub fn NewConversation(numbers: LocalResource<ApiResult<Vec<Number>>>) -> impl IntoView {
    let navigate = use_navigate();
    let details = NodeRef::<leptos::html::Details>::new();
    let start = Action::new_local(move |request: &StartConversation| {
        let request = request.clone();
        let navigate = navigate.clone();
        async move {
            let conversation = api::conversations::start(&request).await?;
            if let Some(details) = details.get_untracked() {
                details.set_open(false);
            }
            navigate(
                &format!("/conversations/{}", conversation.id),
                NavigateOptions::default(),
            );
            ApiResult::Ok(())
        }
    });
    let (to, from, body) = (
        NodeRef::<leptos::html::Input>::new(),
        NodeRef::<leptos::html::Select>::new(),
        NodeRef::<leptos::html::Textarea>::new(),
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (Some(to), Some(from), Some(body)) = (to.get_untracked(), from.get_untracked(), body.get_untracked())
        else {
            return;
        };
        let body = body.value();
        start.dispatch(StartConversation {
            to: Some(to.value()),
            contact_id: None,
            from_number_id: NumberId::new(from.value()),
            body: (!body.trim().is_empty()).then_some(body),
        });
    };
    view! {
        <details class="new-conversation" node_ref=details>
            <summary class="button button-primary" id="new-conversation">"New conversation"</summary>
            <form class="new-conversation-form" on:submit=submit>
                <label for="new-to">"To"</label>
                <input id="new-to" node_ref=to type="tel" required placeholder="(202) 555-0123" autocomplete="off" />
                <label for="new-from">"From"</label>
                <select id="new-from" node_ref=from required>
                    <NumberOptions numbers />
                </select>
                <label for="new-body">"First message (optional)"</label>
                <textarea id="new-body" node_ref=body rows="2" maxlength="2000"></textarea>
                <FormAlert problem=failure(start) />
                <button type="submit" class="button button-primary" disabled=start.pending()>"Start"</button>
            </form>
        </details>
    }
}

/// The business numbers customers are texted from as a `<select>`'s options, "label
/// (number)", once they are loaded (relay numbers text agents only).
#[component]
pub fn NumberOptions(numbers: LocalResource<ApiResult<Vec<Number>>>) -> impl IntoView {
    move || {
        numbers
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|number| !number.relay)
            .map(|number| {
                let text = format!("{} ({})", number.label, number.phone_number);
                view! { <option value=number.id.to_string()>{text}</option> }
            })
            .collect_view()
    }
}
