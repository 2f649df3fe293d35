//! Mail Textdesk sends: each row written with its job in the transaction that causes it, then
//! handed to the SMTP server by the worker, or kept for the Mail outbox when there is none.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use textdesk_types::mail::{Mail, MailKind, MailStatus, MailSummary};
use textdesk_types::messages::SendLane;
use textdesk_types::{AgentId, ConversationId, MailId, OrganizationId};

use crate::jobs::{self, Job, MailJob};
use crate::schema::{mails, received_mails};
use crate::{DbConnection, DbError, ids, utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mails)]
pub struct MailRow {
    pub id: MailId,
    pub organization_id: OrganizationId,
    pub agent_id: Option<AgentId>,
    pub kind: MailKind,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// `<…@domain>`, the same on every attempt.
    pub message_id: String,
    pub thread_root: Option<String>,
    pub conversation_id: Option<ConversationId>,
    pub reply_to: Option<String>,
    pub reply_token_hash: Option<String>,
    pub unsubscribe_url: Option<String>,
    pub unsubscribe_token_hash: Option<String>,
    /// The notification choices the mail followed, comma-separated (empty for other kinds).
    pub topics: String,
    pub status: MailStatus,
    pub smtp_response: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// A mail to write; the caller makes its tokens and ids.
pub struct NewMail<'a> {
    pub organization: &'a OrganizationId,
    pub agent: Option<&'a AgentId>,
    pub kind: MailKind,
    pub to: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    pub message_id: String,
    pub thread_root: Option<String>,
    pub conversation: Option<&'a ConversationId>,
    /// The reply address and its token's hash.
    pub reply: Option<(String, String)>,
    /// The one-click unsubscribe address and its token's hash.
    pub unsubscribe: Option<(String, String)>,
    pub topics: &'a [&'a str],
}

impl MailRow {
    pub fn into_wire(self) -> Mail {
        Mail {
            id: self.id,
            kind: self.kind,
            agent_id: self.agent_id,
            to: self.to_address,
            subject: self.subject,
            reply_to: self.reply_to,
            message_id: self.message_id,
            conversation_id: self.conversation_id,
            text_body: self.text_body,
            html_body: self.html_body,
            status: self.status,
            smtp_response: self.smtp_response,
            last_error: self.last_error,
            created_at: utc(self.created_at),
            sent_at: self.sent_at.map(utc),
        }
    }

    pub fn summary(&self) -> MailSummary {
        MailSummary {
            id: self.id.clone(),
            kind: self.kind,
            to: self.to_address.clone(),
            subject: self.subject.clone(),
            status: self.status,
            created_at: utc(self.created_at),
            answerable: self.reply_token_hash.is_some(),
        }
    }

    pub fn topics(&self) -> Vec<&str> {
        self.topics.split(',').filter(|topic| !topic.is_empty()).collect()
    }
}

/// Writes the mail and queues its sending.
pub fn queue(conn: &mut DbConnection, mail: NewMail<'_>, at: NaiveDateTime) -> Result<MailRow, DbError> {
    let row = MailRow {
        id: ids::new_id(),
        organization_id: mail.organization.clone(),
        agent_id: mail.agent.cloned(),
        kind: mail.kind,
        to_address: mail.to.to_owned(),
        subject: mail.subject.to_owned(),
        text_body: mail.text_body.to_owned(),
        html_body: mail.html_body.to_owned(),
        message_id: mail.message_id,
        thread_root: mail.thread_root,
        conversation_id: mail.conversation.cloned(),
        reply_to: mail.reply.as_ref().map(|(address, _)| address.clone()),
        reply_token_hash: mail.reply.map(|(_, hash)| hash),
        unsubscribe_url: mail.unsubscribe.as_ref().map(|(url, _)| url.clone()),
        unsubscribe_token_hash: mail.unsubscribe.map(|(_, hash)| hash),
        topics: mail.topics.join(","),
        status: MailStatus::Queued,
        smtp_response: None,
        last_error: None,
        created_at: at,
        sent_at: None,
    };
    diesel::insert_into(mails::table).values(&row).execute(conn)?;
    let job = Job::SendMail(MailJob {
        mail_id: row.id.clone(),
    });
    jobs::enqueue_at(conn, Some(mail.organization), &job, SendLane::Automated, at)?;
    Ok(row)
}

