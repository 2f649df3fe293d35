//! The Mail outbox: the mail Textdesk wrote, as its readers would see it. Agents read their
//! own; admins the organization's but for owners' reset links; owners all of it. With no SMTP
//! server configured it is where mail ends up, and where a newcomer answers it.

use textdesk_db::mails::{self, MailRow};
use textdesk_types::agents::Role;
use textdesk_types::mail::{InboundMailOutcome, Mail, MailAnswer, MailKind, MailSummary};
use textdesk_types::page::PageQuery;
use textdesk_types::{MailId, Page};

use super::inbound;
use super::{MailSettings, compose};
use crate::pagination::PageRequest;
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// The longest answer written in the outbox.
pub const ANSWER_MAX: usize = 10_000;

pub fn list(app: &AppContext, caller: &Caller, query: &PageQuery) -> AppResult<Page<MailSummary>> {
    caller.permits(Permission::ReadMail)?;
    let page = PageRequest::parse(query)?;
    let only_own = (caller.role == Role::Agent).then_some(&caller.agent_id);
    app.db.read(|conn| {
        let mut rows = Vec::new();
        let mut before = page.after.clone();
        // Rows the caller may not read are skipped, so a page is filled from further back.
        while rows.len() < usize::try_from(page.fetch()).unwrap_or(usize::MAX) {
            let batch = mails::page(conn, &caller.organization_id, only_own, before.as_deref(), page.fetch())?;
            let exhausted = i64::try_from(batch.len()).unwrap_or(i64::MAX) < page.fetch();
            before = batch.last().map(|row| row.id.to_string());
            for row in batch {
                if visible(conn, caller, &row)? {
                    rows.push(row.summary());
                }
            }
            if exhausted {
                break;
            }
        }
        rows.truncate(usize::try_from(page.fetch()).unwrap_or(usize::MAX));
        Ok(page.page(rows, |mail| mail.id.as_str()))
    })
}

pub fn get(app: &AppContext, caller: &Caller, id: &MailId) -> AppResult<Mail> {
    caller.permits(Permission::ReadMail)?;
    app.db.read(|conn| {
        let row = readable(conn, caller, id)?;
        let own = row.agent_id.as_ref() == Some(&caller.agent_id);
        let mut mail = row.into_wire();
        // A reply address answers as its agent: only they see it.
        if !own {
            mail.reply_to = None;
        }
        Ok(mail)
    })
}

fn readable(conn: &mut textdesk_db::DbConnection, caller: &Caller, id: &MailId) -> AppResult<MailRow> {
    let row = mails::find_in(conn, &caller.organization_id, id).or_missing("mail")?;
    if visible(conn, caller, &row)? {
        Ok(row)
    } else {
        Err(AppError::NotFound("mail"))
    }
}

/// Whether the caller may read the mail: their own; any but an owner's reset link for an
/// admin; any for an owner.
fn visible(conn: &mut textdesk_db::DbConnection, caller: &Caller, row: &MailRow) -> AppResult<bool> {
    if row.agent_id.as_ref() == Some(&caller.agent_id) || caller.role == Role::Owner {
        return Ok(true);
    }
    if caller.role != Role::Admin {
        return Ok(false);
    }
    if row.kind != MailKind::PasswordReset {
        return Ok(true);
    }
    let Some(agent) = &row.agent_id else { return Ok(true) };
    let recipient = textdesk_db::agents::find(conn, &caller.organization_id, agent)?;
    Ok(recipient.role != Role::Owner)
}

/// Answers a notification as its reader's mail client would: the answer above the quoted
/// mail, sent to its reply address, in reply to it. It then takes the same road as any reply
/// by email. Only the agent it was for may answer it.
pub fn answer(
    app: &AppContext,
    settings: &MailSettings,
    caller: &Caller,
    id: &MailId,
    request: &MailAnswer,
) -> AppResult<InboundMailOutcome> {
    caller.permits(Permission::ReadMail)?;
    if request.text.chars().count() > ANSWER_MAX {
        return Err(AppError::field(
            "text",
            "too_long",
            format!("must be at most {ANSWER_MAX} characters"),
        ));
    }
    let mail = app.db.read(|conn| readable(conn, caller, id))?;
    let (Some(reply_to), true) = (&mail.reply_to, mail.agent_id.as_ref() == Some(&caller.agent_id)) else {
        return Err(AppError::conflict(
            "not_answerable",
            "Only the agent a notification was for can answer it, while its reply address is valid.",
        ));
    };
    let raw = raw_answer(&mail, reply_to, &request.text);
    inbound::receive(app, settings, raw.as_bytes())
}

/// The answer as a mail client writes it: quoted-printable is not needed for this text, so
/// the body goes as 8-bit UTF-8, with the original quoted Gmail-style below.
fn raw_answer(mail: &MailRow, reply_to: &str, text: &str) -> String {
    let quoted: String = mail.text_body.lines().map(|line| format!("> {line}\r\n")).collect();
    let sent = mail.created_at.and_utc().format("%a, %b %-d, %Y at %-I:%M %p");
    let subject = compose::escape_header(&format!("Re: {}", mail.subject));
    let text = text.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "From: <{from}>\r\nTo: <{reply_to}>\r\nSubject: {subject}\r\nMessage-ID: <{id}.answer@outbox.textdesk>\r\n\
         In-Reply-To: {message_id}\r\nReferences: {message_id}\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         {text}\r\n\r\nOn {sent} Textdesk wrote:\r\n{quoted}",
        from = mail.to_address,
        id = textdesk_db::ids::new_id::<String>(),
        message_id = mail.message_id,
    )
}
