//! The Mail outbox: the mail Textdesk wrote (notifications, reset links, notices), as its
//! readers' clients would show it. Without an SMTP server this is where mail stays, and where a
//! notification is answered as from a mail client, by the same road as a reply by email.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use textdesk_types::MailId;
use textdesk_types::mail::{InboundMailOutcome, Mail, MailKind, MailStatus, MailSummary};

use crate::api;
use crate::components::{Field, FormAlert, LoadError, Loading, PageTitle, failure};
use crate::pages::frame::CurrentAgent;
use crate::time::Moment;

/// How often the list looks for new mail: the worker writes notifications once a burst of
/// texts is over.
const REFRESH_EVERY: Duration = Duration::from_secs(5);

#[component]
pub fn MailOutbox() -> impl IntoView {
    let query = use_query_map();
    let selected = Memo::new(move |_| query.with(|query| query.get("id").map(MailId::new)));
    view! {
        <PageTitle text="Mail outbox" />
        <header class="page-header">
            <h1>"Mail outbox"</h1>
            <p class="lead">
                "Mail Textdesk wrote: notifications, reset links and notices. Without an SMTP server it stays here, "
                "and you answer a notification here as you would in your mail client."
            </p>
            <p class="page-links"><A href="/simulator">"Phone simulator"</A>": text the business as a customer."</p>
        </header>
        <div class="mail-outbox" class:has-selection=move || selected.with(Option::is_some)>
            <MailList selected />
            {move || selected.get().map(|id| view! { <MailReader id /> })}
        </div>
    }
}

#[component]
fn MailList(selected: Memo<Option<MailId>>) -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let interval = set_interval_with_handle(move || tick.update(|n| *n = n.wrapping_add(1)), REFRESH_EVERY);
    on_cleanup(move || {
        if let Ok(handle) = interval {
            handle.clear();
        }
    });
    let newest = LocalResource::new(move || {
        tick.track();
        api::mail::list(None)
    });
    let older = RwSignal::new(Vec::<MailSummary>::new());
    let next = RwSignal::new(None::<String>);
    let load_older = Action::new_local(move |cursor: &String| {
        let cursor = cursor.clone();
        async move {
            let page = api::mail::list(Some(cursor)).await?;
            older.update(|shown| shown.extend(page.items));
            next.set(page.next_cursor);
            api::ApiResult::Ok(())
        }
    });
    let row = move |mail: MailSummary| {
        let href = format!("/mail?id={}", mail.id);
        let current = move || (selected.get().as_ref() == Some(&mail.id)).then_some("page");
        view! {
            <li>
                <A href=href attr:class="mail-row" attr:aria-current=current>
                    <span class="mail-subject">{mail.subject}</span>
                    <span class="mail-meta">
                        {mail.to} " · " {kind_words(mail.kind)} " · " {status_words(mail.status)} " · "
                        <Moment at=mail.created_at short=true />
                    </span>
                </A>
            </li>
        }
    };
    view! {
        <section class="card mail-list" aria-label="Mail">
            <FormAlert problem=failure(load_older) />
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match newest.await {
                        Ok(page) if page.items.is_empty() => {
                            view! { <p class="muted" id="mail-none">"No mail yet. Notifications, reset links and notices appear here."</p> }.into_any()
                        }
                        Ok(page) => {
                            if older.with_untracked(Vec::is_empty) {
                                next.set(page.next_cursor.clone());
                            }
                            view! {
                                <ul class="mail-rows" id="mail-rows">
                                    {page.items.into_iter().map(row).collect_view()}
                                    {move || older.get().into_iter().map(row).collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(problem) => view! { <LoadError problem=*problem /> }.into_any(),
                    }
                })}
            </Transition>
            <Show when=move || next.with(Option::is_some)>
                <button
                    type="button"
                    class="button button-quiet"
                    id="mail-more"
                    on:click=move |_| {
                        if let Some(cursor) = next.get_untracked() {
                            load_older.dispatch(cursor);
                        }
                    }
                >
                    "Show older mail"
                </button>
            </Show>
        </section>
    }
}

fn kind_words(kind: MailKind) -> &'static str {
    match kind {
        MailKind::Notification => "notification",
        MailKind::PasswordReset => "reset link",
        MailKind::ReplyRefused => "reply not sent",
        MailKind::WebhookDisabled => "webhook notice",
    }
}

fn status_words(status: MailStatus) -> &'static str {
    match status {
        MailStatus::Queued => "waiting to be sent",
        MailStatus::Sent => "sent",
        MailStatus::Kept => "kept here",
        MailStatus::Failed => "could not be sent",
    }
}

