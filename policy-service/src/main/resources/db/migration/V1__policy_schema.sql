-- Shared applications a resource tenant registers; the gateway proxies /apps/{tenant}/{app} to upstream_url.
create table applications (
    id            uuid primary key,
    tenant        varchar(63)  not null,
    app_id        varchar(63)  not null,
    upstream_url  varchar(2048) not null,
    display_name  varchar(200),
    version       bigint       not null,
    updated_at    timestamptz  not null,
    updated_by    varchar(255) not null,
    constraint applications_tenant_app_uk unique (tenant, app_id)
);

-- One partner configuration per (tenant, partner); settings hold the normalised v1 form (inbound/outbound).
create table partner_configurations (
    id          uuid primary key,
    tenant      varchar(63)  not null,
    partner     varchar(63)  not null,
    settings    jsonb        not null,
    version     bigint       not null,
    updated_at  timestamptz  not null,
    updated_by  varchar(255) not null,
    constraint partner_configurations_tenant_partner_uk unique (tenant, partner)
);

-- One decision per invitation; evaluation holds {"reasons": [...], "policyVersions": {...}}.
create table decisions (
    id              uuid primary key,
    invitation_id   uuid         not null,
    resource_tenant varchar(63)  not null,
    home_tenant     varchar(63)  not null,
    application     varchar(63)  not null,
    invitee_email   varchar(320) not null,
    outcome         varchar(10)  not null,
    evaluation      jsonb        not null,
    decided_at      timestamptz  not null,
    constraint decisions_invitation_uk unique (invitation_id)
);

create table outbox (
    id             uuid primary key,
    aggregate_type varchar(63)  not null,
    aggregate_id   varchar(255) not null,
    type           varchar(255) not null,
    topic          varchar(255) not null,
    payload        jsonb        not null,
    occurred_at    timestamptz  not null,
    published_at   timestamptz
);
-- the relay only ever scans what is still unpublished
create index outbox_unpublished_idx on outbox (occurred_at) where published_at is null;

create table inbox (
    event_id     uuid primary key,
    type         varchar(255) not null,
    processed_at timestamptz  not null
);
