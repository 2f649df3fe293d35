//! Exports of messages (seeds 000, 002, 004): one conversation between two days at most seven
//! days apart, a contact's whole thread, conversations chosen in a view, or the organization's
//! every message, as CSV or a printable HTML page. An export is read and written a page of
//! messages at a time, so its size never bounds the server's memory; each is recorded in the
//! audit log when it starts. Allowed where the organization allows exports; the organization's
//! whole export, to owners and admins only.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use textdesk_db::conversations::ConversationFilter;
use textdesk_db::exports::{self as stored, ExportRow, ExportScope};
use textdesk_db::{agents, audit, contacts, conversations, organizations};
use textdesk_domain::export::{check_range, csv_line, html_text};
use textdesk_types::MessageId;
use textdesk_types::exports::{ExportFormat, ExportRequest};

use crate::validation::Validator;
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// The messages read and written at a time.
const PAGE: i64 = 1000;
/// The most conversations one export of chosen conversations names.
pub const CHOSEN_MAX: usize = 1000;

const COLUMNS: [&str; 9] = [
    "Message ID",
    "Thread ID",
    "Conversation",
    "Date and time",
    "Contact",
    "From",
    "To",
    "Status",
    "Message",
];

/// An export under way: what it holds and how it is written.
#[derive(Clone, Debug)]
pub struct Export {
    caller: Caller,
    scope: ExportScope,
    format: ExportFormat,
    zone: Tz,
    title: String,
    /// The name the file is downloaded under.
    pub filename: String,
}

/// Checks the caller may export what the request names, records the export in the audit log,
/// and returns it ready to write.
pub fn begin(app: &AppContext, caller: &Caller, request: ExportRequest, client_address: &str) -> AppResult<Export> {
    caller.permits(Permission::ReadInbox)?;
    app.db.write(|conn| {
        let organization = organizations::find(conn, &caller.organization_id)?;
        if !organization.settings.exports_allowed {
            return Err(AppError::Forbidden {
                code: "exports_disabled",
                detail: "Your organization has switched exports off.".to_owned(),
            });
        }
        let agent = agents::find(conn, &caller.organization_id, &caller.agent_id)?;
        let zone = agent.time_zone.parse::<Tz>().unwrap_or(Tz::UTC);
        let (scope, title) = scope_of(app, conn, caller, &request, zone)?;
        let detail = serde_json::json!({"scope": title, "format": format_name(request.format)});
        let event = caller.audit_event(
            client_address,
            "messages.exported",
            ("organization", caller.organization_id.as_str()),
            detail,
        );
        audit::append(conn, event)?;
        let extension = match request.format {
            ExportFormat::Csv => "csv",
            ExportFormat::Html => "html",
        };
        let filename = format!("{}.{extension}", file_stem(&title));
        Ok(Export {
            caller: caller.clone(),
            scope,
            format: request.format,
            zone,
            title,
            filename,
        })
    })
}

fn format_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Html => "html",
    }
}

/// A title's letters and digits, dashes for the rest: a file name every system takes.
fn file_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    ["textdesk-", &stem].concat()
}

/// The scope the request names, checked: another organization's conversation or contact is
/// not found; a conversation's days at most seven apart; the whole organization for admins.
fn scope_of(
    app: &AppContext,
    conn: &mut textdesk_db::DbConnection,
    caller: &Caller,
    request: &ExportRequest,
    zone: Tz,
) -> AppResult<(ExportScope, String)> {
    let named = usize::from(request.conversation_id.is_some())
        + usize::from(request.contact_id.is_some())
        + usize::from(!request.conversation_ids.is_empty())
        + usize::from(request.view.is_some());
    if named > 1 {
        return Err(AppError::field(
            "conversation_id",
            "one_scope",
            "give one of conversation_id, contact_id, conversation_ids and view",
        ));
    }
    if (request.from.is_some() || request.until.is_some()) && request.conversation_id.is_none() {
        return Err(AppError::field(
            "from",
            "conversation_only",
            "days apply to one conversation's export",
        ));
    }
    if let Some(id) = &request.conversation_id {
        let conversation = conversations::find(conn, &caller.organization_id, id).or_missing("conversation")?;
        let (from, until) = days(request.from, request.until, zone)?;
        let title = format!("conversation {}", conversation.number);
        return Ok((
            ExportScope::Conversation {
                id: id.clone(),
                from,
                until,
            },
            title,
        ));
    }
    if let Some(id) = &request.contact_id {
        let contact = contacts::find(conn, &caller.organization_id, id).or_missing("contact")?;
        let name = format!("{} {}", contact.first_name, contact.last_name);
        let who = if name.trim().is_empty() {
            contact.phone_number.clone()
        } else {
            name.trim().to_owned()
        };
        return Ok((ExportScope::Contact(id.clone()), format!("thread with {who}")));
    }
    if !request.conversation_ids.is_empty() {
        if request.conversation_ids.len() > CHOSEN_MAX {
            return Err(AppError::field(
                "conversation_ids",
                "too_many",
                format!("at most {CHOSEN_MAX} conversations"),
            ));
        }
        // One query for them all: an id the organization does not have is not found.
        let mut wanted = request.conversation_ids.clone();
        wanted.sort();
        wanted.dedup();
        let filter = ConversationFilter {
            ids: Some(wanted.clone()),
            ..ConversationFilter::new(caller.organization_id.clone(), caller.agent_id.clone())
        };
        if conversations::ids(conn, &filter, i64::try_from(wanted.len()).unwrap_or(i64::MAX))?.len() != wanted.len() {
            return Err(AppError::NotFound("conversation"));
        }
        let count = request.conversation_ids.len();
        return Ok((
            ExportScope::Conversations(request.conversation_ids.clone()),
            format!("{count} conversations"),
        ));
    }
    if let Some(view) = &request.view {
        let ids = crate::conversations::ids_in_view(app, conn, caller, view)?;
        let count = ids.len();
        return Ok((
            ExportScope::Conversations(ids),
            format!("{count} conversations of a view"),
        ));
    }
    caller
        .permits(Permission::ManageSettings)
        .map_err(|_| AppError::Forbidden {
            code: "admins_only",
            detail: "Only owners and admins export every conversation.".to_owned(),
        })?;
    Ok((ExportScope::Organization, "all messages".to_owned()))
}

