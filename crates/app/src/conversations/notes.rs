//! Internal notes: written by agents in the app, or pushed by integrations (a CRM, a voicemail
//! transcription service) with the source they name, to a conversation or to a contact's
//! current conversation.

use textdesk_db::contacts::{self, ContactRow};
use textdesk_db::conversations::{self, ConversationRow};
use textdesk_db::threads::{self, NewThreadMessage};
use textdesk_db::{DbConnection, organizations};
use textdesk_domain::phone::PhoneNumber;
use textdesk_domain::text::Label;
use textdesk_types::ConversationId;
use textdesk_types::messages::SendLane;
use textdesk_types::messages::{AddNote, Direction, Message, MessagePurpose, PushNote};

use super::{contact_of, find};
use crate::messages::parse_body;
use crate::validation::{Validator, checked};
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// The longest source label a note may carry.
pub const SOURCE_MAX: usize = 100;

/// Adds an internal note, visible to agents only. Notes may be added to closed conversations.
pub fn add_note(app: &AppContext, caller: &Caller, id: ConversationId, note: AddNote) -> AppResult<Message> {
    caller.permits(Permission::WriteNotes)?;
    let body = parse_body(&note.body, false)?;
    let source = parse_source(note.source.as_deref())?;
    app.db.write(|conn| {
        let conversation = find(conn, caller, &id)?;
        let contact = contact_of(conn, caller, &conversation)?;
        record(conn, caller, (&conversation, &contact), &body, source.as_deref())
    })
}

/// Adds a note where an integration says: a conversation by id or number, or a contact's
/// current conversation (the open one, else the latest) by contact id or phone number.
pub fn push_note(app: &AppContext, caller: &Caller, note: PushNote) -> AppResult<Message> {
    caller.permits(Permission::WriteNotes)?;
    let target = Target::of(&note)?;
    let body = parse_body(&note.body, false)?;
    let source = parse_source(note.source.as_deref())?;
    app.db.write(|conn| {
        let (conversation, contact) = target.resolve(conn, caller)?;
        record(conn, caller, (&conversation, &contact), &body, source.as_deref())
    })
}

/// Where a pushed note goes.
enum Target {
    Conversation(ConversationId),
    Number(i64),
    Contact(textdesk_types::ContactId),
    Phone(PhoneNumber),
}

impl Target {
    fn of(note: &PushNote) -> AppResult<Target> {
        let given = [
            note.conversation_id.is_some(),
            note.conversation_number.is_some(),
            note.contact_id.is_some(),
            note.phone_number.is_some(),
        ];
        if given.iter().filter(|given| **given).count() != 1 {
            return Err(AppError::field(
                "conversation_id",
                "one_target",
                "give exactly one of conversation_id, conversation_number, contact_id and phone_number",
            ));
        }
        if let Some(id) = &note.conversation_id {
            return Ok(Target::Conversation(id.clone()));
        }
        if let Some(number) = note.conversation_number {
            return Ok(Target::Number(number));
        }
        if let Some(id) = &note.contact_id {
            return Ok(Target::Contact(id.clone()));
        }
        let mut v = Validator::new();
        let phone = v.check(
            "phone_number",
            PhoneNumber::parse(note.phone_number.as_deref().unwrap_or_default()),
        );
        v.finish()?;
        Ok(Target::Phone(checked(phone)?))
    }

    fn resolve(&self, conn: &mut DbConnection, caller: &Caller) -> AppResult<(ConversationRow, ContactRow)> {
        let organization = &caller.organization_id;
        let contact = match self {
            Target::Conversation(id) => {
                let conversation = find(conn, caller, id)?;
                let contact = contact_of(conn, caller, &conversation)?;
                return Ok((conversation, contact));
            }
            Target::Number(number) => {
                let conversation =
                    conversations::find_by_number(conn, organization, *number).or_missing("conversation")?;
                let contact = contact_of(conn, caller, &conversation)?;
                return Ok((conversation, contact));
            }
            Target::Contact(id) => contacts::find(conn, organization, id).or_missing("contact")?,
            Target::Phone(phone) => {
                contacts::find_by_phone(conn, organization, phone.as_str())?.ok_or(AppError::NotFound("contact"))?
            }
        };
        let conversation = conversations::current_of(conn, &contact.id)?.ok_or_else(|| {
            AppError::conflict(
                "no_conversation",
                "The contact has no conversation yet: a note needs one to go in.",
            )
        })?;
        Ok((conversation, contact))
    }
}

/// A note's source as given: trimmed, single-line, empty means none.
fn parse_source(raw: Option<&str>) -> AppResult<Option<String>> {
    match raw.map(str::trim).filter(|source| !source.is_empty()) {
        Some(source) => Ok(Some(
            Label::parse(source, SOURCE_MAX)
                .map_err(|invalid| AppError::invalid("source", invalid))?
                .into_inner(),
        )),
        None => Ok(None),
    }
}

/// Records the note; an API key's note only while the organization lets integrations add
/// notes.
fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    (conversation, contact): (&ConversationRow, &ContactRow),
    body: &str,
    source: Option<&str>,
) -> AppResult<Message> {
    if caller.key.is_some()
        && !organizations::find(conn, &caller.organization_id)?
            .settings
            .notes_api_enabled
    {
        return Err(AppError::Forbidden {
            code: "notes_api_disabled",
            detail: "The organization does not let API keys add notes.".to_owned(),
        });
    }
    let author = caller.author();
    let recorded = threads::record(
        conn,
        &caller.organization_id,
        NewThreadMessage {
            contact,
            conversation: Some(conversation),
            number: None,
            direction: Direction::Note,
            body,
            author_kind: author.kind,
            author_id: author.id,
            author_label: author.label,
            source,
            lane: SendLane::Conversational,
            provider_ids: None,
            purpose: MessagePurpose::Normal,
            scheduled_at: None,
        },
    )?;
    Ok(recorded.message.into_wire())
}
