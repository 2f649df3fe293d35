//! The logo and the frame of the pages shown before signing in.

use leptos::prelude::*;
use leptos_router::components::A;

use super::PageTitle;

#[component]
pub fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="8" fill="currentColor" />
            <path
                d="M9 10h14a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2h-7l-5 4v-4H9a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2z"
                fill="#fff"
            />
        </svg>
    }
}

/// The frame of the pages shown before signing in.
#[component]
pub fn AuthCard(
    title: &'static str,
    #[prop(optional)] lead: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <PageTitle text=title />
        <div class="auth-page">
            <main class="auth-card">
                <div class="auth-brand">
                    <Logo />
                    <span>"Textdesk"</span>
                </div>
                <h1>{title}</h1>
                {lead.map(|lead| view! { <p class="lead">{lead}</p> })}
                {children()}
            </main>
        </div>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <AuthCard title="Page not found" lead="There is nothing at this address.">
            <A href="/">"Go to the inbox"</A>
        </AuthCard>
    }
}
