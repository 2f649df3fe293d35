DROP TRIGGER unread_tallies_moved;
DROP TRIGGER unread_tallies_gone;
DROP TRIGGER unread_tallies_arrived;
DROP INDEX unread_conversations_waiting;
DROP TABLE unread_tallies;
