//! Search queries, one per kind of match, each scoped to one organization and each answered
//! from an index: the conversation number from its unique key, a phone number's end from an
//! index on the last four characters, names and message text from full-text indexes (SQLite:
//! the FTS5 tables `contacts_fts` and `messages_fts`; PostgreSQL: GIN indexes over the
//! generated `search_words` columns of `contacts` and `messages`, which schema.rs leaves out;
//! see migration `2026-11-26-000013_search`).
//!
//! Words reach a full-text query only as quoted letters and digits, so no user input is ever
//! read as query syntax. The SQL differs by backend only where the full-text syntax does.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text, Timestamp};
use textdesk_types::{ContactId, ConversationId, MessageId, OrganizationId};

use crate::schema::conversations;
use crate::{DbConnection, DbError};

#[derive(QueryableByName)]
struct FoundId {
    #[diesel(sql_type = Text)]
    id: String,
}

/// The organization's conversation with this number.
pub fn conversation_numbered(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    number: i64,
) -> Result<Option<ConversationId>, DbError> {
    Ok(conversations::table
        .filter(conversations::organization_id.eq(organization))
        .filter(conversations::number.eq(number))
        .select(conversations::id)
        .first(conn)
        .optional()?)
}

/// Contacts whose number ends with `digits` (at least four), newest first.
pub fn contacts_with_number_ending(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    digits: &str,
    limit: i64,
) -> Result<Vec<ContactId>, DbError> {
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits.chars().skip(digits.len().saturating_sub(4)).collect();
    if tail.len() < 4 {
        return Ok(Vec::new());
    }
    let pattern = format!("%{digits}");
    // The index holds each number's last four characters, which narrows the organization's
    // contacts to a handful before LIKE compares whole ends.
    let found: Vec<FoundId> = match conn {
        // Named, because SQLite (never analysed) prefers the organization's index, which reads
        // every contact of the organization: 16 ms against 0.2 ms at 100,000 contacts.
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            "SELECT id FROM contacts INDEXED BY contacts_phone_tail \
             WHERE organization_id = ? AND substr(phone_number, -4) = ? \
             AND phone_number LIKE ? ORDER BY id DESC LIMIT ?",
        )
        .bind::<Text, _>(organization.as_str())
        .bind::<Text, _>(&tail)
        .bind::<Text, _>(&pattern)
        .bind::<BigInt, _>(limit)
        .load(sqlite)?,
        DbConnection::Postgresql(pg) => diesel::sql_query(
            "SELECT id FROM contacts WHERE organization_id = $1 AND right(phone_number, 4) = $2 \
             AND phone_number LIKE $3 ORDER BY id DESC LIMIT $4",
        )
        .bind::<Text, _>(organization.as_str())
        .bind::<Text, _>(&tail)
        .bind::<Text, _>(&pattern)
        .bind::<BigInt, _>(limit)
        .load(pg)?,
    };
    Ok(found.into_iter().map(|found| ContactId::new(found.id)).collect())
}

/// A contact whose name or company matched.
#[derive(Clone, Debug, QueryableByName)]
pub struct NamedContact {
    #[diesel(sql_type = Text)]
    pub id: ContactId,
    #[diesel(sql_type = Text)]
    pub first_name: String,
    #[diesel(sql_type = Text)]
    pub last_name: String,
    #[diesel(sql_type = Text)]
    pub company: String,
}

/// Contacts with every word in their first name, last name or company (the last word as the
/// start of a word with `prefix_last`), newest first.
pub fn contacts_named(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    words: &[String],
    prefix_last: bool,
    limit: i64,
) -> Result<Vec<NamedContact>, DbError> {
    let words = clean_words(words);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    Ok(match conn {
        // CROSS JOIN keeps the full-text match as the outer loop.
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            "SELECT c.id AS id, c.first_name AS first_name, c.last_name AS last_name, c.company AS company \
             FROM contacts_fts CROSS JOIN contacts c ON c.rowid = contacts_fts.rowid \
             WHERE contacts_fts MATCH ? AND c.organization_id = ? ORDER BY contacts_fts.rowid DESC LIMIT ?",
        )
        .bind::<Text, _>(fts5_query(&words, prefix_last))
        .bind::<Text, _>(organization.as_str())
        .bind::<BigInt, _>(limit)
        .load(sqlite)?,
        DbConnection::Postgresql(pg) => diesel::sql_query(
            "SELECT id, first_name, last_name, company FROM contacts WHERE organization_id = $1 \
             AND search_words @@ to_tsquery('simple', $2) ORDER BY id DESC LIMIT $3",
        )
        .bind::<Text, _>(organization.as_str())
        .bind::<Text, _>(tsquery(&words, prefix_last))
        .bind::<BigInt, _>(limit)
        .load(pg)?,
    })
}

