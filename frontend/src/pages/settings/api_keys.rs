//! API keys: the keys integrations call the API with, each with a label and scopes; a new
//! key's secret is shown once, with a button to copy it; a key is revoked with a confirmation.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use textdesk_types::ApiKeyId;
use textdesk_types::api_keys::{ApiKey, ApiScope, CreateApiKey, CreatedApiKey};

use super::SecretOnce;
use crate::api::{self, ApiResult};
use crate::components::{FormAlert, LoadError, Loading, failure, field_error};
use crate::time::Moment;

/// What each scope lets a key do, in a line.
fn scope_text(scope: ApiScope) -> &'static str {
    match scope {
        ApiScope::NotesWrite => "add notes to conversations",
        ApiScope::ContactsRead => "read and search contacts",
        ApiScope::ContactsWrite => "create and change contacts, record consent and opt-outs",
        ApiScope::ConversationsRead => "read conversations, messages and the change feed",
        ApiScope::MessagesSend => "send texts",
        ApiScope::WebhooksManage => "manage outbound webhooks",
    }
}

#[component]
pub fn ApiKeys() -> impl IntoView {
    let keys = LocalResource::new(api::api_keys::list);
    let created = RwSignal::new(None::<CreatedApiKey>);
    view! {
        <section class="card settings-section" aria-labelledby="api-keys-heading">
            <h2 class="card-title" id="api-keys-heading">"API keys"</h2>
            <p class="muted">
                "Systems such as a CRM or a shop call Textdesk's API with a key, sent as "
                <code>"Authorization: Bearer tdk_…"</code>
                ". A key can do only what its scopes allow, and what it does is shown as done by it."
            </p>
            {move || {
                created
                    .get()
                    .map(|created_key| {
                        let title = format!("The key “{}” is ready.", created_key.key.label);
                        view! {
                            <SecretOnce
                                title
                                secret=created_key.secret
                                id_prefix="api-key"
                                on_done=move || created.set(None)
                            />
                        }
                    })
            }}
            {move || match keys.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(problem)) => view! { <LoadError problem=*problem /> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted" id="api-keys-none">"No keys yet."</p> }.into_any(),
                Some(Ok(list)) => view! { <KeyList keys=list on_revoked=move || keys.refetch() /> }.into_any(),
            }}
            <NewKeyForm on_created=move |key| {
                created.set(Some(key));
                keys.refetch();
            } />
        </section>
    }
}

#[component]
fn KeyList(keys: Vec<ApiKey>, on_revoked: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let revoke = Action::new_local(move |key: &(ApiKeyId, String)| {
        let (id, label) = key.clone();
        let on_revoked = on_revoked.clone();
        async move {
            let question = format!("Revoke the key “{label}”? Whatever uses it stops working at once.");
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return ApiResult::Ok(());
            }
            api::api_keys::revoke(id).await?;
            on_revoked();
            ApiResult::Ok(())
        }
    });
    let problem = failure(revoke);
    let rows = keys
        .into_iter()
        .map(|key| {
            let scopes = key
                .scopes
                .iter()
                .map(|scope| scope.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let revoked = key.revoked_at.is_some();
            let request = (key.id.clone(), key.label.clone());
            let label = format!("Revoke {}", key.label);
            view! {
                <tr class:revoked=revoked>
                    <td data-label="Label">{key.label.clone()}</td>
                    <td data-label="Key"><code>{format!("{}…", key.prefix)}</code></td>
                    <td data-label="Scopes">{scopes}</td>
                    <td data-label="Per minute">{key.requests_per_minute}</td>
                    <td data-label="Created"><Moment at=Signal::stored(key.created_at) short=true /></td>
                    <td data-label="Last used">
                        {match key.last_used_at {
                            Some(at) => view! { <Moment at=Signal::stored(at) short=true /> }.into_any(),
                            None => view! { <span class="muted">"Never"</span> }.into_any(),
                        }}
                    </td>
                    <td data-label="">
                        {if revoked {
                            view! { <span class="badge badge-disabled">"Revoked"</span> }.into_any()
                        } else {
                            view! {
                                <button
                                    type="button"
                                    class="button button-quiet"
                                    aria-label=label
                                    on:click=move |_| {
                                        revoke.dispatch(request.clone());
                                    }
                                >
                                    "Revoke"
                                </button>
                            }
                                .into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="API keys">
            <table class="data-table" id="api-keys">
                <thead>
                    <tr>
                        <th scope="col">"Label"</th>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Scopes"</th>
                        <th scope="col">"Per minute"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col"><span class="visually-hidden">"Revoke"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <FormAlert problem />
    }
}

#[component]
fn NewKeyForm(on_created: impl Fn(CreatedApiKey) + Clone + Send + Sync + 'static) -> impl IntoView {
    let label = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<ApiScope>::new());
    let per_minute = RwSignal::new("600".to_owned());
    let create = Action::new_local(move |request: &CreateApiKey| {
        let request = request.clone();
        let on_created = on_created.clone();
        async move {
            let created = api::api_keys::create(&request).await?;
            label.set(String::new());
            chosen.set(Vec::new());
            per_minute.set("600".to_owned());
            on_created(created);
            ApiResult::Ok(())
        }
    });
    let problem = failure(create);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        create.dispatch(CreateApiKey {
            label: label.get_untracked(),
            scopes: chosen.get_untracked(),
            // The server names a value it does not take; a blank one is its default.
            requests_per_minute: per_minute.get_untracked().trim().parse().ok(),
        });
    };
    let scope_boxes = ApiScope::ALL
        .into_iter()
        .map(|scope| {
            let id = format!("api-key-scope-{}", scope.as_str().replace(':', "-"));
            let checked = move || chosen.with(|chosen| chosen.contains(&scope));
            let toggle = move |event| {
                let on = event_target_checked(&event);
                chosen.update(|chosen| {
                    chosen.retain(|other| *other != scope);
                    if on {
                        chosen.push(scope);
                    }
                });
            };
            view! {
                <label class="check" for=id.clone()>
                    <input type="checkbox" id=id.clone() prop:checked=checked on:change=toggle />
                    <span><code>{scope.as_str()}</code>" — "{scope_text(scope)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <form class="import-form" id="api-key-form" on:submit=submit>
            <h3 class="import-subheading">"New key"</h3>
            <label for="api-key-label">"Label"</label>
            <input id="api-key-label" maxlength="100" placeholder="Who uses it, such as Shopify" bind:value=label />
            {move || field_error(problem, "label").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <fieldset class="import-existing">
                <legend>"Scopes"</legend>
                {scope_boxes}
            </fieldset>
            {move || field_error(problem, "scopes").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <label for="api-key-rate">"Requests a minute"</label>
            <input id="api-key-rate" type="number" min="1" max="6000" inputmode="numeric" bind:value=per_minute />
            <p class="hint">"More requests than this in a minute are refused with 429 until the next minute."</p>
            {move || {
                field_error(problem, "requests_per_minute").get().map(|message| view! { <p class="field-error">{message}</p> })
            }}
            <button type="submit" class="button button-primary" id="api-key-create" disabled=create.pending()>
                "Create key"
            </button>
            <FormAlert problem />
        </form>
    }
}
