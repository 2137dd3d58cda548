-- Issue #8 bullet 7 (OpenID Shared Signals Framework 1.0, push delivery RFC 8935): a tenant's registered receivers
-- (streams) and one delivery row per (revocation, stream) written in the transaction that revoked the grant.
create table ssf_stream (
    id                   uuid          primary key,
    tenant               varchar(63)   not null,
    aud                  varchar(2048) not null,
    endpoint_url         varchar(2048) not null,
    -- the receiver's Authorization header value, sent with every push and never answered back
    authorization_header varchar(4096),
    -- JSON array of event type URIs the receiver asked for
    events_requested     text          not null,
    description          varchar(1024),
    created_at           timestamptz   not null
);
create index ssf_stream_tenant_idx on ssf_stream (tenant, created_at);

-- id is the SET's jti: a retry sends the same claims (signed again), so a receiver de-duplicates by jti.
--   claims          the SET's claims (JSON object), fixed when the revocation committed
--   next_attempt_at earliest time of the next push (back-off after a transient failure)
--   lease_until     a worker has the row in flight until then; another worker (or round) leaves it alone
--   delivered_at    the receiver answered 202/200; parked_at/park_reason: given up (400, or too old)
-- Deleting a stream deletes its rows: nothing more is pushed to it.
create table ssf_delivery (
    id              uuid          primary key,
    stream_id       uuid          not null references ssf_stream (id) on delete cascade,
    invitation_id   uuid          not null,
    claims          text          not null,
    created_at      timestamptz   not null,
    attempts        integer       not null default 0,
    next_attempt_at timestamptz   not null,
    lease_until     timestamptz,
    last_error      varchar(1000),
    delivered_at    timestamptz,
    parked_at       timestamptz,
    park_reason     varchar(1000)
);
-- the worker looks per stream for its due, unsettled rows in due order
create index ssf_delivery_due_idx on ssf_delivery (stream_id, next_attempt_at)
    where delivered_at is null and parked_at is null;
