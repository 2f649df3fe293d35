//! "Forgot password?": a reset link by mail. The page says the same whether or not the address
//! has an account, as the server does.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::{AuthCard, Field, FormAlert, failure, field_error, succeeded};

#[component]
pub fn ForgotPassword() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let request = Action::new_local(|email: &String| api::mail::request_password_reset(email.clone()));
    let problem = failure(request);
    let done = succeeded(request);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        request.dispatch(email.get_untracked());
    };
    view! {
        <AuthCard title="Reset your password" lead="We mail a link to choose a new one.">
            <Show
                when=move || done.get()
                fallback=move || {
                    view! {
                        <form class="form" on:submit=on_submit>
                            <FormAlert problem />
                            <Field label="Email" id="email" error=field_error(problem, "email")>
                                <input id="email" type="email" autocomplete="username" required autofocus bind:value=email />
                            </Field>
                            <button type="submit" class="button button-primary button-wide" disabled=request.pending()>
                                "Mail me a link"
                            </button>
                        </form>
                    }
                }
            >
                <p class="reset-done" id="reset-mailed" role="status">
                    {move || format!(
                        "If {} has an account, a link is on its way. It works once, for 24 hours.",
                        email.get()
                    )}
                </p>
            </Show>
            <p class="auth-aside"><A href="/login">"Back to sign in"</A></p>
        </AuthCard>
    }
}
