//! Reading a CSV file of contacts (seed 003 "Upload Mobile Users"): which contact field each
//! column fills, and each row read into a contact's values or the reasons it cannot be
//! imported. Rows are read one at a time, so checking a long file holds one row and the
//! numbers seen so far, never the whole file parsed.

use std::collections::{BTreeMap, HashMap};

use textdesk_types::contact_imports::{ImportColumn, ImportCustomField, ImportField};
use textdesk_types::custom_fields::CustomFieldKind;

use crate::Invalid;
use crate::contact_fields::{self, CUSTOM_FIELD_VALUE_MAX, optional_email, optional_text};
use crate::export::csv_line;
use crate::phone::PhoneNumber;
use crate::text::{NAME_MAX, TITLE_MAX};

/// The largest file taken.
pub const IMPORT_BYTES_MAX: usize = 20 * 1024 * 1024;
/// The most rows a file may have, the heading row not counted.
pub const IMPORT_ROWS_MAX: u32 = 200_000;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The headings each field is known by, compared without case, spaces, `_` or `-`.
const HEADINGS: &[(ImportField, &[&str])] = &[
    (
        ImportField::Number,
        &["number", "phone", "phonenumber", "mobile", "mobilenumber", "cell"],
    ),
    (ImportField::FirstName, &["firstname", "first", "givenname"]),
    (ImportField::LastName, &["lastname", "last", "surname", "familyname"]),
    (ImportField::Company, &["company", "companyname"]),
    (ImportField::Email, &["email", "emailaddress"]),
    (ImportField::Labels, &["labels", "label", "tags"]),
    (ImportField::OptedOut, &["optedout", "optout"]),
];

/// The heading the sample file gives each field.
fn sample_heading(field: ImportField) -> &'static str {
    match field {
        ImportField::Number => "number",
        ImportField::FirstName => "first_name",
        ImportField::LastName => "last_name",
        ImportField::Company => "company",
        ImportField::Email => "email",
        ImportField::Labels => "labels",
        ImportField::OptedOut => "opted_out",
        ImportField::CustomField => "",
    }
}

/// A heading as compared: lower case, letters and digits only.
fn heading_key(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The sample file the import page offers: every column it reads, with two example rows.
pub fn sample_file(custom_fields: &[(String, CustomFieldKind)]) -> String {
    let fields = [
        ImportField::Number,
        ImportField::FirstName,
        ImportField::LastName,
        ImportField::Company,
        ImportField::Email,
        ImportField::Labels,
        ImportField::OptedOut,
    ];
    let headings = fields
        .iter()
        .map(|field| sample_heading(*field))
        .chain(custom_fields.iter().map(|(name, _)| name.as_str()));
    let example = |cells: [&str; 7]| {
        let extra = custom_fields.iter().map(|(_, kind)| match kind {
            CustomFieldKind::Text => "",
            CustomFieldKind::Number => "1",
            CustomFieldKind::Date => "2026-12-31",
        });
        csv_line(cells.into_iter().chain(extra))
    };
    [
        csv_line(headings),
        example([
            "+1 202 555 0143",
            "Ada",
            "Lovelace",
            "Analytical Engines",
            "ada@example.com",
            "vip; newsletter",
            "no",
        ]),
        example(["(202) 555-0187", "Grace", "Hopper", "", "", "", ""]),
    ]
    .concat()
}

/// A row that can be imported: blank cells are `None` (they leave a contact's value as it is).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactValues {
    /// In E.164 form.
    pub phone_number: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub labels: Vec<String>,
    pub custom_fields: BTreeMap<String, String>,
    pub opted_out: Option<bool>,
}

/// Why a row cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// The heading of the column at fault, if one is.
    pub column: Option<String>,
    pub code: &'static str,
    pub message: String,
}

impl RowProblem {
    fn in_column(heading: &str, invalid: Invalid) -> Self {
        Self {
            column: Some(heading.to_owned()),
            code: invalid.code,
            message: invalid.message,
        }
    }
}

/// One row of the file, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadRow {
    /// Its place in the file, the heading row being row 1 (empty lines are not rows).
    pub row: u32,
    /// The number cell as written, for the report.
    pub number_cell: String,
    pub values: Result<ContactValues, Vec<RowProblem>>,
}

/// A file whose heading row was read.
pub struct ImportFile<'a> {
    body: &'a [u8],
    columns: Vec<ImportColumn>,
}

