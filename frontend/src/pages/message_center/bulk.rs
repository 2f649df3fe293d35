//! Doing one thing to many conversations: the rows the agent ticked, or every conversation of
//! the view, closed, assigned or marked read at once.

use leptos::prelude::*;
use textdesk_types::conversations::BulkAction;
use textdesk_types::{AgentId, ConversationId, GroupId};

use super::views::ViewKey;
use crate::api::{self, ApiResult};
use crate::components::{ExportButton, FormAlert, failure};

/// The ticked rows, or the whole view.
#[derive(Clone, Copy)]
pub struct Selection {
    ids: RwSignal<Vec<ConversationId>>,
    whole_view: RwSignal<bool>,
}

impl Selection {
    pub fn new() -> Self {
        Self {
            ids: RwSignal::new(Vec::new()),
            whole_view: RwSignal::new(false),
        }
    }

    pub fn has(self, id: &ConversationId) -> bool {
        self.whole_view.get() || self.ids.with(|ids| ids.contains(id))
    }

    pub fn toggle(self, id: &ConversationId) {
        if self.whole_view.get_untracked() {
            self.whole_view.set(false);
        }
        self.ids.update(|ids| match ids.iter().position(|chosen| chosen == id) {
            Some(at) => {
                ids.remove(at);
            }
            None => ids.push(id.clone()),
        });
    }

    pub fn clear(self) {
        self.ids.try_set(Vec::new());
        self.whole_view.try_set(false);
    }

    fn is_empty(self) -> bool {
        !self.whole_view.get() && self.ids.with(Vec::is_empty)
    }
}

/// Who a bulk assignment names, as the `<select>` holds it: `a:<id>`, `g:<id>` or `nobody`.
fn owner_choice(value: &str) -> Option<BulkAction> {
    let (agent_id, group_id) = match value.split_once(':') {
        Some(("a", id)) => (Some(AgentId::new(id)), None),
        Some(("g", id)) => (None, Some(GroupId::new(id))),
        _ if value == "nobody" => (None, None),
        _ => return None,
    };
    Some(BulkAction::Assign { agent_id, group_id })
}

/// The enabled agents and the groups, as `<option>`s of an owner `<select>`.
async fn owner_options() -> ApiResult<Vec<(String, String)>> {
    let (agents, groups) = futures_util::future::join(api::agents::list(), api::agents::groups()).await;
    let mut options = vec![("nobody".to_owned(), "Nobody".to_owned())];
    options.extend(
        agents?
            .into_iter()
            .filter(|agent| !agent.disabled)
            .map(|agent| (format!("a:{}", agent.id), agent.display_name().to_owned())),
    );
    options.extend(groups?.into_iter().map(|group| (format!("g:{}", group.id), group.name)));
    Ok(options)
}

/// The bar above the list while rows are ticked.
#[component]
pub fn BulkBar(
    selection: Selection,
    view: Memo<ViewKey>,
    #[prop(into)] ids: Signal<Vec<ConversationId>>,
) -> impl IntoView {
    let run = Action::new_local(move |operation: &BulkAction| {
        let operation = operation.clone();
        let (chosen, whole) = (selection.ids.get_untracked(), selection.whole_view.get_untracked());
        let view = view.get_untracked();
        async move {
            let (chosen, view) = if whole {
                (Vec::new(), Some(view.0))
            } else {
                (chosen, None)
            };
            api::conversations::bulk(chosen, view, operation).await?;
            selection.clear();
            ApiResult::Ok(())
        }
    });
    let owners = LocalResource::new(owner_options);
    let count = move || {
        if selection.whole_view.get() {
            "Every conversation of this view selected".to_owned()
        } else {
            format!("{} selected", selection.ids.with(Vec::len))
        }
    };
    let close = move |_| {
        let sure = window()
            .confirm_with_message("Close the selected conversations?")
            .unwrap_or(false);
        if sure {
            run.dispatch(BulkAction::Close);
        }
    };
    let assign = move |event: leptos::ev::Event| {
        if let Some(operation) = owner_choice(&event_target_value(&event)) {
            run.dispatch(operation);
        }
    };
    view! {
        <Show when=move || !selection.is_empty()>
            <div class="bulk-bar" role="region" aria-label="Selected conversations">
                <span class="bulk-count" id="bulk-count">{count}</span>
                <Show when=move || !selection.whole_view.get()>
                    <button type="button" class="button button-quiet" id="select-view" on:click=move |_| selection.whole_view.set(true)>
                        "Select all in view"
                    </button>
                    <button
                        type="button"
                        class="button button-quiet"
                        on:click=move |_| selection.ids.set(ids.get_untracked())
                    >
                        "Select shown"
                    </button>
                </Show>
                <button type="button" class="button" id="bulk-close" disabled=run.pending() on:click=close>
                    "Close"
                </button>
                <button
                    type="button"
                    class="button"
                    id="bulk-read"
                    disabled=run.pending()
                    on:click=move |_| {
                        run.dispatch(BulkAction::MarkRead);
                    }
                >
                    "Mark read"
                </button>
                <ExportButton
                    id="bulk-export"
                    label="Export"
                    query=Signal::derive(move || {
                        if selection.whole_view.get() {
                            vec![("view", view.get().0)]
                        } else {
                            let ids = selection.ids.with(|ids| ids.iter().map(|id| id.as_str()).collect::<Vec<_>>().join(","));
                            vec![("conversation_ids", ids)]
                        }
                    })
                />
                <select class="bulk-assign" id="bulk-assign" aria-label="Assign the selected to" on:change=assign prop:value="">
                    <option value="">"Assign to…"</option>
                    {move || {
                        owners
                            .get()
                            .and_then(Result::ok)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(value, name)| view! { <option value=value>{name}</option> })
                            .collect_view()
                    }}
                </select>
                <button type="button" class="button button-quiet" on:click=move |_| selection.clear()>
                    "Clear"
                </button>
                <FormAlert problem=failure(run) />
            </div>
        </Show>
    }
}
