//! Form pieces: labelled fields with the server's field errors, and a form's alert.

use leptos::prelude::*;

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

/// A button that starts an action, and is disabled while the action runs so one click does
/// not start it twice.
#[component]
pub fn ActionButton(
    class: &'static str,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] on_click: Callback<()>,
    children: Children,
) -> impl IntoView {
    view! {
        <button type="button" class=class id=id disabled=pending on:click=move |_| on_click.run(())>
            {children()}
        </button>
    }
}

/// A checkbox and its label, the label's whole line clickable.
#[component]
pub fn Check(id: &'static str, checked: RwSignal<bool>, children: Children) -> impl IntoView {
    view! {
        <label class="check" for=id>
            <input type="checkbox" id=id bind:checked=checked />
            <span>{children()}</span>
        </label>
    }
}
