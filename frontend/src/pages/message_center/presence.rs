//! This tab says it has the Message Center open while it does, and shows who else has: the
//! agents round robin may choose from.

use leptos::prelude::*;
use leptos::task::spawn_local;
use textdesk_types::ConversationId;
use textdesk_types::presence::OnlineAgent;

use crate::api;

/// How often the tab says so; the server counts an agent gone 45 seconds after the last time.
const HEARTBEAT_MS: u32 = 20_000;

/// An id for this tab, fresh on each load.
fn tab_id() -> String {
    let random = web_sys::js_sys::Math::random();
    format!("tab-{:x}", (random * 1e15) as u64)
}

/// Beats while the Message Center is shown, saying which conversation it shows (whose agent
/// then gets no mail about it), and again at once when that changes; leaving it (another page,
/// signing out, closing the tab) says so at once. Keeps `online` current with each beat.
pub fn keep_present(online: RwSignal<Vec<OnlineAgent>>, selected: Memo<Option<ConversationId>>) {
    let tab = StoredValue::new(tab_id());
    let alive = StoredValue::new(true);
    let beat = move || {
        let id = tab.get_value();
        let showing = selected.get_untracked();
        spawn_local(async move {
            if api::presence::beat(id, showing).await.is_ok()
                && let Ok(agents) = api::presence::online().await
            {
                online.try_set(agents);
            }
        });
    };
    Effect::new(move |_| {
        selected.track();
        beat();
    });
    spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(HEARTBEAT_MS).await;
            if !alive.try_get_value().unwrap_or(false) {
                break;
            }
            beat();
        }
    });
    let leave = move || {
        let id = tab.get_value();
        spawn_local(async move {
            let _ = api::presence::leave(&id).await;
        });
    };
    let closing = window_event_listener(leptos::ev::pagehide, move |_| leave());
    on_cleanup(move || {
        alive.set_value(false);
        closing.remove();
        leave();
    });
}

/// "Online (3)", opening to the agents' names and emails.
#[component]
pub fn OnlineAgents(online: RwSignal<Vec<OnlineAgent>>) -> impl IntoView {
    view! {
        <details class="online">
            <summary id="online-toggle">{move || format!("Online ({})", online.with(Vec::len))}</summary>
            <ul class="online-list" aria-label="Agents online">
                {move || {
                    online
                        .get()
                        .into_iter()
                        .map(|agent| view! {
                            <li>
                                <a href="/team">{agent.name}</a>
                                <span class="online-email">{agent.email}</span>
                            </li>
                        })
                        .collect_view()
                }}
            </ul>
        </details>
    }
}
