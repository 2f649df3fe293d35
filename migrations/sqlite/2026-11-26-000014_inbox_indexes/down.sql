DROP INDEX conversations_waiting;
DROP INDEX conversations_follow_up;
