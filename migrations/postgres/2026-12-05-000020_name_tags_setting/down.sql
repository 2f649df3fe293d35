ALTER TABLE organizations DROP COLUMN name_tags_in_first_message;
