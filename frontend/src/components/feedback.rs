//! Loading and failure states of a page or a part of one.

use leptos::prelude::*;
use textdesk_types::ProblemDetails;

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
