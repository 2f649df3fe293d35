//! Pieces the pages share: form fields with the server's field errors, alerts, loading and
//! error states, the layout of the signed-out pages.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Redirect};
use textdesk_types::ProblemDetails;
use textdesk_types::agents::Agent;

use crate::api::{ApiResult, Problem};

/// The problem of an action's latest run, while that run failed.
pub fn failure<I, O>(action: Action<I, ApiResult<O>>) -> Signal<Option<Problem>>
where
    I: 'static,
    O: Clone + Send + Sync + 'static,
{
    let value = action.value();
    Signal::derive(move || value.get().and_then(Result::err))
}

/// Whether an action's latest run succeeded.
pub fn succeeded<I, O>(action: Action<I, ApiResult<O>>) -> Signal<bool>
where
    I: 'static,
    O: Clone + Send + Sync + 'static,
{
    let value = action.value();
    Signal::derive(move || matches!(value.get(), Some(Ok(_))))
}

/// What the server said about one field of the request, such as `owner.email`.
pub fn field_error(problem: Signal<Option<Problem>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || {
        problem.with(|problem| {
            let errors = &problem.as_ref()?.errors;
            errors
                .iter()
                .find(|error| error.field == field)
                .map(|error| error.message.clone())
        })
    })
}

/// A labelled form control with its hint and error.
#[component]
pub fn Field(
    label: &'static str,
    /// The id of the control inside, so the label points at it.
    id: &'static str,
    #[prop(optional, into)] error: MaybeProp<String>,
    #[prop(optional)] hint: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id>{label}</label>
            {children()}
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            {move || error.get().map(|message| view! { <p class="field-error">{message}</p> })}
        </div>
    }
}

/// The failure of a form's last submission. Field errors appear next to their fields, so
/// for those this only points there.
#[component]
pub fn FormAlert(#[prop(into)] problem: Signal<Option<Problem>>) -> impl IntoView {
    move || {
        problem.get().map(|problem| {
            let text = if problem.errors.is_empty() {
                problem.message()
            } else {
                "Please correct the fields marked below.".to_owned()
            };
            view! { <div class="alert alert-error" role="alert">{text}</div> }
        })
    }
}

/// A page-level failure to load something.
#[component]
pub fn LoadError(problem: ProblemDetails) -> impl IntoView {
    view! {
        <div class="alert alert-error" role="alert">
            <strong>{problem.title.clone()}</strong>
            " "
            {problem.message()}
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="loading" aria-busy="true">
            <span class="spinner"></span>
            "Loading…"
        </div>
    }
}

/// Navigates to `path`, replacing the current history entry: Back should not return to a page
/// that would only send the person forward again.
#[component]
pub fn GoTo(path: &'static str) -> impl IntoView {
    let options = NavigateOptions {
        replace: true,
        ..Default::default()
    };
    view! { <Redirect path options /> }
}

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

/// Up to two letters standing for the agent in an avatar.
pub fn initials(agent: &Agent) -> String {
    [&agent.first_name, &agent.last_name]
        .iter()
        .filter_map(|name| name.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}
