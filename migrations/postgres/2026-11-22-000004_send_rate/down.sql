ALTER TABLE numbers DROP COLUMN send_rate_per_second;
