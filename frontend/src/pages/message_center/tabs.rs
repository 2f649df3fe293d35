//! Several conversations open at once, as tabs above the reading pane (seed: "Concurrent
//! Conversations"). A tab in the background blinks when its conversation gets a message.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use textdesk_types::ConversationId;
use textdesk_types::events::{Change, ChangeKind};

use super::views::ViewKey;
use crate::live::LiveFeed;

/// Most tabs kept; opening another drops the one opened longest ago.
const MOST: usize = 6;

#[derive(Clone, Debug, PartialEq)]
struct Tab {
    id: ConversationId,
    /// The contact's name or number, once the pane has shown it.
    name: String,
    blinking: bool,
}

/// The open tabs; the reading pane names its tab once it knows the contact.
#[derive(Clone, Copy)]
pub struct Tabs(RwSignal<Vec<Tab>>);

impl Tabs {
    pub fn name(self, id: &ConversationId, name: String) {
        self.0.update(|tabs| {
            if let Some(tab) = tabs.iter_mut().find(|tab| &tab.id == id) {
                tab.name = name;
            }
        });
    }
}

/// Keeps a tab for each conversation opened, and shows them; provides [`Tabs`].
#[component]
pub fn ConversationTabs(selected: Memo<Option<ConversationId>>, view: Memo<ViewKey>) -> impl IntoView {
    let tabs = Tabs(RwSignal::new(Vec::new()));
    provide_context(tabs);
    Effect::new(move |_| {
        let Some(open) = selected.get() else {
            return;
        };
        tabs.0.update(|list| match list.iter_mut().find(|tab| tab.id == open) {
            Some(tab) => tab.blinking = false,
            None => {
                if list.len() >= MOST {
                    list.remove(0);
                }
                list.push(Tab {
                    id: open,
                    name: String::new(),
                    blinking: false,
                });
            }
        });
    });
    LiveFeed::expect().subscribe(
        &[ChangeKind::MessageAdded],
        move |events| {
            let current = selected.get_untracked();
            tabs.0.update(|list| {
                for event in &events {
                    if let Change::MessageAdded(added) = &event.change
                        && current.as_ref() != Some(&added.conversation_id)
                        && let Some(tab) = list.iter_mut().find(|tab| tab.id == added.conversation_id)
                    {
                        tab.blinking = true;
                    }
                }
            });
        },
        || {},
    );
    let navigate = use_navigate();
    let close = move |id: ConversationId| {
        let mut next = None;
        tabs.0.update(|list| {
            list.retain(|tab| tab.id != id);
            next = list.last().map(|tab| tab.id.clone());
        });
        if selected.get_untracked().as_ref() == Some(&id) {
            let query = view.get_untracked().query();
            let path = next.map_or_else(|| format!("/{query}"), |next| format!("/conversations/{next}{query}"));
            navigate(&path, NavigateOptions::default());
        }
    };
    let close = StoredValue::new_local(close);
    view! {
        <Show when=move || tabs.0.with(|list| list.len() > 1)>
            <nav class="pane-tabs" aria-label="Open conversations">
                <For each=move || tabs.0.get() key=|tab| (tab.id.clone(), tab.name.clone(), tab.blinking) let:tab>
                    {
                        let id = tab.id.clone();
                        let current = Memo::new(move |_| selected.with(|open| open.as_ref() == Some(&id)));
                        let name = if tab.name.is_empty() { "Conversation".to_owned() } else { tab.name.clone() };
                        let closing = tab.id.clone();
                        view! {
                            <span class="pane-tab" class:blinking=tab.blinking class:current=current>
                                <a
                                    href=move || format!("/conversations/{}{}", tab.id, view.get().query())
                                    aria-current=move || current.get().then_some("page")
                                >
                                    {name.clone()}
                                    {tab.blinking.then(|| view! { <span class="visually-hidden">" (new message)"</span> })}
                                </a>
                                <button type="button" class="pane-tab-close" aria-label=format!("Close the tab of {name}") on:click=move |_| close.with_value(|close| close(closing.clone()))>
                                    "×"
                                </button>
                            </span>
                        }
                    }
                </For>
            </nav>
        </Show>
    }
}
