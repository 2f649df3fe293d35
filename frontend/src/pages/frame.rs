//! The signed-in app's gate and frame: setup or sign-in for those who need them, then the top
//! bar with the main navigation around the page.
//!
//! Everything the first screen needs is asked for at once (the workspace's state, the agent,
//! the organization, the team's names, the views with their unread counts and, on the Message
//! Center, its first list), so the app is usable after one round trip instead of three in a row.

use std::collections::HashMap;

use futures_util::future::join;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;
use textdesk_types::agents::Agent;
use textdesk_types::conversations::Conversation;
use textdesk_types::organization::Organization;
use textdesk_types::views::ViewList;
use textdesk_types::{AgentId, Page, ProblemDetails};
use wasm_bindgen::JsCast;

use super::message_center::{self, views::ViewKey};
use crate::api::{self, ApiResult};
use crate::components::{ActionButton, GoTo, LoadError, Loading, Logo, initials};
use crate::idle_alert::IdleAlert;
use crate::inbox_views::InboxViews;
use crate::live::LiveFeed;
use crate::session;

/// The signed-in agent, for the pages inside the frame. Saving the profile updates it, and the
/// top bar and every time shown follow.
#[derive(Clone, Copy)]
pub struct CurrentAgent(pub RwSignal<Agent>);

/// The organization as it was when the app loaded, for the rules its settings set.
#[derive(Clone)]
pub struct CurrentOrganization(pub Organization);

/// The team's names by id, as they were when the app loaded, for the authors of messages.
#[derive(Clone, Copy)]
pub struct AgentNames(pub StoredValue<HashMap<AgentId, String>>);

/// The Message Center's first list, loaded with the rest of the first screen: its view and page.
#[derive(Clone, Copy)]
pub struct FirstList(pub StoredValue<Option<(ViewKey, Page<Conversation>)>>);

impl FirstList {
    /// The page, once, if it is the one `view` asks for.
    pub fn take(self, view: &ViewKey) -> Option<Page<Conversation>> {
        let taken = self.0.try_update_value(Option::take).flatten()?;
        (&taken.0 == view).then_some(taken.1)
    }
}

/// What the first screen needs, read in parallel.
#[derive(Clone)]
struct Workspace {
    agent: Agent,
    organization: Organization,
    agent_names: HashMap<AgentId, String>,
    views: ViewList,
    first_list: Option<(ViewKey, Page<Conversation>)>,
}

#[derive(Clone)]
enum Boot {
    NeedsSetup,
    SignedOut,
    Ready(Box<Workspace>),
}

/// The Message Center's view when the app opens on it.
fn message_center_view() -> Option<ViewKey> {
    let location = window().location();
    let path = location.pathname().ok()?;
    message_center::shows_at(&path).then(|| ViewKey::from_search(&location.search().unwrap_or_default()))
}

async fn boot() -> ApiResult<Boot> {
    if session::current().is_none() {
        return Ok(match api::auth::setup_status().await?.needs_setup {
            true => Boot::NeedsSetup,
            false => Boot::SignedOut,
        });
    }
    let first_view = message_center_view();
    let first_list = async move {
        match first_view {
            Some(view) => Some(
                api::conversations::list(view.filter(None), ViewKey::PAGE, None)
                    .await
                    .map(|page| (view, page)),
            ),
            None => None,
        }
    };
    let (((setup, agent), (organization, agents)), (views, first_list)) = join(
        join(
            join(api::auth::setup_status(), api::agents::me()),
            join(api::organization::get(), api::agents::list()),
        ),
        join(InboxViews::first(), first_list),
    )
    .await;
    if setup?.needs_setup {
        // Tokens kept from before the database was emptied are worthless.
        session::clear();
        return Ok(Boot::NeedsSetup);
    }
    let (agent, organization, views) = match (agent, organization, views) {
        (Ok(agent), Ok(organization), Ok(views)) => (agent, organization, views),
        // A refused session was cleared by the client, and the gate shows the sign-in page.
        (Err(problem), _, _) | (_, Err(problem), _) | (_, _, Err(problem)) if problem.status == 401 => {
            return Ok(Boot::SignedOut);
        }
        (Err(problem), _, _) | (_, Err(problem), _) | (_, _, Err(problem)) => return Err(problem),
    };
    // Names only make authors friendlier; without them the app still works.
    let agent_names = agents
        .unwrap_or_default()
        .into_iter()
        .map(|agent| (agent.id.clone(), agent.display_name().to_owned()))
        .collect();
    Ok(Boot::Ready(Box::new(Workspace {
        agent,
        organization,
        agent_names,
        views,
        first_list: first_list.and_then(Result::ok),
    })))
}

/// A server without a workspace goes to setup; a visitor without a session goes to sign-in;
/// everyone else gets the app, which follows the session: signing out here or in another tab,
/// and the server refusing the tokens, all lead to the sign-in page.
#[component]
pub fn Shell() -> impl IntoView {
    let booted = LocalResource::new(boot);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match booted.await {
                    Ok(Boot::NeedsSetup) => view! { <GoTo path="/setup" /> }.into_any(),
                    Ok(Boot::SignedOut) => view! { <GoTo path="/login" /> }.into_any(),
                    Ok(Boot::Ready(workspace)) => view! { <SignedIn workspace=*workspace /> }.into_any(),
                    Err(problem) => failed(*problem).into_any(),
                }
            })}
        </Suspense>
    }
}

