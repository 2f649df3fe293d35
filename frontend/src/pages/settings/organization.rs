//! The organization's own settings: its name and what agents may do (the general section), and
//! compliance: the keyword lists and their answers, consent and double opt-in, quiet hours.
//! Each section saves its fields together; the server checks each and names a bad one.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use textdesk_types::agents::Role;
use textdesk_types::organization::{Organization, OrganizationSettings, UpdateOrganization};

use crate::api::{self, ApiResult};
use crate::components::{Check, FormAlert, LoadError, Loading, failure, field_error};
use crate::pages::frame::CurrentAgent;

/// `HH:MM` of a minute of the day, as a time input shows it.
fn clock(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The minute of the day of a time input's `HH:MM`.
fn minute_of(clock: &str) -> Option<u32> {
    let (hours, minutes) = clock.split_once(':')?;
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.get(..2)?.parse().ok()?);
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

fn keyword_text(keywords: &[String]) -> String {
    keywords.join(", ")
}

/// A comma- or line-separated list, blanks dropped (the server upper-cases and checks each).
fn keywords_of(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|keyword| !keyword.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
pub fn OrganizationSettingsPage() -> impl IntoView {
    let organization = LocalResource::new(api::organization::get);
    move || match organization.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(problem)) => view! { <LoadError problem=*problem /> }.into_any(),
        Some(Ok(organization)) => view! {
            <General organization=organization.clone() />
            <Compliance settings=organization.settings />
        }
        .into_any(),
    }
}

#[component]
fn FieldError(problem: Signal<Option<crate::api::Problem>>, field: &'static str) -> impl IntoView {
    move || {
        field_error(problem, field)
            .get()
            .map(|message| view! { <p class="field-error">{message}</p> })
    }
}

#[component]
fn Saved(saved: RwSignal<bool>) -> impl IntoView {
    move || {
        saved
            .get()
            .then(|| view! { <div class="alert alert-success" role="status">"Saved."</div> })
    }
}

#[component]
fn General(organization: Organization) -> impl IntoView {
    let is_owner = use_context::<CurrentAgent>()
        .is_some_and(|CurrentAgent(me)| me.with_untracked(|agent| agent.role == Role::Owner));
    let settings = organization.settings;
    let name = RwSignal::new(organization.name);
    let concatenation = RwSignal::new(settings.concatenation_allowed);
    let mms_text_only = RwSignal::new(settings.mms_text_only);
    let inbound_mms = RwSignal::new(settings.inbound_mms_allowed);
    let agents_may_delete = RwSignal::new(settings.agents_may_delete);
    let exports = RwSignal::new(settings.exports_allowed);
    let drips = RwSignal::new(settings.drips_enabled);
    let notes_api = RwSignal::new(settings.notes_api_enabled);
    let name_tags = RwSignal::new(settings.name_tags_in_first_message);
    let waiting = RwSignal::new(settings.waiting_for_reply_minutes.to_string());
    let list_limit = RwSignal::new(settings.distribution_list_limit.to_string());
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |_: &()| {
        let changes = UpdateOrganization {
            name: Some(name.get_untracked()),
            concatenation_allowed: Some(concatenation.get_untracked()),
            mms_text_only: Some(mms_text_only.get_untracked()),
            inbound_mms_allowed: Some(inbound_mms.get_untracked()),
            agents_may_delete: Some(agents_may_delete.get_untracked()),
            exports_allowed: Some(exports.get_untracked()),
            drips_enabled: Some(drips.get_untracked()),
            notes_api_enabled: Some(notes_api.get_untracked()),
            name_tags_in_first_message: Some(name_tags.get_untracked()),
            waiting_for_reply_minutes: waiting.get_untracked().trim().parse().ok(),
            distribution_list_limit: if is_owner {
                list_limit.get_untracked().trim().parse().ok()
            } else {
                None
            },
            ..Default::default()
        };
        async move {
            saved.set(false);
            api::organization::update(&changes).await?;
            saved.set(true);
            ApiResult::Ok(())
        }
    });
    let problem = failure(save);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        save.dispatch(());
    };
    view! {
        <section class="card settings-section" id="organization" aria-labelledby="organization-heading">
            <h2 class="card-title" id="organization-heading">"Organization"</h2>
            <form class="import-form settings-form" id="organization-form" on:submit=submit>
                <label for="organization-name">"Name"</label>
                <input id="organization-name" maxlength="100" bind:value=name />
                <FieldError problem field="name" />
                <fieldset class="import-existing">
                    <legend>"Message length"</legend>
                    <Check id="organization-concatenation" checked=concatenation>
                        "Texts may run to 3 segments (about 450 characters); off: one segment (160)"
                    </Check>
                    <Check id="organization-mms-text-only" checked=mms_text_only>
                        "A text with a picture may carry up to 2,000 characters"
                    </Check>
                    <Check id="organization-inbound-mms" checked=inbound_mms>
                        "Show pictures and files that contacts send"
                    </Check>
                </fieldset>
                <fieldset class="import-existing">
                    <legend>"What agents may do"</legend>
                    <Check id="organization-agents-delete" checked=agents_may_delete>"Agents may delete conversations"</Check>
                    <Check id="organization-exports" checked=exports>"Conversations may be exported"</Check>
                    <Check id="organization-drips" checked=drips>"Drip campaigns are on"</Check>
                    <Check id="organization-notes-api" checked=notes_api>"Other systems may add notes through the API"</Check>
                    <Check id="organization-name-tags" checked=name_tags>
                        "An agent's first message starts with the contact's name"
                    </Check>
                </fieldset>
                <label for="organization-waiting">"Waiting for a reply after (minutes)"</label>
                <input id="organization-waiting" type="number" min="1" max="10080" inputmode="numeric" bind:value=waiting />
                <p class="hint">"A conversation whose customer has waited this long for an answer is flagged."</p>
                <FieldError problem field="waiting_for_reply_minutes" />
                <label for="organization-list-limit">"Largest distribution list"</label>
                {if is_owner {
                    view! {
                        <input id="organization-list-limit" type="number" min="0" max="10000" inputmode="numeric" bind:value=list_limit />
                    }
                        .into_any()
                } else {
                    view! {
                        <input id="organization-list-limit" type="number" readonly=true prop:value=list_limit.get_untracked() />
                        <p class="hint">"Only the owner changes this."</p>
                    }
                        .into_any()
                }}
                <FieldError problem field="distribution_list_limit" />
                <button type="submit" class="button button-primary" id="organization-save" disabled=save.pending()>"Save"</button>
                <Saved saved />
                <FormAlert problem />
            </form>
        </section>
    }
}

