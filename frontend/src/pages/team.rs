//! The organization's agents and groups. Everyone sees who is on the team; owners and admins
//! also add agents, change their roles, disable them, make password-reset links, and create,
//! change and fill groups.

use std::collections::HashMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use textdesk_types::agents::{Agent, CreateAgent, PasswordResetLink, Role, UpdateAgent};
use textdesk_types::groups::{CreateGroup, Group, UpdateGroup};
use textdesk_types::numbers::Number;
use textdesk_types::{AgentId, GroupId};

use crate::api::{self, ApiResult};
use crate::components::{FormAlert, LoadError, Loading, PageTitle, failure, field_error, initials};
use crate::pages::frame::CurrentAgent;

/// What the signed-in agent may do here.
#[derive(Clone, Copy)]
struct Powers {
    admin: bool,
    owner: bool,
}

#[component]
pub fn Team() -> impl IntoView {
    let agents = LocalResource::new(api::agents::list);
    let groups = LocalResource::new(api::agents::groups);
    let role = use_context::<CurrentAgent>().map(|CurrentAgent(me)| me.with_untracked(|agent| agent.role));
    let powers = Powers {
        admin: role.is_some_and(Role::is_admin),
        owner: role == Some(Role::Owner),
    };
    let reload = move || {
        agents.refetch();
        groups.refetch();
    };
    view! {
        <PageTitle text="Team" />
        <header class="page-header">
            <h1>"Team"</h1>
            <p class="lead">"Everyone who can sign in to this workspace, and the groups that share conversations."</p>
        </header>
        {move || match (agents.get(), groups.get()) {
            (Some(Ok(agents)), Some(Ok(groups))) => {
                let names: HashMap<AgentId, String> = agents
                    .iter()
                    .map(|agent| (agent.id.clone(), full_name(agent)))
                    .collect();
                view! {
                    <AgentTable agents=agents.clone() powers on_changed=reload />
                    {powers.admin.then(|| view! { <NewAgentForm powers on_added=reload /> })}
                    <GroupList groups agents powers names on_changed=reload />
                }
                    .into_any()
            }
            (Some(Err(problem)), _) | (_, Some(Err(problem))) => view! { <LoadError problem=*problem /> }.into_any(),
            _ => view! { <Loading /> }.into_any(),
        }}
    }
}

fn full_name(agent: &Agent) -> String {
    format!("{} {}", agent.first_name, agent.last_name)
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Owner => "Owner",
        Role::Admin => "Admin",
        Role::Agent => "Agent",
    }
}

/// Roles the signed-in agent may give: only owners make owners.
fn roles_for(powers: Powers) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|role| powers.owner || *role != Role::Owner)
        .collect()
}

