-- Search: full-text indexes over contacts' names and messages' text, and an index on the end
-- of contacts' numbers (a number typed in any format, or its last digits, matches its end).
--
-- Both full-text tables are FTS5 external-content tables: they index the rows of `contacts`
-- and `messages` by rowid and store no copy of the text. Triggers keep them in step. The
-- tokenizer keeps diacritics, as PostgreSQL's 'simple' configuration does, so both backends
-- match the same words. The prefix indexes serve a word being typed: names match from its first
-- letter, messages from its third.
--
-- These tables have no INTEGER PRIMARY KEY, and VACUUM may renumber such a table's rowids:
-- after a VACUUM, run INSERT INTO messages_fts (messages_fts) VALUES ('rebuild') and the same
-- for contacts_fts. (Search drops a hit whose text does not hold the words, so a stale index
-- misses results rather than showing wrong ones.)

CREATE VIRTUAL TABLE contacts_fts USING fts5 (
    first_name, last_name, company,
    content = 'contacts',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '1 2 3'
);

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, first_name, last_name, company)
    VALUES (new.rowid, new.first_name, new.last_name, new.company);
END;

CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, first_name, last_name, company)
    VALUES ('delete', old.rowid, old.first_name, old.last_name, old.company);
END;

CREATE TRIGGER contacts_fts_update AFTER UPDATE OF first_name, last_name, company ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, first_name, last_name, company)
    VALUES ('delete', old.rowid, old.first_name, old.last_name, old.company);
    INSERT INTO contacts_fts (rowid, first_name, last_name, company)
    VALUES (new.rowid, new.first_name, new.last_name, new.company);
END;

INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');

-- Every message is indexed; compliance texts, which conversations hide, are left out by the
-- query, so that 'rebuild' (which indexes every row) stays the whole repair.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body,
    content = 'messages',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '3'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.rowid, new.body);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
END;

-- Delivery updates touch messages all the time; only a changed body re-indexes.
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
    INSERT INTO messages_fts (rowid, body) VALUES (new.rowid, new.body);
END;

INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

-- The last four characters of each number: a search by a number's end compares these first.
CREATE INDEX contacts_phone_tail ON contacts (organization_id, substr(phone_number, -4));
