//! The phone simulator: text the business's simulator numbers as a customer would, from any
//! phone number, and watch the replies arrive, without a carrier.

use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use textdesk_types::messages::{Direction, Message};
use textdesk_types::numbers::Number;
use textdesk_types::relay::RelayText;

use crate::api;
use crate::components::{Field, FormAlert, LoadError, Loading, PageTitle, failure};
use crate::time::Moment;

/// How often the handset looks for replies.
const REFRESH_EVERY: Duration = Duration::from_secs(2);

#[component]
pub fn PhoneSimulator() -> impl IntoView {
    let numbers = LocalResource::new(api::numbers::list);
    view! {
        <PageTitle text="Phone simulator" />
        <header class="page-header">
            <h1>"Phone simulator"</h1>
            <p class="lead">"Text a simulator number as a customer and see the team's replies, as a handset would."</p>
            <p class="page-links"><A href="/mail">"Mail outbox"</A>": the mail Textdesk writes, such as notifications of these texts."</p>
        </header>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match numbers.await {
                    Ok(numbers) => {
                        let simulated: Vec<Number> = numbers.into_iter().filter(|n| n.provider == "simulator").collect();
                        if simulated.is_empty() {
                            view! {
                                <section class="empty-state">
                                    <h2>"No simulator number"</h2>
                                    <p>"An admin can add a number with the simulator provider to try texting without a carrier."</p>
                                </section>
                            }
                                .into_any()
                        } else {
                            view! { <Handset numbers=simulated /> }.into_any()
                        }
                    }
                    Err(problem) => view! { <LoadError problem=*problem /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Handset(numbers: Vec<Number>) -> impl IntoView {
    let phone = RwSignal::new("+12025550199".to_owned());
    let number_id = RwSignal::new(numbers.first().map(|n| n.id.clone()));
    let draft = RwSignal::new(String::new());
    let tick = RwSignal::new(0u32);
    // Replies arrive through the worker, so the handset looks again every few seconds.
    let interval = set_interval_with_handle(move || tick.update(|n| *n = n.wrapping_add(1)), REFRESH_EVERY);
    on_cleanup(move || {
        if let Ok(handle) = interval {
            handle.clear();
        }
    });
    // The phone's texts with the business, and (when it is an agent's own phone) with relay
    // numbers, in the order they came.
    let texts = LocalResource::new(move || {
        tick.track();
        let phone = phone.get();
        async move {
            let (texts, relayed) = futures_util::future::join(
                api::simulator::handset(phone.clone()),
                api::simulator::relay_texts(phone),
            )
            .await;
            let mut bubbles: Vec<Bubble> = texts?.into_iter().map(Bubble::text).collect();
            bubbles.extend(relayed?.into_iter().map(Bubble::relayed));
            bubbles.sort_by_key(|bubble| bubble.at);
            api::ApiResult::Ok(bubbles)
        }
    });
    let send = Action::new_local(move |body: &String| {
        let body = body.clone();
        let number = number_id.get_untracked();
        async move {
            let number = number
                .ok_or_else(|| Box::new(textdesk_types::ProblemDetails::new(422, "no_number", "Choose a number")))?;
            let sent = api::simulator::text(phone.get_untracked(), number, body).await;
            tick.update(|n| *n = n.wrapping_add(1));
            sent
        }
    });
    Effect::new(move || {
        if matches!(send.value().get(), Some(Ok(_))) {
            draft.set(String::new());
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        send.dispatch(draft.get_untracked());
    };
    let options = numbers
        .into_iter()
        .map(|number| {
            let value = number.id.to_string();
            view! { <option value=value>{format!("{} ({})", number.label, number.phone_number)}</option> }
        })
        .collect_view();
    view! {
        <section class="card handset">
            <div class="field-row">
                <Field label="Your phone number" id="handset-phone">
                    <input id="handset-phone" bind:value=phone />
                </Field>
                <Field label="Texting" id="handset-number">
                    <select
                        id="handset-number"
                        on:change=move |event| number_id.set(Some(textdesk_types::NumberId::new(event_target_value(&event))))
                    >
                        {options}
                    </select>
                </Field>
            </div>
            <div class="handset-texts" aria-live="polite">
                <div class="handset-stack">
                <Transition fallback=Loading>
                    {move || Suspend::new(async move {
                        match texts.await {
                            Ok(texts) if texts.is_empty() => view! { <p class="hint">"No texts yet."</p> }.into_any(),
                            Ok(texts) => texts.into_iter().map(bubble).collect_view().into_any(),
                            Err(problem) => view! { <LoadError problem=*problem /> }.into_any(),
                        }
                    })}
                </Transition>
                </div>
            </div>
            <form class="handset-composer" on:submit=on_submit>
                <FormAlert problem=failure(send) />
                <label for="handset-text" class="visually-hidden">"Text message"</label>
                <input id="handset-text" placeholder="Text message" required bind:value=draft />
                <button type="submit" class="button button-primary" disabled=send.pending()>"Send"</button>
            </form>
        </section>
    }
}

/// One text as the handset shows it.
#[derive(Clone)]
struct Bubble {
    /// Sent by this phone: shown on the right.
    mine: bool,
    body: String,
    at: DateTime<Utc>,
    status: String,
    /// Between an agent's phone and a relay number.
    relay: bool,
}

impl Bubble {
    fn text(text: Message) -> Bubble {
        Bubble {
            mine: text.direction == Direction::Inbound,
            body: text.body,
            at: text.created_at,
            status: text.status.as_str().to_owned(),
            relay: false,
        }
    }

    fn relayed(text: RelayText) -> Bubble {
        Bubble {
            mine: text.from_phone,
            body: text.body,
            at: text.created_at,
            status: text.status,
            relay: true,
        }
    }
}

fn bubble(text: Bubble) -> impl IntoView {
    view! {
        <div class="bubble" class:mine=text.mine class:relay=text.relay>
            <p>{text.body}</p>
            <span class="bubble-meta">
                <Moment at=text.at /> " · " {text.status} {text.relay.then_some(" · text relay")}
            </span>
        </div>
    }
}