#[component]
fn AgentTable(
    agents: Vec<Agent>,
    powers: Powers,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let count = agents.len();
    let reset_link = RwSignal::new(None::<(String, PasswordResetLink)>);
    let change = Action::new_local(move |(id, changes): &(AgentId, UpdateAgent)| {
        let (id, changes) = (id.clone(), changes.clone());
        async move {
            api::agents::update(&id, &changes).await?;
            on_changed();
            ApiResult::Ok(())
        }
    });
    let make_link = Action::new_local(move |(id, name): &(AgentId, String)| {
        let (id, name) = (id.clone(), name.clone());
        async move {
            let link = api::agents::reset_link(&id).await?;
            reset_link.set(Some((name, link)));
            ApiResult::Ok(())
        }
    });
    let change_problem = failure(change);
    let link_problem = failure(make_link);
    // The numbers set aside for text relay, which admins give agents.
    let numbers = LocalResource::new(move || async move {
        if powers.admin {
            api::numbers::list().await.unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let relay_numbers = Signal::derive(move || {
        numbers
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|number| number.relay)
            .collect::<Vec<Number>>()
    });
    let rows = agents
        .into_iter()
        .map(|agent| view! { <AgentRow agent powers change make_link relay_numbers /> })
        .collect_view();
    view! {
        <section class="card">
            <h2 class="card-title">"Agents " <span class="count">{count}</span></h2>
            {move || reset_link.get().map(|(name, link)| view! { <ResetLinkBox name link on_done=move || reset_link.set(None) /> })}
            <div class="table-scroll" tabindex="0" role="region" aria-label="Agents">
                <table class="table data-table" id="agents">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Status"</th>
                            {powers.admin.then(|| view! { <th scope="col">"Text relay"</th> })}
                            {powers.admin.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <FormAlert problem=change_problem />
            <FormAlert problem=link_problem />
        </section>
    }
}

#[component]
fn AgentRow(
    agent: Agent,
    powers: Powers,
    change: Action<(AgentId, UpdateAgent), ApiResult<()>>,
    make_link: Action<(AgentId, String), ApiResult<()>>,
    relay_numbers: Signal<Vec<Number>>,
) -> impl IntoView {
    let role = agent.role;
    let name = full_name(&agent);
    // Only owners act on owners.
    let may_act = powers.admin && (powers.owner || role != Role::Owner);
    let id = agent.id.clone();
    let role_cell = if may_act {
        let id = id.clone();
        let options = roles_for(powers)
            .into_iter()
            .map(|choice| view! { <option value=choice.as_str() selected=choice == role>{role_label(choice)}</option> })
            .collect_view();
        view! {
            <select
                aria-label=format!("Role of {name}")
                on:change=move |event| {
                    let chosen = Role::ALL.into_iter().find(|role| role.as_str() == event_target_value(&event));
                    let changes = UpdateAgent { role: chosen, ..Default::default() };
                    change.dispatch((id.clone(), changes));
                }
            >
                {options}
            </select>
        }
        .into_any()
    } else {
        view! { <span class=format!("badge badge-{}", role.as_str())>{role_label(role)}</span> }.into_any()
    };
    let relay_cell = powers.admin.then(|| {
        if !may_act {
            return view! { <td data-label="Text relay"></td> }.into_any();
        }
        let id = id.clone();
        let current = agent.relay_number_id.clone();
        let label = format!("Relay number of {name}");
        let options = move || {
            relay_numbers
                .get()
                .into_iter()
                .map(|number| {
                    let selected = current.as_ref() == Some(&number.id);
                    view! { <option value=number.id.to_string() selected=selected>{number.phone_number}</option> }
                })
                .collect_view()
        };
        let has_none = agent.relay_number_id.is_none();
        view! {
            <td data-label="Text relay">
                <select
                    aria-label=label
                    on:change=move |event| {
                        let changes = UpdateAgent { relay_number_id: Some(event_target_value(&event)), ..Default::default() };
                        change.dispatch((id.clone(), changes));
                    }
                >
                    <option value="" selected=has_none>"None"</option>
                    {options}
                </select>
                {agent.relay_enabled.then(|| view! { <span class="muted">" on"</span> })}
            </td>
        }
        .into_any()
    });
    let actions = may_act.then(|| {
        let (toggle_id, link_id, link_name) = (id.clone(), id.clone(), name.clone());
        let disabled = agent.disabled;
        view! {
            <td data-label="">
                <button
                    type="button"
                    class="button button-quiet"
                    aria-label=format!("{} {name}", if disabled { "Enable" } else { "Disable" })
                    on:click=move |_| {
                        let changes = UpdateAgent { disabled: Some(!disabled), ..Default::default() };
                        change.dispatch((toggle_id.clone(), changes));
                    }
                >
                    {if disabled { "Enable" } else { "Disable" }}
                </button>
                <button
                    type="button"
                    class="button button-quiet"
                    aria-label=format!("Password-reset link for {name}")
                    on:click=move |_| {
                        make_link.dispatch((link_id.clone(), link_name.clone()));
                    }
                >
                    "Reset link"
                </button>
            </td>
        }
    });
    view! {
        <tr class:disabled=agent.disabled>
            <td data-label="Name">
                <div class="person">
                    <span class="avatar">{initials(&agent)}</span>
                    <div>
                        <div class="person-name">{name.clone()}</div>
                        <div class="muted">{agent.screenname.clone()}</div>
                        <div class="muted person-email">{agent.email.clone()}</div>
                    </div>
                </div>
            </td>
            <td data-label="Email">{agent.email.clone()}</td>
            <td data-label="Role">{role_cell}</td>
            <td data-label="Status">
                {if agent.disabled {
                    view! { <span class="badge badge-disabled">"Disabled"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-active">"Active"</span> }.into_any()
                }}
            </td>
            {relay_cell}
            {actions}
        </tr>
    }
}

/// A reset link just made: to be given to the agent, once.
#[component]
fn ResetLinkBox(name: String, link: PasswordResetLink, on_done: impl Fn() + Clone + 'static) -> impl IntoView {
    let copied = RwSignal::new(false);
    let url = link.reset_url.clone();
    view! {
        <div class="alert alert-success new-secret" role="status" id="reset-link-box">
            <p>
                <strong>{format!("A reset link for {name}.")}</strong>
                " Give it to them: it works once, for 24 hours."
            </p>
            <p class="secret-line"><code id="reset-link">{link.reset_url.clone()}</code></p>
            <p class="form-actions">
                <button type="button" class="button button-quiet" on:click=move |_| {
                    let _ = window().navigator().clipboard().write_text(&url);
                    copied.set(true);
                }>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
                <button type="button" class="button button-quiet" id="reset-link-done" on:click=move |_| on_done()>"Done"</button>
            </p>
        </div>
    }
}

#[component]
fn NewAgentForm(powers: Powers, on_added: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let add = Action::new_local(move |_: &()| {
        let request = CreateAgent {
            email: email.get_untracked(),
            password: password.get_untracked(),
            first_name: first_name.get_untracked(),
            last_name: last_name.get_untracked(),
            screenname: None,
            role: role.get_untracked(),
            time_zone: None,
        };
        async move {
            api::agents::create(&request).await?;
            for field in [email, first_name, last_name, password] {
                field.set(String::new());
            }
            on_added();
            ApiResult::Ok(())
        }
    });
    let problem = failure(add);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        add.dispatch(());
    };
    let error = move |field: &'static str| {
        move || {
            field_error(problem, field)
                .get()
                .map(|message| view! { <p class="field-error">{message}</p> })
        }
    };
    let options = roles_for(powers)
        .into_iter()
        .map(|choice| view! { <option value=choice.as_str() selected=choice == Role::Agent>{role_label(choice)}</option> })
        .collect_view();
    view! {
        <section class="card">
            <form class="import-form settings-form" id="agent-new-form" on:submit=submit>
                <h2 class="card-title">"Add an agent"</h2>
                <label for="agent-new-email">"Email"</label>
                <input id="agent-new-email" type="email" autocomplete="off" bind:value=email />
                {error("email")}
                <label for="agent-new-first">"First name"</label>
                <input id="agent-new-first" maxlength="50" bind:value=first_name />
                {error("first_name")}
                <label for="agent-new-last">"Last name"</label>
                <input id="agent-new-last" maxlength="50" bind:value=last_name />
                {error("last_name")}
                <label for="agent-new-role">"Role"</label>
                <select
                    id="agent-new-role"
                    on:change=move |event| {
                        let chosen = event_target_value(&event);
                        role.set(Role::ALL.into_iter().find(|role| role.as_str() == chosen).unwrap_or(Role::Agent));
                    }
                >
                    {options}
                </select>
                <label for="agent-new-password">"First password"</label>
                <input id="agent-new-password" type="password" autocomplete="new-password" bind:value=password />
                <p class="hint">"At least 10 characters. Give it to them; they can change it in their profile."</p>
                {error("password")}
                <button type="submit" class="button button-primary" id="agent-new-save" disabled=add.pending()>"Add agent"</button>
                <FormAlert problem />
            </form>
        </section>
    }
}

#[component]
fn GroupList(
    groups: Vec<Group>,
    agents: Vec<Agent>,
    powers: Powers,
    names: HashMap<AgentId, String>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let body = if groups.is_empty() {
        view! { <p class="muted">"No groups yet."</p> }.into_any()
    } else {
        let active: Vec<(AgentId, String)> = agents
            .iter()
            .filter(|agent| !agent.disabled)
            .map(|agent| (agent.id.clone(), full_name(agent)))
            .collect();
        let cards = groups
            .into_iter()
            .map(|group| view! { <GroupCard group names=names.clone() agents=active.clone() powers on_changed /> })
            .collect_view();
        view! { <div class="group-grid">{cards}</div> }.into_any()
    };
    view! {
        <section class="card">
            <h2 class="card-title">"Groups"</h2>
            {body}
            {powers.admin.then(|| view! { <NewGroupForm on_created=on_changed /> })}
        </section>
    }
}

/// Every agent was fetched, so a missing name only means an agent was added meanwhile; the id
/// still identifies them.
fn member_name(names: &HashMap<AgentId, String>, id: &AgentId) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_string())
}

