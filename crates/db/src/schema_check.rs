//! A backend-neutral description of the live schema, so a test can prove that the SQLite and
//! PostgreSQL migration trees build the same tables and columns.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use crate::{DbConnection, DbError};

#[derive(QueryableByName)]
struct ColumnInfo {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
}

/// Column name → (type family, NOT NULL), per table.
pub type SchemaDescription = BTreeMap<String, BTreeMap<String, (String, bool)>>;

/// An AUTOINCREMENT key is SQLite's 64-bit rowid: PostgreSQL's BIGINT identity. Full-text
/// (FTS5) tables and their shadow tables are SQLite's form of PostgreSQL's full-text indexes,
/// which are no tables there, so they are left out.
const SQLITE_COLUMNS: &str = "SELECT m.name AS table_name, p.name AS column_name, \
     CASE WHEN p.pk = 1 AND upper(m.sql) LIKE '%AUTOINCREMENT%' THEN 'bigint' ELSE p.type END AS data_type, \
     (p.\"notnull\" = 1 OR p.pk > 0) AS not_null \
     FROM sqlite_master m, pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
     AND m.name NOT IN (SELECT name FROM pragma_table_list WHERE type IN ('virtual', 'shadow'))";

/// Generated columns hold the words of PostgreSQL's full-text indexes, which SQLite keeps in
/// its FTS5 tables, so they are left out as those are.
const POSTGRES_COLUMNS: &str = "SELECT table_name::text AS table_name, column_name::text AS column_name, \
     data_type::text AS data_type, (is_nullable = 'NO') AS not_null \
     FROM information_schema.columns \
     WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations' \
     AND is_generated = 'NEVER'";

/// Both backends' spellings of one type, as one family name.
fn type_family(data_type: &str) -> String {
    match data_type.to_lowercase().as_str() {
        "text" | "character varying" => "text",
        "boolean" => "bool",
        "integer" | "int" | "int4" => "integer",
        "bigint" | "int8" => "bigint",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "blob" | "bytea" => "binary",
        other => return other.to_owned(),
    }
    .to_owned()
}

pub fn describe(conn: &mut DbConnection) -> Result<SchemaDescription, DbError> {
    let columns: Vec<ColumnInfo> = match conn {
        DbConnection::Sqlite(sqlite) => diesel::sql_query(SQLITE_COLUMNS).load(sqlite)?,
        DbConnection::Postgresql(postgres) => diesel::sql_query(POSTGRES_COLUMNS).load(postgres)?,
    };
    let mut description = SchemaDescription::new();
    for column in columns {
        description
            .entry(column.table_name)
            .or_default()
            .insert(column.column_name, (type_family(&column.data_type), column.not_null));
    }
    Ok(description)
}
