DROP TRIGGER unread_tallies_moved ON unread_conversations;
DROP TRIGGER unread_tallies_gone ON unread_conversations;
DROP TRIGGER unread_tallies_arrived ON unread_conversations;
DROP FUNCTION unread_tallies_moved();
DROP FUNCTION unread_tallies_gone();
DROP FUNCTION unread_tallies_arrived();
DROP INDEX unread_conversations_waiting;
DROP TABLE unread_tallies;
