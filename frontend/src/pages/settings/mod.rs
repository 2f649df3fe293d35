//! The organization's settings, for owners and admins: one section per area, each a component
//! of its own module.

mod api_keys;

use leptos::prelude::*;

use crate::components::PageTitle;

#[component]
pub fn Settings() -> impl IntoView {
    view! {
        <PageTitle text="Settings" />
        <header class="page-header">
            <h1>"Settings"</h1>
            <p class="lead">"How your organization works with Textdesk, and the systems connected to it."</p>
        </header>
        <api_keys::ApiKeys />
    }
}
