//! "Edit view": the current view's criteria in a form, with a live preview of what they show;
//! saved as a new view (shared with the team or personal) or, for a custom view, in place,
//! where every agent who sees it sees the change.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use textdesk_types::conversations::{ConversationStatus, Replier};
use textdesk_types::views::{CreateView, OwnerScope, UpdateView, ViewFilter, ViewSort};

use super::views::ViewKey;
use crate::api::{self, ApiResult};
use crate::components::{FormAlert, failure};
use crate::inbox_views::InboxViews;

/// A `<select>`'s value as one of `choices` (value, meaning); the first is "any".
fn chosen<T: Copy>(value: &str, choices: &[(&str, Option<T>)]) -> Option<T> {
    choices
        .iter()
        .find(|(name, _)| *name == value)
        .and_then(|(_, meaning)| *meaning)
}

const STATUS: &[(&str, Option<ConversationStatus>)] = &[
    ("", None),
    ("open", Some(ConversationStatus::Open)),
    ("closed", Some(ConversationStatus::Closed)),
];
const OWNER: &[(&str, Option<OwnerScope>)] = &[
    ("", None),
    ("me", Some(OwnerScope::Me)),
    ("my_groups", Some(OwnerScope::MyGroups)),
    ("nobody", Some(OwnerScope::Nobody)),
];
const REPLIER: &[(&str, Option<Replier>)] = &[
    ("", None),
    ("agent", Some(Replier::Agent)),
    ("contact", Some(Replier::Contact)),
];
const SORT: &[(&str, Option<ViewSort>)] = &[
    ("last_activity", Some(ViewSort::LastActivity)),
    ("longest_waiting", Some(ViewSort::LongestWaiting)),
    ("created", Some(ViewSort::Created)),
];

