DROP TABLE quick_replies;
