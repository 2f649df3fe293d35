//! Conversations and their messages: the list, one conversation with a window of messages,
//! starting conversations, replies, notes, and each agent's read state.

use actix_web::{HttpResponse, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use serde::Deserialize;
use textdesk_db::clock::Clock;
use textdesk_db::contacts::{self, ContactRow};
use textdesk_db::conversations::{self, ConversationRow};
use textdesk_db::jobs::Lane;
use textdesk_db::messages::{self, Window};
use textdesk_db::numbers::{self, NumberRow};
use textdesk_db::threads::{self, NewThreadMessage};
use textdesk_db::{DbConnection, DbError, events, media, organizations, read_states};
use textdesk_domain::Invalid;
use textdesk_domain::phone::PhoneNumber;
use textdesk_domain::text::check_multiline;
use textdesk_types::conversations::{
    Conversation, ConversationDetail, ConversationStatus, MessageWindow, StartConversation,
};
use textdesk_types::messages::{
    AddNote, AuthorKind, Direction, Message, MessagePurpose, SendLane, SendMessage, SendToPhone,
};
use textdesk_types::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use textdesk_types::{ContactId, ConversationId, MediaId, NumberId, OrganizationId, Page, ProblemDetails};

use crate::compliance;
use crate::extract::{CurrentAgent, JsonBody};
use crate::{ApiError, AppState};

/// Twilio's limit for one message body.
const BODY_MAX_CHARS: usize = 1600;
/// The longest text any length policy allows (MMS text only); refused before a transaction
/// opens, so a huge body never holds the writer. The organization's policy is checked after.
const MESSAGE_MAX_CHARS: usize = 2000;

fn conversation_error(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::NotFound("conversation"),
        other => other.into(),
    }
}

/// A message's text; it may be empty when media go with it. Its length is checked against the
/// organization's policy when it is queued.
fn parse_message_body(raw: &str, has_media: bool) -> Result<String, ApiError> {
    let invalid = |invalid: Invalid| ApiError::field("body", invalid.code, invalid.message);
    if raw.chars().nth(MESSAGE_MAX_CHARS).is_some() {
        return Err(ApiError::field(
            "body",
            "too_long",
            format!("must be at most {MESSAGE_MAX_CHARS} characters long"),
        ));
    }
    check_multiline(raw).map_err(invalid)?;
    match (raw.trim().is_empty(), has_media) {
        (true, true) => Ok(String::new()),
        (true, false) => Err(ApiError::field("body", "required", "must not be empty")),
        (false, _) => Ok(raw.to_owned()),
    }
}

fn parse_body(raw: &str) -> Result<String, ApiError> {
    let invalid = |code, message: &str| ApiError::field("body", code, message);
    if raw.trim().is_empty() {
        return Err(invalid("required", "must not be empty"));
    }
    if raw.chars().count() > BODY_MAX_CHARS {
        return Err(invalid("too_long", "must be at most 1600 characters long"));
    }
    check_multiline(raw).map_err(|e| invalid(e.code, &e.message))?;
    Ok(raw.to_owned())
}

fn parse_limit(limit: Option<u32>) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if (1..=MAX_PAGE_SIZE).contains(&limit) {
        Ok(i64::from(limit))
    } else {
        Err(ApiError::field(
            "limit",
            "out_of_range",
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        ))
    }
}

/// The list's cursor: the last row's activity time and id, so rows with equal times still page.
fn encode_position(at: NaiveDateTime, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{id}", at.and_utc().timestamp_micros()))
}

fn decode_position(cursor: &str) -> Result<(NaiveDateTime, String), ApiError> {
    let invalid = || ApiError::field("cursor", "invalid_cursor", "is not a cursor this API returned");
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?).map_err(|_| invalid())?;
    let (micros, id) = text.split_once('|').ok_or_else(invalid)?;
    let micros: i64 = micros.parse().map_err(|_| invalid())?;
    let at = chrono::DateTime::from_timestamp_micros(micros)
        .ok_or_else(invalid)?
        .naive_utc();
    Ok((at, id.to_owned()))
}

fn message_cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

fn decode_message_cursor(field: &str, cursor: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::field(field, "invalid_cursor", "is not a cursor this API returned");
    String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?).map_err(|_| invalid())
}

