//! Contact imports from a CSV file (seed 003 "Upload Mobile Users"), owners and admins only.
//! A file is checked first and nothing is written to contacts until the importer confirms;
//! the import then runs in the worker, batch by batch, each batch with its progress in one
//! transaction, so an import a crash interrupts goes on where it stopped. Every row not
//! imported is in the report with why: nothing fails silently.

use std::collections::{BTreeMap, HashMap, HashSet};

use textdesk_db::consent::{self, ChangedBy};
use textdesk_db::contact_imports::{self, ContactImportRow, IssueRow, NewContactImport, Progress};
use textdesk_db::contacts::{self, ContactChanges, ContactRow, NewContact, to_json_text};
use textdesk_db::custom_fields as stored_fields;
use textdesk_db::{DbConnection, DbError, audit, events, ids, now};
use textdesk_domain::contact_fields::LABELS_MAX;
use textdesk_domain::contact_import::{ContactValues, ImportFile, ReadRow, sample_file};
use textdesk_domain::export::csv_line;
use textdesk_domain::text::Label;
use textdesk_types::contact_imports::{
    CheckImport, ContactImport, ExistingContacts, ImportColumn, ImportField, ImportIssue, ImportRow, ImportStatus,
    IssueOutcome, StartImport,
};
use textdesk_types::contacts::ConsentSource;
use textdesk_types::events::{Change, ContactChange, ContactsImported};
use textdesk_types::page::PageQuery;
use textdesk_types::{ContactImportId, OrganizationId, Page};

use crate::custom_fields::remember_labels;
use crate::pagination::{cut_page, decode_cursor, encode_cursor, parse_limit};
use crate::{AppContext, AppError, AppResult, Caller, OrMissing, Permission};

/// Rows the check shows as they will be imported.
pub const PREVIEW_ROWS: usize = 10;
/// The longest file name kept.
pub const FILE_NAME_MAX: usize = 200;
/// Imports listed on the import page.
const IMPORTS_LISTED: i64 = 20;
/// Rows imported per transaction. On SQLite the writer lock is held for one batch, so agents'
/// own writes wait at most that long behind an import.
const BATCH_ROWS: usize = 500;
/// Numbers looked up per query when checking a file.
const LOOKUP_NUMBERS: usize = 1_000;

/// The sample file: every column the import reads, the organization's custom fields included.
pub fn sample(app: &AppContext, caller: &Caller) -> AppResult<String> {
    caller.permits(Permission::ImportContacts)?;
    let fields = app.db.read(|conn| custom_field_kinds(conn, &caller.organization_id))?;
    Ok(sample_file(&fields))
}

fn custom_field_kinds(
    conn: &mut DbConnection,
    organization: &OrganizationId,
) -> Result<Vec<(String, textdesk_types::custom_fields::CustomFieldKind)>, DbError> {
    Ok(stored_fields::list(conn, organization)?
        .into_iter()
        .map(|field| (field.name, field.kind))
        .collect())
}

/// Checks a file and keeps it for the importer to confirm: the columns used and ignored, the
/// first rows as they will be imported, how many numbers already have contacts, and every row
/// that cannot be imported with why. Contacts are not touched.
pub fn check(app: &AppContext, caller: &Caller, options: CheckImport, file: Vec<u8>) -> AppResult<ContactImport> {
    caller.permits(Permission::ImportContacts)?;
    let file_name = match options.file_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Label::parse(name, FILE_NAME_MAX)
            .map_err(|invalid| AppError::invalid("file_name", invalid))?
            .into_inner(),
        _ => "contacts.csv".to_owned(),
    };
    let fields = app.db.read(|conn| custom_field_kinds(conn, &caller.organization_id))?;
    let opened = ImportFile::open(&file, &fields).map_err(|invalid| AppError::invalid("file", invalid))?;
    let id: ContactImportId = ids::new_id();
    let mut checked = CheckedFile::default();
    for read in opened.rows(options.add_country_code) {
        let read = read.map_err(|invalid| AppError::invalid("file", invalid))?;
        checked.add(&id, read);
    }
    let existing = existing_numbers(app, &caller.organization_id, &checked.numbers)?;
    for row in &mut checked.preview {
        row.existing = existing.contains(&row.phone_number);
    }
    let new = NewContactImport {
        id: id.clone(),
        organization_id: &caller.organization_id,
        created_by: &caller.agent_id,
        file_name: &file_name,
        status: ImportStatus::Checked,
        add_country_code: options.add_country_code,
        column_map: to_json_text(opened.columns()),
        preview: to_json_text(&checked.preview),
        file: &file,
        rows_total: count(checked.rows),
        rows_valid: count(checked.numbers.len()),
        rows_existing: count(existing.len()),
        rows_done: 0,
        created: 0,
        updated: 0,
        skipped: 0,
        failed: 0,
        issues: count(checked.issues.len()),
        created_at: now(),
    };
    app.db.write(|conn| {
        contact_imports::insert(conn, &new)?;
        contact_imports::add_issues(conn, &checked.issues)?;
        Ok(contact_imports::find(conn, &caller.organization_id, &id)?.into_wire()?)
    })
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// What checking a file found.
#[derive(Default)]
struct CheckedFile {
    rows: usize,
    /// The number of each row that can be imported.
    numbers: Vec<String>,
    preview: Vec<ImportRow>,
    issues: Vec<IssueRow>,
}

