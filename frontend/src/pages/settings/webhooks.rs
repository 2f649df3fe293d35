//! Webhooks: the endpoints Textdesk sends the organization's events to, each with the event
//! types it takes; a new endpoint's signing secret is shown once; each endpoint's delivery log
//! shows every delivery with its attempts, and sends one again. An endpoint turned off after a
//! day of failures says so here, with why.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use textdesk_types::webhooks::{
    CreateWebhookEndpoint, DeliveryStatus, DisabledBy, UpdateWebhookEndpoint, WebhookDelivery, WebhookEndpoint,
    WebhookEndpointWithSecret, WebhookEventType,
};
use textdesk_types::{WebhookDeliveryId, WebhookEndpointId};

use super::SecretOnce;
use crate::api::{self, ApiResult};
use crate::components::{FormAlert, LoadError, Loading, failure, field_error};
use crate::time::Moment;

/// What each event is, in a few words.
fn event_text(kind: WebhookEventType) -> &'static str {
    match kind {
        WebhookEventType::MessageReceived => "a contact texted in",
        WebhookEventType::MessageSent => "a text was handed to the provider",
        WebhookEventType::MessageStatusChanged => "a text was sent, delivered or failed",
        WebhookEventType::NoteAdded => "a note was added",
        WebhookEventType::ConversationOpened => "a conversation opened",
        WebhookEventType::ConversationClosed => "a conversation was closed",
        WebhookEventType::ConversationAssigned => "a conversation was claimed, transferred or assigned",
        WebhookEventType::ContactCreated => "a contact was created",
        WebhookEventType::ContactChanged => "a contact's details or consent changed",
        WebhookEventType::ContactOptedOut => "a contact opted out",
        WebhookEventType::ContactOptedIn => "a contact opted back in",
    }
}

#[component]
pub fn Webhooks() -> impl IntoView {
    let endpoints = LocalResource::new(api::webhooks::list);
    let shown_secret = RwSignal::new(None::<WebhookEndpointWithSecret>);
    let show_secret = move |created: WebhookEndpointWithSecret| {
        shown_secret.set(Some(created));
        endpoints.refetch();
    };
    view! {
        <section class="card settings-section" id="webhooks" aria-labelledby="webhooks-heading">
            <h2 class="card-title" id="webhooks-heading">"Webhooks"</h2>
            <p class="muted">
                "Textdesk POSTs each event you choose to your endpoint, signed as "
                <a href="https://www.standardwebhooks.com/" target="_blank" rel="noopener">"Standard Webhooks"</a>
                " say: check the " <code>"webhook-signature"</code>
                " header with the endpoint's secret. A failed delivery is tried again for 27 hours, and one conversation's events arrive in order."
            </p>
            {move || {
                shown_secret
                    .get()
                    .map(|created| {
                        let title = format!("The secret of {} is ready.", created.endpoint.url);
                        view! {
                            <SecretOnce
                                title
                                secret=created.secret
                                id_prefix="webhook"
                                on_done=move || shown_secret.set(None)
                            />
                        }
                    })
            }}
            {move || match endpoints.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(problem)) => view! { <LoadError problem=*problem /> }.into_any(),
                Some(Ok(list)) if list.is_empty() => {
                    view! { <p class="muted" id="webhooks-none">"No endpoints yet."</p> }.into_any()
                }
                Some(Ok(list)) => {
                    list.into_iter()
                        .map(|endpoint| {
                            view! {
                                <Endpoint
                                    endpoint
                                    on_changed=move || endpoints.refetch()
                                    on_secret=show_secret
                                />
                            }
                        })
                        .collect_view()
                        .into_any()
                }
            }}
            <EndpointForm editing=None on_saved=move |saved| match saved {
                Saved::Created(created) => show_secret(*created),
                Saved::Changed => endpoints.refetch(),
            } />
        </section>
    }
}

/// What saving the form did.
#[derive(Clone)]
enum Saved {
    Created(Box<WebhookEndpointWithSecret>),
    Changed,
}

