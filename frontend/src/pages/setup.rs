//! First run: "Create your workspace", the organization and its first owner.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use textdesk_types::setup::{CreateWorkspace, NewOwner};

use crate::api;
use crate::components::{AuthCard, Field, FormAlert, GoTo, LoadError, Loading, failure, field_error, succeeded};

#[component]
pub fn Setup() -> impl IntoView {
    let status = LocalResource::new(api::auth::setup_status);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(status) if status.needs_setup => view! { <SetupForm /> }.into_any(),
                    // Setup happens once; afterwards this address leads into the app.
                    Ok(_) => view! { <GoTo path="/" /> }.into_any(),
                    Err(problem) => view! { <div class="page-center"><LoadError problem=*problem /></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SetupForm() -> impl IntoView {
    let organization_name = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let create = Action::new_local(|request: &CreateWorkspace| api::auth::create_workspace(request.clone()));
    let problem = failure(create);
    let created = succeeded(create);
    let navigate = use_navigate();
    Effect::new(move || {
        if created.get() {
            let options = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            navigate("/", options);
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        create.dispatch(CreateWorkspace {
            organization_name: organization_name.get_untracked(),
            owner: NewOwner {
                email: email.get_untracked(),
                password: password.get_untracked(),
                first_name: first_name.get_untracked(),
                last_name: last_name.get_untracked(),
            },
        });
    };
    view! {
        <AuthCard
            title="Create your workspace"
            lead="Set up your organization and its first account. You will be its owner and can invite your team next."
        >
            <form class="form" on:submit=on_submit>
                <FormAlert problem />
                <Field label="Organization name" id="organization-name" error=field_error(problem, "organization_name")>
                    <input id="organization-name" required autofocus autocomplete="organization" bind:value=organization_name />
                </Field>
                <div class="field-row">
                    <Field label="First name" id="first-name" error=field_error(problem, "owner.first_name")>
                        <input id="first-name" required autocomplete="given-name" bind:value=first_name />
                    </Field>
                    <Field label="Last name" id="last-name" error=field_error(problem, "owner.last_name")>
                        <input id="last-name" required autocomplete="family-name" bind:value=last_name />
                    </Field>
                </div>
                <Field label="Email" id="email" error=field_error(problem, "owner.email")>
                    <input id="email" type="email" required autocomplete="username" bind:value=email />
                </Field>
                <Field
                    label="Password"
                    id="password"
                    hint="At least 10 characters."
                    error=field_error(problem, "owner.password")
                >
                    <input id="password" type="password" required autocomplete="new-password" bind:value=password />
                </Field>
                <button type="submit" class="button button-primary button-wide" disabled=create.pending()>
                    {move || if create.pending().get() { "Creating…" } else { "Create workspace" }}
                </button>
            </form>
        </AuthCard>
    }
}
