-- Contact imports from CSV files: the file as checked (kept until the import ends), the
-- columns it was checked with, progress, and the rows the report lists.
CREATE TABLE contact_imports (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_by TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    status TEXT NOT NULL,
    add_country_code BOOLEAN NOT NULL,
    existing TEXT,
    column_map TEXT NOT NULL,
    preview TEXT NOT NULL,
    file BLOB,
    rows_total INTEGER NOT NULL,
    rows_valid INTEGER NOT NULL,
    rows_existing INTEGER NOT NULL,
    rows_done INTEGER NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    issues INTEGER NOT NULL,
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP
);
CREATE INDEX contact_imports_organization ON contact_imports (organization_id, created_at);

CREATE TABLE contact_import_issues (
    import_id TEXT NOT NULL REFERENCES contact_imports (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    row_number INTEGER NOT NULL,
    number_cell TEXT NOT NULL,
    column_heading TEXT,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (import_id, seq)
);
-- The report is read in file order.
CREATE INDEX contact_import_issues_rows ON contact_import_issues (import_id, row_number, seq);