fn failed(problem: ProblemDetails) -> impl IntoView {
    view! {
        <div class="page-center">
            <LoadError problem />
        </div>
    }
}

#[component]
fn SignedIn(workspace: Workspace) -> impl IntoView {
    let signed_in = Memo::new(|_| session::is_signed_in());
    let workspace = StoredValue::new(workspace);
    move || {
        if signed_in.get() {
            view! { <Frame workspace=workspace.get_value() /> }.into_any()
        } else {
            view! { <GoTo path="/login" /> }.into_any()
        }
    }
}

#[component]
fn Frame(workspace: Workspace) -> impl IntoView {
    let Workspace {
        agent,
        organization,
        agent_names,
        views,
        first_list,
    } = workspace;
    let feed = LiveFeed::start(views.feed_cursor.clone());
    provide_context(feed);
    provide_context(InboxViews::follow(feed, views));
    let me = RwSignal::new(agent);
    provide_context(CurrentAgent(me));
    let idle_seconds = Signal::derive(move || me.with(|agent| agent.idle_alert_seconds));
    provide_context(IdleAlert::watch(feed, idle_seconds));
    provide_context(AgentNames(StoredValue::new(agent_names)));
    provide_context(FirstList(StoredValue::new(first_list)));
    let name = organization.name.clone();
    provide_context(CurrentOrganization(organization));
    view! {
        <div class="app">
            <header class="topbar">
                <SkipToContent />
                <div class="topbar-brand">
                    <Logo />
                    <span class="topbar-product">"Textdesk"</span>
                    <span class="topbar-org" id="org-name">{name}</span>
                </div>
                <MainNavigation />
                <Account me />
            </header>
            // Its own boundary: a page that loads suspends itself, never the frame around it.
            <main class="content" id="main" tabindex="-1">
                <Suspense fallback=Loading>
                    <Outlet />
                </Suspense>
            </main>
        </div>
    }
}

/// The first stop of Tab: past the top bar to the page. A button, because the document's
/// `<base href="/">` would make `#main` a link to the inbox.
#[component]
fn SkipToContent() -> impl IntoView {
    let skip = |_| {
        let main = document()
            .get_element_by_id("main")
            .and_then(|main| main.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(main) = main {
            let _ = main.focus();
        }
    };
    view! {
        <button type="button" class="skip-link" on:click=skip>
            "Skip to content"
        </button>
    }
}

#[component]
fn MainNavigation() -> impl IntoView {
    let unread = expect_context::<InboxViews>();
    let is_admin = match use_context::<CurrentAgent>() {
        Some(CurrentAgent(me)) => Signal::derive(move || me.with(|agent| agent.role.is_admin())),
        None => Signal::stored(false),
    };
    // An endpoint Textdesk turned off after a day of failed deliveries is for its admins to see to.
    let webhook_trouble =
        LocalResource::new(
            move || async move { is_admin.get() && api::webhooks::any_failing().await.unwrap_or(false) },
        );
    let location = use_location();
    // The Message Center is the inbox whichever conversation it shows.
    let in_inbox = move || {
        location
            .pathname
            .with(|path| message_center::shows_at(path))
            .then_some("page")
    };
    view! {
        <nav class="main-nav" aria-label="Main">
            <a href="/" aria-current=in_inbox>
                "Inbox"
                {move || unread.label().map(|count| view! { <span class="nav-count" title="Conversations with unread messages">{count}</span> })}
            </a>
            <A href="/contacts">"Contacts"</A>
            <A href="/team">"Team"</A>
            <Show when=move || is_admin.get()>
                <A href="/settings">
                    "Settings"
                    {move || {
                        webhook_trouble.get().unwrap_or(false).then(|| view! {
                            <span class="nav-count nav-warning" id="settings-warning" title="A webhook endpoint was turned off after failing">
                                <span aria-hidden="true">"!"</span>
                                <span class="visually-hidden">" (a webhook endpoint was turned off after failing)"</span>
                            </span>
                        })
                    }}
                </A>
            </Show>
            // "Simulator" on a phone, where the links share 375 pixels; the Mail outbox is
            // reached from it there (each page links to the other).
            <A href="/simulator">
                <span>
                    <span class="nav-long">"Phone "</span>
                    <span class="nav-word">"simulator"</span>
                </span>
            </A>
            <A href="/mail" attr:class="nav-wide-only">"Mail outbox"</A>
        </nav>
    }
}

#[component]
fn Account(me: RwSignal<Agent>) -> impl IntoView {
    let sign_out = Action::new_local(|_: &()| api::auth::logout());
    view! {
        <div class="topbar-account">
            // The way to one's profile: the avatar stays when a phone hides the name.
            <a
                class="topbar-profile"
                href="/profile"
                aria-label=move || me.with(|agent| format!("Your profile ({})", agent.display_name()))
            >
                <span class="avatar" aria-hidden="true">{move || me.with(initials)}</span>
                <span class="topbar-name" id="current-agent">{move || me.with(|agent| agent.display_name().to_owned())}</span>
            </a>
            <ActionButton
                class="button button-quiet"
                id="sign-out"
                pending=sign_out.pending()
                on_click=move |_| {
                    sign_out.dispatch(());
                }
            >
                "Sign out"
            </ActionButton>
        </div>
    }
}