/// The instants the days cover, from the first's midnight to the midnight after the last, in
/// the agent's zone; the days must be at most seven, both given or neither.
fn days(
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    zone: Tz,
) -> AppResult<(Option<NaiveDateTime>, Option<NaiveDateTime>)> {
    let (from, until) = match (from, until) {
        (None, None) => return Ok((None, None)),
        (Some(from), Some(until)) => (from, until),
        (None, Some(_)) => return Err(AppError::field("from", "required", "give both days, or neither")),
        (Some(_), None) => return Err(AppError::field("until", "required", "give both days, or neither")),
    };
    let mut v = Validator::new();
    v.check("until", check_range(from, until));
    v.finish()?;
    let midnight = |day: NaiveDate| {
        let local = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        zone.from_local_datetime(&local)
            .earliest()
            .map_or(local, |at| at.naive_utc())
    };
    Ok((Some(midnight(from)), Some(midnight(until + chrono::Duration::days(1)))))
}

impl Export {
    pub fn content_type(&self) -> &'static str {
        match self.format {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Html => "text/html; charset=utf-8",
        }
    }

    /// What comes before the messages: the CSV's header line, or the page's head.
    pub fn head(&self) -> String {
        match self.format {
            ExportFormat::Csv => csv_line(COLUMNS),
            ExportFormat::Html => {
                let title = html_text(&["Textdesk: ", &self.title].concat());
                let columns: String = COLUMNS
                    .iter()
                    .map(|column| format!("<th scope=\"col\">{column}</th>"))
                    .collect();
                format!(
                    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
                     <style>body{{font:14px system-ui,sans-serif;margin:24px}}table{{border-collapse:collapse;width:100%}}\
                     th,td{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}\
                     td:last-child{{white-space:pre-wrap}}</style></head><body><h1>{title}</h1>\
                     <p>Times in {zone}.</p><table><thead><tr>{columns}</tr></thead><tbody>\n",
                    zone = html_text(self.zone.name())
                )
            }
        }
    }

    /// What comes after the messages.
    pub fn tail(&self) -> &'static str {
        match self.format {
            ExportFormat::Csv => "",
            ExportFormat::Html => "</tbody></table></body></html>\n",
        }
    }

    /// The next page of messages after `after`, written, and where the one after it starts
    /// (`None`: this was the last).
    pub fn rows(&self, app: &AppContext, after: Option<MessageId>) -> AppResult<(String, Option<MessageId>)> {
        let rows = app
            .db
            .read(|conn| stored::page(conn, &self.caller.organization_id, &self.scope, after.as_ref(), PAGE))?;
        let next = (rows.len() == usize::try_from(PAGE).unwrap_or(usize::MAX))
            .then(|| rows.last().map(|row| row.id.clone()))
            .flatten();
        let written = rows.iter().map(|row| self.row(row)).collect();
        Ok((written, next))
    }

    fn row(&self, row: &ExportRow) -> String {
        // The zone's abbreviation tells apart the hour a daylight-saving change repeats.
        let at = self
            .zone
            .from_utc_datetime(&row.created_at)
            .format("%Y-%m-%d %H:%M:%S %Z")
            .to_string();
        let name = format!("{} {}", row.first_name, row.last_name);
        let number = row.conversation_number.to_string();
        let cells = [
            row.id.as_str(),
            row.contact_id.as_str(),
            &number,
            &at,
            name.trim(),
            &row.from_number,
            &row.to_number,
            row.status.as_str(),
            &row.body,
        ];
        match self.format {
            ExportFormat::Csv => csv_line(cells),
            ExportFormat::Html => {
                let cells: String = cells
                    .iter()
                    .map(|cell| ["<td>", &html_text(cell), "</td>"].concat())
                    .collect();
                ["<tr>", &cells, "</tr>\n"].concat()
            }
        }
    }
}
