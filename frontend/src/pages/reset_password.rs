//! Choosing a new password from the one-time link an admin handed out
//! (`/reset-password?token=…`).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use textdesk_types::auth::ConfirmPasswordReset;

use crate::api;
use crate::components::{AuthCard, Field, FormAlert, failure, field_error, succeeded};

#[component]
pub fn ResetPassword() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|query| query.get("token").unwrap_or_default());
    let new_password = RwSignal::new(String::new());
    let confirm =
        Action::new_local(|request: &ConfirmPasswordReset| api::auth::confirm_password_reset(request.clone()));
    let problem = failure(confirm);
    let done = succeeded(confirm);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        confirm.dispatch(ConfirmPasswordReset {
            token: token(),
            new_password: new_password.get_untracked(),
        });
    };
    view! {
        <AuthCard title="Choose a new password" lead="This link works once. Your other sessions end when you save.">
            <Show
                when=move || done.get()
                fallback=move || {
                    view! {
                        <form class="form" on:submit=on_submit>
                            <FormAlert problem />
                            <Field
                                label="New password"
                                id="new-password"
                                hint="At least 10 characters."
                                error=field_error(problem, "new_password")
                            >
                                <input id="new-password" type="password" autocomplete="new-password" required autofocus bind:value=new_password />
                            </Field>
                            <button type="submit" class="button button-primary button-wide" disabled=confirm.pending()>
                                "Save password"
                            </button>
                        </form>
                    }
                }
            >
                <p class="reset-done">"Your password is changed."</p>
                <A href="/login" attr:class="button button-primary button-wide">"Sign in"</A>
            </Show>
        </AuthCard>
    }
}