/// Wire forms of conversations for this agent, with their unread flags in one query.
fn conversations_for(
    conn: &mut DbConnection,
    me: &CurrentAgent,
    rows: Vec<(ConversationRow, ContactRow)>,
) -> Result<Vec<Conversation>, ApiError> {
    let unread = read_states::unread_among(conn, &me.id, &rows.iter().map(|(c, _)| c).collect::<Vec<_>>())?;
    rows.into_iter()
        .map(|(conversation, contact)| {
            let is_unread = unread.get(&conversation.id).copied().unwrap_or(false);
            Ok(conversation.into_wire(&contact, is_unread)?)
        })
        .collect()
}

fn conversation_for(
    conn: &mut DbConnection,
    me: &CurrentAgent,
    row: ConversationRow,
) -> Result<Conversation, ApiError> {
    let contact = contacts::find(
        conn,
        &me.organization_id,
        &textdesk_types::ContactId::new(row.contact_id.clone()),
    )?;
    conversations_for(conn, me, vec![(row, contact)])?
        .pop()
        .ok_or_else(|| ApiError::internal("a conversation vanished"))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConversationQuery {
    /// `open` or `closed`; both when absent.
    pub status: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Conversations, newest activity first.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(ConversationQuery),
    responses(
        (status = 200, description = "A page of conversations", body = Page<Conversation>),
        (status = 422, description = "Invalid parameters", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/conversations")]
pub async fn list_conversations(
    state: web::Data<AppState>,
    me: CurrentAgent,
    query: web::Query<ConversationQuery>,
) -> Result<web::Json<Page<Conversation>>, ApiError> {
    let query = query.into_inner();
    let limit = parse_limit(query.limit)?;
    let status = query
        .status
        .as_deref()
        .map(|raw| {
            ConversationStatus::parse(raw)
                .ok_or_else(|| ApiError::field("status", "invalid_status", "must be open or closed"))
        })
        .transpose()?;
    let before = query.cursor.as_deref().map(decode_position).transpose()?;
    let (rows, more, feed) = state
        .read(move |conn| {
            // Taken before the list is read: a change after it is either in the list or
            // comes through the feed.
            let feed = match before {
                None => Some(events::current_position(conn)?.to_string()),
                Some(_) => None,
            };
            let mut rows = conversations::list(conn, &me.organization_id, status, before, limit + 1)?;
            let more = rows.len() as i64 > limit;
            rows.truncate(usize::try_from(limit).unwrap_or(0));
            let next = rows
                .last()
                .filter(|_| more)
                .map(|(c, _)| encode_position(c.last_message_at, &c.id));
            Ok((conversations_for(conn, &me, rows)?, next, feed))
        })
        .await?;
    Ok(web::Json(Page {
        items: rows,
        next_cursor: more,
        feed_cursor: feed,
    }))
}

/// One conversation with a window of its messages (the newest by default), oldest first.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id"), MessageWindow),
    responses(
        (status = 200, description = "The conversation and its messages", body = ConversationDetail),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/conversations/{id}")]
pub async fn get_conversation(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
    query: web::Query<MessageWindow>,
) -> Result<web::Json<ConversationDetail>, ApiError> {
    let query = query.into_inner();
    let limit = parse_limit(query.limit)?;
    let window = match (query.before, query.after) {
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "after",
                "conflicting",
                "give before or after, not both",
            ));
        }
        (Some(before), None) => Window::Before(decode_message_cursor("before", &before)?),
        (None, Some(after)) => Window::After(decode_message_cursor("after", &after)?),
        (None, None) => Window::Newest,
    };
    let id = id.into_inner();
    let hidden = query.include_hidden;
    let detail = state
        .read(move |conn| {
            let row = conversations::find(conn, &me.organization_id, &id).map_err(conversation_error)?;
            let rows = messages::window(conn, &id, window, limit, hidden)?;
            let older = match rows.first() {
                Some(first) if messages::exists_beyond(conn, &id, &first.id, true, hidden)? => {
                    Some(message_cursor(&first.id))
                }
                _ => None,
            };
            let newer = match rows.last() {
                Some(last) if messages::exists_beyond(conn, &id, &last.id, false, hidden)? => {
                    Some(message_cursor(&last.id))
                }
                _ => None,
            };
            let messages = messages::into_wire_list(conn, rows)?;
            Ok(ConversationDetail {
                conversation: conversation_for(conn, &me, row)?,
                messages,
                older_cursor: older,
                newer_cursor: newer,
            })
        })
        .await?;
    Ok(web::Json(detail))
}

/// The number to send through: the one asked for, else the one last used with the contact,
/// else the organization's first enabled number.
pub(crate) fn choose_number(
    conn: &mut DbConnection,
    me: &CurrentAgent,
    asked: Option<&NumberId>,
    contact: &ContactRow,
) -> Result<NumberRow, ApiError> {
    let row = match asked {
        Some(id) => numbers::find(conn, &me.organization_id, id).map_err(|e| match e {
            DbError::NotFound => ApiError::field(
                "from_number_id",
                "unknown_number",
                "is not a number of this organization",
            ),
            other => other.into(),
        })?,
        None => {
            let last = contact.last_number_id.as_ref().map(|id| NumberId::new(id.clone()));
            let remembered = match last {
                Some(id) => numbers::find(conn, &me.organization_id, &id).ok().filter(|n| n.enabled),
                None => None,
            };
            match remembered {
                Some(number) => number,
                None => numbers::list(conn, &me.organization_id)?
                    .into_iter()
                    .find(|number| number.enabled)
                    .ok_or_else(|| ApiError::conflict("no_number", "Connect a business number before sending."))?,
            }
        }
    };
    if !row.enabled {
        return Err(ApiError::conflict(
            "number_disabled",
            "This business number is switched off.",
        ));
    }
    Ok(row)
}

/// What an agent or API client sends.
struct Outgoing<'a> {
    body: &'a str,
    media_ids: &'a [MediaId],
    lane: SendLane,
}

/// Queues an agent's message after the compliance checks: the contact may be texted, the text
/// fits the organization's length policy, automated and bulk texts wait for quiet hours to
/// end, and the consent message goes first when it is due.
fn queue_reply(
    conn: &mut DbConnection,
    clock: &Clock,
    me: &CurrentAgent,
    contact: &ContactRow,
    number: &NumberRow,
    outgoing: Outgoing<'_>,
) -> Result<Message, ApiError> {
    let organization = organizations::find(conn, &me.organization_id)?;
    compliance::ensure_sendable(&organization, contact)?;
    compliance::check_body(&organization, outgoing.body, !outgoing.media_ids.is_empty())?;
    let held = compliance::hold_until(clock, &organization, (contact, &number.phone_number), outgoing.lane)?;
    let lane = compliance::queue_lane(outgoing.lane);
    let number_id = number.number_id();
    let through = (&number_id, number.phone_number.as_str());
    compliance::precede_with_consent_message(conn, &organization, contact, through, (lane, held))?;
    let recorded = threads::record(
        conn,
        &me.organization_id,
        NewThreadMessage {
            contact,
            conversation: None,
            number: Some(through),
            direction: Direction::Outbound,
            body: outgoing.body,
            author_kind: AuthorKind::Agent,
            author_id: Some(me.id.as_str()),
            lane,
            provider_ids: None,
            purpose: MessagePurpose::Normal,
            scheduled_at: held,
        },
    )?;
    let media_ids = outgoing.media_ids;
    if !media_ids.is_empty() && !media::attach(conn, &me.organization_id, media_ids, &recorded.message.id)? {
        return Err(ApiError::field(
            "media_ids",
            "unknown_media",
            "must be uploads of this organization not yet sent",
        ));
    }
    read_states::mark_read(
        conn,
        &me.organization_id,
        &me.id,
        &recorded.conversation.conversation_id(),
        recorded.message.created_at,
    )?;
    let mut message = messages::into_wire_one(conn, recorded.message)?;
    let media_bytes = message.media.iter().map(|item| item.size_bytes).sum();
    message.warnings.extend(compliance::media_warning(media_bytes));
    Ok(message)
}

/// Reply in an open conversation. The answer comes once the message is queued; its status then
/// moves on as the provider reports.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = SendMessage,
    responses(
        (status = 201, description = "The queued message", body = Message),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The conversation is closed, no number can send, or the contact opted out (contact_opted_out), declined consent (consent_declined) or has not confirmed a double opt-in (consent_pending)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/messages")]
pub async fn send_message(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
    body: JsonBody<SendMessage>,
) -> Result<HttpResponse, ApiError> {
    let SendMessage {
        body,
        from_number_id,
        media_ids,
        lane,
    } = body.0;
    let body = parse_message_body(&body, !media_ids.is_empty())?;
    let id = id.into_inner();
    let clock = state.clock.clone();
    let message = state
        .write(move |conn| {
            let conversation = conversations::find(conn, &me.organization_id, &id).map_err(conversation_error)?;
            if !conversation.is_open() {
                return Err(ApiError::conflict(
                    "conversation_closed",
                    "This conversation is closed; start a new one to write to this contact again.",
                ));
            }
            let contact = contacts::find(
                conn,
                &me.organization_id,
                &textdesk_types::ContactId::new(conversation.contact_id),
            )?;
            let number = choose_number(conn, &me, from_number_id.as_ref(), &contact)?;
            let outgoing = Outgoing {
                body: &body,
                media_ids: &media_ids,
                lane,
            };
            queue_reply(conn, &clock, &me, &contact, &number, outgoing)
        })
        .await?;
    Ok(HttpResponse::Created().json(message))
}

/// Send a message to a phone number. The contact, thread and conversation are created as
/// needed; an open conversation with the contact is continued.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    request_body = SendToPhone,
    responses(
        (status = 201, description = "The queued message", body = Message),
        (status = 409, description = "No number can send, or the contact opted out (contact_opted_out), declined consent (consent_declined) or has not confirmed a double opt-in (consent_pending)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/messages")]
pub async fn send_to_phone(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<SendToPhone>,
) -> Result<HttpResponse, ApiError> {
    let SendToPhone {
        to,
        body,
        from_number_id,
        media_ids,
        lane,
    } = body.0;
    let phone = PhoneNumber::parse(&to).map_err(|invalid| ApiError::field("to", invalid.code, invalid.message))?;
    let body = parse_message_body(&body, !media_ids.is_empty())?;
    let clock = state.clock.clone();
    let message = state
        .write(move |conn| {
            let (contact, _) = contacts::find_or_create(conn, &me.organization_id, phone.as_str())?;
            let number = choose_number(conn, &me, from_number_id.as_ref(), &contact)?;
            let outgoing = Outgoing {
                body: &body,
                media_ids: &media_ids,
                lane,
            };
            queue_reply(conn, &clock, &me, &contact, &number, outgoing)
        })
        .await?;
    Ok(HttpResponse::Created().json(message))
}

/// Start a conversation with a phone number or a contact from a chosen number, optionally
/// with a first message. An open conversation with the contact is returned as it is (200).
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    request_body = StartConversation,
    responses(
        (status = 201, description = "The new conversation", body = Conversation),
        (status = 200, description = "The contact's conversation that was already open", body = Conversation),
        (status = 409, description = "The number is switched off, or a first message cannot go: the contact opted out (contact_opted_out), declined consent (consent_declined) or has not confirmed a double opt-in (consent_pending)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations")]
pub async fn start_conversation(
    state: web::Data<AppState>,
    me: CurrentAgent,
    body: JsonBody<StartConversation>,
) -> Result<HttpResponse, ApiError> {
    let StartConversation {
        to,
        contact_id,
        from_number_id,
        body,
    } = body.0;
    let phone = match (&to, &contact_id) {
        (Some(to), None) => Some(
            PhoneNumber::parse(to).map_err(|invalid: Invalid| ApiError::field("to", invalid.code, invalid.message))?,
        ),
        (None, Some(_)) => None,
        _ => return Err(ApiError::field("to", "one_of", "give either to or contact_id")),
    };
    let body = body.map(|body| parse_body(&body)).transpose()?;
    let clock = state.clock.clone();
    let (conversation, created) = state
        .write(move |conn| {
            let contact = match (phone, contact_id) {
                (Some(phone), _) => contacts::find_or_create(conn, &me.organization_id, phone.as_str())?.0,
                (None, Some(id)) => contacts::find(conn, &me.organization_id, &id).map_err(|e| match e {
                    DbError::NotFound => {
                        ApiError::field("contact_id", "unknown_contact", "is not a contact of this organization")
                    }
                    other => other.into(),
                })?,
                (None, None) => return Err(ApiError::field("to", "one_of", "give either to or contact_id")),
            };
            let number = choose_number(conn, &me, Some(&from_number_id), &contact)?;
            let existing = conversations::find_open(conn, &contact.contact_id())?;
            let created = existing.is_none();
            if let Some(body) = body {
                let outgoing = Outgoing {
                    body: &body,
                    media_ids: &[],
                    lane: SendLane::Conversational,
                };
                queue_reply(conn, &clock, &me, &contact, &number, outgoing)?;
            } else if created {
                let row = conversations::open(conn, &me.organization_id, &contact.contact_id(), textdesk_db::now())?;
                contacts::set_last_number(conn, &[contact.id.as_str()], &number.number_id())?;
                let change = serde_json::json!({"conversation_id": row.id, "number": row.number});
                events::append(conn, &me.organization_id, "conversation.changed", &change)?;
            }
            let row = conversations::find_open(conn, &contact.contact_id())?.ok_or(DbError::NotFound)?;
            Ok((conversation_for(conn, &me, row)?, created))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    }
    .json(conversation))
}

/// Add an internal note, visible to agents only. Notes may be added to closed conversations.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = AddNote,
    responses(
        (status = 201, description = "The note", body = Message),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
    body: JsonBody<AddNote>,
) -> Result<HttpResponse, ApiError> {
    let body = parse_body(&body.0.body)?;
    let id = id.into_inner();
    let note = state
        .write(move |conn| {
            let conversation = conversations::find(conn, &me.organization_id, &id).map_err(conversation_error)?;
            let contact = contacts::find(
                conn,
                &me.organization_id,
                &textdesk_types::ContactId::new(conversation.contact_id.clone()),
            )?;
            let recorded = threads::record(
                conn,
                &me.organization_id,
                NewThreadMessage {
                    contact: &contact,
                    conversation: Some(&conversation),
                    number: None,
                    direction: Direction::Note,
                    body: &body,
                    author_kind: AuthorKind::Agent,
                    author_id: Some(me.id.as_str()),
                    lane: Lane::Conversational,
                    provider_ids: None,
                    purpose: MessagePurpose::Normal,
                    scheduled_at: None,
                },
            )?;
            Ok(recorded.message.into_wire()?)
        })
        .await?;
    Ok(HttpResponse::Created().json(note))
}

async fn set_read_state(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: ConversationId,
    read: bool,
) -> Result<HttpResponse, ApiError> {
    state
        .write(move |conn| {
            let conversation = conversations::find(conn, &me.organization_id, &id).map_err(conversation_error)?;
            if read {
                read_states::mark_read(
                    conn,
                    &me.organization_id,
                    &me.id,
                    &id,
                    textdesk_db::now().max(conversation.last_message_at),
                )?;
            } else {
                read_states::mark_unread(conn, &me.organization_id, &me.id, &id)?;
            }
            let change = serde_json::json!({"conversation_id": id, "agent_id": me.id, "unread": !read});
            events::append_for_agent(conn, &me.organization_id, &me.id, "read_state.changed", &change)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark a conversation read, for you only.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 204, description = "Marked read"),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> Result<HttpResponse, ApiError> {
    set_read_state(state, me, id.into_inner(), true).await
}

/// Mark a conversation unread, for you only, to come back to it later.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 204, description = "Marked unread"),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/unread")]
pub async fn mark_unread(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> Result<HttpResponse, ApiError> {
    set_read_state(state, me, id.into_inner(), false).await
}

/// Mark every conversation read, for you only (the inbox's "Mark all read").
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    responses((status = 204, description = "Everything is read for you")),
)]
#[post("/conversations/read-all")]
pub async fn mark_all_read(state: web::Data<AppState>, me: CurrentAgent) -> Result<HttpResponse, ApiError> {
    state
        .write(move |conn| {
            read_states::mark_all_read(conn, &me.organization_id, &me.id, textdesk_db::now())?;
            let change = serde_json::json!({"agent_id": me.id, "all": true, "unread": false});
            events::append_for_agent(conn, &me.organization_id, &me.id, "read_state.changed", &change)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Close (end) an open conversation. The thread's next message opens a new conversation with
/// a new number; notes can still be added to this one.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 200, description = "The closed conversation", body = Conversation),
        (status = 404, description = "No such conversation in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Already closed", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/conversations/{id}/close")]
pub async fn close_conversation(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<ConversationId>,
) -> Result<web::Json<Conversation>, ApiError> {
    let id = id.into_inner();
    let conversation = state
        .write(move |conn| {
            let row = conversations::find(conn, &me.organization_id, &id).map_err(conversation_error)?;
            if !row.is_open() {
                return Err(ApiError::conflict(
                    "conversation_closed",
                    "This conversation is already closed.",
                ));
            }
            conversations::close(conn, &id, &me.id, textdesk_db::now())?;
            let change = serde_json::json!({"conversation_id": id, "number": row.number});
            events::append(conn, &me.organization_id, "conversation.changed", &change)?;
            let row = conversations::find(conn, &me.organization_id, &id)?;
            conversation_for(conn, &me, row)
        })
        .await?;
    Ok(web::Json(conversation))
}

/// Send a failed message again.
#[utoipa::path(
    tag = "conversations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The message's id")),
    responses(
        (status = 200, description = "The message, queued again", body = Message),
        (status = 404, description = "No such message in your organization", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The message has not failed (not_failed), or the contact opted out (contact_opted_out), declined consent (consent_declined) or has not confirmed a double opt-in (consent_pending)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/messages/{id}/retry")]
pub async fn retry_message(
    state: web::Data<AppState>,
    me: CurrentAgent,
    id: web::Path<textdesk_types::MessageId>,
) -> Result<web::Json<Message>, ApiError> {
    let id = id.into_inner();
    let clock = state.clock.clone();
    let message = state
        .write(move |conn| {
            let message = messages::find(conn, id.as_str())
                .ok()
                .filter(|message| message.organization_id == me.organization_id.as_str())
                .ok_or(ApiError::NotFound("message"))?;
            if message.status != "failed" || message.direction != Direction::Outbound.as_str() {
                return Err(ApiError::conflict(
                    "not_failed",
                    "Only a failed outbound message can be sent again.",
                ));
            }
            let organization = organizations::find(conn, &me.organization_id)?;
            let contact = contacts::find(conn, &me.organization_id, &ContactId::new(message.contact_id.clone()))?;
            compliance::ensure_sendable(&organization, &contact)?;
            let updated = requeue(conn, &clock, &organization, &contact, &message)?;
            let change = serde_json::json!({
                "conversation_id": updated.conversation_id, "message_id": updated.id, "status": updated.status,
            });
            events::append(conn, &me.organization_id, "message.status_changed", &change)?;
            Ok(messages::into_wire_one(conn, updated)?)
        })
        .await?;
    Ok(web::Json(message))
}

/// Queues a failed message again in its own lane; an automated or bulk message waits for
/// quiet hours to end, as when it was first sent.
fn requeue(
    conn: &mut DbConnection,
    clock: &Clock,
    organization: &organizations::OrganizationRow,
    contact: &ContactRow,
    message: &messages::MessageRow,
) -> Result<messages::MessageRow, ApiError> {
    let lane = compliance::stored_lane(message.lane);
    let held = compliance::hold_until(clock, organization, (contact, &message.from_number), lane)?;
    let changes = messages::DeliveryChanges {
        status: Some("queued".to_owned()),
        error_code: Some(None),
        error_message: Some(None),
        scheduled_at: Some(held),
        ..Default::default()
    };
    let updated = messages::update_delivery(conn, &message.id, &changes)?;
    let payload = serde_json::json!({ "message_id": message.id });
    textdesk_db::jobs::enqueue_at(
        conn,
        Some(&OrganizationId::new(message.organization_id.clone())),
        "send_message",
        &payload,
        compliance::queue_lane(lane),
        held.unwrap_or_else(textdesk_db::now),
    )?;
    Ok(updated)
}
