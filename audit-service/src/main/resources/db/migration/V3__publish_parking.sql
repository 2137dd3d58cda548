-- Issue #6 (no head-of-line blocking): the relay no longer stops for good at a message the broker refuses.
-- publish_cursor keeps the back-off of the record at the cursor while it fails transiently:
--   attempts        failed passes of the record right after published_sequence (0 = none)
--   next_attempt_at earliest next pass after a transient failure; null = at once
--   last_error      the last failure, for an operator
alter table publish_cursor
    add column attempts        integer       not null default 0,
    add column next_attempt_at timestamptz,
    add column last_error      varchar(1000);

-- Messages (one per record and tenant) the relay gave up on: the broker will never accept them (record too large,
-- invalid topic) or they failed transiently audit.outbox.max-attempts times. The cursor moved past them.
-- Re-queue (docs/topics.md): delete the row(s) and set publish_cursor.published_sequence below the record's sequence;
-- everything after it is published again (consumers drop duplicates by ce_id).
create table publish_parked (
    record_sequence bigint        not null,
    tenant          varchar(63)   not null,
    message_id      uuid          not null,
    parked_at       timestamptz   not null,
    reason          varchar(1000) not null,
    primary key (record_sequence, tenant)
);