impl CheckedFile {
    fn add(&mut self, id: &ContactImportId, read: ReadRow) {
        self.rows += 1;
        match read.values {
            Ok(values) => {
                if self.preview.len() < PREVIEW_ROWS {
                    self.preview.push(preview_row(read.row, &values));
                }
                self.numbers.push(values.phone_number);
            }
            Err(problems) => {
                for problem in problems {
                    let seq = count(self.issues.len());
                    self.issues.push(IssueRow {
                        import_id: id.clone(),
                        seq,
                        row_number: i32::try_from(read.row).unwrap_or(i32::MAX),
                        number_cell: read.number_cell.clone(),
                        column_heading: problem.column,
                        code: problem.code.to_owned(),
                        message: problem.message,
                        outcome: IssueOutcome::Failed,
                    });
                }
            }
        }
    }
}

fn preview_row(row: u32, values: &ContactValues) -> ImportRow {
    ImportRow {
        row,
        phone_number: values.phone_number.clone(),
        first_name: values.first_name.clone(),
        last_name: values.last_name.clone(),
        company: values.company.clone(),
        email: values.email.clone(),
        labels: values.labels.clone(),
        custom_fields: values.custom_fields.clone(),
        opted_out: values.opted_out,
        existing: false,
    }
}

/// Which of `numbers` have a contact.
fn existing_numbers(app: &AppContext, organization: &OrganizationId, numbers: &[String]) -> AppResult<HashSet<String>> {
    let mut existing = HashSet::new();
    for batch in numbers.chunks(LOOKUP_NUMBERS) {
        let phones: Vec<&str> = batch.iter().map(String::as_str).collect();
        let found = app
            .db
            .read(|conn| contacts::find_by_phones(conn, organization, &phones))?;
        existing.extend(found.into_iter().map(|contact| contact.phone_number));
    }
    Ok(existing)
}

/// The organization's latest imports, newest first.
pub fn list(app: &AppContext, caller: &Caller) -> AppResult<Vec<ContactImport>> {
    caller.permits(Permission::ImportContacts)?;
    app.db.read(|conn| {
        let rows = contact_imports::latest(conn, &caller.organization_id, IMPORTS_LISTED)?;
        Ok(rows
            .into_iter()
            .map(ContactImportRow::into_wire)
            .collect::<Result<Vec<_>, _>>()?)
    })
}

pub fn get(app: &AppContext, caller: &Caller, id: ContactImportId) -> AppResult<ContactImport> {
    caller.permits(Permission::ImportContacts)?;
    app.db.read(|conn| Ok(find(conn, caller, &id)?.into_wire()?))
}

fn find(conn: &mut DbConnection, caller: &Caller, id: &ContactImportId) -> AppResult<ContactImportRow> {
    contact_imports::find(conn, &caller.organization_id, id).or_missing("contact import")
}

/// The rows the report lists, in file order.
pub fn issues(
    app: &AppContext,
    caller: &Caller,
    id: ContactImportId,
    query: PageQuery,
) -> AppResult<Page<ImportIssue>> {
    caller.permits(Permission::ImportContacts)?;
    let limit = parse_limit(query.limit)?;
    let after = match query.cursor.as_deref() {
        Some(cursor) => Some(issue_key(cursor)?),
        None => None,
    };
    app.db.read(|conn| {
        find(conn, caller, &id)?;
        let rows = contact_imports::issues(conn, &id, after, limit + 1)?;
        let (rows, next_cursor) = cut_page(rows, limit, |last| {
            encode_cursor(&[&last.row_number.to_string(), &last.seq.to_string()])
        });
        Ok(Page {
            items: rows.into_iter().map(IssueRow::into_wire).collect(),
            next_cursor,
            feed_cursor: None,
        })
    })
}

