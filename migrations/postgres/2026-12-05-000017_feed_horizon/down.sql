DROP FUNCTION feed_horizon();
