//! The organization's settings, for owners and admins: one section per area, each a component
//! of its own module.

mod api_keys;
mod audit_log;
mod numbers;
mod organization;
mod webhooks;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::PageTitle;
use crate::pages::frame::CurrentAgent;

/// The page's sections, each at `/settings?section=<key>`; the first is the default.
const SECTIONS: [(&str, &str); 5] = [
    ("organization", "Organization"),
    ("numbers", "Numbers"),
    ("api-keys", "API keys"),
    ("webhooks", "Webhooks"),
    ("audit-log", "Audit log"),
];

#[component]
pub fn Settings() -> impl IntoView {
    let is_admin =
        use_context::<CurrentAgent>().is_some_and(|CurrentAgent(me)| me.with_untracked(|agent| agent.role.is_admin()));
    let query = use_query_map();
    let section = Memo::new(move |_| {
        let asked = query.with(|query| query.get("section"));
        SECTIONS
            .iter()
            .find(|(key, _)| asked.as_deref() == Some(*key))
            .map_or(SECTIONS[0].0, |(key, _)| *key)
    });
    let tabs = SECTIONS
        .iter()
        .map(|(key, name)| {
            let current = move || (section.get() == *key).then_some("page");
            view! { <a href=format!("/settings?section={key}") aria-current=current>{*name}</a> }
        })
        .collect_view();
    view! {
        <PageTitle text="Settings" />
        <header class="page-header">
            <h1>"Settings"</h1>
            <p class="lead">"How your organization works with Textdesk, and the systems connected to it."</p>
        </header>
        {if is_admin {
            view! {
                <nav class="settings-nav" aria-label="Settings">{tabs}</nav>
                {move || match section.get() {
                    "api-keys" => view! { <api_keys::ApiKeys /> }.into_any(),
                    "numbers" => view! { <numbers::Numbers /> }.into_any(),
                    "webhooks" => view! { <webhooks::Webhooks /> }.into_any(),
                    "audit-log" => view! { <audit_log::AuditLog /> }.into_any(),
                    _ => view! { <organization::OrganizationSettingsPage /> }.into_any(),
                }}
            }
                .into_any()
        } else {
            view! {
                <p class="alert alert-warning" role="alert" id="settings-admins-only">
                    "Settings are for your organization's owners and admins. Ask one of them to change what you need."
                </p>
            }
                .into_any()
        }}
    }
}

/// A secret shown this once (an API key's, a webhook endpoint's), with a button to copy it.
#[component]
fn SecretOnce(
    title: String,
    secret: String,
    /// Prefix of the ids: `{id_prefix}-secret-box`, `-secret`, `-copy`, `-done`.
    id_prefix: &'static str,
    on_done: impl Fn() + Clone + 'static,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let to_copy = secret.clone();
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&to_copy);
        copied.set(true);
    };
    view! {
        <div class="alert alert-success new-secret" role="status" id=format!("{id_prefix}-secret-box")>
            <p>
                <strong>{title}</strong>
                " Copy it now: it will not be shown again."
            </p>
            <p class="secret-line">
                <code id=format!("{id_prefix}-secret")>{secret}</code>
            </p>
            <p class="form-actions">
                <button type="button" class="button button-quiet" id=format!("{id_prefix}-copy") on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
                <button type="button" class="button button-quiet" id=format!("{id_prefix}-done") on:click=move |_| on_done()>
                    "Done"
                </button>
            </p>
        </div>
    }
}
