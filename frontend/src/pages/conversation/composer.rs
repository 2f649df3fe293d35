//! The reply box of a conversation: counts SMS segments as the agent types, with the same
//! rules the server applies, and refuses what the server would refuse before it is sent. When
//! nothing can be texted to the contact, it is a box for internal notes, and says so.

use leptos::ev::KeyboardEvent;
use leptos::html::Textarea;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use textdesk_types::contacts::{Consent, Contact};
use textdesk_types::conversations::{Conversation, ConversationStatus, StartConversation};
use textdesk_types::merge::{self, Merged};
use textdesk_types::messages::{Message, MessagePurpose};
use textdesk_types::sending::{self, SendRefusal};
use textdesk_types::sms::{self, Encoding, LengthPolicy, SegmentCount};
use textdesk_types::{MediaId, ProblemDetails};

use super::Thread;
use super::attachments::{AttachButton, AttachmentList, Attachments};
use super::merge_fields::{MergeFieldMenu, first_message_start};
use super::quick_replies::{QuickReplyPicker, SaveQuickReply};
use crate::api::{self, ApiResult, Problem};
use crate::pages::frame::CurrentOrganization;
use crate::pages::message_center::views::ViewKey;
use crate::time;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Post {
    Reply,
    Note,
}

/// Why nothing can be texted to this contact in this conversation, if so. Whether the contact
/// may be texted is the server's own rule (`textdesk_types::sending`); only the wording is ours.
fn lock_reason(contact: &Contact, conversation: &Conversation, double_opt_in: bool, zone: &str) -> Option<String> {
    let name = contact.display_name();
    let refusal = sending::refusal(contact.recipient(), double_opt_in, MessagePurpose::Normal);
    if let Some(refusal) = refusal {
        return Some(match refusal {
            SendRefusal::OptedOut { since } => {
                let since = since
                    .map(|at| format!(" on {}", time::day(zone, at)))
                    .unwrap_or_default();
                format!("{name} opted out of texts{since} — messages cannot be sent.")
            }
            SendRefusal::ConsentDeclined => format!("{name} declined consent to texts — messages cannot be sent."),
            SendRefusal::ConsentPending => {
                format!("{name} has not confirmed their consent yet — messages cannot be sent until they reply YES.")
            }
        });
    }
    (conversation.status == ConversationStatus::Closed)
        .then(|| "This conversation is closed — replies cannot be sent in it.".to_owned())
}

/// The server's reason, as one sentence: a field error says it better than the title.
pub(super) fn refusal(problem: &Problem) -> String {
    problem
        .errors
        .first()
        .map(|error| error.message.clone())
        .unwrap_or_else(|| problem.message())
}