impl<'a> ImportFile<'a> {
    /// Reads the heading row, matching each heading to a contact field or to one of
    /// `custom_fields` (by name, without case); other columns are ignored. Fails for a file
    /// that cannot be imported at all: empty, not UTF-8, no number column, or a field named by
    /// two columns.
    pub fn open(bytes: &'a [u8], custom_fields: &[(String, CustomFieldKind)]) -> Result<Self, Invalid> {
        let body = Self::body(bytes)?;
        let headings = read_headings(body)?;
        let mut columns: Vec<ImportColumn> = Vec::with_capacity(headings.len());
        for heading in headings {
            let column = match_heading(&heading, custom_fields);
            if let Some(taken) = columns.iter().find(|other| {
                other.field.is_some() && (other.field, &other.custom_field) == (column.field, &column.custom_field)
            }) {
                return Err(Invalid::new(
                    "duplicate_column",
                    format!(
                        "the columns “{}” and “{}” fill the same field: keep one of them",
                        taken.heading, column.heading
                    ),
                ));
            }
            columns.push(column);
        }
        if !columns.iter().any(|column| column.field == Some(ImportField::Number)) {
            let found: Vec<&str> = columns.iter().map(|column| column.heading.as_str()).collect();
            return Err(Invalid::new(
                "number_column_missing",
                format!(
                    "the file needs a “number” column in its first row; its first row has: {}",
                    found.join(", ")
                ),
            ));
        }
        Ok(Self { body, columns })
    }

    /// A file checked before, read again with the columns it was checked with (the
    /// organization's custom fields may have changed since).
    pub fn reopen(bytes: &'a [u8], columns: Vec<ImportColumn>) -> Result<Self, Invalid> {
        Ok(Self {
            body: Self::body(bytes)?,
            columns,
        })
    }

    fn body(bytes: &[u8]) -> Result<&[u8], Invalid> {
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Err(Invalid::new(
                "not_utf8",
                "the file is UTF-16 text: save it as “CSV UTF-8” (or plain CSV) and try again",
            ));
        }
        let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(Invalid::new("empty_file", "the file is empty"));
        }
        Ok(body)
    }

    pub fn columns(&self) -> &[ImportColumn] {
        &self.columns
    }

    /// The rows after the heading row, in order; a row that is blank throughout is passed
    /// over. Ends with an error when the file has more than [`IMPORT_ROWS_MAX`] rows.
    pub fn rows(&self, add_country_code: bool) -> ImportRows<'_> {
        let reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(self.body);
        ImportRows {
            reader,
            columns: &self.columns,
            add_country_code,
            seen: HashMap::new(),
            record: csv::ByteRecord::new(),
            rows: 0,
            row_number: 1,
        }
    }
}

fn read_headings(body: &[u8]) -> Result<Vec<String>, Invalid> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(body);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => return Err(Invalid::new("empty_file", "the file is empty")),
        Err(error) => return Err(Invalid::new("unreadable_file", format!("the file is not CSV: {error}"))),
    }
    record
        .iter()
        .map(|cell| {
            std::str::from_utf8(cell)
                .map(|text| text.trim().to_owned())
                .map_err(|_| {
                    Invalid::new(
                        "not_utf8",
                        "the first row is not UTF-8 text: save the file as “CSV UTF-8” and try again",
                    )
                })
        })
        .collect()
}

fn match_heading(heading: &str, custom_fields: &[(String, CustomFieldKind)]) -> ImportColumn {
    let key = heading_key(heading);
    let known = HEADINGS
        .iter()
        .find(|(_, names)| !key.is_empty() && names.contains(&key.as_str()))
        .map(|(field, _)| *field);
    let custom = || {
        custom_fields
            .iter()
            .find(|(name, _)| !key.is_empty() && heading_key(name) == key)
            .map(|(name, kind)| ImportCustomField {
                name: name.clone(),
                kind: *kind,
            })
    };
    let (field, custom_field) = match known {
        Some(field) => (Some(field), None),
        None => match custom() {
            Some(custom) => (Some(ImportField::CustomField), Some(custom)),
            None => (None, None),
        },
    };
    ImportColumn {
        heading: heading.to_owned(),
        field,
        custom_field,
    }
}

/// The rows of an [`ImportFile`]; a number read on an earlier row makes a later row with it a
/// duplicate.
pub struct ImportRows<'a> {
    reader: csv::Reader<&'a [u8]>,
    columns: &'a [ImportColumn],
    add_country_code: bool,
    /// Numbers of rows that can be imported, and the row each is on.
    seen: HashMap<String, u32>,
    record: csv::ByteRecord,
    rows: u32,
    row_number: u32,
}

