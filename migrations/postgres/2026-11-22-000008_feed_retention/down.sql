DROP TABLE feed_purges;
