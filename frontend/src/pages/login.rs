//! Signing in with email and password.

use leptos::prelude::*;
use leptos_router::components::A;
use textdesk_types::auth::LoginRequest;

use crate::components::{AuthCard, Field, FormAlert, GoTo, failure};
use crate::{api, session};

#[component]
pub fn Login() -> impl IntoView {
    // A server without a workspace has nobody to sign in yet. A memo, so the form is not
    // rebuilt (losing what was typed) when the answer arrives and changes nothing.
    let setup = LocalResource::new(api::auth::setup_status);
    let needs_setup = Memo::new(move |_| matches!(setup.get(), Some(Ok(status)) if status.needs_setup));
    move || {
        if needs_setup.get() {
            view! { <GoTo path="/setup" /> }.into_any()
        } else if session::is_signed_in() {
            view! { <GoTo path="/" /> }.into_any()
        } else {
            view! { <LoginForm /> }.into_any()
        }
    }
}

#[component]
fn LoginForm() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // On success the session is stored and `Login` moves on to the app.
    let sign_in = Action::new_local(|request: &LoginRequest| api::auth::login(request.clone()));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        sign_in.dispatch(LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        });
    };
    view! {
        <AuthCard title="Sign in" lead="Your team's shared inbox for business texting.">
            <form class="form" on:submit=on_submit>
                <FormAlert problem=failure(sign_in) />
                <Field label="Email" id="email">
                    <input id="email" type="email" autocomplete="username" required autofocus bind:value=email />
                </Field>
                <Field label="Password" id="password">
                    <input id="password" type="password" autocomplete="current-password" required bind:value=password />
                </Field>
                <button type="submit" class="button button-primary button-wide" disabled=sign_in.pending()>
                    {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p class="auth-aside"><A href="/forgot-password" attr:id="forgot-password">"Forgot password?"</A></p>
        </AuthCard>
    }
}