/// The row and place in the report a cursor of [`issues`] names.
fn issue_key(cursor: &str) -> AppResult<(i32, i32)> {
    let invalid = || AppError::field("cursor", "invalid_cursor", "is not a cursor this API returned");
    let [row, seq] = <[String; 2]>::try_from(decode_cursor("cursor", cursor, 2)?).map_err(|_| invalid())?;
    let number = |part: String| part.parse::<i32>().map_err(|_| invalid());
    Ok((number(row)?, number(seq)?))
}

/// The whole report as CSV: row, number, column, outcome, problem.
pub fn report(app: &AppContext, caller: &Caller, id: ContactImportId) -> AppResult<String> {
    caller.permits(Permission::ImportContacts)?;
    app.db.read(|conn| {
        find(conn, caller, &id)?;
        let mut csv = csv_line(["row", "number", "column", "outcome", "problem"]);
        let mut after = None;
        loop {
            let rows = contact_imports::issues(conn, &id, after, 5_000)?;
            let Some(last) = rows.last() else { break };
            after = Some((last.row_number, last.seq));
            for issue in rows {
                let row = issue.row_number.to_string();
                csv.push_str(&csv_line([
                    row.as_str(),
                    &issue.number_cell,
                    issue.column_heading.as_deref().unwrap_or(""),
                    issue.outcome.as_str(),
                    &issue.message,
                ]));
            }
        }
        Ok(csv)
    })
}

/// Confirms a checked import and queues it; rows whose number has a contact are updated or
/// skipped as `existing` says.
pub fn start(
    app: &AppContext,
    caller: &Caller,
    id: ContactImportId,
    request: StartImport,
    client_address: &str,
) -> AppResult<ContactImport> {
    caller.permits(Permission::ImportContacts)?;
    app.db.write(|conn| {
        let import = find(conn, caller, &id)?;
        if !contact_imports::confirm(conn, &caller.organization_id, &id, request.existing)? {
            return Err(AppError::conflict(
                "import_started",
                format!("this import is {} already", import.status.as_str()),
            ));
        }
        let job = textdesk_db::jobs::Job::ImportContacts(textdesk_db::jobs::ImportJob { import_id: id.clone() });
        textdesk_db::jobs::enqueue(
            conn,
            Some(&caller.organization_id),
            &job,
            textdesk_types::messages::SendLane::Bulk,
        )?;
        audit::append(
            conn,
            audit::AuditEvent {
                organization: &caller.organization_id,
                actor: Some(&caller.agent_id),
                action: "contacts.import_started",
                target_type: "contact_import",
                target_id: id.as_str(),
                detail: serde_json::json!({
                    "file_name": import.file_name,
                    "rows": import.rows_total,
                    "existing": request.existing.as_str(),
                }),
                client_address: Some(client_address),
            },
        )?;
        announce(conn, &import.organization_id, &id, 0)?;
        Ok(find(conn, caller, &id)?.into_wire()?)
    })
}

fn announce(
    conn: &mut DbConnection,
    organization: &OrganizationId,
    id: &ContactImportId,
    created: usize,
) -> Result<(), DbError> {
    let change = Change::ContactsImported(ContactsImported {
        import_id: id.clone(),
        created: u32::try_from(created).unwrap_or(u32::MAX),
    });
    events::append(conn, organization, change)
}

/// Runs a confirmed import to its end (the worker's job), from where an earlier run stopped.
pub fn run(app: &AppContext, id: &ContactImportId) -> AppResult<()> {
    let Some(import) = app.db.read(|conn| contact_imports::find_for_job(conn, id))? else {
        return Ok(());
    };
    if !matches!(import.status, ImportStatus::Queued | ImportStatus::Running) {
        return Ok(());
    }
    let Some(file) = app.db.read(|conn| contact_imports::file(conn, id))? else {
        return fail(app, &import, "the file was no longer kept");
    };
    if import.status == ImportStatus::Queued {
        app.db.write(|conn| contact_imports::mark_running(conn, id, now()))?;
    }
    let opened = ImportFile::reopen(&file, import.columns()?).map_err(|invalid| AppError::invalid("file", invalid))?;
    let mut progress = import.progress();
    let done = usize::try_from(progress.rows_done).unwrap_or_default();
    // Rows imported before are read again (not applied), so later repeats of their numbers are
    // still known as duplicates.
    let mut rows = opened.rows(import.add_country_code).skip(done).peekable();
    while rows.peek().is_some() {
        let batch = rows
            .by_ref()
            .take(BATCH_ROWS)
            .collect::<Result<Vec<ReadRow>, _>>()
            .map_err(|invalid| AppError::invalid("file", invalid))?;
        progress = app.db.write(|conn| import_batch(conn, &import, &batch, progress))?;
    }
    app.db.write(|conn| {
        contact_imports::finish(conn, id, ImportStatus::Done, None, now())?;
        audit::append(
            conn,
            audit::AuditEvent {
                organization: &import.organization_id,
                actor: Some(&import.created_by),
                action: "contacts.imported",
                target_type: "contact_import",
                target_id: id.as_str(),
                detail: serde_json::json!({
                    "file_name": import.file_name,
                    "created": progress.created,
                    "updated": progress.updated,
                    "skipped": progress.skipped,
                    "failed": progress.failed,
                }),
                client_address: None,
            },
        )?;
        Ok(announce(conn, &import.organization_id, id, 0)?)
    })
}

