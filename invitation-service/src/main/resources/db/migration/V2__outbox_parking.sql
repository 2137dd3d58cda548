-- Issue #6 (no head-of-line blocking): each outbox row is retried on its own and parked when it can never be
-- published, instead of stopping the relay at the first row the broker refuses.
--   attempts        failed sends so far (transient failures only: a permanent one parks at once)
--   next_attempt_at earliest time of the next send after a transient failure (back-off); null = at once
--   last_error      the last send failure, for an operator
--   parked_at       when the relay gave up on the row (permanent failure or too many attempts); null = not parked
--   park_reason     why
-- A parked row stays here; re-queue it with: update outbox set parked_at = null, park_reason = null, attempts = 0,
-- next_attempt_at = null where id = '<row id>';
alter table outbox
    add column attempts        integer       not null default 0,
    add column next_attempt_at timestamptz,
    add column last_error      varchar(1000),
    add column parked_at       timestamptz,
    add column park_reason     varchar(1000);

-- the relay scans rows that are neither published nor parked, in insertion order, and checks per aggregate whether
-- an earlier such row is still waiting
drop index outbox_unpublished;
create index outbox_pending_idx on outbox (seq) where published_at is null and parked_at is null;
create index outbox_pending_aggregate_idx on outbox (aggregate_type, aggregate_id, seq)
    where published_at is null and parked_at is null;
create index outbox_parked_idx on outbox (parked_at) where parked_at is not null;
