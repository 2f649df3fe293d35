-- Search: the words of contacts' names and of messages' text, indexed for full-text search,
-- and an index on the end of contacts' numbers (a number typed in any format, or its last
-- digits, matches its end).
--
-- Full text (tsvector, GIN) rather than pg_trgm: pg_trgm is a trusted extension (a database
-- owner without superuser may create it on PostgreSQL 15), but its index is larger, it ranks by
-- likeness of letters rather than by words, and it cannot use the index for fewer than three
-- letters. What search needs beyond whole words is the word being typed, which a tsquery
-- prefix (`word:*`) answers from the same index. The 'simple' configuration neither stems nor
-- drops stop words, like SQLite's FTS5 tables.
--
-- The words are stored (generated columns) rather than only indexed as an expression: a word
-- found in many messages is answered by walking the newest messages and testing each one's
-- stored words, stopping at enough matches, where an expression would be recomputed for every
-- message walked (measured on 1,000,000 messages: 20 ms instead of 300 ms for a word in 4 %
-- of them, 1 ms instead of 8 s for a word in all of them). SQLite keeps the same words in its
-- FTS5 tables, so these columns are left out of the schema comparison of the two trees and
-- out of schema.rs: no query reads them but search's own SQL.
--
-- Everything but letters and digits is blanked before parsing, so that words split as in
-- SQLite's unicode61 tokenizer: PostgreSQL's parser would otherwise keep `joe@example.com`,
-- `555-0123` (as `555` and `-0123`) or URLs as single tokens that no typed word matches.
-- [:alnum:] covers letters beyond ASCII under a UTF-8 locale (C.UTF-8, en_US.UTF-8), which
-- Textdesk's databases are created with.

ALTER TABLE contacts ADD COLUMN search_words tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', regexp_replace(first_name || ' ' || last_name || ' ' || company, '[^[:alnum:]]+', ' ', 'g'))
) STORED;
CREATE INDEX contacts_search ON contacts USING gin (search_words);

ALTER TABLE messages ADD COLUMN search_words tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', regexp_replace(body, '[^[:alnum:]]+', ' ', 'g'))
) STORED;
CREATE INDEX messages_search ON messages USING gin (search_words);

-- The last four characters of each number: a search by a number's end compares these first.
CREATE INDEX contacts_phone_tail ON contacts (organization_id, right(phone_number, 4));