/// Ends an import that cannot go on; what it imported stays.
pub fn fail(app: &AppContext, import: &ContactImportRow, error: &str) -> AppResult<()> {
    app.db.write(|conn| {
        contact_imports::finish(conn, &import.id, ImportStatus::Failed, Some(error), now())?;
        Ok(announce(conn, &import.organization_id, &import.id, 0)?)
    })
}

/// Imports one batch of rows and records how far the import got, in one transaction.
fn import_batch(
    conn: &mut DbConnection,
    import: &ContactImportRow,
    batch: &[ReadRow],
    mut progress: Progress,
) -> AppResult<Progress> {
    let organization = &import.organization_id;
    let mut issues = IssueWriter {
        import,
        columns: import.columns()?,
        seq: progress.issues,
        rows: Vec::new(),
    };
    let valid: Vec<(&ReadRow, &ContactValues)> = batch
        .iter()
        .filter_map(|read| read.values.as_ref().ok().map(|values| (read, values)))
        .collect();
    progress.failed += count(batch.len() - valid.len());
    let phones: Vec<&str> = valid.iter().map(|(_, values)| values.phone_number.as_str()).collect();
    let mut existing: HashMap<String, ContactRow> = contacts::find_by_phones(conn, organization, &phones)?
        .into_iter()
        .map(|contact| (contact.phone_number.clone(), contact))
        .collect();
    let new: Vec<NewContact> = valid
        .iter()
        .filter(|(_, values)| !existing.contains_key(&values.phone_number))
        .map(|(_, values)| new_contact(values))
        .collect();
    let wanted = new.len();
    let created: HashMap<String, ContactRow> = contacts::insert_many(conn, organization, new)?
        .into_iter()
        .map(|contact| (contact.phone_number.clone(), contact))
        .collect();
    if created.len() < wanted {
        // Another transaction added some of these numbers meanwhile: theirs are existing
        // contacts now.
        existing = contacts::find_by_phones(conn, organization, &phones)?
            .into_iter()
            .filter(|contact| !created.contains_key(&contact.phone_number))
            .map(|contact| (contact.phone_number.clone(), contact))
            .collect();
    }
    let reason = format!("Imported from {}", import.file_name);
    let by = ChangedBy::agent(ConsentSource::Import, &import.created_by, Some(&reason));
    let mut labels: Vec<String> = Vec::new();
    // The batch's changed contacts are announced together, with one statement.
    let mut changed: Vec<Change> = Vec::new();
    for (read, values) in &valid {
        if let Some(contact) = created.get(&values.phone_number) {
            progress.created += 1;
            if values.opted_out == Some(true) {
                consent::opt_out(conn, contact, &by, now())?;
            }
        } else if let Some(contact) = existing.get(&values.phone_number) {
            match import.existing.unwrap_or_default() {
                ExistingContacts::Skip => {
                    progress.skipped += 1;
                    issues.add(
                        read,
                        None,
                        "contact_exists",
                        "a contact has this number; left as it was",
                        IssueOutcome::Skipped,
                    );
                    continue;
                }
                ExistingContacts::Update => {
                    progress.updated += 1;
                    update_contact(conn, contact, read, values, &by, &mut issues, &mut changed)?;
                }
            }
        } else {
            return Err(AppError::internal("an imported number has no contact"));
        }
        for label in &values.labels {
            if !labels.contains(label) {
                labels.push(label.clone());
            }
        }
    }
    remember_labels(conn, organization, &labels)?;
    events::append_all(conn, organization, &changed)?;
    progress.rows_done += count(batch.len());
    progress.issues = issues.seq;
    contact_imports::add_issues(conn, &issues.rows)?;
    contact_imports::record_progress(conn, &import.id, &progress)?;
    announce(conn, organization, &import.id, created.len())?;
    Ok(progress)
}

