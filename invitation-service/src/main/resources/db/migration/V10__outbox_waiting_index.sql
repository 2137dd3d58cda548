-- The relay's per-aggregate order check ("no earlier row of this aggregate still backing off") reads only rows that
-- are backing off: next_attempt_at is set after a transient send failure and the row leaves this index once it is
-- published or parked, so the index is empty in normal operation (after a broker outage it holds the rows that
-- failed until they are published) and inserts of new rows never touch it.
-- The index it replaces held every pending row; the planner read all of it once per relay round (measured under a
-- saga load: 1 125 to 4 624 pending rows filtered out per call), a cost that grew with the very backlog the relay was
-- trying to work off.
-- Locks: building the index scans the whole outbox (published rows are kept) under a SHARE lock, which holds back
-- new outbox rows for that time; on a large table create it beforehand with CREATE INDEX CONCURRENTLY (the same
-- definition), which makes this statement a no-op (docs/operations.md, "Upgrades").
create index if not exists outbox_waiting_idx on outbox (aggregate_type, aggregate_id, seq)
    where published_at is null and parked_at is null and next_attempt_at is not null;
drop index if exists outbox_pending_aggregate_idx;
