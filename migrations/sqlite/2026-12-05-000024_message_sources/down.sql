ALTER TABLE messages DROP COLUMN author_label;
ALTER TABLE messages DROP COLUMN source;
