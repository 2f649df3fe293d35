DROP INDEX contacts_phone_tail;
ALTER TABLE messages DROP COLUMN search_words;
ALTER TABLE contacts DROP COLUMN search_words;
