//! The pieces of a contact that the conversation's Contact tab and the contacts page share:
//! who the customer is (name, company, email, custom fields, labels), whether they may be
//! texted (opted out, consent, and the history of both), and their conversations.

use std::collections::BTreeMap;

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use textdesk_types::contacts::{Consent, ConsentChange, ConsentSource, Contact, UpdateContact};
use textdesk_types::conversations::{Conversation, ConversationStatus};
use textdesk_types::custom_fields::CustomFieldKind;
use textdesk_types::{AgentId, ConversationId};

use crate::api::{self, ApiResult, Problem};
use crate::components::{Field, FormAlert, failure, field_error};
use crate::pages::frame::AgentNames;
use crate::pages::message_center::views::ViewKey;
use crate::time::{agent_zone, long};

/// The contact's editable fields as the form holds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Draft {
    first_name: String,
    last_name: String,
    company: String,
    email: String,
    custom_fields: BTreeMap<String, String>,
    labels: Vec<String>,
}

impl Draft {
    fn of(contact: &Contact) -> Self {
        Self {
            first_name: contact.first_name.clone(),
            last_name: contact.last_name.clone(),
            company: contact.company.clone(),
            email: contact.email.clone().unwrap_or_default(),
            custom_fields: contact.custom_fields.clone(),
            labels: contact.labels.clone(),
        }
    }

    /// Every field, so what the form shows is what is kept (an emptied field is cleared).
    fn changes(&self) -> UpdateContact {
        UpdateContact {
            first_name: Some(self.first_name.clone()),
            last_name: Some(self.last_name.clone()),
            company: Some(self.company.clone()),
            email: Some(self.email.clone()),
            custom_fields: Some(self.custom_fields.clone()),
            labels: Some(self.labels.clone()),
            time_zone: None,
        }
    }
}

/// Whether the contact may be texted: the opted-out checkbox, consent, and the history of both,
/// read again whenever the contact changes.
#[component]
pub fn Texting(contact: RwSignal<Contact>) -> impl IntoView {
    let history = LocalResource::new(move || {
        let id = contact.with(|contact| (contact.id.clone(), contact.updated_at)).0;
        api::contacts::consent_history(id)
    });
    view! {
        <section class="contact-section" aria-labelledby="contact-texting">
            <h2 id="contact-texting">"Texting"</h2>
            <OptOut contact />
            <ConsentState contact />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    history.await.ok().map(|changes| view! { <ConsentHistory changes /> })
                })}
            </Transition>
        </section>
    }
}

