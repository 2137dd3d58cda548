-- Invitations: one row per collaboration request, through its whole lifecycle.
create table invitation (
    id                    uuid primary key,
    resource_tenant       varchar(63)  not null,
    application           varchar(63)  not null,
    invitee_tenant        varchar(63)  not null,
    invitee_email         varchar(254) not null,
    requested_by_tenant   varchar(63)  not null,
    requested_by_subject  varchar(255) not null,
    requested_by_email    varchar(254),
    requested_by_role     varchar(32)  not null,
    status                varchar(32)  not null
        check (status in ('requested', 'pending_acceptance', 'accepted', 'denied', 'revoked', 'expired')),
    created_at            timestamptz  not null,
    updated_at            timestamptz  not null,
    expires_at            timestamptz  not null,
    decision_id           uuid,
    decision_outcome      varchar(8),
    decision_reasons      text,          -- JSON array of strings, as the policy service sent it
    decided_at            timestamptz,
    redemption_code       varchar(128),  -- cleared once used, revoked, expired or burnt by failed attempts
    failed_redemptions    integer      not null default 0,
    guest_tenant          varchar(63),
    guest_issuer          varchar(512),
    guest_subject         varchar(255),
    guest_email           varchar(254),
    accepted_at           timestamptz,
    grant_expires_at      timestamptz,
    revoked_at            timestamptz,
    revoked_by_tenant     varchar(63),
    revoked_by_subject    varchar(255),
    revoked_by_email      varchar(254),
    expired_at            timestamptz,
    version               bigint       not null default 0
);
-- the expiry sweep looks for open invitations past their expiry
create index invitation_open_expiry on invitation (expires_at) where status in ('requested', 'pending_acceptance');

-- Idempotency-Key per caller: the primary key is what stops two concurrent requests with one key from creating two
-- invitations. The FK is deferred because the key row is written before the invitation it points to.
create table idempotency_key (
    caller_tenant    varchar(63)  not null,
    caller_subject   varchar(255) not null,
    idempotency_key  varchar(200) not null,
    request_hash     char(64)     not null,
    invitation_id    uuid         not null references invitation (id) deferrable initially deferred,
    created_at       timestamptz  not null,
    primary key (caller_tenant, caller_subject, idempotency_key)
);

-- Transactional outbox: written in the same transaction as the state change, published by the relay.
create table outbox (
    id             uuid primary key,
    aggregate_type varchar(64)  not null,
    aggregate_id   varchar(64)  not null,
    type           varchar(128) not null,
    topic          varchar(255) not null,
    payload        jsonb        not null,
    occurred_at    timestamptz  not null,
    published_at   timestamptz,
    seq            bigint generated always as identity  -- publication order, stable even within one millisecond
);
create index outbox_unpublished on outbox (seq) where published_at is null;

-- Inbox: CloudEvent ids already applied; written in the consuming handler's own transaction.
create table inbox (
    event_id     uuid primary key,
    type         varchar(128) not null,
    processed_at timestamptz  not null
);
