DROP TABLE contact_import_issues;
DROP TABLE contact_imports;
