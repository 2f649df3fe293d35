//! The composer's "{ }" menu (seed 003's bracket icon): the merge fields a text may hold, each
//! put in where the cursor is; and the name tags an organization may start a conversation's
//! first message with.

use leptos::html::{Details, Textarea};
use leptos::prelude::*;
use textdesk_types::merge::{self, COMPANY_NAME, FIRST_NAME, LAST_NAME};

use super::Thread;
use super::quick_replies::insert_at_cursor;

/// The built-in fields, then the contact's own.
fn field_names(thread: Thread) -> Vec<String> {
    let mut names: Vec<String> = [FIRST_NAME, LAST_NAME, COMPANY_NAME].map(str::to_owned).to_vec();
    thread
        .contact
        .with(|contact| names.extend(contact.custom_fields.keys().cloned()));
    names
}

#[component]
pub fn MergeFieldMenu(
    thread: Thread,
    draft: RwSignal<String>,
    textarea: NodeRef<Textarea>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let menu = NodeRef::<Details>::new();
    let insert = move |name: &str| {
        insert_at_cursor(draft, textarea, &merge::tag(name));
        if let Some(menu) = menu.get_untracked() {
            menu.set_open(false);
        }
    };
    view! {
        <details class="merge-menu" node_ref=menu prop:hidden=disabled>
            <summary class="button button-quiet" id="merge-fields" title="Insert a merge field" aria-label="Insert a merge field">
                "{ }"
            </summary>
            <ul class="merge-menu-list" id="merge-field-list" aria-label="Merge fields">
                {move || {
                    field_names(thread)
                        .into_iter()
                        .map(|name| {
                            let shown = merge::tag(&name);
                            view! {
                                <li>
                                    <button type="button" class="merge-field" on:click=move |_| insert(&name)>
                                        {shown}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </details>
    }
}

/// What an organization with `name_tags_in_first_message` starts the draft with: the contact's
/// name tags, when no agent has written in the conversation yet (as far as the messages shown
/// tell: with older ones unread, nothing is assumed).
pub fn first_message_start(thread: Thread) -> Option<String> {
    use textdesk_types::messages::{AuthorKind, Direction};
    let all_shown = thread.older.with_untracked(Option::is_none);
    let agent_wrote = thread.messages.with_untracked(|messages| {
        messages
            .iter()
            .any(|message| message.direction == Direction::Outbound && message.author.kind == AuthorKind::Agent)
    });
    if !all_shown || agent_wrote {
        return None;
    }
    thread
        .contact
        .with_untracked(|contact| contact.merge_values().name_tags())
        .map(|tags| tags + " ")
}