fn new_contact(values: &ContactValues) -> NewContact {
    NewContact {
        phone_number: values.phone_number.clone(),
        first_name: values.first_name.clone().unwrap_or_default(),
        last_name: values.last_name.clone().unwrap_or_default(),
        company: values.company.clone().unwrap_or_default(),
        email: values.email.clone(),
        custom_fields: values.custom_fields.clone(),
        labels: values.labels.clone(),
    }
}

/// Fills in an existing contact from a row: the values the row has replace the contact's,
/// labels are added, and an opted-out column applies, except that it never opts back in a
/// contact who opted out by keyword or whose carrier reported it. A changed contact joins
/// `changed`, for the feed.
fn update_contact(
    conn: &mut DbConnection,
    contact: &ContactRow,
    read: &ReadRow,
    values: &ContactValues,
    by: &ChangedBy<'_>,
    issues: &mut IssueWriter<'_>,
    changed: &mut Vec<Change>,
) -> AppResult<()> {
    let mut changes = ContactChanges {
        first_name: values.first_name.clone(),
        last_name: values.last_name.clone(),
        company: values.company.clone(),
        email: values.email.clone().map(Some),
        ..ContactChanges::default()
    };
    if !values.custom_fields.is_empty() {
        let mut fields: BTreeMap<String, String> =
            serde_json::from_str(&contact.custom_fields).map_err(corrupt(contact))?;
        fields.extend(values.custom_fields.clone());
        changes.custom_fields = Some(to_json_text(&fields));
    }
    if !values.labels.is_empty() {
        let mut labels: Vec<String> = serde_json::from_str(&contact.labels).map_err(corrupt(contact))?;
        let mut left_out = Vec::new();
        for label in &values.labels {
            if labels.contains(label) {
                continue;
            }
            if labels.len() < LABELS_MAX {
                labels.push(label.clone());
            } else {
                left_out.push(label.as_str());
            }
        }
        if !left_out.is_empty() {
            let message = format!(
                "the contact has {LABELS_MAX} labels, the most allowed; not added: {}",
                left_out.join(", ")
            );
            issues.add(
                read,
                Some(ImportField::Labels),
                "too_many_labels",
                &message,
                IssueOutcome::Kept,
            );
        }
        changes.labels = Some(to_json_text(&labels));
    }
    let changes_anything = changes.first_name.is_some()
        || changes.last_name.is_some()
        || changes.company.is_some()
        || changes.email.is_some()
        || changes.custom_fields.is_some()
        || changes.labels.is_some();
    if changes_anything {
        contacts::apply_changes(conn, &contact.organization_id, &contact.id, &changes)?;
        changed.push(Change::ContactChanged(ContactChange {
            contact_id: contact.id.clone(),
        }));
    }
    match values.opted_out {
        Some(true) if !contact.opted_out => {
            consent::opt_out(conn, contact, by, now())?;
        }
        Some(false) if contact.opted_out => match consent::last_opt_out_source(conn, &contact.id)? {
            Some(ConsentSource::Keyword | ConsentSource::Provider) => issues.add(
                read,
                Some(ImportField::OptedOut),
                "kept_opted_out",
                "stays opted out: the contact opted out by texting a keyword (or their carrier reported it), and only they can opt back in",
                IssueOutcome::Kept,
            ),
            _ => {
                consent::opt_in(conn, contact, by, now())?;
            }
        },
        _ => {}
    }
    Ok(())
}

/// A contact's custom fields or labels could not be read: never overwritten with the row's
/// alone.
fn corrupt(contact: &ContactRow) -> impl Fn(serde_json::Error) -> DbError + '_ {
    move |e| DbError::Corrupt(format!("contact {}: {e}", contact.id))
}

/// The issues a batch adds to the report, numbered on from the report's last.
struct IssueWriter<'a> {
    import: &'a ContactImportRow,
    columns: Vec<ImportColumn>,
    seq: i32,
    rows: Vec<IssueRow>,
}

impl IssueWriter<'_> {
    fn add(&mut self, read: &ReadRow, field: Option<ImportField>, code: &str, message: &str, outcome: IssueOutcome) {
        let column = field.and_then(|field| self.heading_of(field));
        self.rows.push(IssueRow {
            import_id: self.import.id.clone(),
            seq: self.seq,
            row_number: i32::try_from(read.row).unwrap_or(i32::MAX),
            number_cell: read.number_cell.clone(),
            column_heading: column,
            code: code.to_owned(),
            message: message.to_owned(),
            outcome,
        });
        self.seq += 1;
    }

    /// The heading of the column filling `field`.
    fn heading_of(&self, field: ImportField) -> Option<String> {
        self.columns
            .iter()
            .find(|column| column.field == Some(field))
            .map(|column| column.heading.clone())
    }
}
