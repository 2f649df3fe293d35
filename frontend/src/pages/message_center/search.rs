//! One search box over open and closed conversations: contact name, phone number in any
//! format, message text, conversation number. Results replace the list while a search is on;
//! each opens its conversation at the matching message.

use leptos::prelude::*;
use textdesk_types::search::{Highlight, SearchHit};

use crate::api::{self, ApiResult};
use crate::components::{LoadError, Loading};

/// The search box. `text` holds what is searched for; empty means no search.
#[component]
pub fn SearchBox(text: RwSignal<String>) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(input) = input.get_untracked() {
            text.set(input.value().trim().to_owned());
        }
    };
    view! {
        <form class="search" role="search" on:submit=submit>
            <label class="visually-hidden" for="search-input">"Search conversations"</label>
            <input
                id="search-input"
                node_ref=input
                type="search"
                placeholder="Search name, number, text or #"
                maxlength="200"
                on:input=move |event| {
                    if event_target_value(&event).trim().is_empty() {
                        text.set(String::new());
                    }
                }
            />
            <button type="submit" class="button">"Search"</button>
        </form>
    }
}

/// The snippet with its matching parts marked.
fn marked(snippet: &str, highlights: &[Highlight]) -> impl IntoView + use<> {
    let chars: Vec<char> = snippet.chars().collect();
    let mut parts = Vec::new();
    let mut at = 0usize;
    for highlight in highlights {
        let (start, end) = (highlight.start as usize, (highlight.end as usize).min(chars.len()));
        if start < at || start >= end {
            continue;
        }
        parts.push((chars[at..start].iter().collect::<String>(), false));
        parts.push((chars[start..end].iter().collect::<String>(), true));
        at = end;
    }
    parts.push((chars[at.min(chars.len())..].iter().collect::<String>(), false));
    parts
        .into_iter()
        .map(|(part, hit)| {
            if hit {
                view! { <mark>{part}</mark> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

fn hit_href(hit: &SearchHit) -> String {
    match &hit.message_id {
        Some(message) => format!("/conversations/{}?around={message}", hit.conversation.id),
        None => format!("/conversations/{}", hit.conversation.id),
    }
}

/// The results of the search in `text`, best first.
#[component]
pub fn SearchResults(text: RwSignal<String>) -> impl IntoView {
    let results = LocalResource::new(move || {
        let wanted = text.get();
        async move { ApiResult::Ok(api::views::search(wanted).await?.items) }
    });
    view! {
        <div class="conversation-list search-results">
            <p class="search-heading">
                <span>{move || format!("Results for “{}”", text.get())}</span>
                <button type="button" class="button button-quiet" id="search-clear" on:click=move |_| text.set(String::new())>
                    "Clear search"
                </button>
            </p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(hits) if hits.is_empty() => view! { <p class="list-empty">"Nothing found."</p> }.into_any(),
                        Ok(hits) => view! {
                            <ul aria-label="Search results">
                                {hits
                                    .into_iter()
                                    .map(|hit| {
                                        view! {
                                            <li>
                                                <a class="conversation-row search-hit" href=hit_href(&hit)>
                                                    <span class="conversation-who">{hit.conversation.contact_name.clone()}</span>
                                                    <span class="conversation-number">{format!("#{}", hit.conversation.number)}</span>
                                                    <span class="conversation-preview">{marked(&hit.snippet, &hit.highlights)}</span>
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(problem) => view! { <LoadError problem=*problem /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
