//! The head of an open conversation: who, which conversation of their thread, its owner, its
//! business number and state, and what can be done to it: follow up, claim, transfer, end,
//! mark unread, delete.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use textdesk_types::agents::{Agent, Role};
use textdesk_types::contacts::Contact;
use textdesk_types::conversations::{Conversation, ConversationStatus, Transfer};
use textdesk_types::groups::Group;
use textdesk_types::numbers::Number;
use textdesk_types::presence::OnlineAgent;
use textdesk_types::{AgentId, GroupId};

use super::Thread;
use super::contact::Panel;
use crate::api::{self, ApiResult};
use crate::components::ExportButton;
use crate::pages::frame::{CurrentAgent, CurrentOrganization};
use crate::pages::message_center::views::ViewKey;
use crate::time::{agent_zone, long};

/// What the header's buttons do; one action runs them all.
#[derive(Clone)]
enum Op {
    FollowUp(bool),
    Claim,
    Transfer(Transfer),
    Close,
    Unread,
    Delete,
}

/// Who may own the conversation, for the transfer form; loaded when the form opens.
#[derive(Clone, Default)]
struct Candidates {
    agents: Vec<Agent>,
    online: Vec<OnlineAgent>,
}

fn confirm(question: &str) -> bool {
    window().confirm_with_message(question).unwrap_or(false)
}

/// The transfer form's choice, `a:<agent>`, `g:<group>`, `g:<group>:<agent>` or empty (nobody).
fn transfer_of(choice: &str) -> Transfer {
    let mut parts = choice.split(':');
    let kind = parts.next().unwrap_or_default();
    let first = parts.next().map(str::to_owned);
    let second = parts.next().map(AgentId::new);
    match kind {
        "a" => Transfer {
            agent_id: first.map(AgentId::new),
            group_id: None,
        },
        "g" => Transfer {
            agent_id: second,
            group_id: first.map(GroupId::new),
        },
        _ => Transfer::default(),
    }
}