#[component]
fn MailReader(id: MailId) -> impl IntoView {
    let mail = LocalResource::new(move || api::mail::get(id.clone()));
    view! {
        <section class="card mail-reader" aria-label="The mail">
            <A href="/mail" attr:class="button button-quiet mail-back">"← All mail"</A>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match mail.await {
                        Ok(mail) => view! { <MailView mail /> }.into_any(),
                        Err(problem) => view! { <LoadError problem=*problem /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn MailView(mail: Mail) -> impl IntoView {
    let me = use_context::<CurrentAgent>().map(|CurrentAgent(me)| me.with_untracked(|agent| agent.id.clone()));
    let answerable = mail.reply_to.is_some() && mail.agent_id.is_some() && mail.agent_id == me;
    let as_html = RwSignal::new(false);
    let html = mail.html_body.clone();
    let delivery = match (&mail.smtp_response, &mail.last_error) {
        (Some(answer), _) => format!("{} (the server answered {answer})", status_words(mail.status)),
        (None, Some(error)) => format!("{} (last try: {error})", status_words(mail.status)),
        _ => status_words(mail.status).to_owned(),
    };
    view! {
        <h2 class="mail-title" id="mail-title">{mail.subject.clone()}</h2>
        <dl class="mail-headers">
            <dt>"To"</dt>
            <dd id="mail-to">{mail.to.clone()}</dd>
            {mail.reply_to.clone().map(|reply_to| view! { <dt>"Reply to"</dt><dd id="mail-reply-to">{reply_to}</dd> })}
            <dt>"Written"</dt>
            <dd><Moment at=mail.created_at /></dd>
            <dt>"Delivery"</dt>
            <dd id="mail-status">{delivery}</dd>
        </dl>
        <div class="mail-body-tools">
            <button type="button" class="button button-quiet" aria-pressed=move || as_html.get().to_string() on:click=move |_| as_html.update(|on| *on = !*on)>
                {move || if as_html.get() { "Show as text" } else { "Show as HTML" }}
            </button>
        </div>
        {move || if as_html.get() {
            // No scripts, no forms, no same-origin access: the mail's HTML only draws.
            view! { <iframe class="mail-html" title="The mail as HTML" sandbox="" srcdoc=html.clone()></iframe> }.into_any()
        } else {
            view! { <div class="mail-text" id="mail-text">{linkified(&mail.text_body)}</div> }.into_any()
        }}
        {answerable.then(|| view! { <AnswerForm id=mail.id.clone() /> })}
    }
}

/// The text with its web addresses as links, line breaks kept.
fn linkified(text: &str) -> impl IntoView {
    text.lines()
        .map(|line| {
            let mut parts = Vec::new();
            for (index, word) in line.split(' ').enumerate() {
                if index > 0 {
                    parts.push(" ".into_any());
                }
                if word.starts_with("http://") || word.starts_with("https://") {
                    let address = word.trim_end_matches(['.', ',', ')', ']']);
                    let (href, label) = (address.to_owned(), address.to_owned());
                    parts.push(view! { <a href=href>{label}</a> }.into_any());
                    parts.push(word[address.len()..].to_owned().into_any());
                } else {
                    parts.push(word.to_owned().into_any());
                }
            }
            view! { <p class="mail-line">{parts}</p> }
        })
        .collect_view()
}

#[component]
fn AnswerForm(id: MailId) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let send = Action::new_local(move |text: &String| api::mail::answer(id.clone(), text.clone()));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        send.dispatch(text.get_untracked());
    };
    let outcome = move || {
        send.value().get().and_then(Result::ok).map(|outcome| match outcome {
            InboundMailOutcome::Sent { conversation_id, .. } => view! {
                <p class="alert alert-success" role="status" id="answer-outcome">
                    "Sent to the customer as a text. "
                    <A href=format!("/conversations/{conversation_id}")>"Open the conversation"</A>
                </p>
            }
            .into_any(),
            InboundMailOutcome::Refused { reason } | InboundMailOutcome::Ignored { reason } => view! {
                <p class="alert alert-error" role="status" id="answer-outcome">{format!("Not sent: {reason}")}</p>
            }
            .into_any(),
        })
    };
    view! {
        <form class="form mail-answer" on:submit=on_submit>
            <h3>"Answer"</h3>
            <FormAlert problem=failure(send) />
            <Field label="Your reply" id="mail-answer" hint="Sent as a text to the customer, from you. The quoted mail is left out, as in a reply from your mail client.">
                <textarea id="mail-answer" rows="4" required bind:value=text></textarea>
            </Field>
            <button type="submit" class="button button-primary" id="mail-answer-send" disabled=send.pending()>"Send reply"</button>
            {outcome}
        </form>
    }
}
