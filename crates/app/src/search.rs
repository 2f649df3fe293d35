//! The search box: one query over the organization's conversations, open and closed.
//!
//! A conversation is found at most once, for its best reason, in this order: its number was
//! typed; its contact's phone number ends with the digits typed; its contact's name or company
//! has the words typed; its messages have them (best match first, then newest). Results are
//! ranked across kinds, so they page by position: the cursor carries the offset, and a search
//! answers at most [`MAX_RESULTS`] conversations.

use std::collections::{HashMap, HashSet};

use textdesk_db::conversations::{self, ConversationFilter, ListedConversation};
use textdesk_db::{DbConnection, search};
use textdesk_domain::search::{self as rules, SearchText};
use textdesk_types::search::{Highlight, SearchHit, SearchMatch, SearchQuery};
use textdesk_types::{ContactId, ConversationId, MessageId, OrganizationId, Page};

use crate::pagination::{decode_cursor, encode_cursor, parse_limit};
use crate::{AppContext, AppError, AppResult, Caller, Permission};

pub use textdesk_domain::search::QUERY_MAX_CHARS;

/// The most conversations one search answers, over all its pages.
pub const MAX_RESULTS: usize = 500;
/// How many of the newest matching messages are ranked.
const MESSAGE_CANDIDATES: i64 = 500;
/// How many contacts a phone number or name search reads, newest first.
const CONTACTS_MAX: i64 = 500;

/// A page of the conversations the query finds, best first.
pub fn search(app: &AppContext, caller: &Caller, query: SearchQuery) -> AppResult<Page<SearchHit>> {
    caller.permits(Permission::ReadInbox)?;
    let text =
        SearchText::parse(query.q.as_deref().unwrap_or_default()).map_err(|invalid| AppError::invalid("q", invalid))?;
    let limit = usize::try_from(parse_limit(query.limit)?).unwrap_or(MAX_RESULTS);
    let fingerprint = fingerprint(&text);
    let offset = match query.cursor.as_deref() {
        Some(cursor) => decode_offset(cursor, &fingerprint)?,
        None => 0,
    };
    let caller = caller.clone();
    app.db.read(move |conn| {
        let end = (offset + limit).min(MAX_RESULTS);
        // One more than the page, to learn whether another follows.
        let found = find(conn, &caller.organization_id, &text, end + 1)?;
        let more = found.len() > end && end < MAX_RESULTS;
        let page: Vec<Found> = found.into_iter().take(end).skip(offset).collect();
        Ok(Page {
            items: into_hits(app, conn, &caller, &text, page)?,
            next_cursor: more.then(|| encode_cursor(&[&end.to_string(), &fingerprint])),
            feed_cursor: None,
        })
    })
}

/// A conversation found, and why.
struct Found {
    conversation: ConversationId,
    reason: Reason,
}

enum Reason {
    Number,
    /// The contact's number ends with these digits.
    Phone(String),
    Name,
    Message {
        id: MessageId,
        snippet: String,
        highlights: Vec<Highlight>,
    },
}

/// The first `wanted` conversations found, best first. Each kind is read whole or not at all,
/// so every page of a search sees the same order.
fn find(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    text: &SearchText,
    wanted: usize,
) -> AppResult<Vec<Found>> {
    let mut found: Vec<Found> = Vec::new();
    let mut seen: HashSet<ConversationId> = HashSet::new();
    let mut add = |found: &mut Vec<Found>, conversation: ConversationId, reason: Reason| {
        if seen.insert(conversation.clone()) {
            found.push(Found { conversation, reason });
        }
    };
    let results_max = i64::try_from(MAX_RESULTS).unwrap_or(i64::MAX);

    if let Some(number) = text.conversation_number()
        && let Some(conversation) = search::conversation_numbered(conn, organization, number)?
    {
        add(&mut found, conversation, Reason::Number);
    }
    for digits in text.phone_digits() {
        if found.len() >= wanted {
            return Ok(found);
        }
        let contacts = search::contacts_with_number_ending(conn, organization, digits, CONTACTS_MAX)?;
        let contacts: Vec<&ContactId> = contacts.iter().collect();
        for conversation in search::conversations_of(conn, organization, &contacts, results_max)? {
            add(&mut found, conversation, Reason::Phone(digits.clone()));
        }
    }
    if found.len() >= wanted || text.words().is_empty() {
        return Ok(found);
    }
    let named = search::contacts_named(conn, organization, text.words(), text.name_prefix(), CONTACTS_MAX)?;
    // A contact whose name does not hold the words is a stale index entry, not a match.
    let contacts: Vec<&ContactId> = named
        .iter()
        .filter(|contact| {
            let line = name_line(&contact.first_name, &contact.last_name, &contact.company);
            !rules::highlight_words(&line, text.words(), text.name_prefix()).is_empty()
        })
        .map(|contact| &contact.id)
        .collect();
    for conversation in search::conversations_of(conn, organization, &contacts, results_max)? {
        add(&mut found, conversation, Reason::Name);
    }
    if found.len() >= wanted {
        return Ok(found);
    }
    let prefix = text.message_prefix();
    for message in search::messages_matching(conn, organization, text.words(), prefix, MESSAGE_CANDIDATES)? {
        if found.len() >= MAX_RESULTS {
            break;
        }
        // A message whose text does not hold the words is a stale index entry, not a match.
        let Some((snippet, highlights)) = rules::message_snippet(&message.body, text.words(), prefix) else {
            continue;
        };
        let reason = Reason::Message {
            id: message.id,
            snippet,
            highlights,
        };
        add(&mut found, message.conversation_id, reason);
    }
    found.truncate(MAX_RESULTS);
    Ok(found)
}