#[component]
pub fn ConversationHeader(thread: Thread) -> impl IntoView {
    let conversation = thread.conversation;
    let contact = thread.contact;
    let view = ViewKey::current();
    let zone = agent_zone();
    let me = use_context::<CurrentAgent>().map(|CurrentAgent(me)| me.get_untracked());
    let my_id = me.as_ref().map(|agent| agent.id.clone());
    let may_delete = me.as_ref().is_some_and(|agent| agent.role != Role::Agent)
        || use_context::<CurrentOrganization>().is_some_and(|CurrentOrganization(org)| org.settings.agents_may_delete);
    let groups = RwSignal::new(Vec::<Group>::new());
    let numbers = RwSignal::new(Vec::<Number>::new());
    spawn_local(async move {
        let (found_groups, found_numbers) =
            futures_util::future::join(api::agents::groups(), api::numbers::list()).await;
        groups.try_set(found_groups.unwrap_or_default());
        numbers.try_set(found_numbers.unwrap_or_default());
    });
    let transfer_open = RwSignal::new(false);
    let navigate = use_navigate();
    let to_list = move || navigate(&["/", &view.get_untracked().query()].concat(), Default::default());
    let op = Action::new_local(move |op: &Op| {
        let op = op.clone();
        let id = thread.id();
        let to_list = to_list.clone();
        async move {
            let Some(id) = id else {
                return Ok(());
            };
            let changed: ApiResult<Option<Conversation>> = match op {
                Op::FollowUp(on) => api::conversations::set_follow_up(id, on).await.map(Some),
                Op::Claim => api::conversations::claim(id).await.map(Some),
                Op::Transfer(owner) => api::conversations::transfer(id, &owner).await.map(Some),
                Op::Close => api::conversations::close(id).await.map(Some),
                Op::Unread => api::conversations::mark_unread(id).await.map(|()| None),
                Op::Delete => api::conversations::delete(id).await.map(|()| None),
            };
            let changed = changed?;
            transfer_open.try_set(false);
            match changed {
                Some(changed) => {
                    conversation.try_set(changed);
                    // The system note the change added.
                    thread.refresh_messages().await;
                }
                // Marked unread or gone: back to the list, which shows it so.
                None => to_list(),
            }
            ApiResult::Ok(())
        }
    });
    let pending = op.pending();
    let closed = Memo::new(move |_| conversation.with(|c| c.status == ConversationStatus::Closed));
    let follow_up = Memo::new(move |_| conversation.with(|c| c.follow_up));
    let mine = Memo::new(move |_| conversation.with(|c| c.owner_agent_id.is_some() && c.owner_agent_id == my_id));
    let owner = move || {
        conversation.with(|c| {
            let agent = c.owner_agent_id.as_ref().map(|id| {
                thread
                    .names
                    .with_value(|names| names.get(id).cloned().unwrap_or_else(|| "an agent".to_owned()))
            });
            let group = c.owner_group_id.as_ref().map(|id| {
                groups.with(|groups| {
                    groups
                        .iter()
                        .find(|group| group.id == *id)
                        .map_or_else(|| "a group".to_owned(), |group| group.name.clone())
                })
            });
            let mut text = match (agent, group) {
                (None, None) => "Unassigned".to_owned(),
                (Some(agent), Some(group)) => ["Owner: ", &agent, " · ", &group].concat(),
                (Some(name), None) | (None, Some(name)) => ["Owner: ", &name].concat(),
            };
            if c.awaiting_agent {
                text.push_str(" · waiting for a member to come online");
            }
            text
        })
    };
    let line = move || {
        let id = conversation.with(|c| c.number_id.clone())?;
        numbers.with(|numbers| {
            numbers
                .iter()
                .find(|number| number.id == id)
                .map(|number| ["Line: ", &number.label, " (", &number.phone_number, ")"].concat())
        })
    };
    let act = move |event: leptos::ev::MouseEvent| {
        let Some(button) = event_target::<web_sys::Element>(&event)
            .closest("button")
            .ok()
            .flatten()
        else {
            return;
        };
        let number = conversation.with_untracked(|c| c.number).to_string();
        let chosen = match button.id().as_str() {
            "follow-up" => Op::FollowUp(!follow_up.get_untracked()),
            "claim" => Op::Claim,
            "mark-unread" => Op::Unread,
            "end-conversation" => {
                if !confirm(&["End conversation #", &number, "? Replies will need a new conversation."].concat()) {
                    return;
                }
                Op::Close
            }
            "delete-conversation" => {
                let count = thread.messages.with_untracked(Vec::len).to_string();
                // An older page not read yet: there are more than those shown.
                let more = if thread.older.with_untracked(Option::is_none) {
                    ""
                } else {
                    "+"
                };
                let question = [
                    "Delete conversation #",
                    &number,
                    " and its ",
                    &count,
                    more,
                    " messages and media for good?",
                ]
                .concat();
                if !confirm(&question) {
                    return;
                }
                Op::Delete
            }
            _ => return,
        };
        op.dispatch(chosen);
    };
    view! {
        <header class="conversation-header">
            // On a phone the list is another screen; this leads back to it, in the same view.
            <a class="back-link" href=move || format!("/{}", view.get().query())>"← Conversations"</a>
            <div class="conversation-title">
                <h1 id="conversation-contact">{move || contact.with(Contact::display_name)}</h1>
                <span class="conversation-number" id="conversation-number">
                    {move || format!("#{}", conversation.with(|c| c.number))}
                </span>
                <span class="badge" class:badge-active=move || !closed.get() id="conversation-status">
                    {move || if closed.get() { "Closed" } else { "Open" }}
                </span>
                {move || contact.with(|c| c.opted_out).then(|| view! { <span class="badge badge-disabled">"Opted out"</span> })}
                {move || {
                    conversation
                        .with(|c| c.consent_message_sent_at)
                        .map(|at| {
                            let when = format!("The consent text went on {}", zone.with(|zone| long(zone, at)));
                            view! { <span class="badge" title=when>"Consent text sent"</span> }
                        })
                }}
            </div>
            <p class="conversation-facts">
                // A contact without a name is already headed by their number.
                {move || {
                    contact.with(|c| {
                        (c.display_name() != c.phone_number).then(|| view! { <span class="lead">{c.phone_number.clone()}</span> })
                    })
                }}
                // Seed 001's "Add contact", seed 002's "Create lead": name the number.
                {move || {
                    contact
                        .with(|c| c.display_name() == c.phone_number)
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="button button-quiet"
                                    id="add-contact"
                                    on:click=move |_| thread.panel.set(Panel::AddContact)
                                >
                                    "Add contact"
                                </button>
                            }
                        })
                }}
                <span id="conversation-owner">{owner}</span>
                <span id="conversation-line">{line}</span>
            </p>
            // One handler for every button, by its id.
            <fieldset
                class="conversation-actions"
                disabled=pending
                data-mine=move || mine.get().then_some("")
                data-closed=move || closed.get().then_some("")
                data-may-delete=may_delete.then_some("")
                on:click=act
            >
                <legend class="visually-hidden">"Conversation actions"</legend>
                <button
                    type="button"
                    class="button button-quiet follow-up"
                    id="follow-up"
                    aria-pressed=move || if follow_up.get() { "true" } else { "false" }
                    disabled=closed
                >
                    <span class="flag" aria-hidden="true">"⚑"</span>
                    " Follow-up"
                </button>
                <button type="button" class="button button-quiet" id="claim">
                    "Claim"
                </button>
                <TransferForm groups op open=transfer_open />
                <button type="button" class="button button-quiet" id="end-conversation">
                    "End conversation"
                </button>
                <button type="button" class="button button-quiet" id="mark-unread">
                    "Mark unread"
                </button>
                <button type="button" class="button button-quiet button-danger" id="delete-conversation">
                    "Delete"
                </button>
            </fieldset>
            <ExportConversation thread />
            <p class="pane-problem" id="conversation-problem" role="alert">
                {move || op.value().get().and_then(Result::err).map(|problem| problem.message())}
            </p>
        </header>
    }
}