#[component]
pub fn Composer(thread: Thread) -> impl IntoView {
    let settings = use_context::<CurrentOrganization>().map(|CurrentOrganization(org)| org.settings);
    let concatenation_allowed = settings.as_ref().is_none_or(|s| s.concatenation_allowed);
    let mms_text_only = settings.as_ref().is_some_and(|s| s.mms_text_only);
    let double_opt_in = settings.as_ref().is_some_and(|s| s.double_opt_in);
    let name_tags = settings.as_ref().is_some_and(|s| s.name_tags_in_first_message);
    let draft = RwSignal::new(String::new());
    let attachments = Attachments::new();
    // With media the reply goes as MMS, whose text limit the organization may raise.
    let policy = Memo::new(move |_| LengthPolicy::for_message(concatenation_allowed, mms_text_only, attachments.any()));
    let textarea = NodeRef::<Textarea>::new();
    let zone = time::agent_zone();
    let lock = Memo::new(move |_| {
        thread.conversation.with(|conversation| {
            thread
                .contact
                .with(|contact| zone.with(|zone| lock_reason(contact, conversation, double_opt_in, zone)))
        })
    });
    // A conversation's first message may start with the contact's name tags (an organization's
    // choice); a note, where nothing can be texted, does not.
    if name_tags
        && lock.with_untracked(Option::is_none)
        && let Some(start) = first_message_start(thread)
    {
        draft.set(start);
    }
    // What is sent: the draft with its merge fields filled from the contact, counted and checked
    // by the rules and the very function the server applies.
    let merged = Memo::new(move |_| {
        draft.with(|text| {
            thread
                .contact
                .with(|contact| merge::merge(text, &contact.merge_values()))
        })
    });
    let has_fields = Memo::new(move |_| draft.with(|text| !merge::fields(text).is_empty()));
    let length = Memo::new(move |_| merged.with(|merged| sms::check_length(&merged.text, policy.get())));
    // Media may go without text.
    let text_ok = Memo::new(move |_| {
        length.with(Result::is_ok) || (attachments.any() && merged.with(|merged| merged.text.trim().is_empty()))
    });
    let picker_open = RwSignal::new(false);
    // A thread shows one conversation for its whole life.
    let conversation_id = thread.conversation.with_untracked(|c| c.id.clone());
    // The post not yet known to have arrived, with its idempotency key: sent again unchanged
    // (after a lost connection, say), it keeps its key, so the contact gets it once.
    let unanswered = StoredValue::new(None::<(Post, String, Vec<MediaId>, String)>);
    let post = Action::new_local(move |(kind, body): &(Post, String)| {
        let (kind, body) = (*kind, body.clone());
        let id = conversation_id.clone();
        let media = match kind {
            Post::Reply => attachments.ids(),
            Post::Note => Vec::new(),
        };
        let attempt = unanswered
            .with_value(|last| {
                last.as_ref()
                    .filter(|(k, b, m, _)| (*k, b, m) == (kind, &body, &media))
                    .map(|(.., key)| key.clone())
            })
            .unwrap_or_else(api::new_idempotency_key);
        unanswered.set_value(Some((kind, body.clone(), media.clone(), attempt.clone())));
        async move {
            let posted: ApiResult<Message> = match kind {
                Post::Reply => api::conversations::send_message(id, body.clone(), media.clone(), &attempt).await,
                Post::Note => api::conversations::add_note(id, body.clone(), &attempt).await,
            };
            let message = posted?;
            unanswered.set_value(None);
            thread.upsert(vec![message], false);
            attachments.clear_sent(&media);
            // Text typed while the message was on its way stays.
            draft.try_update(|text| {
                if *text == body {
                    text.clear();
                }
            });
            ApiResult::Ok(())
        }
    });
    let pending = post.pending();
    let can_send = Signal::derive(move || {
        lock.with(Option::is_none)
            && text_ok.get()
            && merged.with(|merged| merged.missing.is_empty())
            && !attachments.busy()
            && !pending.get()
    });
    let can_note = Signal::derive(move || draft.with(|text| !text.trim().is_empty()) && !pending.get());
    let submit = move |kind: Post| {
        let allowed = match kind {
            Post::Reply => can_send.get_untracked(),
            Post::Note => can_note.get_untracked(),
        };
        if allowed {
            post.dispatch((kind, draft.get_untracked()));
        }
        if let Some(textarea) = textarea.get_untracked() {
            let _ = textarea.focus();
        }
    };
    let locked = move || lock.with(Option::is_some);
    // Enter posts, Shift+Enter starts a new line; Enter while an input method composes a
    // character belongs to it. When the contact cannot be texted, Enter adds a note.
    let on_keydown = move |event: KeyboardEvent| {
        if event.key() == "/" && (event.ctrl_key() || event.meta_key()) {
            event.prevent_default();
            picker_open.update(|open| *open = !*open);
            return;
        }
        // Safari ends a composition with an Enter whose isComposing is false but keyCode 229.
        let composing = event.is_composing() || event.key_code() == 229;
        if event.key() == "Enter" && !event.shift_key() && !composing {
            event.prevent_default();
            submit(if locked() { Post::Note } else { Post::Reply });
        }
    };
    let problem = move || {
        post.value()
            .get()
            .and_then(Result::err)
            .map(|problem| refusal(&problem))
    };
    view! {
        <form
            class="composer"
            class:composer-locked=locked
            on:submit=move |event| {
                event.prevent_default();
                submit(if locked() { Post::Note } else { Post::Reply });
            }
        >
            {move || lock.get().map(|reason| view! { <div class="composer-lock" id="composer-lock" role="status">{reason}</div> })}
            <StartNew thread />
            <ConsentHint thread double_opt_in />
            <label for="composer-text" id="composer-label">
                {move || if locked() { "Internal note" } else { "Reply" }}
            </label>
            <textarea
                id="composer-text"
                node_ref=textarea
                rows="3"
                placeholder=move || if locked() { "Write an internal note…" } else { "Write a reply…" }
                aria-describedby=move || {
                    if locked() {
                        "composer-lock composer-keys composer-problem"
                    } else {
                        "composer-keys composer-counter composer-merged composer-missing composer-problem"
                    }
                }
                bind:value=draft
                on:keydown=on_keydown
            ></textarea>
            <div class="composer-footer">
                <p class="composer-keys" id="composer-keys">
                    {move || if locked() { "Enter adds the note" } else { "Enter sends" }}
                    " · Shift+Enter for a new line · Ctrl+/ quick replies"
                </p>
                // A note is not a text: it has no segments to count.
                <Show when=move || !locked()>
                    <Counter merged policy />
                </Show>
                <div class="composer-actions">
                    <MergeFieldMenu thread draft textarea disabled=Signal::derive(locked) />
                    <AttachButton attachments disabled=Signal::derive(locked) />
                    <button
                        type="button"
                        class="button button-quiet"
                        id="quick-replies"
                        aria-haspopup="listbox"
                        aria-expanded=move || picker_open.get().to_string()
                        on:click=move |_| picker_open.update(|open| *open = !*open)
                    >
                        "Quick replies"
                    </button>
                    <SaveQuickReply draft />
                    <button
                        type="button"
                        class="button"
                        class:button-quiet=move || !locked()
                        class:button-primary=locked
                        id="add-note"
                        disabled=move || !can_note.get()
                        on:click=move |_| submit(Post::Note)
                    >
                        "Add note"
                    </button>
                    <Show when=move || !locked()>
                        <button type="submit" class="button button-primary" id="send" disabled=move || !can_send.get()>
                            "Send"
                        </button>
                    </Show>
                </div>
            </div>
            <AttachmentList attachments />
            <QuickReplyPicker draft textarea open=picker_open />
            <MergeSummary merged has_fields locked=Signal::derive(locked) />
            <p class="composer-problem" id="composer-problem" role="alert">
                {move || {
                    let too_long = length.get().err().filter(|_| !text_ok.get() && !draft.with(String::is_empty) && !locked());
                    problem().or_else(|| too_long.map(|error| error.to_string()))
                }}
            </p>
        </form>
    }
}