/// The conversations of these contacts, newest activity first.
pub fn conversations_of(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    contacts: &[&ContactId],
    limit: i64,
) -> Result<Vec<ConversationId>, DbError> {
    if contacts.is_empty() {
        return Ok(Vec::new());
    }
    // The contacts' few conversations are found by contact and sorted; the organization is only
    // checked, in a form no index serves: as an indexed condition it led SQLite (never
    // analysed) to walk all the organization's conversations by activity (BENCHMARKS.md).
    Ok(conversations::table
        .filter(conversations::organization_id.concat("").eq(organization.as_str()))
        .filter(conversations::contact_id.eq_any(contacts))
        .order((conversations::last_message_at.desc(), conversations::id.desc()))
        .select(conversations::id)
        .limit(limit)
        .load(conn)?)
}

/// A message whose text matched.
#[derive(Clone, Debug, QueryableByName)]
pub struct MessageMatch {
    #[diesel(sql_type = Text)]
    pub id: MessageId,
    #[diesel(sql_type = Text)]
    pub conversation_id: ConversationId,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    /// How well it matched, higher is better; comparable within one backend only.
    #[diesel(sql_type = Double)]
    pub score: f64,
}

/// Of the newest `candidates` messages with every word (the last as the start of a word with
/// `prefix_last`), the best matches first, then the newest. Messages a conversation shows
/// (not compliance texts) only. Ranking only the newest matches bounds the work for a word that
/// is in most messages.
pub fn messages_matching(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    words: &[String],
    prefix_last: bool,
    candidates: i64,
) -> Result<Vec<MessageMatch>, DbError> {
    let words = clean_words(words);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: Vec<MessageMatch> = match conn {
        // bm25 is lower for better matches. Rowids grow with insertion, so rowid order is
        // recency, which FTS5 walks without sorting.
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            "SELECT m.id AS id, m.conversation_id AS conversation_id, m.body AS body, \
             m.created_at AS created_at, -bm25(messages_fts) AS score \
             FROM messages_fts CROSS JOIN messages m ON m.rowid = messages_fts.rowid \
             WHERE messages_fts MATCH ? AND m.organization_id = ? AND m.purpose = 'normal' \
             ORDER BY messages_fts.rowid DESC LIMIT ?",
        )
        .bind::<Text, _>(fts5_query(&words, prefix_last))
        .bind::<Text, _>(organization.as_str())
        .bind::<BigInt, _>(candidates)
        .load(sqlite)?,
        DbConnection::Postgresql(pg) => postgres_messages_matching(pg, organization, &words, prefix_last, candidates)?,
    };
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| b.created_at.cmp(&a.created_at))
            .then_with(|| b.id.cmp(&a.id))
    });
    Ok(found)
}

/// How many of the installation's newest messages PostgreSQL walks testing each before it
/// looks older matches up in the word index.
const WALKED: i64 = 20_000;
/// A walk that met at least this many matches goes on walking, up to `WALKED_ON` more messages:
/// for a word in one message of a hundred or so, walking on meets the newest matches sooner
/// than reading every older match the word index lists, each from another page.
const WALK_ON_MATCHES: i64 = 100;
const WALKED_ON: i64 = 80_000;