/// The hits of a page: each conversation as the caller's list shows it, read in one query.
fn into_hits(
    app: &AppContext,
    conn: &mut DbConnection,
    caller: &Caller,
    text: &SearchText,
    page: Vec<Found>,
) -> AppResult<Vec<SearchHit>> {
    if page.is_empty() {
        return Ok(Vec::new());
    }
    let cutoff = crate::views::waiting_cutoff(app, conn, &caller.organization_id)?;
    let ids: Vec<ConversationId> = page.iter().map(|found| found.conversation.clone()).collect();
    let count = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    let filter = ConversationFilter {
        ids: Some(ids),
        ..ConversationFilter::new(caller.organization_id.clone(), caller.agent_id.clone())
    };
    let mut listed: HashMap<ConversationId, ListedConversation> = conversations::list(conn, &filter, None, count)?
        .into_iter()
        .map(|listed| (listed.conversation.id.clone(), listed))
        .collect();
    Ok(page
        .into_iter()
        .filter_map(|found| {
            let listed = listed.remove(&found.conversation)?;
            let (matched, message_id, snippet, highlights) = match found.reason {
                Reason::Number => {
                    let snippet = format!("#{}", listed.conversation.number);
                    let end = u32::try_from(snippet.chars().count()).unwrap_or(u32::MAX);
                    let highlights = vec![Highlight { start: 1, end }];
                    (SearchMatch::ConversationNumber, None, snippet, highlights)
                }
                Reason::Phone(digits) => {
                    let snippet = listed.contact.phone_number.clone();
                    let highlights = rules::highlight_phone_end(&snippet, &digits);
                    (SearchMatch::PhoneNumber, None, snippet, highlights)
                }
                Reason::Name => {
                    let contact = &listed.contact;
                    let snippet = name_line(&contact.first_name, &contact.last_name, &contact.company);
                    let highlights = rules::highlight_words(&snippet, text.words(), text.name_prefix());
                    (SearchMatch::ContactName, None, snippet, highlights)
                }
                Reason::Message {
                    id,
                    snippet,
                    highlights,
                } => (SearchMatch::Message, Some(id), snippet, highlights),
            };
            Some(SearchHit {
                conversation: listed.conversation.into_wire(&listed.contact, listed.unread, cutoff),
                matched,
                message_id,
                snippet,
                highlights,
            })
        })
        .collect())
}

/// A contact's name and company, as a name match shows them.
fn name_line(first_name: &str, last_name: &str, company: &str) -> String {
    let name = format!("{first_name} {last_name}").trim().to_owned();
    let parts: Vec<&str> = [name.as_str(), company.trim()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect();
    parts.join(" · ")
}

/// Ties a cursor to the search it came from: a cursor of another query is refused rather than
/// read as an offset into different results. FNV-1a over what the query means.
fn fingerprint(text: &SearchText) -> String {
    let meaning = format!(
        "{:?}|{}|{:?}|{:?}",
        text.words(),
        text.name_prefix(),
        text.phone_digits(),
        text.conversation_number()
    );
    let hash = meaning.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

fn decode_offset(cursor: &str, fingerprint: &str) -> AppResult<usize> {
    let invalid = || AppError::field("cursor", "invalid_cursor", "is not a cursor of this search");
    let parts = decode_cursor("cursor", cursor, 2)?;
    let offset: usize = parts[0].parse().map_err(|_| invalid())?;
    if parts[1] != fingerprint || offset == 0 || offset >= MAX_RESULTS {
        return Err(invalid());
    }
    Ok(offset)
}