impl Iterator for ImportRows<'_> {
    type Item = Result<ReadRow, Invalid>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(error) => {
                    return Some(Err(Invalid::new(
                        "unreadable_file",
                        format!("the file is not CSV: {error}"),
                    )));
                }
            }
            self.row_number += 1;
            if self.record.iter().all(|cell| cell.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            self.rows += 1;
            if self.rows > IMPORT_ROWS_MAX {
                return Some(Err(Invalid::new(
                    "too_many_rows",
                    format!("the file has more than {IMPORT_ROWS_MAX} rows: split it into smaller files"),
                )));
            }
            return Some(Ok(self.read_row()));
        }
    }
}

impl ImportRows<'_> {
    fn read_row(&mut self) -> ReadRow {
        let row = self.row_number;
        let mut problems = Vec::new();
        let mut values = ContactValues::default();
        let mut number_cell = String::new();
        if self.record.len() > self.columns.len() {
            problems.push(RowProblem {
                column: None,
                code: "extra_cells",
                message: format!(
                    "has {} cells where the first row has {} headings: a value with a comma must be in quotes",
                    self.record.len(),
                    self.columns.len()
                ),
            });
        }
        for (column, cell) in self.columns.iter().zip(self.record.iter()) {
            let Some(field) = column.field else { continue };
            let Ok(cell) = std::str::from_utf8(cell) else {
                problems.push(RowProblem::in_column(
                    &column.heading,
                    Invalid::new("not_utf8", "is not UTF-8 text: save the file as “CSV UTF-8”"),
                ));
                continue;
            };
            if field == ImportField::Number {
                cell.trim().clone_into(&mut number_cell);
            }
            if let Err(invalid) = read_cell(&mut values, column, field, cell, self.add_country_code) {
                problems.push(RowProblem::in_column(&column.heading, invalid));
            }
        }
        if problems.is_empty() && values.phone_number.is_empty() {
            problems.push(RowProblem {
                column: self.number_heading(),
                code: "required",
                message: "has no number".to_owned(),
            });
        }
        if problems.is_empty() {
            if let Some(first) = self.seen.get(&values.phone_number) {
                problems.push(RowProblem {
                    column: self.number_heading(),
                    code: "duplicate_in_file",
                    message: format!("has the same number as row {first}, which is imported instead"),
                });
            } else {
                self.seen.insert(values.phone_number.clone(), row);
            }
        }
        ReadRow {
            row,
            number_cell,
            values: if problems.is_empty() { Ok(values) } else { Err(problems) },
        }
    }

    fn number_heading(&self) -> Option<String> {
        self.columns
            .iter()
            .find(|column| column.field == Some(ImportField::Number))
            .map(|column| column.heading.clone())
    }
}

/// Reads one cell into the row's values; a blank cell leaves the value unset.
fn read_cell(
    values: &mut ContactValues,
    column: &ImportColumn,
    field: ImportField,
    cell: &str,
    add_country_code: bool,
) -> Result<(), Invalid> {
    let text = |max: usize| optional_text(cell, max).map(|text| Some(text).filter(|text| !text.is_empty()));
    match field {
        ImportField::Number => values.phone_number = read_number(cell, add_country_code)?,
        ImportField::FirstName => values.first_name = text(NAME_MAX)?,
        ImportField::LastName => values.last_name = text(NAME_MAX)?,
        ImportField::Company => values.company = text(TITLE_MAX)?,
        ImportField::Email => values.email = optional_email(cell)?,
        ImportField::Labels => {
            let labels = cell.split([';', ',']).map(str::trim).filter(|label| !label.is_empty());
            values.labels = contact_fields::labels(labels)?;
        }
        ImportField::OptedOut => values.opted_out = read_yes_no(cell)?,
        ImportField::CustomField => {
            let Some(custom) = &column.custom_field else {
                return Ok(());
            };
            let value = custom
                .kind
                .check(cell)
                .map_err(|(code, message)| Invalid::new(code, message))?;
            let value = optional_text(&value, CUSTOM_FIELD_VALUE_MAX)?;
            if !value.is_empty() {
                values.custom_fields.insert(custom.name.clone(), value);
            }
        }
    }
    Ok(())
}

