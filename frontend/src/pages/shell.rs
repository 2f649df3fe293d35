//! The signed-in app: the gate that sends people to setup or sign-in, the frame with its top
//! bar and navigation, and the inbox.

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;
use textdesk_types::agents::Agent;
use textdesk_types::conversations::{Conversation, ConversationStatus};
use textdesk_types::events::Change;
use textdesk_types::messages::Direction;
use textdesk_types::organization::Organization;

use crate::ui::{GoTo, LoadError, Loading, Logo, initials};
use crate::{api, feed, session};

/// The signed-in agent, for the pages inside the frame. Saving the profile updates it, and the
/// top bar follows.
#[derive(Clone, Copy)]
pub struct CurrentAgent(pub RwSignal<Agent>);

/// The organization as it was when the app loaded, for the rules its settings set.
#[derive(Clone)]
pub struct CurrentOrganization(pub Organization);

/// A server without a workspace goes to setup; otherwise a visitor without a session goes to
/// sign-in; everyone else gets the app.
#[component]
pub fn Shell() -> impl IntoView {
    let setup = LocalResource::new(api::setup_status);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match setup.await {
                    Ok(status) if status.needs_setup => {
                        // Tokens kept from before the database was emptied are worthless.
                        session::clear();
                        view! { <GoTo path="/setup" /> }.into_any()
                    }
                    Ok(_) => view! { <SignedIn /> }.into_any(),
                    Err(problem) => view! { <div class="page-center"><LoadError problem=*problem /></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Watches the session, so signing out here or in another tab, and the server refusing the
/// tokens, all lead to the sign-in page.
#[component]
fn SignedIn() -> impl IntoView {
    move || {
        if session::is_signed_in() {
            view! { <Workspace /> }.into_any()
        } else {
            view! { <GoTo path="/login" /> }.into_any()
        }
    }
}

#[component]
fn Workspace() -> impl IntoView {
    let me = LocalResource::new(api::me);
    let organization = LocalResource::new(api::organization);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match (me.await, organization.await) {
                    (Ok(agent), Ok(organization)) => view! { <Frame agent organization /> }.into_any(),
                    (Err(problem), _) | (_, Err(problem)) => {
                        view! { <div class="page-center"><LoadError problem=*problem /></div> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Frame(agent: Agent, organization: Organization) -> impl IntoView {
    let me = RwSignal::new(agent);
    provide_context(CurrentAgent(me));
    let name = organization.name.clone();
    provide_context(CurrentOrganization(organization));
    let sign_out = Action::new_local(|_: &()| api::logout());
    view! {
        <div class="app">
            <header class="topbar">
                <div class="topbar-brand">
                    <Logo />
                    <span>"Textdesk"</span>
                </div>
                <div class="topbar-org" id="org-name">{name}</div>
                <div class="topbar-account">
                    <span class="avatar">{move || me.with(initials)}</span>
                    <span id="current-agent">{move || me.with(|agent| agent.display_name().to_owned())}</span>
                    <button
                        type="button"
                        class="button button-quiet"
                        id="sign-out"
                        disabled=sign_out.pending()
                        on:click=move |_| {
                            sign_out.dispatch(());
                        }
                    >
                        "Sign out"
                    </button>
                </div>
            </header>
            <nav class="sidebar" aria-label="Main">
                <A href="/" exact=true>
                    "Inbox"
                </A>
                <A href="/team">"Team"</A>
                <A href="/profile">"Profile"</A>
                <A href="/simulator">"Phone simulator"</A>
            </nav>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}

/// Inbox views shown so far; only the newest one's feed follower keeps going.
static INBOX_VIEWS: AtomicU32 = AtomicU32::new(0);

/// The conversations, kept current by the change feed: a customer's new text moves its row to
/// the top, bold, without a reload.
#[component]
pub fn Inbox() -> impl IntoView {
    let conversations = LocalResource::new(api::conversations);
    let following = StoredValue::new(false);
    // The inbox view's owner outlives the view (it belongs to the enclosing route), so the
    // follower stops itself once another page is shown or a newer inbox view has its own.
    let generation = INBOX_VIEWS.fetch_add(1, Ordering::Relaxed) + 1;
    let location = use_location();
    let inbox_shown =
        move || INBOX_VIEWS.load(Ordering::Relaxed) == generation && location.pathname.get_untracked() == "/";
    // Started from the effect below but not owned by it: the effect runs again after every
    // reload of the list, and its cleanup would stop the follower each time.
    let follower_owner = Owner::new();
    Effect::new(move |_| {
        let cursor = conversations.with(|loaded| {
            loaded
                .as_ref()
                .and_then(|page| page.as_ref().ok())
                .map(|page| page.feed_cursor.clone().unwrap_or_else(|| "0".to_owned()))
        });
        // The first load's cursor: later loads only catch up with what the feed announced.
        let Some(cursor) = cursor.filter(|_| !following.get_value()) else {
            return;
        };
        following.set_value(true);
        follower_owner.with(|| {
            feed::follow(
                cursor,
                inbox_shown,
                move |events| async move {
                    if events.iter().any(|event| changes_the_list(&event.change)) {
                        conversations.refetch();
                    }
                },
                move || async move { conversations.refetch() },
            );
        });
    });
    view! {
        <header class="page-header">
            <h1>"Inbox"</h1>
        </header>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match conversations.await {
                    Ok(page) if page.items.is_empty() => view! { <EmptyInbox /> }.into_any(),
                    Ok(page) => view! { <ConversationList conversations=page.items /> }.into_any(),
                    Err(problem) => view! { <LoadError problem=*problem /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Whether a change can move, add or restyle a row of the list.
fn changes_the_list(change: &Change) -> bool {
    match change {
        Change::ConversationChanged(_)
        | Change::MessageAdded(_)
        | Change::MessageStatusChanged(_)
        | Change::ReadStateChanged(_)
        | Change::ContactChanged(_) => true,
        Change::MessageMediaChanged(_) => false,
    }
}

#[component]
fn EmptyInbox() -> impl IntoView {
    view! {
        <section class="empty-state">
            <div class="empty-icon" aria-hidden="true">
                <Logo />
            </div>
            <h2>"No conversations yet"</h2>
            <p>"Conversations arrive here once a number is connected and customers text it."</p>
        </section>
    }
}

/// The conversations, newest activity first; unread ones in bold, as agents expect. Each row
/// opens its conversation.
#[component]
fn ConversationList(conversations: Vec<Conversation>) -> impl IntoView {
    view! {
        <section class="card conversation-list">
            <ul>
                {conversations
                    .into_iter()
                    .map(|conversation| {
                        let closed = conversation.status == ConversationStatus::Closed;
                        let replied = conversation.last_direction == Some(Direction::Outbound);
                        let href = format!("/conversations/{}", conversation.id);
                        view! {
                            <li class="conversation-row" class:unread=conversation.unread>
                                <a class="conversation-link" href=href>
                                <span class="conversation-who">{conversation.contact_name.clone()}</span>
                                <span class="conversation-number">{format!("#{}", conversation.number)}</span>
                                {closed.then(|| view! { <span class="badge">"Closed"</span> })}
                                <span class="conversation-preview">
                                    {replied.then_some("↪ ")}
                                    {conversation.last_message_preview.clone()}
                                </span>
                                <time class="conversation-time">
                                    {conversation.last_message_at.format("%b %-d, %H:%M UTC").to_string()}
                                </time>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
