//! Business numbers: connecting one (a Twilio number with its account SID and auth token, which
//! is never shown again, or a simulator number), and each number's label, whether it is on, how
//! fast it may send and who its new conversations go to; and the keyword rules that assign a
//! new conversation by its first text before that.

use std::collections::HashMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use textdesk_types::agents::Agent;
use textdesk_types::assignment::{AssignmentRule, CreateAssignmentRule};
use textdesk_types::conversations::Transfer;
use textdesk_types::groups::Group;
use textdesk_types::numbers::{CreateNumber, Number, UpdateNumber};
use textdesk_types::{AgentId, AssignmentRuleId, GroupId, NumberId};

use crate::api::{self, ApiResult};
use crate::components::{FormAlert, LoadError, Loading, failure, field_error};

/// The agents and groups a number or rule can hand conversations to, by id.
#[derive(Clone, Default)]
struct Owners {
    agents: Vec<(AgentId, String)>,
    groups: Vec<(GroupId, String)>,
}

impl Owners {
    fn new(agents: Vec<Agent>, groups: Vec<Group>) -> Self {
        Self {
            agents: agents
                .into_iter()
                .filter(|agent| !agent.disabled)
                .map(|agent| (agent.id.clone(), agent.display_name().to_owned()))
                .collect(),
            groups: groups.into_iter().map(|group| (group.id, group.name)).collect(),
        }
    }

    /// "Billing", "Sam", "Sam (Billing)", or "Nobody".
    fn name(&self, agent: Option<&AgentId>, group: Option<&GroupId>) -> String {
        let agent = agent.and_then(|id| {
            self.agents
                .iter()
                .find(|(known, _)| known == id)
                .map(|(_, name)| name.clone())
        });
        let group = group.and_then(|id| {
            self.groups
                .iter()
                .find(|(known, _)| known == id)
                .map(|(_, name)| name.clone())
        });
        match (agent, group) {
            (Some(agent), Some(group)) => format!("{agent} ({group})"),
            (Some(agent), None) => agent,
            (None, Some(group)) => group,
            (None, None) => "Nobody".to_owned(),
        }
    }
}

/// A choice of owner as a select's value: `agent:<id>`, `group:<id>`, or empty for nobody.
fn owner_value(agent: Option<&AgentId>, group: Option<&GroupId>) -> String {
    match (agent, group) {
        (Some(agent), _) => format!("agent:{agent}"),
        (None, Some(group)) => format!("group:{group}"),
        (None, None) => String::new(),
    }
}

fn owner_of(value: &str) -> Transfer {
    match value.split_once(':') {
        Some(("agent", id)) => Transfer {
            agent_id: Some(AgentId::new(id)),
            group_id: None,
        },
        Some(("group", id)) => Transfer {
            agent_id: None,
            group_id: Some(GroupId::new(id)),
        },
        _ => Transfer::default(),
    }
}

#[component]
fn OwnerOptions(owners: Owners) -> impl IntoView {
    let groups = owners
        .groups
        .into_iter()
        .map(|(id, name)| view! { <option value=format!("group:{id}")>{name}</option> })
        .collect_view();
    let agents = owners
        .agents
        .into_iter()
        .map(|(id, name)| view! { <option value=format!("agent:{id}")>{name}</option> })
        .collect_view();
    view! {
        <option value="">"Nobody"</option>
        <optgroup label="Groups">{groups}</optgroup>
        <optgroup label="Agents">{agents}</optgroup>
    }
}