/// On a closed conversation replies need a new one, with the same contact from the same number
/// (or the first one, when the closed one has none).
#[component]
fn StartNew(thread: Thread) -> impl IntoView {
    let view = ViewKey::current();
    let navigate = use_navigate();
    let start = Action::new_local(move |_: &()| {
        let (contact, number) = thread
            .conversation
            .with_untracked(|c| (c.contact_id.clone(), c.number_id.clone()));
        let navigate = navigate.clone();
        async move {
            let number = match number {
                Some(number) => number,
                None => api::numbers::list()
                    .await?
                    .into_iter()
                    .find(|number| number.enabled && !number.relay)
                    .map(|number| number.id)
                    .ok_or_else(|| {
                        Box::new(ProblemDetails::new(
                            0,
                            "no_number",
                            "There is no business number to text from",
                        ))
                    })?,
            };
            let request = StartConversation {
                to: None,
                contact_id: Some(contact),
                from_number_id: number,
                body: None,
            };
            let started = api::conversations::start(&request).await?;
            navigate(
                &["/conversations/", started.id.as_str(), &view.get_untracked().query()].concat(),
                Default::default(),
            );
            ApiResult::Ok(())
        }
    });
    view! {
        <div class="start-new" hidden=move || thread.conversation.with(|c| c.status != ConversationStatus::Closed)>
            <button
                type="button"
                class="button button-primary"
                id="start-new"
                disabled=start.pending()
                on:click=move |_| {
                    start.dispatch(());
                }
            >
                "Start a new conversation"
            </button>
            {move || start.value().get().and_then(Result::err).map(|problem| view! { <span role="alert">{problem.message()}</span> })}
        </div>
    }
}

