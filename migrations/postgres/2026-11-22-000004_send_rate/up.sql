-- Carriers limit how fast one number may send (a US long code about 1 message a second,
-- toll-free 3, short codes 100); the worker keeps each number under its rate.
ALTER TABLE numbers ADD COLUMN send_rate_per_second INTEGER NOT NULL DEFAULT 1;