/// What an admin does to a group.
#[derive(Clone)]
enum GroupChange {
    Update(UpdateGroup),
    Add(AgentId),
    Remove(AgentId),
    Delete,
}

#[component]
fn GroupCard(
    group: Group,
    names: HashMap<AgentId, String>,
    agents: Vec<(AgentId, String)>,
    powers: Powers,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id: GroupId = group.id.clone();
    let group_name = group.name.clone();
    let act = Action::new_local({
        let (id, group_name) = (id.clone(), group_name.clone());
        move |change: &GroupChange| {
            let (id, change, group_name) = (id.clone(), change.clone(), group_name.clone());
            async move {
                match change {
                    GroupChange::Update(changes) => {
                        api::agents::update_group(&id, &changes).await?;
                    }
                    GroupChange::Add(agent) => {
                        api::agents::add_member(&id, &agent).await?;
                    }
                    GroupChange::Remove(agent) => {
                        api::agents::remove_member(&id, &agent).await?;
                    }
                    GroupChange::Delete => {
                        let question = format!("Delete the group {group_name}? Its conversations keep their agents.");
                        if !window().confirm_with_message(&question).unwrap_or(false) {
                            return ApiResult::Ok(());
                        }
                        api::agents::delete_group(&id).await?;
                    }
                }
                on_changed();
                ApiResult::Ok(())
            }
        }
    });
    let problem = failure(act);
    let count = match group.member_ids.len() {
        1 => "1 member".to_owned(),
        n => format!("{n} members"),
    };
    let members = group
        .member_ids
        .iter()
        .map(|member| {
            let name = member_name(&names, member);
            let remove = powers.admin.then(|| {
                let member = member.clone();
                view! {
                    <button
                        type="button"
                        class="chip-remove"
                        aria-label=format!("Remove {name} from {}", group.name)
                        on:click=move |_| {
                            act.dispatch(GroupChange::Remove(member.clone()));
                        }
                    >
                        "×"
                    </button>
                }
            });
            view! { <li class="chip">{name.clone()}{remove}</li> }
        })
        .collect_view();
    let controls = powers.admin.then(|| {
        let outside: Vec<(AgentId, String)> = agents
            .into_iter()
            .filter(|(agent, _)| !group.member_ids.contains(agent))
            .collect();
        let chosen = RwSignal::new(String::new());
        let round_robin = group.round_robin;
        let rename = RwSignal::new(group.name.clone());
        let options = outside
            .into_iter()
            .map(|(agent, name)| view! { <option value=agent.to_string()>{name}</option> })
            .collect_view();
        let select_id = format!("group-{id}-add");
        let name_id = format!("group-{id}-name");
        view! {
            <div class="group-controls">
                <label for=select_id.clone()>"Add a member"</label>
                <div class="inline-form">
                    <select id=select_id on:change=move |event| chosen.set(event_target_value(&event))>
                        <option value="">"Choose an agent"</option>
                        {options}
                    </select>
                    <button type="button" class="button button-quiet" on:click=move |_| {
                        let agent = chosen.get_untracked();
                        if !agent.is_empty() {
                            act.dispatch(GroupChange::Add(AgentId::new(agent)));
                        }
                    }>
                        "Add"
                    </button>
                </div>
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=round_robin
                        on:change=move |event| {
                            let changes = UpdateGroup { name: None, round_robin: Some(event_target_checked(&event)) };
                            act.dispatch(GroupChange::Update(changes));
                        }
                    />
                    <span>"Round robin: new conversations go to online members in turn"</span>
                </label>
                <label for=name_id.clone()>"Name"</label>
                <div class="inline-form">
                    <input id=name_id maxlength="100" bind:value=rename />
                    <button type="button" class="button button-quiet" on:click=move |_| {
                        let changes = UpdateGroup { name: Some(rename.get_untracked()), round_robin: None };
                        act.dispatch(GroupChange::Update(changes));
                    }>
                        "Rename"
                    </button>
                </div>
                <button type="button" class="button button-quiet button-danger" on:click=move |_| {
                    act.dispatch(GroupChange::Delete);
                }>
                    "Delete group"
                </button>
            </div>
        }
    });
    view! {
        <article class="group" aria-label=group_name.clone()>
            <h3>{group_name.clone()}</h3>
            <p class="muted">{count} {group.round_robin.then_some(" · round robin")}</p>
            <ul class="chips">{members}</ul>
            {controls}
            <FormAlert problem />
        </article>
    }
}

#[component]
fn NewGroupForm(on_created: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let round_robin = RwSignal::new(false);
    let create = Action::new_local(move |_: &()| {
        let request = CreateGroup {
            name: name.get_untracked(),
            member_ids: Vec::new(),
            round_robin: round_robin.get_untracked(),
        };
        async move {
            api::agents::create_group(&request).await?;
            name.set(String::new());
            on_created();
            ApiResult::Ok(())
        }
    });
    let problem = failure(create);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        create.dispatch(());
    };
    view! {
        <form class="import-form settings-form" id="group-new-form" on:submit=submit>
            <h3 class="import-subheading">"New group"</h3>
            <label for="group-new-name">"Name"</label>
            <input id="group-new-name" maxlength="100" placeholder="Billing" bind:value=name />
            {move || field_error(problem, "name").get().map(|message| view! { <p class="field-error">{message}</p> })}
            <label class="check" for="group-new-round-robin">
                <input type="checkbox" id="group-new-round-robin" bind:checked=round_robin />
                <span>"Round robin"</span>
            </label>
            <button type="submit" class="button button-primary" id="group-new-save" disabled=create.pending()>"Create group"</button>
            <FormAlert problem />
        </form>
    }
}
