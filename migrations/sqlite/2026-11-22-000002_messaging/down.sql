DROP TABLE events;
DROP TABLE jobs;
DROP TABLE read_states;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE contacts;
DROP TABLE numbers;
ALTER TABLE organizations DROP COLUMN next_event_seq;
ALTER TABLE organizations DROP COLUMN next_conversation_number;