#[component]
fn Endpoint(
    endpoint: WebhookEndpoint,
    on_changed: impl Fn() + Clone + Send + Sync + 'static,
    on_secret: impl Fn(WebhookEndpointWithSecret) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let id = endpoint.id.clone();
    let log_open = RwSignal::new(false);
    let editing = RwSignal::new(false);
    let act = Action::new_local({
        let (id, url, on_changed, on_secret) =
            (id.clone(), endpoint.url.clone(), on_changed.clone(), on_secret.clone());
        move |what: &EndpointAction| {
            let (what, id, url, on_changed, on_secret) =
                (*what, id.clone(), url.clone(), on_changed.clone(), on_secret.clone());
            async move {
                match what {
                    EndpointAction::TurnOn | EndpointAction::TurnOff => {
                        let change = UpdateWebhookEndpoint {
                            enabled: Some(what == EndpointAction::TurnOn),
                            ..Default::default()
                        };
                        api::webhooks::update(&id, &change).await?;
                    }
                    EndpointAction::Rotate => {
                        let question = format!(
                            "Make a new secret for {url}? The old one keeps signing deliveries for 24 hours, beside the new one."
                        );
                        if !window().confirm_with_message(&question).unwrap_or(false) {
                            return ApiResult::Ok(());
                        }
                        on_secret(api::webhooks::rotate_secret(&id).await?);
                    }
                    EndpointAction::Delete => {
                        let question = format!("Delete the endpoint {url} and its delivery log?");
                        if !window().confirm_with_message(&question).unwrap_or(false) {
                            return ApiResult::Ok(());
                        }
                        api::webhooks::delete(&id).await?;
                    }
                }
                on_changed();
                ApiResult::Ok(())
            }
        }
    });
    let problem = failure(act);
    let failing = endpoint.disabled_by == Some(DisabledBy::Failures);
    let types = endpoint
        .event_types
        .iter()
        .map(|kind| kind.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let toggle = if endpoint.enabled {
        EndpointAction::TurnOff
    } else {
        EndpointAction::TurnOn
    };
    let heading_id = format!("webhook-{id}");
    let labelled_by = heading_id.clone();
    let stored = StoredValue::new(endpoint.clone());
    let log_id = id.clone();
    view! {
        <article class="webhook-endpoint" aria-labelledby=labelled_by>
            <div class="webhook-endpoint-head">
                <h3 class="webhook-url" id=heading_id><code>{endpoint.url.clone()}</code></h3>
                {if endpoint.enabled {
                    view! { <span class="badge badge-active">"On"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-disabled">"Off"</span> }.into_any()
                }}
            </div>
            {(!endpoint.description.is_empty()).then(|| view! { <p>{endpoint.description.clone()}</p> })}
            {endpoint
                .disabled_reason
                .clone()
                .filter(|_| failing)
                .map(|reason| view! { <p class="alert alert-warning webhook-failing" role="alert">{reason}</p> })}
            <p class="muted webhook-types">{types}</p>
            <div class="form-actions webhook-actions">
                <button
                    type="button"
                    class="button button-quiet"
                    aria-expanded=move || log_open.get().to_string()
                    on:click=move |_| log_open.update(|open| *open = !*open)
                >
                    "Delivery log"
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| editing.update(|on| *on = !*on)>
                    "Edit"
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| {
                    act.dispatch(toggle);
                }>
                    {if toggle == EndpointAction::TurnOn { "Turn on" } else { "Turn off" }}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| {
                    act.dispatch(EndpointAction::Rotate);
                }>
                    "New secret"
                </button>
                <button type="button" class="button button-quiet button-danger" on:click=move |_| {
                    act.dispatch(EndpointAction::Delete);
                }>
                    "Delete"
                </button>
            </div>
            <FormAlert problem />
            <Show when=move || editing.get()>
                <EndpointForm
                    editing=Some(stored.get_value())
                    on_saved={
                        let on_changed = on_changed.clone();
                        move |_| {
                            editing.set(false);
                            on_changed();
                        }
                    }
                />
            </Show>
            <Show when=move || log_open.get()>
                <DeliveryLog endpoint=log_id.clone() />
            </Show>
        </article>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EndpointAction {
    TurnOn,
    TurnOff,
    Rotate,
    Delete,
}

/// A new endpoint, or changes to `editing`.
#[component]
fn EndpointForm(
    editing: Option<WebhookEndpoint>,
    on_saved: impl Fn(Saved) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let existing = editing.as_ref().map(|endpoint| endpoint.id.clone());
    let prefix = if existing.is_some() {
        "webhook-edit"
    } else {
        "webhook-new"
    };
    let url = RwSignal::new(editing.as_ref().map(|e| e.url.clone()).unwrap_or_default());
    let description = RwSignal::new(editing.as_ref().map(|e| e.description.clone()).unwrap_or_default());
    let chosen = RwSignal::new(editing.as_ref().map(|e| e.event_types.clone()).unwrap_or_default());
    let save = Action::new_local(move |_: &()| {
        let (existing, on_saved) = (existing.clone(), on_saved.clone());
        let (url_now, description_now, types) =
            (url.get_untracked(), description.get_untracked(), chosen.get_untracked());
        async move {
            let saved = match existing {
                Some(id) => {
                    let change = UpdateWebhookEndpoint {
                        url: Some(url_now),
                        description: Some(description_now),
                        event_types: Some(types),
                        enabled: None,
                    };
                    api::webhooks::update(&id, &change).await?;
                    Saved::Changed
                }
                None => {
                    let request = CreateWebhookEndpoint {
                        url: url_now,
                        description: description_now,
                        event_types: types,
                    };
                    let created = api::webhooks::create(&request).await?;
                    url.set(String::new());
                    description.set(String::new());
                    chosen.set(Vec::new());
                    Saved::Created(Box::new(created))
                }
            };
            on_saved(saved);
            ApiResult::Ok(())
        }
    });
    let problem = failure(save);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        save.dispatch(());
    };
    let boxes = WebhookEventType::ALL
        .into_iter()
        .map(|kind| {
            let id = format!("{prefix}-event-{}", kind.as_str().replace(['.', '_'], "-"));
            let checked = move || chosen.with(|chosen| chosen.contains(&kind));
            let toggle = move |event| {
                let on = event_target_checked(&event);
                chosen.update(|chosen| {
                    chosen.retain(|other| *other != kind);
                    if on {
                        chosen.push(kind);
                    }
                });
            };
            view! {
                <label class="check" for=id.clone()>
                    <input type="checkbox" id=id.clone() prop:checked=checked on:change=toggle />
                    <span><code>{kind.as_str()}</code>" — "{event_text(kind)}</span>
                </label>
            }
        })
        .collect_view();
    let all_on = move |_| chosen.set(WebhookEventType::ALL.to_vec());
    view! {
        <form class="import-form webhook-form" id=format!("{prefix}-form") on:submit=submit>
            <h3 class="import-subheading">{if prefix == "webhook-new" { "New endpoint" } else { "Change the endpoint" }}</h3>
            <label for=format!("{prefix}-url")>"URL"</label>
            <input
                id=format!("{prefix}-url")
                type="url"
                inputmode="url"
                maxlength="2000"
                placeholder="https://crm.example.com/hooks/textdesk"
                bind:value=url
            />
            {move || field_error(problem, "url").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <label for=format!("{prefix}-description")>"Description"</label>
            <input id=format!("{prefix}-description") maxlength="200" placeholder="What receives it, such as the CRM" bind:value=description />
            <fieldset class="import-existing">
                <legend>"Events"</legend>
                <button type="button" class="button button-quiet" on:click=all_on>"Choose all"</button>
                {boxes}
            </fieldset>
            {move || field_error(problem, "event_types").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <button type="submit" class="button button-primary" id=format!("{prefix}-save") disabled=save.pending()>
                {if prefix == "webhook-new" { "Add endpoint" } else { "Save" }}
            </button>
            <FormAlert problem />
        </form>
    }
}

/// The endpoint's deliveries, newest first, a page at a time.
#[component]
fn DeliveryLog(endpoint: WebhookEndpointId) -> impl IntoView {
    let shown = RwSignal::new(Vec::<WebhookDelivery>::new());
    let next = RwSignal::new(None::<String>);
    let load = Action::new_local({
        let endpoint = endpoint.clone();
        move |cursor: &Option<String>| {
            let (endpoint, cursor) = (endpoint.clone(), cursor.clone());
            async move {
                let page = api::webhooks::deliveries(&endpoint, cursor.clone()).await?;
                shown.update(|shown| {
                    if cursor.is_none() {
                        shown.clear();
                    }
                    shown.extend(page.items);
                });
                next.set(page.next_cursor);
                ApiResult::Ok(())
            }
        }
    });
    load.dispatch(None);
    let problem = failure(load);
    let redeliver = Action::new_local({
        let endpoint = endpoint.clone();
        move |delivery: &WebhookDeliveryId| {
            let (endpoint, delivery) = (endpoint.clone(), delivery.clone());
            async move {
                let pending = api::webhooks::redeliver(&endpoint, &delivery).await?;
                shown.update(|shown| {
                    if let Some(row) = shown.iter_mut().find(|row| row.id == pending.id) {
                        *row = pending;
                    }
                });
                ApiResult::Ok(())
            }
        }
    });
    let resend_problem = failure(redeliver);
    let opened = RwSignal::new(None::<WebhookDeliveryId>);
    let endpoint = StoredValue::new(endpoint);
    let rows = move || {
        shown
            .get()
            .into_iter()
            .map(|delivery| {
                let id = delivery.id.clone();
                let (open_id, resend_id, shown_id) = (id.clone(), id.clone(), id.clone());
                let detail_id = StoredValue::new(id.clone());
                let last = delivery.last_attempt.clone();
                let answer = match &last {
                    Some(attempt) => match (attempt.response_status, &attempt.error) {
                        (Some(status), _) => format!("HTTP {status}"),
                        (None, Some(error)) => error.clone(),
                        (None, None) => "—".to_owned(),
                    },
                    None => "Not tried yet".to_owned(),
                };
                let latency = last
                    .as_ref()
                    .map(|attempt| format!("{} ms", attempt.latency_ms))
                    .unwrap_or_default();
                let can_resend = delivery.status != DeliveryStatus::Pending;
                let endpoint = endpoint.get_value();
                view! {
                    <tr>
                        <td data-label="When"><Moment at=Signal::stored(delivery.created_at) short=true /></td>
                        <td data-label="Event"><code>{delivery.event_type.as_str()}</code></td>
                        <td data-label="Status">
                            <span class=status_class(delivery.status)>{status_name(delivery.status)}</span>
                        </td>
                        <td data-label="Attempts">{delivery.attempts}</td>
                        <td data-label="Last answer">{answer}</td>
                        <td data-label="Latency">{latency}</td>
                        <td data-label="">
                            <button
                                type="button"
                                class="button button-quiet"
                                aria-expanded=move || (opened.get().as_ref() == Some(&open_id)).to_string()
                                on:click=move |_| opened.update(|open| {
                                    *open = if open.as_ref() == Some(&id) { None } else { Some(id.clone()) };
                                })
                            >
                                "Details"
                            </button>
                            {can_resend.then(|| view! {
                                <button type="button" class="button button-quiet" on:click=move |_| {
                                    redeliver.dispatch(resend_id.clone());
                                }>
                                    "Send again"
                                </button>
                            })}
                        </td>
                    </tr>
                    <Show when=move || opened.get().as_ref() == Some(&shown_id)>
                        <tr class="delivery-detail-row">
                            <td colspan="7">
                                <DeliveryDetail endpoint=endpoint.clone() delivery=detail_id.get_value() />
                            </td>
                        </tr>
                    </Show>
                }
            })
            .collect_view()
    };
    view! {
        <div class="delivery-log">
            <h4 class="import-subheading">"Delivery log"</h4>
            <Show
                when=move || !shown.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || if load.pending().get() { "Loading…" } else { "Nothing sent yet." }}</p> }
            >
                <div class="table-scroll" tabindex="0" role="region" aria-label="Deliveries">
                    <table class="data-table webhook-deliveries">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"Event"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Attempts"</th>
                                <th scope="col">"Last answer"</th>
                                <th scope="col">"Latency"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Show>
            <Show when=move || next.with(Option::is_some)>
                <button type="button" class="button button-quiet" on:click=move |_| {
                    load.dispatch(next.get_untracked());
                }>
                    "Show older deliveries"
                </button>
            </Show>
            <FormAlert problem />
            <FormAlert problem=resend_problem />
        </div>
    }
}

fn status_class(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Pending => "badge",
        DeliveryStatus::Delivered => "badge badge-active",
        DeliveryStatus::Failed => "badge badge-error",
    }
}

fn status_name(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Pending => "pending",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Failed => "failed",
    }
}

/// Every attempt of a delivery and the body it sends.
#[component]
fn DeliveryDetail(endpoint: WebhookEndpointId, delivery: WebhookDeliveryId) -> impl IntoView {
    let detail = LocalResource::new(move || {
        let (endpoint, delivery) = (endpoint.clone(), delivery.clone());
        async move { api::webhooks::delivery(&endpoint, &delivery).await }
    });
    move || match detail.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(problem)) => view! { <LoadError problem=*problem /> }.into_any(),
        Some(Ok(detail)) => {
            let attempts = detail
                .attempts
                .into_iter()
                .map(|attempt| {
                    let answer = match (attempt.response_status, attempt.error) {
                        (Some(status), Some(error)) => format!("HTTP {status}: {error}"),
                        (Some(status), None) => format!("HTTP {status}"),
                        (None, Some(error)) => error,
                        (None, None) => String::new(),
                    };
                    view! {
                        <li>
                            {format!("Attempt {} · ", attempt.attempt)}
                            <Moment at=Signal::stored(attempt.at) short=true />
                            {format!(" · {} ms · {answer}", attempt.latency_ms)}
                        </li>
                    }
                })
                .collect_view();
            let body = serde_json::to_string_pretty(&detail.body).unwrap_or_default();
            view! {
                <div class="delivery-detail">
                    <p>"webhook-id: " <code>{detail.delivery.event_id.clone()}</code></p>
                    <ol class="delivery-attempts">{attempts}</ol>
                    <pre class="delivery-body">{body}</pre>
                </div>
            }
            .into_any()
        }
    }
}
