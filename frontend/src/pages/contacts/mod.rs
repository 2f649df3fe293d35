//! The Contacts page: the organization's contacts searched by name, company, email or number
//! in any format, or by label, a page at a time; and one contact's page, with their card,
//! their conversations and a way to start one. Both are kept current by the change feed.

pub mod card;
pub mod import;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use textdesk_types::contacts::{Consent, Contact};
use textdesk_types::conversations::StartConversation;
use textdesk_types::custom_fields::{CreateCustomField, CustomFieldKind};
use textdesk_types::events::ChangeKind;
use textdesk_types::{ContactId, CustomFieldId, NumberId};

use self::card::{ContactConversations, ContactDetails, Texting};
use crate::api::{self, ApiResult};
use crate::components::{ExportButton, FormAlert, LoadError, Loading, PageTitle, failure, field_error};
use crate::live::{LiveFeed, coalesced};
use crate::pages::frame::CurrentAgent;
use crate::pages::message_center::tools::NumberOptions;

/// The list: what was searched, the contacts found so far and where the next page starts.
#[derive(Clone, Default)]
struct Found {
    contacts: Vec<Contact>,
    next: Option<String>,
}

#[component]
pub fn Contacts() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    // The search lives in the address, so a search can be bookmarked and Back returns to it.
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let label = Memo::new(move |_| query.with(|q| q.get("label").filter(|label| !label.is_empty())));
    let is_admin =
        use_context::<CurrentAgent>().is_some_and(|CurrentAgent(agent)| agent.get_untracked().role.is_admin());
    let found = RwSignal::new(None::<ApiResult<Found>>);
    let loading_more = RwSignal::new(false);
    let load = move || {
        let (search, label) = (search.get_untracked(), label.get_untracked());
        spawn_local(async move {
            let page = api::contacts::list(&search, label.as_deref(), None).await;
            found.try_set(Some(page.map(|page| Found {
                contacts: page.items,
                next: page.next_cursor,
            })));
        });
    };
    Effect::new(move |_| {
        search.track();
        label.track();
        load();
    });
    // Someone else's edit, or an import's batch, shows without a reload: the first page is read
    // again.
    LiveFeed::expect().subscribe(
        &[ChangeKind::ContactChanged, ChangeKind::ContactsImported],
        move |_| load(),
        load,
    );
    let more = move |_| {
        let Some(Ok(Found { next: Some(cursor), .. })) = found.get_untracked() else {
            return;
        };
        loading_more.set(true);
        let (search, label) = (search.get_untracked(), label.get_untracked());
        spawn_local(async move {
            let page = api::contacts::list(&search, label.as_deref(), Some(cursor)).await;
            loading_more.try_set(false);
            found.try_update(|found| match (found, page) {
                (Some(Ok(shown)), Ok(page)) => {
                    shown.contacts.extend(page.items);
                    shown.next = page.next_cursor;
                }
                (found, Err(problem)) => *found = Some(Err(problem)),
                _ => {}
            });
        });
    };
    let typed = RwSignal::new(search.get_untracked());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let mut path = String::from("/contacts");
        let text = typed.get_untracked();
        let mut query = Vec::new();
        if !text.trim().is_empty() {
            query.push(format!("q={}", encode(text.trim())));
        }
        if let Some(label) = label.get_untracked() {
            query.push(format!("label={}", encode(&label)));
        }
        if !query.is_empty() {
            path.push('?');
            path.push_str(&query.join("&"));
        }
        navigate(&path, NavigateOptions::default());
    };
    view! {
        <PageTitle text="Contacts" />
        <header class="page-header">
            <h1>"Contacts"</h1>
            <p class="lead">"Everyone who has texted you or been added, with their consent to be texted."</p>
            <Show when=move || is_admin>
                <a class="button button-quiet" href="/contacts/import" id="contacts-import">"Import contacts"</a>
            </Show>
        </header>
        <form class="contacts-search" role="search" on:submit=submit>
            <label class="visually-hidden" for="contacts-q">"Search contacts"</label>
            <input
                id="contacts-q"
                type="search"
                placeholder="Name, company, email or number"
                maxlength="200"
                bind:value=typed
            />
            <button type="submit" class="button">"Search"</button>
            {move || {
                label
                    .get()
                    .map(|label| {
                        let text = format!("Label: {label}");
                        let href = match search.get() {
                            q if q.is_empty() => "/contacts".to_owned(),
                            q => format!("/contacts?q={}", encode(&q)),
                        };
                        view! {
                            <a class="chip" id="contacts-label" href=href title="Show every label">
                                {text}
                                " ×"
                            </a>
                        }
                    })
            }}
        </form>
        <section class="card contacts-list" aria-live="polite" aria-busy=move || found.with(Option::is_none).to_string()>
            {move || match found.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(problem)) => view! { <LoadError problem=*problem /> }.into_any(),
                Some(Ok(found)) if found.contacts.is_empty() => {
                    let text = if search.with(String::is_empty) && label.with(Option::is_none) {
                        "No contacts yet: they appear when customers text in, or when you add them."
                    } else {
                        "No contact matches."
                    };
                    view! { <p class="muted" id="contacts-none">{text}</p> }.into_any()
                }
                Some(Ok(found)) => {
                    let more_left = found.next.is_some();
                    view! {
                        <ul class="contact-rows" id="contacts">
                            {found.contacts.into_iter().map(|contact| view! { <ContactRow contact /> }).collect_view()}
                        </ul>
                        <Show when=move || more_left>
                            <button type="button" class="button button-quiet" id="contacts-more" disabled=loading_more on:click=more>
                                "Show more"
                            </button>
                        </Show>
                    }
                        .into_any()
                }
            }}
        </section>
        <Show when=move || is_admin>
            <section class="card" aria-labelledby="all-messages-heading">
                <h2 class="card-title" id="all-messages-heading">"All messages"</h2>
                <p class="muted">"Every text of every conversation, as a CSV file for a spreadsheet."</p>
                <ExportButton id="export-all" label="Download all messages" query=Signal::stored(Vec::new()) />
            </section>
            <CustomFieldsAdmin />
        </Show>
    }
}

