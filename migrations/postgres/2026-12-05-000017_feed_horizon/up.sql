-- The change feed's horizon (`events::horizon`), as a function so that PostgreSQL plans it once
-- per connection instead of on every call: planning this query cost a millisecond of every
-- feed read and view list, running it a few hundredths (BENCHMARKS.md, "Issue 11, third
-- session").
--
-- `pg_snapshot_xmin` counting only transactions that may belong to this database: the lowest
-- running transaction id not seen in another database, or the snapshot's `xmax` when none.
CREATE FUNCTION feed_horizon() RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        WITH snapshot AS MATERIALIZED (SELECT pg_current_snapshot() AS snap),
             elsewhere AS MATERIALIZED (
                 SELECT backend_xid FROM pg_stat_activity
                 WHERE backend_xid IS NOT NULL AND datname IS NOT NULL AND datname <> current_database())
        SELECT COALESCE(
            (SELECT min(running::text::bigint) FROM snapshot, pg_snapshot_xip(snapshot.snap) AS running
              WHERE running::xid NOT IN (SELECT backend_xid FROM elsewhere)),
            (SELECT pg_snapshot_xmax(snap)::text::bigint FROM snapshot)));
END
$$;
