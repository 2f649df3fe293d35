//! The composer's quick replies: a picker that puts one into the draft (it never sends by
//! itself), and "+", which saves the draft as a new one.

use leptos::ev::KeyboardEvent;
use leptos::html::{Input, Textarea};
use leptos::prelude::*;
use textdesk_types::quick_replies::{CreateQuickReply, QuickReply};

use super::composer::refusal;
use crate::api::{self, ApiResult};
use crate::pages::frame::CurrentAgent;

/// The byte offset of a UTF-16 position (what a text field's selection counts in).
fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (at, c) in text.char_indices() {
        if units >= utf16 as usize {
            return at;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Puts `body` into the draft where the cursor is (replacing a selection), and the cursor
/// after it.
pub(super) fn insert_at_cursor(draft: RwSignal<String>, textarea: NodeRef<Textarea>, body: &str) {
    let Some(field) = textarea.get_untracked() else {
        draft.update(|text| text.push_str(body));
        return;
    };
    let text = draft.get_untracked();
    let start = byte_offset(&text, field.selection_start().ok().flatten().unwrap_or(u32::MAX));
    let end = byte_offset(&text, field.selection_end().ok().flatten().unwrap_or(u32::MAX)).max(start);
    let inserted = [&text[..start], body, &text[end..]].concat();
    let cursor = text[..start].encode_utf16().count() + body.encode_utf16().count();
    draft.set(inserted.clone());
    // The bound value is written on the next tick; set it now so the cursor lands after the text.
    field.set_value(&inserted);
    let cursor = u32::try_from(cursor).unwrap_or(u32::MAX);
    let _ = field.set_selection_range(cursor, cursor);
    let _ = field.focus();
}

/// Whether a quick reply's title or text holds what was typed, in any case of the ASCII letters
/// (Unicode's lowercase tables would add 5 KB to the app's first load for the rest).
fn matches(reply: &QuickReply, query: &str) -> bool {
    let query = query.trim().to_ascii_lowercase();
    query.is_empty()
        || reply.title.to_ascii_lowercase().contains(&query)
        || reply.body.to_ascii_lowercase().contains(&query)
}

/// The list to pick from, searched as the agent types; ↑/↓ and Enter pick, Escape goes back to
/// the draft.
#[component]
pub fn QuickReplyPicker(draft: RwSignal<String>, textarea: NodeRef<Textarea>, open: RwSignal<bool>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let chosen = RwSignal::new(0usize);
    let search = NodeRef::<Input>::new();
    let replies = LocalResource::new(move || {
        // Read afresh each time the picker opens: another agent may have shared one since.
        open.track();
        api::quick_replies::list()
    });
    let shown = Memo::new(move |_| {
        let query = query.get();
        replies
            .get()
            .and_then(Result::ok)
            .map(|all| {
                all.into_iter()
                    .filter(|reply| matches(reply, &query))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    Effect::new(move |_| {
        if open.get() {
            query.set(String::new());
            chosen.set(0);
            if let Some(search) = search.get() {
                let _ = search.focus();
            }
        }
    });
    let close = move || {
        open.set(false);
        if let Some(field) = textarea.get_untracked() {
            let _ = field.focus();
        }
    };
    let pick = move |reply: &QuickReply| {
        open.set(false);
        insert_at_cursor(draft, textarea, &reply.body);
    };
    let on_keydown = move |event: KeyboardEvent| {
        let count = shown.with_untracked(Vec::len);
        match event.key().as_str() {
            "ArrowDown" if count > 0 => {
                event.prevent_default();
                chosen.update(|at| *at = (*at + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                event.prevent_default();
                chosen.update(|at| *at = (*at + count - 1) % count);
            }
            "Enter" => {
                event.prevent_default();
                if let Some(reply) = shown.with_untracked(|shown| shown.get(chosen.get_untracked()).cloned()) {
                    pick(&reply);
                }
            }
            "Escape" => {
                event.prevent_default();
                close();
            }
            _ => {}
        }
    };
    view! {
        <div class="quick-replies" id="quick-reply-picker" hidden=move || !open.get()>
            <label for="quick-reply-search" class="visually-hidden">"Search quick replies"</label>
            <input
                id="quick-reply-search"
                type="search"
                placeholder="Search quick replies…"
                autocomplete="off"
                role="combobox"
                aria-controls="quick-reply-list"
                aria-expanded="true"
                aria-activedescendant=move || format!("quick-reply-{}", chosen.get())
                node_ref=search
                prop:value=query
                on:input=move |event| {
                    query.set(event_target_value(&event));
                    chosen.set(0);
                }
                on:keydown=on_keydown
            />
            <ul id="quick-reply-list" role="listbox" aria-label="Quick replies">
                {move || {
                    shown
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(at, reply)| {
                            let scope = if reply.shared { "Shared" } else { "Yours" };
                            let picked = reply.clone();
                            view! {
                                <li
                                    role="option"
                                    id=format!("quick-reply-{at}")
                                    class="quick-reply"
                                    aria-selected=move || (chosen.get() == at).to_string()
                                    on:mousedown=move |event| event.prevent_default()
                                    on:click=move |_| pick(&picked)
                                >
                                    <span class="quick-reply-title">{reply.title.clone()}</span>
                                    <span class="quick-reply-scope">{scope}</span>
                                    <span class="quick-reply-body">{reply.body.clone()}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || {
                let none_saved = replies.get().and_then(Result::ok).map(|replies| replies.is_empty())?;
                let text = if none_saved {
                    "No quick replies yet: write a text and save it with “+”."
                } else if shown.with(Vec::is_empty) {
                    "No quick reply matches."
                } else {
                    return None;
                };
                Some(view! { <p class="hint" id="quick-reply-none">{text}</p> })
            }}
        </div>
    }
}

/// "+": saves the draft as a quick reply under a title, the agent's own or (owners and admins)
/// shared with everyone.
#[component]
pub fn SaveQuickReply(draft: RwSignal<String>) -> impl IntoView {
    let may_share =
        use_context::<CurrentAgent>().is_some_and(|CurrentAgent(agent)| agent.get_untracked().role.is_admin());
    let asking = RwSignal::new(false);
    let title = RwSignal::new(String::new());
    let shared = RwSignal::new(false);
    let title_field = NodeRef::<Input>::new();
    let save = Action::new_local(move |request: &CreateQuickReply| {
        let request = request.clone();
        async move {
            let saved = api::quick_replies::create(&request).await?;
            asking.set(false);
            title.set(String::new());
            ApiResult::Ok(saved)
        }
    });
    Effect::new(move |_| {
        if asking.get()
            && let Some(field) = title_field.get()
        {
            let _ = field.focus();
        }
    });
    let submit = move || {
        save.dispatch(CreateQuickReply {
            title: title.get_untracked(),
            body: draft.get_untracked(),
            shared: shared.get_untracked(),
        });
    };
    view! {
        <button
            type="button"
            class="button button-quiet"
            id="save-quick-reply"
            title="Save this text as a quick reply"
            aria-label="Save as quick reply"
            disabled=move || draft.with(|text| text.trim().is_empty())
            on:click=move |_| asking.update(|asking| *asking = !*asking)
        >
            "+"
        </button>
        <div class="quick-reply-save" hidden=move || !asking.get()>
            <label for="quick-reply-title">"Quick reply title"</label>
            <input
                id="quick-reply-title"
                maxlength="80"
                node_ref=title_field
                bind:value=title
                on:keydown=move |event: KeyboardEvent| match event.key().as_str() {
                    "Enter" => {
                        event.prevent_default();
                        submit();
                    }
                    "Escape" => asking.set(false),
                    _ => {}
                }
            />
            <Show when=move || may_share>
                <label class="checkbox">
                    <input type="checkbox" id="quick-reply-shared" bind:checked=shared />
                    " Share with every agent"
                </label>
            </Show>
            <button type="button" class="button" id="quick-reply-save" on:click=move |_| submit()>
                "Save"
            </button>
        </div>
        <span class="quick-reply-status" role="status" id="quick-reply-status">
            {move || match save.value().get() {
                Some(Ok(saved)) => format!("Saved “{}”", saved.title),
                Some(Err(problem)) => refusal(&problem),
                None => String::new(),
            }}
        </span>
    }
}