/// A number scrubbed of everything but digits and read with its country code; ten digits are
/// a U.S. number when the importer said so. Empty when the cell is blank.
fn read_number(cell: &str, add_country_code: bool) -> Result<String, Invalid> {
    if cell.trim().is_empty() {
        return Ok(String::new());
    }
    let mut digits: String = cell.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(Invalid::new(
            "invalid_phone_number",
            format!("“{}” has no digits", cell.trim()),
        ));
    }
    if add_country_code && digits.len() == 10 {
        digits.insert(0, '1');
    }
    PhoneNumber::parse(&format!("+{digits}"))
        .map(PhoneNumber::into_inner)
        .map_err(|_| {
            let us_number = digits.len() == 10 && PhoneNumber::parse(&format!("+1{digits}")).is_ok();
            let hint = if us_number {
                ": it has no country code; for U.S. numbers, choose “Add the U.S. country code”"
            } else {
                " (write it with its country code)"
            };
            Invalid::new(
                "invalid_phone_number",
                format!("“{}” is not a valid phone number{hint}", cell.trim()),
            )
        })
}

fn read_yes_no(cell: &str) -> Result<Option<bool>, Invalid> {
    match heading_key(cell).as_str() {
        "" => Ok(None),
        "yes" | "y" | "true" | "1" | "x" | "optedout" => Ok(Some(true)),
        "no" | "n" | "false" | "0" => Ok(Some(false)),
        _ => Err(Invalid::new("invalid_opted_out", "must be yes or no (or blank)")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn fields() -> Vec<(String, CustomFieldKind)> {
        vec![
            ("Membership".to_owned(), CustomFieldKind::Date),
            ("Points".to_owned(), CustomFieldKind::Number),
        ]
    }

    fn read(file: &str, add_country_code: bool) -> Vec<ReadRow> {
        let file = ImportFile::open(file.as_bytes(), &fields()).unwrap();
        file.rows(add_country_code).map(Result::unwrap).collect()
    }

    fn codes(row: &ReadRow) -> Vec<&'static str> {
        match &row.values {
            Ok(_) => vec![],
            Err(problems) => problems.iter().map(|problem| problem.code).collect(),
        }
    }

    #[test]
    fn headings_match_fields_in_any_spelling_and_the_rest_are_ignored() {
        let file = ImportFile::open(
            "Phone Number,First_Name,last-name,E-mail,membership,Favourite colour\n".as_bytes(),
            &fields(),
        )
        .unwrap();
        let fields: Vec<Option<ImportField>> = file.columns().iter().map(|column| column.field).collect();
        assert_eq!(
            fields,
            [
                Some(ImportField::Number),
                Some(ImportField::FirstName),
                Some(ImportField::LastName),
                Some(ImportField::Email),
                Some(ImportField::CustomField),
                None
            ]
        );
        assert_eq!(
            file.columns()[4].custom_field,
            Some(ImportCustomField {
                name: "Membership".to_owned(),
                kind: CustomFieldKind::Date
            })
        );
    }

    #[test]
    fn files_that_cannot_be_imported_say_why() {
        let code = |bytes: &[u8]| ImportFile::open(bytes, &fields()).err().map(|invalid| invalid.code);
        assert_eq!(code(b""), Some("empty_file"));
        assert_eq!(code(b"\xEF\xBB\xBF \r\n"), Some("empty_file"));
        assert_eq!(code(b"name,email\nAda,a@b.co\n"), Some("number_column_missing"));
        assert_eq!(code(b"number,phone\n"), Some("duplicate_column"));
        assert_eq!(code(b"\xFF\xFEn\x00"), Some("not_utf8"));
        assert_eq!(code(b"n\xE9m,number\n"), Some("not_utf8"));
    }

    #[test]
    fn a_bom_and_quoted_line_breaks_and_commas_are_read() {
        let rows = read(
            "\u{FEFF}number,first name,company,labels\r\n\"+1 (202) 555-0143\",Ada,\"Engines, Ltd\",\"vip;new\"\r\n\r\n2025550187,\"Grace\nHopper\",,\n",
            true,
        );
        assert_eq!(rows.len(), 2);
        let first = rows[0].values.as_ref().unwrap();
        assert_eq!(rows[0].row, 2);
        assert_eq!(first.phone_number, "+12025550143");
        assert_eq!(first.company.as_deref(), Some("Engines, Ltd"));
        assert_eq!(first.labels, ["vip", "new"]);
        // Empty lines are not rows; a line break inside a name is one cell, and names are
        // single-line.
        assert_eq!(rows[1].row, 3);
        assert_eq!(codes(&rows[1]), ["control_characters"]);
        assert_eq!(rows[1].number_cell, "2025550187");
    }

    #[test]
    fn numbers_are_scrubbed_and_the_us_code_added_on_request() {
        let rows = read("number\n(202) 555-0143\n+44 20 7946 0958\n12\ncall me\n", true);
        assert_eq!(rows[0].values.as_ref().unwrap().phone_number, "+12025550143");
        assert_eq!(rows[1].values.as_ref().unwrap().phone_number, "+442079460958");
        assert_eq!(codes(&rows[2]), ["invalid_phone_number"]);
        assert_eq!(codes(&rows[3]), ["invalid_phone_number"]);
        let without = read("number\n(202) 555-0143\n12025550143\n", false);
        let Err(problems) = &without[0].values else {
            panic!("a number without its country code was read")
        };
        assert!(
            problems[0].message.contains("Add the U.S. country code"),
            "{problems:?}"
        );
        assert_eq!(without[1].values.as_ref().unwrap().phone_number, "+12025550143");
    }

    #[test]
    fn every_kind_of_bad_row_is_reported_with_its_column() {
        let rows = read(
            "number,first name,email,opted out,membership,points,labels\n\
             2025550143,Ada,not-an-email,maybe,31/12/2026,many,ok\n\
             ,Grace,,,,,\n\
             2025550144,Joan,,,,,\"a,b\",extra\n\
             2025550145,Ok,,yes,2026-12-31,3.5,\n",
            true,
        );
        assert_eq!(
            codes(&rows[0]),
            ["invalid_email", "invalid_opted_out", "invalid_date", "invalid_number"]
        );
        let Err(problems) = &rows[0].values else { panic!() };
        assert_eq!(problems[0].column.as_deref(), Some("email"));
        assert_eq!(codes(&rows[1]), ["required"]);
        assert_eq!(codes(&rows[2]), ["extra_cells"]);
        let fine = rows[3].values.as_ref().unwrap();
        assert_eq!(fine.opted_out, Some(true));
        assert_eq!(
            fine.custom_fields.get("Membership").map(String::as_str),
            Some("2026-12-31")
        );
        assert_eq!(fine.custom_fields.get("Points").map(String::as_str), Some("3.5"));
    }

    #[test]
    fn a_repeated_number_is_a_duplicate_of_the_first_good_row() {
        let rows = read(
            "number,email\n202-555-0143,bad\n(202) 555 0143,a@b.co\n+1 202 555 0143,c@d.co\n",
            true,
        );
        assert_eq!(codes(&rows[0]), ["invalid_email"]);
        assert!(rows[1].values.is_ok());
        assert_eq!(codes(&rows[2]), ["duplicate_in_file"]);
        let Err(problems) = &rows[2].values else { panic!() };
        assert!(problems[0].message.contains("row 3"), "{problems:?}");
    }

    #[test]
    fn formula_cells_are_kept_as_text() {
        let rows = read(
            "number,first name,company\n'+1 202 555 0143,=HYPERLINK(\"x\"),@SUM(A1)\n",
            true,
        );
        let values = rows[0].values.as_ref().unwrap();
        assert_eq!(values.phone_number, "+12025550143");
        assert_eq!(values.first_name.as_deref(), Some("=HYPERLINK(\"x\")"));
        assert_eq!(values.company.as_deref(), Some("@SUM(A1)"));
    }

    #[test]
    fn bytes_that_are_not_utf8_fail_their_row() {
        let file = b"number,first name\n2025550143,Jos\xE9\n2025550144,Ana\n";
        let opened = ImportFile::open(file, &[]).unwrap();
        let rows: Vec<ReadRow> = opened.rows(true).map(Result::unwrap).collect();
        assert_eq!(codes(&rows[0]), ["not_utf8"]);
        assert!(rows[1].values.is_ok());
    }

    #[test]
    fn too_many_rows_end_the_file() {
        // Rows without digits fail fast; they still count.
        let file = format!("number\n{}", "-\n".repeat(IMPORT_ROWS_MAX as usize + 1));
        let opened = ImportFile::open(file.as_bytes(), &[]).unwrap();
        let last = opened.rows(true).last().unwrap();
        assert_eq!(last.err().map(|invalid| invalid.code), Some("too_many_rows"));
    }

    #[test]
    fn the_sample_file_is_read_back_without_problems() {
        let sample = sample_file(&fields());
        let rows = read(&sample, true);
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|row| row.values.is_ok()), "{rows:?}");
        let file = ImportFile::open(sample.as_bytes(), &fields()).unwrap();
        assert!(file.columns().iter().all(|column| column.field.is_some()));
    }
}