#[component]
pub fn Numbers() -> impl IntoView {
    let numbers = LocalResource::new(api::numbers::list);
    let rules = LocalResource::new(api::numbers::rules);
    let team = LocalResource::new(|| async {
        let (agents, groups) = futures_util::future::join(api::agents::list(), api::agents::groups()).await;
        ApiResult::Ok(Owners::new(agents?, groups?))
    });
    view! {
        <section class="card settings-section" id="numbers" aria-labelledby="numbers-heading">
            <h2 class="card-title" id="numbers-heading">"Business numbers"</h2>
            <p class="muted">
                "The numbers your team texts from. New conversations on a number go to its owner, after the keyword rules below."
            </p>
            {move || match (numbers.get(), team.get()) {
                (Some(Ok(list)), Some(Ok(owners))) => {
                    view! { <NumberList numbers=list owners on_changed=move || numbers.refetch() /> }.into_any()
                }
                (Some(Err(problem)), _) | (_, Some(Err(problem))) => view! { <LoadError problem=*problem /> }.into_any(),
                _ => view! { <Loading /> }.into_any(),
            }}
            <ConnectNumber on_connected=move || numbers.refetch() />
        </section>
        <section class="card settings-section" id="assignment-rules" aria-labelledby="rules-heading">
            <h2 class="card-title" id="rules-heading">"Keyword assignment"</h2>
            <p class="muted">
                "A new conversation whose first text matches a rule goes to the rule's owner; the first matching rule wins. "
                "A pattern is a word or phrase; " <code>"*"</code> " stands for any ending, as in " <code>"refund*"</code> "."
            </p>
            {move || match (rules.get(), numbers.get(), team.get()) {
                (Some(Ok(list)), Some(Ok(numbers_now)), Some(Ok(owners))) => {
                    view! { <RuleList rules=list numbers=numbers_now owners on_changed=move || rules.refetch() /> }.into_any()
                }
                (Some(Err(problem)), _, _) => view! { <LoadError problem=*problem /> }.into_any(),
                _ => view! { <Loading /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn NumberList(
    numbers: Vec<Number>,
    owners: Owners,
    on_changed: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    if numbers.is_empty() {
        return view! { <p class="muted" id="numbers-none">"No numbers yet: connect one below."</p> }.into_any();
    }
    numbers
        .into_iter()
        .map(|number| view! { <NumberItem number owners=owners.clone() on_changed=on_changed.clone() /> })
        .collect_view()
        .into_any()
}

#[component]
fn NumberItem(number: Number, owners: Owners, on_changed: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let editing = RwSignal::new(false);
    let owner = owners.name(
        number.auto_assign_agent_id.as_ref(),
        number.auto_assign_group_id.as_ref(),
    );
    let provider = match (number.provider.as_str(), &number.account_sid) {
        ("twilio", Some(sid)) => format!("Twilio · {sid}"),
        ("twilio", None) => "Twilio".to_owned(),
        _ => "Simulator".to_owned(),
    };
    let heading = format!("number-{}", number.id);
    let labelled_by = heading.clone();
    let stored = StoredValue::new(number.clone());
    view! {
        <article class="settings-item" aria-labelledby=labelled_by>
            <div class="settings-item-head">
                <h3 id=heading>{number.label.clone()} " · " <span class="phone">{number.phone_number.clone()}</span></h3>
                {if number.enabled {
                    view! { <span class="badge badge-active">"On"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-disabled">"Off"</span> }.into_any()
                }}
                {number.relay.then(|| view! { <span class="badge">"Text relay"</span> })}
            </div>
            <p class="muted">
                {provider} {format!(" · {} a second", number.send_rate_per_second)} " · New conversations: "
                <span class="number-owner">{owner}</span>
            </p>
            <p class="form-actions">
                <button
                    type="button"
                    class="button button-quiet"
                    aria-expanded=move || editing.get().to_string()
                    aria-label=format!("Change {}", number.label)
                    on:click=move |_| editing.update(|on| *on = !*on)
                >
                    "Change"
                </button>
            </p>
            <Show when=move || editing.get()>
                <NumberForm
                    number=stored.get_value()
                    owners=owners.clone()
                    on_saved={
                        let on_changed = on_changed.clone();
                        move || {
                            editing.set(false);
                            on_changed();
                        }
                    }
                />
            </Show>
        </article>
    }
}

#[component]
fn NumberForm(number: Number, owners: Owners, on_saved: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let id: NumberId = number.id.clone();
    let prefix = format!("number-{id}");
    let is_twilio = number.provider == "twilio";
    let label = RwSignal::new(number.label.clone());
    let enabled = RwSignal::new(number.enabled);
    let relay = RwSignal::new(number.relay);
    let rate = RwSignal::new(number.send_rate_per_second.to_string());
    let owner = RwSignal::new(owner_value(
        number.auto_assign_agent_id.as_ref(),
        number.auto_assign_group_id.as_ref(),
    ));
    let account_sid = RwSignal::new(String::new());
    let auth_token = RwSignal::new(String::new());
    let save = Action::new_local(move |_: &()| {
        let (id, on_saved) = (id.clone(), on_saved.clone());
        let non_empty = |text: String| Some(text.trim().to_owned()).filter(|text| !text.is_empty());
        let changes = UpdateNumber {
            label: Some(label.get_untracked()),
            enabled: Some(enabled.get_untracked()),
            account_sid: non_empty(account_sid.get_untracked()),
            auth_token: non_empty(auth_token.get_untracked()),
            send_rate_per_second: rate.get_untracked().trim().parse().ok(),
            auto_assign: Some(owner_of(&owner.get_untracked())),
            relay: Some(relay.get_untracked()),
        };
        async move {
            api::numbers::update(&id, &changes).await?;
            on_saved();
            ApiResult::Ok(())
        }
    });
    let problem = failure(save);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        save.dispatch(());
    };
    let field = |name: &str| format!("{prefix}-{name}");
    view! {
        <form class="import-form settings-form" id=field("form") on:submit=submit>
            <label for=field("label")>"Label"</label>
            <input id=field("label") maxlength="100" bind:value=label />
            {move || field_error(problem, "label").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <label class="check" for=field("enabled")>
                <input type="checkbox" id=field("enabled") bind:checked=enabled />
                <span>"On: it sends and receives texts"</span>
            </label>
            <label class="check" for=field("relay")>
                <input type="checkbox" id=field("relay") bind:checked=relay />
                <span>"Set aside for text relay: it texts agents' own phones, never customers"</span>
            </label>
            <label for=field("owner")>"New conversations go to"</label>
            <select id=field("owner") prop:value=move || owner.get() on:change=move |event| owner.set(event_target_value(&event))>
                <OwnerOptions owners />
            </select>
            <p class="hint">"A group with round robin on hands each conversation to its online members in turn."</p>
            {move || field_error(problem, "auto_assign").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <label for=field("rate")>"Texts a second"</label>
            <input id=field("rate") type="number" min="1" max="1000" inputmode="numeric" bind:value=rate />
            <p class="hint">"What the carrier allows the number: 1 for a US long code, more for toll-free and short codes."</p>
            {move || field_error(problem, "send_rate_per_second").get().map(|message| view! { <p class="field-error">{message}</p> })}
            {is_twilio.then(|| view! {
                <fieldset class="import-existing">
                    <legend>"Twilio credentials"</legend>
                    <p class="hint">"Leave empty to keep the stored ones. The auth token is never shown again."</p>
                    <label for=field("sid")>"Account SID"</label>
                    <input id=field("sid") autocomplete="off" placeholder="AC…" bind:value=account_sid />
                    <label for=field("token")>"Auth token"</label>
                    <input id=field("token") type="password" autocomplete="new-password" bind:value=auth_token />
                </fieldset>
            })}
            <button type="submit" class="button button-primary" id=field("save") disabled=save.pending()>"Save"</button>
            <FormAlert problem />
        </form>
    }
}

#[component]
fn ConnectNumber(on_connected: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let phone = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let provider = RwSignal::new("twilio".to_owned());
    let account_sid = RwSignal::new(String::new());
    let auth_token = RwSignal::new(String::new());
    let rate = RwSignal::new("1".to_owned());
    let connect = Action::new_local(move |_: &()| {
        let on_connected = on_connected.clone();
        let twilio = provider.get_untracked() == "twilio";
        let request = CreateNumber {
            phone_number: phone.get_untracked(),
            label: label.get_untracked(),
            provider: provider.get_untracked(),
            account_sid: twilio.then(|| account_sid.get_untracked()),
            auth_token: twilio.then(|| auth_token.get_untracked()),
            send_rate_per_second: rate.get_untracked().trim().parse().ok(),
        };
        async move {
            api::numbers::create(&request).await?;
            for field in [phone, label, account_sid, auth_token] {
                field.set(String::new());
            }
            on_connected();
            ApiResult::Ok(())
        }
    });
    let problem = failure(connect);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        connect.dispatch(());
    };
    let twilio = move || provider.get() == "twilio";
    view! {
        <form class="import-form settings-form" id="number-new-form" on:submit=submit>
            <h3 class="import-subheading">"Connect a number"</h3>
            <label for="number-new-provider">"Provider"</label>
            <select id="number-new-provider" prop:value=move || provider.get() on:change=move |event| provider.set(event_target_value(&event))>
                <option value="twilio">"Twilio"</option>
                <option value="simulator">"Simulator (texts from the phone simulator, no carrier)"</option>
            </select>
            <label for="number-new-phone">"Phone number"</label>
            <input id="number-new-phone" type="tel" inputmode="tel" placeholder="+1 202 555 0100" bind:value=phone />
            {move || field_error(problem, "phone_number").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <label for="number-new-label">"Label"</label>
            <input id="number-new-label" maxlength="100" placeholder="Front desk" bind:value=label />
            {move || field_error(problem, "label").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <Show when=twilio>
                <label for="number-new-sid">"Account SID"</label>
                <input id="number-new-sid" autocomplete="off" placeholder="AC…" bind:value=account_sid />
                {move || field_error(problem, "account_sid").get().map(|message| view! { <p class="field-error">{message}</p> })}
                <label for="number-new-token">"Auth token"</label>
                <input id="number-new-token" type="password" autocomplete="new-password" bind:value=auth_token />
                <p class="hint">"Stored encrypted and never shown again. In Twilio, set the number's “A message comes in” webhook to this server's /webhooks/twilio/messages."</p>
                {move || field_error(problem, "auth_token").get().map(|message| view! { <p class="field-error">{message}</p> })}
            </Show>
            <label for="number-new-rate">"Texts a second"</label>
            <input id="number-new-rate" type="number" min="1" max="1000" inputmode="numeric" bind:value=rate />
            {move || field_error(problem, "send_rate_per_second").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <button type="submit" class="button button-primary" id="number-new-save" disabled=connect.pending()>"Connect"</button>
            <FormAlert problem />
        </form>
    }
}

#[component]
fn RuleList(
    rules: Vec<AssignmentRule>,
    numbers: Vec<Number>,
    owners: Owners,
    on_changed: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let number_names: HashMap<NumberId, String> = numbers
        .iter()
        .map(|number| (number.id.clone(), format!("{} ({})", number.label, number.phone_number)))
        .collect();
    let delete = Action::new_local({
        let on_changed = on_changed.clone();
        move |id: &AssignmentRuleId| {
            let (id, on_changed) = (id.clone(), on_changed.clone());
            async move {
                api::numbers::delete_rule(&id).await?;
                on_changed();
                ApiResult::Ok(())
            }
        }
    });
    let delete_problem = failure(delete);
    let rows = rules
        .iter()
        .map(|rule| {
            let id = rule.id.clone();
            let on = rule
                .number_id
                .as_ref()
                .and_then(|number| number_names.get(number).cloned())
                .unwrap_or_else(|| "Any number".to_owned());
            let owner = owners.name(rule.agent_id.as_ref(), rule.group_id.as_ref());
            let label = format!("Delete the rule {}", rule.pattern);
            view! {
                <tr>
                    <td data-label="Pattern"><code>{rule.pattern.clone()}</code></td>
                    <td data-label="Number">{on}</td>
                    <td data-label="Goes to">{owner}</td>
                    <td data-label="">
                        <button type="button" class="button button-quiet" aria-label=label on:click=move |_| {
                            delete.dispatch(id.clone());
                        }>
                            "Delete"
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let table = (!rules.is_empty()).then(|| {
        view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label="Keyword rules">
                <table class="data-table" id="assignment-rules-table">
                    <thead>
                        <tr>
                            <th scope="col">"Pattern"</th>
                            <th scope="col">"Number"</th>
                            <th scope="col">"Goes to"</th>
                            <th scope="col"><span class="visually-hidden">"Delete"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    view! {
        {table}
        <FormAlert problem=delete_problem />
        <NewRule numbers owners on_created=on_changed />
    }
}

#[component]
fn NewRule(
    numbers: Vec<Number>,
    owners: Owners,
    on_created: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let pattern = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let create = Action::new_local(move |_: &()| {
        let on_created = on_created.clone();
        let target = owner_of(&owner.get_untracked());
        let chosen = number.get_untracked();
        let request = CreateAssignmentRule {
            pattern: pattern.get_untracked(),
            number_id: (!chosen.is_empty()).then(|| NumberId::new(chosen)),
            agent_id: target.agent_id,
            group_id: target.group_id,
        };
        async move {
            api::numbers::create_rule(&request).await?;
            pattern.set(String::new());
            on_created();
            ApiResult::Ok(())
        }
    });
    let problem = failure(create);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        create.dispatch(());
    };
    let number_options = numbers
        .into_iter()
        .map(|number| view! { <option value=number.id.to_string()>{format!("{} ({})", number.label, number.phone_number)}</option> })
        .collect_view();
    view! {
        <form class="import-form settings-form" id="rule-new-form" on:submit=submit>
            <h3 class="import-subheading">"New rule"</h3>
            <label for="rule-new-pattern">"When the first text matches"</label>
            <input id="rule-new-pattern" maxlength="100" placeholder="refund*" bind:value=pattern />
            {move || field_error(problem, "pattern").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <label for="rule-new-number">"On"</label>
            <select id="rule-new-number" on:change=move |event| number.set(event_target_value(&event))>
                <option value="">"Any number"</option>
                {number_options}
            </select>
            <label for="rule-new-owner">"Give it to"</label>
            <select id="rule-new-owner" on:change=move |event| owner.set(event_target_value(&event))>
                <OwnerOptions owners />
            </select>
            {move || field_error(problem, "agent_id").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <button type="submit" class="button button-primary" id="rule-new-save" disabled=create.pending()>"Add rule"</button>
            <FormAlert problem />
        </form>
    }
}