pub fn find(conn: &mut DbConnection, id: &MailId) -> Result<Option<MailRow>, DbError> {
    Ok(mails::table
        .find(id)
        .select(MailRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_in(conn: &mut DbConnection, organization: &OrganizationId, id: &MailId) -> Result<MailRow, DbError> {
    Ok(mails::table
        .find(id)
        .filter(mails::organization_id.eq(organization))
        .select(MailRow::as_select())
        .first(conn)?)
}

/// A page of the organization's mail, newest first (ids grow with time), before the id
/// `before`; only `agent`'s when given.
pub fn page(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    agent: Option<&AgentId>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<MailRow>, DbError> {
    let mut query = mails::table
        .filter(mails::organization_id.eq(organization))
        .into_boxed();
    if let Some(agent) = agent {
        query = query.filter(mails::agent_id.eq(agent));
    }
    if let Some(before) = before {
        query = query.filter(mails::id.lt(before.to_owned()));
    }
    Ok(query
        .order(mails::id.desc())
        .limit(limit)
        .select(MailRow::as_select())
        .load(conn)?)
}

/// The SMTP server accepted the mail with this answer. The reply and unsubscribe addresses
/// are in the reader's hands now and need not stay readable here (their hashes find them).
pub fn mark_sent(conn: &mut DbConnection, id: &MailId, response: &str, at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(mails::table.find(id))
        .set((
            mails::reply_to.eq(None::<String>),
            mails::unsubscribe_url.eq(None::<String>),
            mails::status.eq(MailStatus::Sent),
            mails::smtp_response.eq(response),
            mails::last_error.eq(None::<String>),
            mails::sent_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A sent mail's bodies are replaced by `note` (a reset link must not outlive its sending in
/// the database).
pub fn redact(conn: &mut DbConnection, id: &MailId, note: &str) -> Result<(), DbError> {
    diesel::update(mails::table.find(id))
        .set((mails::text_body.eq(note), mails::html_body.eq(note)))
        .execute(conn)?;
    Ok(())
}

/// No SMTP server: the mail stays in the outbox.
pub fn mark_kept(conn: &mut DbConnection, id: &MailId, at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(mails::table.find(id))
        .set((mails::status.eq(MailStatus::Kept), mails::sent_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// An attempt failed; `failed` when no other will be made.
pub fn record_failure(conn: &mut DbConnection, id: &MailId, error: &str, failed: bool) -> Result<(), DbError> {
    let status = if failed { MailStatus::Failed } else { MailStatus::Queued };
    diesel::update(mails::table.find(id))
        .set((mails::status.eq(status), mails::last_error.eq(error)))
        .execute(conn)?;
    Ok(())
}

/// The notification a reply address (by its token's hash) was given in.
pub fn by_reply_token(conn: &mut DbConnection, token_hash: &str) -> Result<Option<MailRow>, DbError> {
    Ok(mails::table
        .filter(mails::reply_token_hash.eq(token_hash))
        .select(MailRow::as_select())
        .first(conn)
        .optional()?)
}

/// The answerable mail with one of these `Message-ID`s (a reply's `In-Reply-To` and
/// `References`), the latest first.
pub fn answerable_by_message_ids(conn: &mut DbConnection, message_ids: &[String]) -> Result<Option<MailRow>, DbError> {
    if message_ids.is_empty() {
        return Ok(None);
    }
    Ok(mails::table
        .filter(mails::message_id.eq_any(message_ids))
        .filter(mails::reply_token_hash.is_not_null())
        .order(mails::created_at.desc())
        .select(MailRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_unsubscribe_token(conn: &mut DbConnection, token_hash: &str) -> Result<Option<MailRow>, DbError> {
    Ok(mails::table
        .filter(mails::unsubscribe_token_hash.eq(token_hash))
        .select(MailRow::as_select())
        .first(conn)
        .optional()?)
}

/// Revokes every reply address the agent was given: replies to earlier notifications are
/// refused from now on. Returns how many were revoked.
pub fn revoke_reply_addresses(conn: &mut DbConnection, agent: &AgentId) -> Result<usize, DbError> {
    Ok(diesel::update(
        mails::table
            .filter(mails::agent_id.eq(agent))
            .filter(mails::reply_token_hash.is_not_null()),
    )
    .set((
        mails::reply_token_hash.eq(None::<String>),
        mails::reply_to.eq(None::<String>),
    ))
    .execute(conn)?)
}

/// Mail older than `cutoff` goes, with the reply addresses it carried.
pub fn purge_older_than(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(mails::table.filter(mails::created_at.lt(cutoff))).execute(conn)?)
}

/// Notes a reply by email as handled; false when it was handled before.
pub fn first_receipt(conn: &mut DbConnection, message_id: &str, at: NaiveDateTime) -> Result<bool, DbError> {
    let inserted = match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(received_mails::table)
            .values((
                received_mails::message_id.eq(message_id),
                received_mails::received_at.eq(at),
            ))
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_or_ignore_into(received_mails::table)
            .values((
                received_mails::message_id.eq(message_id),
                received_mails::received_at.eq(at),
            ))
            .execute(sqlite)?,
    };
    Ok(inserted == 1)
}

/// Forgets a receipt, so a reply that failed for a passing reason is taken when it comes again.
pub fn forget_receipt(conn: &mut DbConnection, message_id: &str) -> Result<(), DbError> {
    diesel::delete(received_mails::table.find(message_id)).execute(conn)?;
    Ok(())
}

pub fn purge_receipts_older_than(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(received_mails::table.filter(received_mails::received_at.lt(cutoff))).execute(conn)?)
}