#[component]
fn Compliance(settings: OrganizationSettings) -> impl IntoView {
    let opt_out = RwSignal::new(keyword_text(&settings.opt_out_keywords));
    let opt_in = RwSignal::new(keyword_text(&settings.opt_in_keywords));
    let help = RwSignal::new(keyword_text(&settings.help_keywords));
    let opt_in_by_keyword = RwSignal::new(settings.opt_in_by_keyword);
    let help_text = RwSignal::new(settings.help_text);
    let opt_out_text = RwSignal::new(settings.opt_out_confirmation_text);
    let opt_in_text = RwSignal::new(settings.opt_in_confirmation_text);
    let consent_required = RwSignal::new(settings.consent_message_required);
    let consent_text = RwSignal::new(settings.consent_message_text);
    let double_opt_in = RwSignal::new(settings.double_opt_in);
    let double_opt_in_text = RwSignal::new(settings.double_opt_in_text);
    let quiet_start = RwSignal::new(clock(settings.quiet_hours_start_minute));
    let quiet_end = RwSignal::new(clock(settings.quiet_hours_end_minute));
    let saved = RwSignal::new(false);
    let save = Action::new_local(move |_: &()| {
        let changes = UpdateOrganization {
            opt_out_keywords: Some(keywords_of(&opt_out.get_untracked())),
            opt_in_keywords: Some(keywords_of(&opt_in.get_untracked())),
            help_keywords: Some(keywords_of(&help.get_untracked())),
            opt_in_by_keyword: Some(opt_in_by_keyword.get_untracked()),
            help_text: Some(help_text.get_untracked()),
            opt_out_confirmation_text: Some(opt_out_text.get_untracked()),
            opt_in_confirmation_text: Some(opt_in_text.get_untracked()),
            consent_message_required: Some(consent_required.get_untracked()),
            consent_message_text: Some(consent_text.get_untracked()),
            double_opt_in: Some(double_opt_in.get_untracked()),
            double_opt_in_text: Some(double_opt_in_text.get_untracked()),
            quiet_hours_start_minute: minute_of(&quiet_start.get_untracked()),
            quiet_hours_end_minute: minute_of(&quiet_end.get_untracked()),
            ..Default::default()
        };
        async move {
            saved.set(false);
            let organization = api::organization::update(&changes).await?;
            // The server's form of the lists: upper-cased, as matched.
            opt_out.set(keyword_text(&organization.settings.opt_out_keywords));
            opt_in.set(keyword_text(&organization.settings.opt_in_keywords));
            help.set(keyword_text(&organization.settings.help_keywords));
            saved.set(true);
            ApiResult::Ok(())
        }
    });
    let problem = failure(save);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        save.dispatch(());
    };
    view! {
        <section class="card settings-section" id="compliance" aria-labelledby="compliance-heading">
            <h2 class="card-title" id="compliance-heading">"Compliance"</h2>
            <p class="muted">
                "A text that is only a keyword acts on it, whatever its case, spacing or punctuation (“Stop.”, “opt-out”). "
                "Opt-out keywords win over the others."
            </p>
            <form class="import-form settings-form" id="compliance-form" on:submit=submit>
                <label for="compliance-opt-out">"Opt-out keywords"</label>
                <input id="compliance-opt-out" bind:value=opt_out />
                <p class="hint">"Separated by commas, such as STOP, UNSUBSCRIBE, CANCEL."</p>
                <FieldError problem field="opt_out_keywords" />
                <label for="compliance-opt-out-text">"Reply to an opt-out"</label>
                <textarea id="compliance-opt-out-text" rows="2" maxlength="1600" bind:value=opt_out_text></textarea>
                <FieldError problem field="opt_out_confirmation_text" />
                <label for="compliance-opt-in">"Opt-in keywords"</label>
                <input id="compliance-opt-in" bind:value=opt_in />
                <FieldError problem field="opt_in_keywords" />
                <Check id="compliance-opt-in-by-keyword" checked=opt_in_by_keyword>
                    "An opt-in keyword opts the contact back in by itself (off: an agent confirms it)"
                </Check>
                <label for="compliance-opt-in-text">"Reply to an opt-in"</label>
                <textarea id="compliance-opt-in-text" rows="2" maxlength="1600" bind:value=opt_in_text></textarea>
                <FieldError problem field="opt_in_confirmation_text" />
                <label for="compliance-help">"Help keywords"</label>
                <input id="compliance-help" bind:value=help />
                <FieldError problem field="help_keywords" />
                <label for="compliance-help-text">"Reply to help"</label>
                <textarea id="compliance-help-text" rows="2" maxlength="1600" bind:value=help_text></textarea>
                <FieldError problem field="help_text" />
                <fieldset class="import-existing">
                    <legend>"Consent"</legend>
                    <Check id="compliance-consent-required" checked=consent_required>
                        "Start the first message to each contact with the consent text"
                    </Check>
                    <label for="compliance-consent-text">"Consent text"</label>
                    <textarea id="compliance-consent-text" rows="2" maxlength="1600" bind:value=consent_text></textarea>
                    <FieldError problem field="consent_message_text" />
                    <Check id="compliance-double-opt-in" checked=double_opt_in>
                        "Double opt-in: a contact whose consent is pending must answer YES before anything else is sent"
                    </Check>
                    <label for="compliance-double-opt-in-text">"Double opt-in request"</label>
                    <textarea id="compliance-double-opt-in-text" rows="2" maxlength="1600" bind:value=double_opt_in_text></textarea>
                    <FieldError problem field="double_opt_in_text" />
                </fieldset>
                <fieldset class="import-existing">
                    <legend>"Quiet hours"</legend>
                    <p class="hint">
                        "Automated and bulk texts go out only between these times of the contact's own day; agents' replies are never held. The same two times mean no quiet hours."
                    </p>
                    <label for="compliance-quiet-start">"From"</label>
                    <input id="compliance-quiet-start" type="time" bind:value=quiet_start />
                    <FieldError problem field="quiet_hours_start_minute" />
                    <label for="compliance-quiet-end">"Until"</label>
                    <input id="compliance-quiet-end" type="time" bind:value=quiet_end />
                    <FieldError problem field="quiet_hours_end_minute" />
                </fieldset>
                <button type="submit" class="button button-primary" id="compliance-save" disabled=save.pending()>"Save"</button>
                <Saved saved />
                <FormAlert problem />
            </form>
        </section>
    }
}
