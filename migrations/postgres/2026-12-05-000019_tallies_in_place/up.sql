-- SQLite's tallies are kept in place from here on; PostgreSQL's still append (000016), so
-- nothing changes here (a statement, as PostgreSQL refuses an empty migration).
SELECT 1;