/// PostgreSQL's side of `messages_matching`, in a plan fixed by the query rather than left to
/// the planner's guess of how common the words are: it cannot estimate a prefix or a word
/// missing from its statistics (a typo, a number), and such a guess once walked all messages
/// newest first for a number found nowhere (BENCHMARKS.md, "Issue 11"). The newest `WALKED`
/// messages are walked testing each, which meets a common word's newest matches at once; a
/// walk that found many but not enough goes on (`WALK_ON_MATCHES`); only then are older
/// matches looked up in the word index (their ids, materialised, so no plan can turn that into
/// a walk too), which serves rare words. Each stage below starts under the last match of the
/// one before, and between that match and where the stage stopped, nothing matched.
fn postgres_messages_matching(
    pg: &mut diesel::PgConnection,
    organization: &OrganizationId,
    words: &[String],
    prefix_last: bool,
    candidates: i64,
) -> Result<Vec<MessageMatch>, DbError> {
    const MATCHING: &str = "organization_id = $1 AND purpose = 'normal' AND search_words @@ to_tsquery('simple', $2)";
    const COLUMNS: &str = "id, conversation_id, body, created_at, search_words";
    Ok(diesel::sql_query(format!(
        "WITH walked AS MATERIALIZED ( \
             SELECT {COLUMNS} FROM (SELECT organization_id, purpose, {COLUMNS} FROM messages \
                 ORDER BY id DESC LIMIT $4) AS newest \
             WHERE {MATCHING} ORDER BY id DESC LIMIT $3), \
         counted AS MATERIALIZED (SELECT count(*) AS found, min(id) AS last FROM walked), \
         walked_on AS MATERIALIZED ( \
             SELECT {COLUMNS} FROM (SELECT organization_id, purpose, {COLUMNS} FROM messages \
                 WHERE id < (SELECT last FROM counted) ORDER BY id DESC LIMIT $6) AS next \
             WHERE (SELECT found FROM counted) BETWEEN $5 AND $3 - 1 AND {MATCHING} \
             ORDER BY id DESC LIMIT $3 - (SELECT found FROM counted)), \
         older AS MATERIALIZED ( \
             SELECT id FROM messages \
             WHERE (SELECT found FROM counted) + (SELECT count(*) FROM walked_on) < $3 AND {MATCHING} \
             AND (id < COALESCE((SELECT min(id) FROM walked_on), (SELECT last FROM counted)) \
                  OR (SELECT last FROM counted) IS NULL)) \
         SELECT found.id, found.conversation_id, found.body, found.created_at, \
             ts_rank(found.search_words, to_tsquery('simple', $2))::float8 AS score \
         FROM (SELECT * FROM walked UNION ALL SELECT * FROM walked_on UNION ALL (SELECT {COLUMNS} FROM messages \
             WHERE id IN (SELECT id FROM older ORDER BY id DESC LIMIT $3))) AS found \
         ORDER BY found.id DESC LIMIT $3"
    ))
    .bind::<Text, _>(organization.as_str())
    .bind::<Text, _>(tsquery(words, prefix_last))
    .bind::<BigInt, _>(candidates)
    .bind::<BigInt, _>(WALKED)
    .bind::<BigInt, _>(WALK_ON_MATCHES)
    .bind::<BigInt, _>(WALKED_ON)
    .load(pg)?)
}

/// The words with anything but letters and digits dropped, so none can carry query syntax.
fn clean_words(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|word| word.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect()
}

/// An FTS5 query for all the words: each a quoted string (a literal, never an operator).
fn fts5_query(words: &[String], prefix_last: bool) -> String {
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(index, word)| {
            let star = if prefix_last && index == last { "*" } else { "" };
            format!("\"{word}\"{star}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A `to_tsquery` text for all the words, each quoted.
fn tsquery(words: &[String], prefix_last: bool) -> String {
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(index, word)| {
            let prefix = if prefix_last && index == last { ":*" } else { "" };
            format!("'{word}'{prefix}")
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_quote_every_word() {
        let words: Vec<String> = ["joe", "sm'i\"th*", "AND", "))"]
            .iter()
            .map(|w| (*w).to_owned())
            .collect();
        let words = clean_words(&words);
        assert_eq!(fts5_query(&words, true), "\"joe\" \"smith\" \"AND\"*");
        assert_eq!(tsquery(&words, false), "'joe' & 'smith' & 'AND'");
    }
}