/// Under plain consent rules a pending contact may still be texted; the agent should know.
#[component]
fn ConsentHint(thread: Thread, double_opt_in: bool) -> impl IntoView {
    move || {
        thread.contact.with(|contact| {
            (!double_opt_in && !contact.opted_out && contact.consent == Consent::Pending).then(|| {
                let text = format!("{} has not confirmed their consent yet.", contact.display_name());
                view! { <p class="hint" id="composer-consent">{text}</p> }
            })
        })
    }
}

fn counter_text(count: SegmentCount) -> (&'static str, String, String) {
    let encoding = match count.encoding {
        Encoding::Gsm7 => "GSM-7",
        Encoding::Ucs2 => "Unicode",
    };
    let segments = match count.segments {
        1 => "1 segment".to_owned(),
        n => format!("{n} segments"),
    };
    (encoding, segments, format!("{} left", count.remaining))
}

/// With merge fields in the draft: how long the text is as this contact will get it, and which
/// fields the contact has no value for (the text is not sent with a gap).
#[component]
fn MergeSummary(merged: Memo<Merged>, has_fields: Memo<bool>, locked: Signal<bool>) -> impl IntoView {
    let shown = move || has_fields.get() && !locked.get();
    view! {
        <p class="composer-merged" id="composer-merged" hidden=move || !shown()>
            {move || {
                merged.with(|merged| {
                    let characters = merged.text.chars().count();
                    format!("As sent, with the contact's details: {characters} characters")
                })
            }}
        </p>
        <p class="composer-missing" id="composer-missing" role="alert">
            {move || {
                merged.with(|merged| {
                    (shown() && !merged.missing.is_empty()).then(|| {
                        let names: Vec<String> = merged.missing.iter().map(|name| format!("{{{{{name}}}}}")).collect();
                        format!("This contact has no value for {} — fill it in or take it out to send.", names.join(", "))
                    })
                })
            }}
        </p>
    }
}

/// Encoding, segments and room left in the current segment of the text as it will be sent,
/// counted in the browser; for an MMS under the text-only limit, characters of that limit.
#[component]
fn Counter(merged: Memo<Merged>, policy: Memo<LengthPolicy>) -> impl IntoView {
    let counted = Memo::new(move |_| {
        merged.with(|merged| match policy.get() {
            LengthPolicy::MmsTextOnly => {
                let characters = merged.text.chars().count();
                let left = (sms::MMS_TEXT_MAX_CHARACTERS as usize).saturating_sub(characters);
                ("MMS", format!("{characters} characters"), format!("{left} left"))
            }
            _ => counter_text(sms::count(&merged.text)),
        })
    });
    view! {
        <p class="composer-counter" id="composer-counter">
            <span id="composer-encoding">{move || counted.get().0}</span>
            " · "
            <span id="composer-segments">{move || counted.get().1}</span>
            " · "
            <span id="composer-remaining" title="Characters left in this segment">{move || counted.get().2}</span>
        </p>
    }
}
