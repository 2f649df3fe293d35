//! The organization's agents and groups.

use std::collections::HashMap;

use leptos::prelude::*;
use textdesk_types::AgentId;
use textdesk_types::agents::{Agent, Role};
use textdesk_types::groups::Group;

use crate::api;
use crate::components::{LoadError, Loading, PageTitle, initials};

#[component]
pub fn Team() -> impl IntoView {
    let agents = LocalResource::new(api::agents::list);
    let groups = LocalResource::new(api::agents::groups);
    view! {
        <PageTitle text="Team" />
        <header class="page-header">
            <h1>"Team"</h1>
            <p class="lead">"Everyone who can sign in to this workspace, and the groups that share conversations."</p>
        </header>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match (agents.await, groups.await) {
                    (Ok(agents), Ok(groups)) => {
                        let names: HashMap<AgentId, String> = agents
                            .iter()
                            .map(|agent| (agent.id.clone(), full_name(agent)))
                            .collect();
                        view! {
                            <AgentTable agents />
                            <GroupList groups names />
                        }
                            .into_any()
                    }
                    (Err(problem), _) | (_, Err(problem)) => view! { <LoadError problem=*problem /> }.into_any(),
                }
            })}
        </Suspense>
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

#[component]
fn AgentTable(agents: Vec<Agent>) -> impl IntoView {
    let count = agents.len();
    view! {
        <section class="card">
            <h2 class="card-title">"Agents " <span class="count">{count}</span></h2>
            <table class="table" id="agents">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>{agents.into_iter().map(|agent| view! { <AgentRow agent /> }).collect_view()}</tbody>
            </table>
        </section>
    }
}

#[component]
fn AgentRow(agent: Agent) -> impl IntoView {
    let role = agent.role;
    view! {
        <tr class:disabled=agent.disabled>
            <td>
                <div class="person">
                    <span class="avatar">{initials(&agent)}</span>
                    <div>
                        <div class="person-name">{full_name(&agent)}</div>
                        <div class="muted">{agent.screenname.clone()}</div>
                        <div class="muted person-email">{agent.email.clone()}</div>
                    </div>
                </div>
            </td>
            <td>{agent.email.clone()}</td>
            <td>
                <span class=format!("badge badge-{}", role.as_str())>{role_label(role)}</span>
            </td>
            <td>
                {if agent.disabled {
                    view! { <span class="badge badge-disabled">"Disabled"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-active">"Active"</span> }.into_any()
                }}
            </td>
        </tr>
    }
}

#[component]
fn GroupList(groups: Vec<Group>, names: HashMap<AgentId, String>) -> impl IntoView {
    let body = if groups.is_empty() {
        view! { <p class="muted">"No groups yet."</p> }.into_any()
    } else {
        let cards = groups
            .into_iter()
            .map(|group| {
                let members = group.member_ids.iter().map(|id| member_name(&names, id)).collect();
                view! { <GroupCard name=group.name members /> }
            })
            .collect_view();
        view! { <div class="group-grid">{cards}</div> }.into_any()
    };
    view! {
        <section class="card">
            <h2 class="card-title">"Groups"</h2>
            {body}
        </section>
    }
}

/// Every agent was fetched, so a missing name only means an agent was added meanwhile; the id
/// still identifies them.
fn member_name(names: &HashMap<AgentId, String>, id: &AgentId) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_string())
}

#[component]
fn GroupCard(name: String, members: Vec<String>) -> impl IntoView {
    let count = match members.len() {
        1 => "1 member".to_owned(),
        n => format!("{n} members"),
    };
    view! {
        <article class="group">
            <h3>{name}</h3>
            <p class="muted">{count}</p>
            <ul class="chips">{members.into_iter().map(|member| view! { <li class="chip">{member}</li> }).collect_view()}</ul>
        </article>
    }
}
