//! The signed-in agent's own profile and password.

use leptos::prelude::*;
use textdesk_types::agents::{Agent, ChangePassword, NotificationChoices, UpdateProfile};
use wasm_bindgen::JsValue;
use web_sys::js_sys::{self, Intl};

use super::frame::CurrentAgent;
use crate::api;
use crate::components::{Check, Field, FormAlert, PageTitle, failure, field_error, initials, succeeded};

#[component]
pub fn Profile() -> impl IntoView {
    // The frame provides the agent; this page is only routed inside it.
    use_context::<CurrentAgent>().map(|CurrentAgent(me)| {
        view! {
            <PageTitle text="Profile" />
            <header class="page-header">
                <h1>"Profile"</h1>
                <p class="lead">"How your teammates see you, and when Textdesk emails you."</p>
            </header>
            <ProfileForm me />
            <AvatarForm me />
            <PasswordForm email=me.with_untracked(|agent| agent.email.clone()) />
        }
    })
}

#[component]
fn ProfileForm(me: RwSignal<Agent>) -> impl IntoView {
    let agent = me.get_untracked();
    let first_name = RwSignal::new(agent.first_name);
    let last_name = RwSignal::new(agent.last_name);
    let screenname = RwSignal::new(agent.screenname);
    let time_zone = RwSignal::new(agent.time_zone);
    let idle_alert = RwSignal::new(agent.idle_alert_seconds.to_string());
    let mobile = RwSignal::new(agent.mobile_number.unwrap_or_default());
    let relay = RwSignal::new(agent.relay_enabled);
    let relay_number = agent.relay_number_id.clone();
    let notify = agent.notifications;
    let transfer_mine = RwSignal::new(notify.transfer_mine);
    let transfer_group = RwSignal::new(notify.transfer_group);
    let message_mine = RwSignal::new(notify.message_mine);
    let message_group = RwSignal::new(notify.message_group);

    let save = Action::new_local(move |changes: &UpdateProfile| {
        let changes = changes.clone();
        async move {
            me.set(api::agents::update_me(changes).await?);
            Ok(())
        }
    });
    let problem = failure(save);
    let saved = succeeded(save);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save.dispatch(UpdateProfile {
            first_name: Some(first_name.get_untracked()),
            last_name: Some(last_name.get_untracked()),
            screenname: Some(screenname.get_untracked()),
            time_zone: Some(time_zone.get_untracked()),
            // The number input's own constraints keep other text out; `None` leaves it as is.
            idle_alert_seconds: idle_alert.get_untracked().trim().parse().ok(),
            notifications: Some(NotificationChoices {
                transfer_mine: transfer_mine.get_untracked(),
                transfer_group: transfer_group.get_untracked(),
                message_mine: message_mine.get_untracked(),
                message_group: message_group.get_untracked(),
            }),
            // Empty removes it.
            mobile_number: Some(mobile.get_untracked().trim().to_owned()),
            relay_enabled: Some(relay.get_untracked()),
        });
    };
    view! {
        <section class="card">
            <h2 class="card-title">"Your details"</h2>
            <form class="form" id="profile-form" on:submit=on_submit>
                <FormAlert problem />
                <Show when=move || saved.get() && !save.pending().get()>
                    <div class="alert alert-success" role="status">"Your profile was saved."</div>
                </Show>
                <div class="field-row">
                    <Field label="First name" id="first-name" error=field_error(problem, "first_name")>
                        <input id="first-name" required autocomplete="given-name" bind:value=first_name />
                    </Field>
                    <Field label="Last name" id="last-name" error=field_error(problem, "last_name")>
                        <input id="last-name" required autocomplete="family-name" bind:value=last_name />
                    </Field>
                </div>
                <Field
                    label="Screenname"
                    id="screenname"
                    hint="The name your teammates see."
                    error=field_error(problem, "screenname")
                >
                    <input id="screenname" required bind:value=screenname />
                </Field>
                <div class="field-row">
                    <TimeZoneField time_zone error=field_error(problem, "time_zone") />
                    <Field
                        label="Idle alert after (seconds)"
                        id="idle-alert"
                        hint="Away from Textdesk this long, you get alerts about waiting messages."
                        error=field_error(problem, "idle_alert_seconds")
                    >
                        <input id="idle-alert" type="number" min="30" max="86400" step="1" required bind:value=idle_alert />
                    </Field>
                </div>
                <Field
                    label="Mobile number"
                    id="mobile-number"
                    hint="Your own phone, for text relay when an admin sets it up. Leave empty for none."
                    error=field_error(problem, "mobile_number")
                >
                    <input id="mobile-number" type="tel" inputmode="tel" autocomplete="tel" placeholder="+1 202 555 0100" bind:value=mobile />
                </Field>
                <RelaySwitch relay relay_number mobile />
                <fieldset class="checks">
                    <legend>"Email me when"</legend>
                    <Check id="notify-transfer-mine" checked=transfer_mine>
                        "a conversation is transferred to or from me"
                    </Check>
                    <Check id="notify-transfer-group" checked=transfer_group>
                        "a conversation is transferred to or from one of my groups"
                    </Check>
                    <Check id="notify-message-mine" checked=message_mine>
                        "a new message arrives in a conversation I own"
                    </Check>
                    <Check id="notify-message-group" checked=message_group>
                        "a new message arrives in a conversation one of my groups owns"
                    </Check>
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=save.pending()>
                        {move || if save.pending().get() { "Saving…" } else { "Save profile" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// Text relay: new texts in the agent's conversations go to their mobile while they are away
/// from the Message Center, from the relay number an admin gave them; they answer from it.
#[component]
fn RelaySwitch(
    relay: RwSignal<bool>,
    relay_number: Option<textdesk_types::NumberId>,
    mobile: RwSignal<String>,
) -> impl IntoView {
    let Some(relay_number) = relay_number else {
        return view! {
            <p class="hint" id="relay-none">"Text relay: an admin has not given you a relay number."</p>
        }
        .into_any();
    };
    let numbers = LocalResource::new(api::numbers::list);
    let phone = move || {
        numbers
            .get()
            .and_then(Result::ok)
            .and_then(|numbers| numbers.into_iter().find(|number| number.id == relay_number))
            .map(|number| format!("They come from your relay number {}. ", number.phone_number))
            .unwrap_or_default()
    };
    let no_mobile = move || mobile.with(|mobile| mobile.trim().is_empty());
    view! {
        <fieldset class="checks">
            <legend>"Text relay"</legend>
            <Check id="relay-enabled" checked=relay>
                "While I am away from the Message Center, text new messages in my conversations to my mobile number"
            </Check>
            <Show when=no_mobile>
                <p class="field-error" id="relay-needs-mobile">"Text relay needs your mobile number above."</p>
            </Show>
            <p class="hint">
                {phone}
                "Answer by starting your reply with the conversation number and a space, such as \"1042 On my way\"."
            </p>
        </fieldset>
    }
    .into_any()
}

/// The agent's picture: shown beside their name to the team. Chosen from a file, or removed.
#[component]
fn AvatarForm(me: RwSignal<Agent>) -> impl IntoView {
    let shown = LocalResource::new(move || {
        let url = me.with(|agent| agent.avatar_url.clone());
        async move {
            match url {
                Some(url) => api::messages::media_object_url(&url, "").await.ok(),
                None => None,
            }
        }
    });
    let file_input = NodeRef::<leptos::html::Input>::new();
    let change = Action::new_local(move |upload: &bool| {
        let file = file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let upload = *upload;
        async move {
            if upload {
                let Some(file) = file else { return Ok(()) };
                me.set(api::agents::upload_avatar(file).await?);
            } else {
                api::agents::remove_avatar().await?;
                me.update(|agent| agent.avatar_url = None);
            }
            Ok(())
        }
    });
    let problem = failure(change);
    view! {
        <section class="card">
            <h2 class="card-title">"Your picture"</h2>
            <div class="avatar-form">
                {move || match shown.get().flatten() {
                    Some(url) => view! { <img class="avatar-large" id="avatar-image" src=url alt="Your picture" /> }.into_any(),
                    None => view! { <span class="avatar avatar-large" aria-hidden="true">{me.with(initials)}</span> }.into_any(),
                }}
                <div class="form">
                    <label for="avatar-file">"Choose a picture (PNG, JPEG, GIF or WebP, at most 1 MB)"</label>
                    <input
                        id="avatar-file"
                        type="file"
                        accept="image/png,image/jpeg,image/gif,image/webp"
                        node_ref=file_input
                        on:change=move |_| {
                            change.dispatch(true);
                        }
                    />
                    <Show when=move || me.with(|agent| agent.avatar_url.is_some())>
                        <button type="button" class="button button-quiet" id="avatar-remove" on:click=move |_| {
                            change.dispatch(false);
                        }>
                            "Remove the picture"
                        </button>
                    </Show>
                    <FormAlert problem />
                </div>
            </div>
        </section>
    }
}

/// A free-text zone name, with the browser's list of IANA zones as suggestions and a shortcut
/// to the zone this browser runs in.
#[component]
fn TimeZoneField(time_zone: RwSignal<String>, error: Signal<Option<String>>) -> impl IntoView {
    let zones = Intl::supported_values_of(Intl::SupportedValuesKey::TimeZone)
        .iter()
        .map(|zone| view! { <option value=String::from(zone) /> })
        .collect_view();
    let shortcut = browser_time_zone().map(|local| {
        let label = format!("Use this browser's zone ({local})");
        let local = StoredValue::new(local);
        let differs = move || local.with_value(|local| time_zone.with(|zone| zone != local));
        view! {
            <Show when=differs>
                <button type="button" class="link-button" on:click=move |_| time_zone.set(local.get_value())>
                    {label.clone()}
                </button>
            </Show>
        }
    });
    view! {
        <Field label="Time zone" id="time-zone" error>
            <input id="time-zone" list="time-zones" required bind:value=time_zone />
            <datalist id="time-zones">{zones}</datalist>
            {shortcut}
        </Field>
    }
}

/// The IANA zone the browser runs in, such as `Europe/Berlin`.
fn browser_time_zone() -> Option<String> {
    let format = Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &JsValue::from_str("timeZone"))
        .ok()?
        .as_string()
}

/// `email` goes into a hidden username field, which tells password managers whose password
/// this is.
#[component]
fn PasswordForm(email: String) -> impl IntoView {
    let current_password = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let change = Action::new_local(|request: &ChangePassword| api::auth::change_password(request.clone()));
    let problem = failure(change);
    let changed = succeeded(change);
    // Clear the form once the change went through, so the passwords do not linger on screen.
    Effect::new(move || {
        if changed.get() {
            current_password.set(String::new());
            new_password.set(String::new());
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        change.dispatch(ChangePassword {
            current_password: current_password.get_untracked(),
            new_password: new_password.get_untracked(),
        });
    };
    view! {
        <section class="card">
            <h2 class="card-title">"Password"</h2>
            <form class="form" id="password-form" on:submit=on_submit>
                <FormAlert problem />
                <Show when=move || changed.get() && !change.pending().get()>
                    <div class="alert alert-success" role="status">
                        "Your password was changed. Your other sessions were signed out."
                    </div>
                </Show>
                <input type="email" autocomplete="username" value=email readonly hidden />
                <div class="field-row">
                    <Field label="Current password" id="current-password">
                        <input id="current-password" type="password" required autocomplete="current-password" bind:value=current_password />
                    </Field>
                    <Field
                        label="New password"
                        id="new-password"
                        hint="At least 10 characters."
                        error=field_error(problem, "new_password")
                    >
                        <input id="new-password" type="password" required autocomplete="new-password" bind:value=new_password />
                    </Field>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=change.pending()>
                        {move || if change.pending().get() { "Changing…" } else { "Change password" }}
                    </button>
                </div>
            </form>
        </section>
    }
}