fn text(value: String) -> Option<String> {
    let value = value.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

#[component]
pub fn EditView(current: Memo<ViewKey>) -> impl IntoView {
    let inbox = expect_context::<InboxViews>();
    let navigate = use_navigate();
    let base = move || inbox.find(&current.get().0);
    let details = NodeRef::<leptos::html::Details>::new();
    let filter = RwSignal::new(ViewFilter::default());
    let name = RwSignal::new(String::new());
    let shared = RwSignal::new(true);
    // The form starts from the view shown whenever it is opened.
    let reset = move || {
        let view = base();
        filter.set(view.as_ref().map(|view| view.filter.clone()).unwrap_or_default());
        name.set(view.map(|view| view.name).unwrap_or_default());
    };
    let preview = LocalResource::new(move || {
        let filter = filter.get();
        async move { api::views::preview(filter).await }
    });
    let save = Action::new_local(move |as_new: &bool| {
        let (as_new, key) = (*as_new, current.get_untracked());
        let request_filter = filter.get_untracked();
        let (name, shared) = (name.get_untracked(), shared.get_untracked());
        let custom = base().filter(|view| view.built_in.is_none());
        let navigate = navigate.clone();
        async move {
            let saved = match custom {
                Some(view) if !as_new => {
                    let changes = UpdateView {
                        name: Some(name),
                        filter: Some(request_filter),
                    };
                    api::views::update(&view.id, &changes).await?
                }
                _ => {
                    let view = CreateView {
                        name,
                        shared,
                        filter: request_filter,
                    };
                    api::views::create(&view).await?
                }
            };
            inbox.reload();
            if let Some(details) = details.get_untracked() {
                details.set_open(false);
            }
            if saved.id != key.0 {
                navigate(&format!("/{}", ViewKey(saved.id).query()), NavigateOptions::default());
            }
            ApiResult::Ok(())
        }
    });
    let pick = move |event: &leptos::ev::Event| event_target_value(event);
    let is_custom = move || base().is_some_and(|view| view.built_in.is_none());
    view! {
        <details class="edit-view" node_ref=details on:toggle=move |_| reset()>
            <summary class="button button-quiet" id="edit-view">"Edit view"</summary>
            <form class="edit-view-form" on:submit=move |event| {
                event.prevent_default();
                save.dispatch(true);
            }>
                <label for="view-name">"Name"</label>
                <input id="view-name" required maxlength="50" prop:value=name on:input=move |e| name.set(pick(&e)) />
                <label for="view-status">"Status"</label>
                <select id="view-status" on:change=move |e| filter.update(|f| f.status = chosen(&pick(&e), STATUS))>
                    <option value="">"Any"</option>
                    <option value="open" selected=move || filter.with(|f| f.status == Some(ConversationStatus::Open))>"Open"</option>
                    <option value="closed" selected=move || filter.with(|f| f.status == Some(ConversationStatus::Closed))>"Closed"</option>
                </select>
                <label for="view-owner">"Owner"</label>
                <select id="view-owner" on:change=move |e| filter.update(|f| f.owner = chosen(&pick(&e), OWNER))>
                    <option value="">"Anyone or nobody"</option>
                    <option value="me" selected=move || filter.with(|f| f.owner == Some(OwnerScope::Me))>"Me"</option>
                    <option value="my_groups" selected=move || filter.with(|f| f.owner == Some(OwnerScope::MyGroups))>"My groups"</option>
                    <option value="nobody" selected=move || filter.with(|f| f.owner == Some(OwnerScope::Nobody))>"Nobody"</option>
                </select>
                <label for="view-replier">"Last replied by"</label>
                <select id="view-replier" on:change=move |e| filter.update(|f| f.last_replied_by = chosen(&pick(&e), REPLIER))>
                    <option value="">"Anyone"</option>
                    <option value="agent" selected=move || filter.with(|f| f.last_replied_by == Some(Replier::Agent))>"An agent"</option>
                    <option value="contact" selected=move || filter.with(|f| f.last_replied_by == Some(Replier::Contact))>"The contact"</option>
                </select>
                <label for="view-contact">"Contact name or number"</label>
                <input id="view-contact" maxlength="100" prop:value=move || filter.with(|f| f.contact.clone().unwrap_or_default())
                    on:change=move |e| filter.update(|f| f.contact = text(pick(&e))) />
                <label for="view-text">"Message content"</label>
                <input id="view-text" maxlength="200" prop:value=move || filter.with(|f| f.message_text.clone().unwrap_or_default())
                    on:change=move |e| filter.update(|f| f.message_text = text(pick(&e))) />
                <label for="view-number">"Conversation #"</label>
                <input id="view-number" inputmode="numeric" prop:value=move || filter.with(|f| f.conversation_number.map(|n| n.to_string()).unwrap_or_default())
                    on:change=move |e| filter.update(|f| f.conversation_number = pick(&e).trim().trim_start_matches('#').parse().ok()) />
                <label class="check">
                    <input type="checkbox" id="view-follow-up" prop:checked=move || filter.with(|f| f.follow_up == Some(true))
                        on:change=move |e| filter.update(|f| f.follow_up = event_target_checked(&e).then_some(true)) />
                    "Follow-up only"
                </label>
                <label class="check">
                    <input type="checkbox" id="view-waiting" prop:checked=move || filter.with(|f| f.waiting == Some(true))
                        on:change=move |e| filter.update(|f| f.waiting = event_target_checked(&e).then_some(true)) />
                    "Waiting for a reply only"
                </label>
                <label for="view-sort">"Sort by"</label>
                <select id="view-sort" on:change=move |e| filter.update(|f| f.sort = chosen(&pick(&e), SORT).unwrap_or_default())>
                    <option value="last_activity">"Last activity"</option>
                    <option value="longest_waiting" selected=move || filter.with(|f| f.sort == ViewSort::LongestWaiting)>"Longest waiting"</option>
                    <option value="created" selected=move || filter.with(|f| f.sort == ViewSort::Created)>"Newest conversation"</option>
                </select>
                <label class="check">
                    <input type="checkbox" id="view-shared" prop:checked=shared on:change=move |e| shared.set(event_target_checked(&e)) />
                    "Shared with the team"
                </label>
                <FormAlert problem=failure(save) />
                <div class="edit-view-actions">
                    <Show when=is_custom>
                        <button type="button" class="button" id="view-save" disabled=save.pending() on:click=move |_| {
                            save.dispatch(false);
                        }>"Save changes"</button>
                    </Show>
                    <button type="submit" class="button button-primary" id="view-save-new" disabled=save.pending()>"Save as new view"</button>
                </div>
                <section class="view-preview" aria-label="Preview" aria-live="polite">
                    <h3>"Preview"</h3>
                    {move || match preview.get() {
                        None => view! { <p>"…"</p> }.into_any(),
                        Some(Err(problem)) => view! { <p>{problem.message()}</p> }.into_any(),
                        Some(Ok(rows)) if rows.is_empty() => view! { <p id="view-preview-empty">"No conversations match."</p> }.into_any(),
                        Some(Ok(rows)) => view! {
                            <ul id="view-preview">
                                {rows.into_iter().map(|row| view! { <li>{format!("#{} {}", row.number, row.contact_name)}</li> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }}
                </section>
            </form>
        </details>
    }
}