/// The name, company, email, custom fields and labels, edited in place and saved together.
#[component]
pub fn ContactDetails(
    contact: RwSignal<Contact>,
    /// Whether the first name takes the focus (to name a number).
    #[prop(into)]
    naming: Signal<bool>,
) -> impl IntoView {
    let draft = RwSignal::new(contact.with_untracked(Draft::of));
    // What the form started from: a change saved elsewhere replaces the form's fields unless
    // the agent has edited them.
    let base = StoredValue::new(draft.get_untracked());
    Effect::new(move |_| {
        let saved = contact.with(Draft::of);
        if draft.with_untracked(|shown| base.with_value(|base| shown == base)) {
            draft.set(saved.clone());
        }
        base.set_value(saved);
    });
    let save = Action::new_local(move |changes: &UpdateContact| {
        let changes = changes.clone();
        let id = contact.with_untracked(|contact| contact.id.clone());
        async move {
            let saved = api::contacts::update(id, &changes).await?;
            contact.try_set(saved);
            ApiResult::Ok(())
        }
    });
    let problem = failure(save);
    let dirty = Memo::new(move |_| draft.with(|draft| contact.with(|contact| *draft != Draft::of(contact))));
    let first_field = NodeRef::<Input>::new();
    // The field gets the focus once it is in the page, which may be a frame after it was made.
    Effect::new(move |_| {
        if naming.get()
            && let Some(field) = first_field.get()
        {
            request_animation_frame(move || {
                let _ = field.focus();
            });
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        save.dispatch(draft.with_untracked(Draft::changes));
    };
    let text_field = move |read: fn(&Draft) -> &String, write: fn(&mut Draft) -> &mut String| {
        (
            move || draft.with(|draft| read(draft).clone()),
            move |event: leptos::ev::Event| {
                let value = event_target_value(&event);
                draft.update(|draft| *write(draft) = value);
            },
        )
    };
    let (first, set_first) = text_field(|d| &d.first_name, |d| &mut d.first_name);
    let (last, set_last) = text_field(|d| &d.last_name, |d| &mut d.last_name);
    let (company, set_company) = text_field(|d| &d.company, |d| &mut d.company);
    let (email, set_email) = text_field(|d| &d.email, |d| &mut d.email);
    view! {
        <form class="contact-section contact-details" on:submit=on_submit aria-labelledby="contact-heading">
            <h2 id="contact-heading">
                {move || contact.with(|c| if c.display_name() == c.phone_number { "Add contact" } else { "Contact" })}
            </h2>
            <p class="contact-phone" id="contact-phone">{move || contact.with(|c| c.phone_number.clone())}</p>
            <FormAlert problem />
            <div class="contact-grid">
                <Field label="First name" id="contact-first-name" error=field_error(problem, "first_name")>
                    <input
                        id="contact-first-name"
                        maxlength="100"
                        autocomplete="off"
                        node_ref=first_field
                        prop:value=first
                        on:input=set_first
                    />
                </Field>
                <Field label="Last name" id="contact-last-name" error=field_error(problem, "last_name")>
                    <input id="contact-last-name" maxlength="100" autocomplete="off" prop:value=last on:input=set_last />
                </Field>
                <Field label="Company" id="contact-company" error=field_error(problem, "company")>
                    <input id="contact-company" maxlength="100" autocomplete="off" prop:value=company on:input=set_company />
                </Field>
                <Field label="Email" id="contact-email" error=field_error(problem, "email")>
                    <input id="contact-email" type="email" autocomplete="off" prop:value=email on:input=set_email />
                </Field>
                <CustomFields contact draft problem />
            </div>
            <Labels draft problem />
            <div class="form-actions">
                <button type="submit" class="button" id="contact-save" disabled=move || !dirty.get() || save.pending().get()>
                    "Save contact"
                </button>
                <span class="contact-status" role="status" id="contact-status">
                    {move || match save.value().get() {
                        Some(Ok(())) if !dirty.get() => "Saved.",
                        _ => "",
                    }}
                </span>
            </div>
        </form>
    }
}

/// The organization's custom fields, each with an input of its type, then any other field the
/// contact holds (an integration's own) as text. An emptied value is removed.
#[component]
fn CustomFields(contact: RwSignal<Contact>, draft: RwSignal<Draft>, problem: Signal<Option<Problem>>) -> impl IntoView {
    // A signal, not a resource: read under the page's Suspense, a resource would make it draw
    // the card again when the fields arrive, and take away the focus.
    let definitions = RwSignal::new(Vec::new());
    spawn_local(async move {
        if let Ok(fields) = api::contacts::custom_fields().await {
            definitions.try_set(fields);
        }
    });
    let rows = Memo::new(move |_| {
        let mut rows: Vec<(String, CustomFieldKind)> = definitions
            .get()
            .into_iter()
            .map(|field| (field.name, field.kind))
            .collect();
        contact.with(|contact| {
            for name in contact.custom_fields.keys() {
                if !rows.iter().any(|(defined, _)| defined == name) {
                    rows.push((name.clone(), CustomFieldKind::Text));
                }
            }
        });
        rows
    });
    move || {
        rows.get()
            .into_iter()
            .enumerate()
            .map(|(at, (name, kind))| {
                let id = format!("contact-field-{at}");
                let (shown, edited) = (name.clone(), name.clone());
                let wire_name = format!("custom_fields.{name}");
                let error = Signal::derive(move || {
                    problem.with(|problem| {
                        let errors = &problem.as_ref()?.errors;
                        errors.iter().find(|error| error.field == wire_name).map(|error| error.message.clone())
                    })
                });
                let input_type = match kind {
                    CustomFieldKind::Text => "text",
                    CustomFieldKind::Number => "number",
                    CustomFieldKind::Date => "date",
                };
                view! {
                    <div class="field" class:has-error=move || error.with(Option::is_some)>
                        <label for=id.clone()>{name.clone()}</label>
                        <input
                            id=id
                            class="contact-custom-field"
                            type=input_type
                            step=(kind == CustomFieldKind::Number).then_some("any")
                            autocomplete="off"
                            data-field=name.clone()
                            prop:value=move || draft.with(|draft| draft.custom_fields.get(&shown).cloned().unwrap_or_default())
                            on:input=move |event| {
                                let value = event_target_value(&event);
                                draft.update(|draft| {
                                    if value.trim().is_empty() {
                                        draft.custom_fields.remove(&edited);
                                    } else {
                                        draft.custom_fields.insert(edited.clone(), value);
                                    }
                                });
                            }
                        />
                        {move || error.get().map(|message| view! { <p class="field-error">{message}</p> })}
                    </div>
                }
            })
            .collect_view()
    }
}

/// The labels as removable chips, and a field that adds one (Enter or "Add label").
#[component]
fn Labels(draft: RwSignal<Draft>, problem: Signal<Option<Problem>>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let labels_error = field_error(problem, "labels");
    // The organization's labels, offered as one is typed (a signal, as for the custom fields).
    let known = RwSignal::new(Vec::new());
    spawn_local(async move {
        if let Ok(labels) = api::contacts::labels().await {
            known.try_set(labels);
        }
    });
    let add = move || {
        let label = typed.get_untracked().trim().to_owned();
        if label.is_empty() {
            return;
        }
        draft.update(|draft| {
            if !draft.labels.iter().any(|shown| shown.eq_ignore_ascii_case(&label)) {
                draft.labels.push(label);
            }
        });
        typed.set(String::new());
    };
    view! {
        <div class="field contact-labels" class:has-error=move || labels_error.get().is_some()>
            <label for="contact-label-new">"Labels"</label>
            <ul class="chips" id="contact-labels">
                {move || {
                    draft
                        .with(|draft| draft.labels.clone())
                        .into_iter()
                        .map(|label| {
                            let removed = label.clone();
                            view! {
                                <li class="chip">
                                    {label.clone()}
                                    <button
                                        type="button"
                                        class="chip-remove"
                                        aria-label=format!("Remove label {label}")
                                        on:click=move |_| draft.update(|draft| draft.labels.retain(|kept| *kept != removed))
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="inline-form">
                <input
                    id="contact-label-new"
                    maxlength="50"
                    autocomplete="off"
                    list="organization-labels"
                    bind:value=typed
                    on:keydown=move |event: KeyboardEvent| {
                        if event.key() == "Enter" {
                            event.prevent_default();
                            add();
                        }
                    }
                />
                <button type="button" class="button button-quiet" id="contact-label-add" on:click=move |_| add()>
                    "Add label"
                </button>
                <datalist id="organization-labels">
                    {move || {
                        known
                            .get()
                            .into_iter()
                            .map(|label| view! { <option value=label></option> })
                            .collect_view()
                    }}
                </datalist>
            </div>
            {move || labels_error.get().map(|message| view! { <p class="field-error">{message}</p> })}
        </div>
    }
}

/// The opted-out checkbox: ticking or clearing it asks for a reason, kept in the history, and
/// goes through the same opt-out and opt-in as a texted STOP or START.
#[component]
pub fn OptOut(contact: RwSignal<Contact>) -> impl IntoView {
    let opted_out = Memo::new(move |_| contact.with(|c| c.opted_out));
    // The state the agent is about to set, while they give a reason.
    let asking = RwSignal::new(None::<bool>);
    let reason = RwSignal::new(String::new());
    let reason_field = NodeRef::<Input>::new();
    let zone = agent_zone();
    let apply = Action::new_local(move |out: &bool| {
        let out = *out;
        let id = contact.with_untracked(|c| c.id.clone());
        let why = Some(reason.get_untracked().trim().to_owned()).filter(|why| !why.is_empty());
        async move {
            let changed = api::contacts::set_opted_out(id, out, why).await?;
            contact.try_set(changed);
            asking.try_set(None);
            reason.try_set(String::new());
            ApiResult::Ok(())
        }
    });
    Effect::new(move |_| {
        if asking.get().is_some()
            && let Some(field) = reason_field.get()
        {
            let _ = field.focus();
        }
    });
    view! {
        <div class="opt-out">
            <label class="check">
                <input
                    type="checkbox"
                    id="contact-opted-out"
                    prop:checked=move || asking.get().unwrap_or_else(|| opted_out.get())
                    on:change=move |event| {
                        let wanted = event_target_checked(&event);
                        asking.set((wanted != opted_out.get_untracked()).then_some(wanted));
                    }
                />
                " Opted out: nothing is sent to this contact"
            </label>
            {move || {
                contact
                    .with(|c| c.opted_out_at)
                    .map(|at| {
                        view! { <p class="hint" id="contact-opted-out-at">{format!("Since {}", zone.with(|zone| long(zone, at)))}</p> }
                    })
            }}
            <div class="opt-out-confirm" hidden=move || asking.get().is_none()>
                <label for="contact-opt-reason">"Reason (kept in the history)"</label>
                <input
                    id="contact-opt-reason"
                    maxlength="500"
                    node_ref=reason_field
                    bind:value=reason
                    on:keydown=move |event: KeyboardEvent| match event.key().as_str() {
                        "Enter" => {
                            event.prevent_default();
                            if let Some(out) = asking.get_untracked() {
                                apply.dispatch(out);
                            }
                        }
                        "Escape" => asking.set(None),
                        _ => {}
                    }
                />
                <button
                    type="button"
                    class="button"
                    id="contact-opt-apply"
                    disabled=apply.pending()
                    on:click=move |_| {
                        if let Some(out) = asking.get_untracked() {
                            apply.dispatch(out);
                        }
                    }
                >
                    {move || if asking.get() == Some(true) { "Opt out" } else { "Opt back in" }}
                </button>
                <button type="button" class="button button-quiet" on:click=move |_| asking.set(None)>
                    "Cancel"
                </button>
            </div>
            <p class="pane-problem" role="alert">
                {move || apply.value().get().and_then(Result::err).map(|problem| problem.message())}
            </p>
        </div>
    }
}

fn consent_name(consent: Consent) -> &'static str {
    match consent {
        Consent::None => "Not asked",
        Consent::Pending => "Pending: asked, not yet confirmed",
        Consent::Yes => "Yes",
        Consent::No => "No",
    }
}

/// Consent as recorded, and when the organization's consent text went out.
#[component]
fn ConsentState(contact: RwSignal<Contact>) -> impl IntoView {
    let zone = agent_zone();
    view! {
        <dl class="facts">
            <dt>"Consent"</dt>
            <dd id="contact-consent">{move || contact.with(|c| consent_name(c.consent))}</dd>
            <dt>"Consent text"</dt>
            <dd id="contact-consent-text">
                {move || {
                    contact
                        .with(|c| c.consent_message_sent_at)
                        .map_or_else(|| "Not sent".to_owned(), |at| format!("Sent {}", zone.with(|zone| long(zone, at))))
                }}
            </dd>
            {move || {
                contact
                    .with(|c| c.opt_in_requested_at)
                    .map(|at| {
                        view! {
                            <dt>"Asked to opt back in"</dt>
                            <dd>{zone.with(|zone| long(zone, at))}</dd>
                        }
                    })
            }}
        </dl>
    }
}

/// A change of the history in words: "Opted out · by Ana · “asked by phone”".
fn change_line(change: &ConsentChange, agent: Option<String>) -> String {
    let what = match (change.field.as_str(), change.new_value.as_str()) {
        ("opted_out", "true") => "Opted out".to_owned(),
        ("opted_out", _) => "Opted back in".to_owned(),
        (_, value) => format!(
            "Consent: {}",
            Consent::parse(value).map_or_else(|| value.to_owned(), |consent| consent_name(consent).to_owned())
        ),
    };
    let who = match change.source {
        ConsentSource::Keyword => match &change.keyword {
            Some(keyword) => format!("texted {keyword}"),
            None => "by keyword".to_owned(),
        },
        ConsentSource::Agent => format!("by {}", agent.unwrap_or_else(|| "an agent".to_owned())),
        ConsentSource::Api => "through the API".to_owned(),
        ConsentSource::Provider => "reported by the carrier".to_owned(),
        ConsentSource::Import => format!("in an import by {}", agent.unwrap_or_else(|| "an agent".to_owned())),
    };
    let mut line = [what.as_str(), " · ", &who].concat();
    if let Some(reason) = change.reason.as_deref().filter(|reason| !reason.is_empty()) {
        line.push_str(&[" · “", reason, "”"].concat());
    }
    line
}

#[component]
fn ConsentHistory(changes: Vec<ConsentChange>) -> impl IntoView {
    let zone = agent_zone();
    let names = use_context::<AgentNames>();
    if changes.is_empty() {
        return view! { <p class="hint" id="consent-history-none">"No opt-out or consent changes yet."</p> }.into_any();
    }
    let items = changes
        .into_iter()
        .rev()
        .map(|change| {
            let agent = change.agent_id.clone().and_then(|id| {
                names.and_then(|AgentNames(names)| names.with_value(|names| names.get(&AgentId::new(id)).cloned()))
            });
            let when = zone.with_untracked(|zone| long(zone, change.created_at));
            view! {
                <li>
                    <time>{when}</time>
                    " "
                    {change_line(&change, agent)}
                </li>
            }
        })
        .collect_view();
    view! {
        <h3 class="contact-subheading">"History"</h3>
        <ol class="consent-history" id="consent-history" reversed>
            {items}
        </ol>
    }
    .into_any()
}

/// Every conversation of the contact's thread, newest first, `current` marked; read again
/// whenever `changed` does.
#[component]
pub fn ContactConversations(
    contact: RwSignal<Contact>,
    current: Option<ConversationId>,
    #[prop(into)] changed: Signal<()>,
) -> impl IntoView {
    let view = ViewKey::current();
    let zone = agent_zone();
    let conversations = LocalResource::new(move || {
        let id = contact.with(|contact| contact.id.clone());
        changed.track();
        api::contacts::thread(id)
    });
    let current = StoredValue::new(current);
    let row = move |conversation: Conversation| {
        let current = current.with_value(|current| current.as_ref() == Some(&conversation.id));
        let href = format!("/conversations/{}{}", conversation.id, view.get_untracked().query());
        let state = if conversation.status == ConversationStatus::Closed {
            "Closed"
        } else {
            "Open"
        };
        let opened = zone.with_untracked(|zone| long(zone, conversation.opened_at));
        view! {
            <li>
                <a href=href aria-current=current.then_some("page")>
                    {format!("#{}", conversation.number)}
                </a>
                {format!(" · {state} · opened {opened}")}
            </li>
        }
    };
    view! {
        <section class="contact-section" aria-labelledby="contact-conversations-heading">
            <h2 id="contact-conversations-heading">"Conversations"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match conversations.await {
                        Ok(found) => {
                            view! {
                                <ul class="contact-conversations" id="contact-conversations">
                                    {found.into_iter().rev().map(row).collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(problem) => view! { <p class="pane-problem">{problem.message()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
