//! The audit log: who did what and when (sign-ins, roles, disabled accounts, settings, keys,
//! webhooks), newest first, searched by who acted, by an action or a family of actions, and
//! by days of the admin's own calendar.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use textdesk_types::AgentId;
use textdesk_types::audit::{AuditEntry, AuditQuery};

use crate::api::{self, ApiResult};
use crate::components::{FormAlert, failure};
use crate::time::{self, Moment};

/// Entries a page shows.
const PAGE: u32 = 50;
/// Families of actions, offered as the action field's suggestions.
const FAMILIES: [(&str, &str); 10] = [
    ("login.", "Sign-ins"),
    ("password.", "Passwords: changed, reset"),
    ("agent.", "Agents: added, roles, disabled"),
    ("group.", "Groups"),
    ("organization.", "Organization settings"),
    ("api_key.", "API keys"),
    ("webhook.", "Webhooks"),
    ("contact.", "Opt-outs and opt-ins by agents"),
    ("contacts.", "Contact imports"),
    ("conversation.", "Deleted conversations"),
];

#[component]
pub fn AuditLog() -> impl IntoView {
    let agents = LocalResource::new(api::agents::list);
    let names = Memo::new(move |_| {
        agents
            .get()
            .and_then(Result::ok)
            .map(|agents| {
                agents
                    .into_iter()
                    .map(|agent| (agent.id.clone(), format!("{} {}", agent.first_name, agent.last_name)))
                    .collect::<HashMap<AgentId, String>>()
            })
            .unwrap_or_default()
    });
    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<String>);
    let zone = time::agent_zone();
    // The filters as the server takes them: days are whole days of the admin's own zone.
    let query = move || {
        let day = |text: String| NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
        let zone = zone.get_untracked();
        AuditQuery {
            limit: Some(PAGE),
            cursor: None,
            actor_id: Some(actor.get_untracked())
                .filter(|id| !id.is_empty())
                .map(AgentId::new),
            action: Some(action.get_untracked().trim().to_owned()).filter(|text| !text.is_empty()),
            since: day(from.get_untracked()).map(|day| time::day_start(&zone, day)),
            until: day(to.get_untracked())
                .and_then(|day| day.checked_add_days(Days::new(1)))
                .map(|day| time::day_start(&zone, day)),
        }
    };
    let load = Action::new_local(move |query: &AuditQuery| {
        let query = query.clone();
        async move {
            let page = api::audit::search(&query).await?;
            entries.update(|shown| {
                if query.cursor.is_none() {
                    shown.clear();
                }
                shown.extend(page.items);
            });
            next.set(page.next_cursor);
            ApiResult::Ok(())
        }
    });
    // The search whose pages are shown: "Show older entries" goes on with it, whatever the
    // filters say now.
    let searched = StoredValue::new(query());
    load.dispatch(searched.get_value());
    let problem = failure(load);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        searched.set_value(query());
        load.dispatch(searched.get_value());
    };
    let more = move |_| {
        let mut following = searched.get_value();
        following.cursor = next.get_untracked();
        load.dispatch(following);
    };
    let families = FAMILIES
        .iter()
        .map(|(family, meaning)| view! { <option value=*family>{*meaning}</option> })
        .collect_view();
    let actor_options = move || {
        let mut listed: Vec<(AgentId, String)> = names.get().into_iter().collect();
        listed.sort_by(|a, b| a.1.cmp(&b.1));
        listed
            .into_iter()
            .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
            .collect_view()
    };
    let rows = move || {
        let names = names.get();
        entries
            .get()
            .into_iter()
            .map(|entry| {
                let actor = match &entry.actor_id {
                    Some(id) => names.get(id).cloned().unwrap_or_else(|| id.to_string()),
                    None => "Textdesk".to_owned(),
                };
                let via_key = entry
                    .detail
                    .get("via_api_key")
                    .and_then(|key| key.get("label"))
                    .and_then(|label| label.as_str());
                let actor = match via_key {
                    Some(label) => format!("{actor} (via {label} key)"),
                    None => actor,
                };
                let detail = entry.detail.to_string();
                view! {
                    <tr>
                        <td data-label="When"><Moment at=Signal::stored(entry.created_at) /></td>
                        <td data-label="Who">{actor}</td>
                        <td data-label="Action"><code>{entry.action.clone()}</code></td>
                        <td data-label="On">{format!("{} {}", entry.target_type, entry.target_id)}</td>
                        <td data-label="From">{entry.client_address.clone().unwrap_or_default()}</td>
                        <td data-label="Details" class="audit-detail"><code>{detail}</code></td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card settings-section" id="audit-log" aria-labelledby="audit-heading">
            <h2 class="card-title" id="audit-heading">"Audit log"</h2>
            <form class="audit-filters" id="audit-filters" on:submit=submit>
                <label>
                    "Who"
                    <select id="audit-actor" on:change=move |event| actor.set(event_target_value(&event))>
                        <option value="">"Anyone"</option>
                        {actor_options}
                    </select>
                </label>
                <label>
                    "Action"
                    <input id="audit-action" list="audit-families" maxlength="100" placeholder="agent. or agent.role_changed" bind:value=action />
                    <datalist id="audit-families">{families}</datalist>
                </label>
                <label>"From" <input id="audit-from" type="date" bind:value=from /></label>
                <label>"To" <input id="audit-to" type="date" bind:value=to /></label>
                <button type="submit" class="button button-primary" id="audit-search">"Search"</button>
            </form>
            <FormAlert problem />
            <Show
                when=move || !entries.with(Vec::is_empty)
                fallback=move || view! { <p class="muted" id="audit-none">{move || if load.pending().get() { "Loading…" } else { "Nothing matches." }}</p> }
            >
                <div class="table-scroll" tabindex="0" role="region" aria-label="Audit entries">
                    <table class="data-table" id="audit-entries">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"Action"</th>
                                <th scope="col">"On"</th>
                                <th scope="col">"From"</th>
                                <th scope="col">"Details"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Show>
            <Show when=move || next.with(Option::is_some)>
                <button type="button" class="button button-quiet" id="audit-more" on:click=more>"Show older entries"</button>
            </Show>
        </section>
    }
}