/// Owners and admins define the organization's custom fields: a name and a type each.
#[component]
fn CustomFieldsAdmin() -> impl IntoView {
    let fields = LocalResource::new(api::contacts::custom_fields);
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(CustomFieldKind::Text);
    let add = Action::new_local(move |request: &CreateCustomField| {
        let request = request.clone();
        async move {
            api::contacts::create_custom_field(&request).await?;
            name.set(String::new());
            fields.refetch();
            ApiResult::Ok(())
        }
    });
    let remove = Action::new_local(move |(id, field): &(CustomFieldId, String)| {
        let (id, field) = (id.clone(), field.clone());
        async move {
            let question = format!("Remove the custom field “{field}”? Contacts keep their values as text.");
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return ApiResult::Ok(());
            }
            api::contacts::delete_custom_field(id).await?;
            fields.refetch();
            ApiResult::Ok(())
        }
    });
    let problem = failure(add);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        add.dispatch(CreateCustomField {
            name: name.get_untracked(),
            kind: kind.get_untracked(),
        });
    };
    let kind_name = |kind: CustomFieldKind| match kind {
        CustomFieldKind::Text => "Text",
        CustomFieldKind::Number => "Number",
        CustomFieldKind::Date => "Date",
    };
    view! {
        <section class="card custom-fields-admin" aria-labelledby="custom-fields-heading">
            <h2 class="card-title" id="custom-fields-heading">"Custom fields"</h2>
            <p class="muted">"Every contact can hold a value for each; each is also a merge field, such as {{membership}}."</p>
            <ul class="custom-field-list" id="custom-fields">
                {move || {
                    fields
                        .get()
                        .and_then(Result::ok)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|field| {
                            let label = format!("Remove {}", field.name);
                            let request = (field.id.clone(), field.name.clone());
                            view! {
                                <li>
                                    <span class="custom-field-name">{field.name.clone()}</span>
                                    <span class="badge">{kind_name(field.kind)}</span>
                                    <button
                                        type="button"
                                        class="button button-quiet"
                                        aria-label=label
                                        on:click=move |_| {
                                            remove.dispatch(request.clone());
                                        }
                                    >
                                        "Remove"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <form class="inline-form" on:submit=submit>
                <label class="visually-hidden" for="custom-field-name">"New field's name"</label>
                <input id="custom-field-name" maxlength="50" placeholder="Field name, such as membership" required bind:value=name />
                <label class="visually-hidden" for="custom-field-kind">"Its type"</label>
                <select
                    id="custom-field-kind"
                    on:change=move |event| kind.set(CustomFieldKind::parse(&event_target_value(&event)).unwrap_or(CustomFieldKind::Text))
                >
                    <option value="text">"Text"</option>
                    <option value="number">"Number"</option>
                    <option value="date">"Date"</option>
                </select>
                <button type="submit" class="button" id="custom-field-add" disabled=add.pending()>"Add field"</button>
            </form>
            <FormAlert problem />
            {move || field_error(problem, "name").get().map(|message| view! { <p class="field-error">{message}</p> })}
        </section>
    }
}

/// `text` for a URL's query.
fn encode(text: &str) -> String {
    web_sys::js_sys::encode_uri_component(text).into()
}

/// Consent in a word or two, where it says something.
fn consent_badge(consent: Consent) -> Option<&'static str> {
    match consent {
        Consent::None => None,
        Consent::Pending => Some("Consent pending"),
        Consent::Yes => Some("Consented"),
        Consent::No => Some("No consent"),
    }
}

#[component]
fn ContactRow(contact: Contact) -> impl IntoView {
    let href = format!("/contacts/{}", contact.id);
    let named = contact.display_name() != contact.phone_number;
    let line = [contact.company.as_str(), contact.email.as_deref().unwrap_or_default()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let labels = contact
        .labels
        .iter()
        .map(|label| {
            let href = format!("/contacts?label={}", encode(label));
            view! { <a class="chip" href=href>{label.clone()}</a> }
        })
        .collect_view();
    view! {
        <li class="contact-row">
            <div class="contact-who">
                <a class="contact-name" href=href>{contact.display_name()}</a>
                {named.then(|| view! { <span class="muted">{contact.phone_number.clone()}</span> })}
                {(!line.is_empty()).then(|| view! { <span class="muted contact-line">{line}</span> })}
            </div>
            <div class="contact-tags">
                {labels}
                {contact.opted_out.then(|| view! { <span class="badge badge-disabled">"Opted out"</span> })}
                {consent_badge(contact.consent).map(|text| view! { <span class="badge">{text}</span> })}
            </div>
        </li>
    }
}

/// One contact's page: their card, their conversations, and "Start conversation".
#[component]
pub fn ContactPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| ContactId::new(params.with(|p| p.get("id").unwrap_or_default())));
    let loaded = LocalResource::new(move || api::contacts::get(id.get()));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(contact) => view! { <ContactShown contact /> }.into_any(),
                    Err(problem) => {
                        view! {
                            <PageTitle text="Contact" />
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
fn ContactShown(contact: Contact) -> impl IntoView {
    let contact = RwSignal::new(contact);
    // Another agent's edit, a texted STOP: the card follows.
    let refresh = coalesced(move || async move {
        let id = contact.with_untracked(|contact| contact.id.clone());
        if let Ok(fresh) = api::contacts::get(id).await {
            contact.try_set(fresh);
        }
    });
    let on_change = refresh.clone();
    LiveFeed::expect().subscribe(
        &[ChangeKind::ContactChanged, ChangeKind::ConversationChanged],
        move |events| {
            let id = contact.with_untracked(|contact| contact.id.clone());
            let ours = events.iter().any(|event| {
                matches!(&event.change, textdesk_types::events::Change::ContactChanged(change) if change.contact_id == id)
            });
            if ours {
                on_change();
            }
        },
        refresh,
    );
    let title = Signal::derive(move || contact.with(Contact::display_name));
    let changed = Signal::derive(move || contact.track());
    view! {
        <PageTitle text=title />
        <header class="page-header">
            <a class="back-link-always" href="/contacts">"← Contacts"</a>
            <h1 id="contact-page-name">{title}</h1>
        </header>
        <div class="contact-page">
            <ContactDetails contact naming=false />
            <Texting contact />
            <StartConversationForm contact />
            <section class="contact-section" aria-labelledby="thread-export-heading">
                <h2 id="thread-export-heading">"Export"</h2>
                <div class="inline-form">
                    <ExportButton
                        id="export-thread"
                        label="Thread as CSV"
                        query=Signal::derive(move || vec![("contact_id", contact.with(|c| c.id.to_string()))])
                    />
                    <ExportButton
                        id="export-thread-html"
                        label="Thread as a page to print"
                        query=Signal::derive(move || {
                            vec![("contact_id", contact.with(|c| c.id.to_string())), ("format", "html".to_owned())]
                        })
                    />
                </div>
            </section>
            <ContactConversations contact current=None changed />
        </div>
    }
}

/// Starts a conversation with the contact from a chosen business number, with an optional
/// first message, and opens it (the open one, if there is one).
#[component]
fn StartConversationForm(contact: RwSignal<Contact>) -> impl IntoView {
    let numbers = LocalResource::new(api::numbers::list);
    let navigate = use_navigate();
    let from = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    // The first number is chosen until the agent picks another.
    Effect::new(move |_| {
        if let Some(Ok(list)) = numbers.get()
            && from.with_untracked(String::is_empty)
            && let Some(first) = list.iter().find(|number| !number.relay)
        {
            from.set(first.id.to_string());
        }
    });
    let start = Action::new_local(move |request: &StartConversation| {
        let request = request.clone();
        let navigate = navigate.clone();
        async move {
            let conversation = api::conversations::start(&request).await?;
            navigate(
                &format!("/conversations/{}", conversation.id),
                NavigateOptions::default(),
            );
            ApiResult::Ok(())
        }
    });
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let text = body.get_untracked();
        start.dispatch(StartConversation {
            to: None,
            contact_id: Some(contact.with_untracked(|contact| contact.id.clone())),
            from_number_id: NumberId::new(from.get_untracked()),
            body: (!text.trim().is_empty()).then_some(text),
        });
    };
    view! {
        <form class="contact-section start-conversation" on:submit=submit aria-labelledby="start-heading">
            <h2 id="start-heading">"Start a conversation"</h2>
            <label for="start-from">"From"</label>
            <select id="start-from" required prop:value=from on:change=move |event| from.set(event_target_value(&event))>
                <NumberOptions numbers />
            </select>
            <label for="start-body">"First message (optional)"</label>
            <textarea id="start-body" rows="2" maxlength="2000" bind:value=body></textarea>
            <FormAlert problem=failure(start) />
            <div class="form-actions">
                <button type="submit" class="button button-primary" id="start-conversation" disabled=start.pending()>
                    "Start conversation"
                </button>
            </div>
        </form>
    }
}