/// "Transfer…": a small form choosing nobody, an agent (online ones marked), a group or an
/// agent within a group.
#[component]
fn TransferForm(groups: RwSignal<Vec<Group>>, op: Action<Op, ApiResult<()>>, open: RwSignal<bool>) -> impl IntoView {
    let candidates = RwSignal::new(None::<Candidates>);
    let choice = RwSignal::new(String::new());
    let on_toggle = move |event: leptos::ev::Event| {
        let now = event_target::<web_sys::Element>(&event).has_attribute("open");
        open.set(now);
        if now {
            spawn_local(async move {
                let (agents, online) = futures_util::future::join(api::agents::list(), api::presence::online()).await;
                candidates.try_set(Some(Candidates {
                    agents: agents
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|agent| !agent.disabled)
                        .collect(),
                    online: online.unwrap_or_default(),
                }));
            });
        }
    };
    let options = move || {
        candidates.with(|found| {
            let Some(found) = found else {
                return Vec::new();
            };
            let name = |agent: &Agent| {
                let online = found.online.iter().any(|online| online.agent_id == agent.id);
                [agent.display_name(), if online { " (online)" } else { "" }].concat()
            };
            let mut options: Vec<(String, String)> = found
                .agents
                .iter()
                .map(|agent| (["a:", agent.id.as_str()].concat(), name(agent)))
                .collect();
            groups.with(|groups| {
                for group in groups {
                    let id = group.id.as_str();
                    options.push((["g:", id].concat(), ["Group: ", &group.name].concat()));
                    for agent in found.agents.iter().filter(|agent| group.member_ids.contains(&agent.id)) {
                        options.push((
                            ["g:", id, ":", agent.id.as_str()].concat(),
                            [&group.name, " — ", &name(agent)].concat(),
                        ));
                    }
                }
            });
            options
        })
    };
    view! {
        <details class="transfer" prop:open=open on:toggle=on_toggle>
            <summary class="button button-quiet" id="transfer">
                "Transfer…"
            </summary>
            // Hidden while folded: a closed details' content still has boxes in Chromium.
            <form
                class="transfer-form"
                hidden=move || !open.get()
                on:submit=move |event| {
                    event.prevent_default();
                    op.dispatch(Op::Transfer(transfer_of(&choice.get_untracked())));
                }
            >
                <label for="transfer-to">"Transfer to"</label>
                <select id="transfer-to" on:change=move |event| choice.set(event_target_value(&event)) prop:value=choice>
                    <option value="">"Nobody"</option>
                    {move || {
                        options()
                            .into_iter()
                            .map(|(value, label)| view! { <option value=value>{label}</option> })
                            .collect_view()
                    }}
                </select>
                <button type="submit" class="button button-primary" id="transfer-submit">
                    "Transfer"
                </button>
            </form>
        </details>
    }
}

/// "Export…": the conversation's messages between two days at most seven apart (the last
/// week's by default), as CSV or a page to print.
#[component]
fn ExportConversation(thread: Thread) -> impl IntoView {
    let zone = agent_zone();
    let today = zone.with_untracked(|zone| crate::time::date_in(zone, chrono::Utc::now()));
    let from = RwSignal::new((today - chrono::Duration::days(6)).to_string());
    let until = RwSignal::new(today.to_string());
    let format = RwSignal::new("csv".to_owned());
    let query = Signal::derive(move || {
        let id = thread.conversation.with(|c| c.id.to_string());
        vec![
            ("conversation_id", id),
            ("from", from.get()),
            ("until", until.get()),
            ("format", format.get()),
        ]
    });
    view! {
        <details class="export-menu">
            <summary class="button button-quiet" id="export-conversation-open">"Export…"</summary>
            <div class="export-form">
                <label for="export-from">"From"</label>
                <input type="date" id="export-from" bind:value=from />
                <label for="export-until">"Until (at most 7 days)"</label>
                <input type="date" id="export-until" bind:value=until />
                <label for="export-format">"As"</label>
                <select id="export-format" on:change=move |event| format.set(event_target_value(&event))>
                    <option value="csv">"CSV for a spreadsheet"</option>
                    <option value="html">"A page to print"</option>
                </select>
                <ExportButton id="export-conversation" label="Download" query />
            </div>
        </details>
    }
}
