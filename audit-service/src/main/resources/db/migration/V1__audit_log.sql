-- The audit log: one immutable row per audited step, chained by SHA-256 (see AuditHasher for the canonical form).
CREATE TABLE audit_record (
    sequence        BIGINT       PRIMARY KEY,
    record_id       UUID         NOT NULL UNIQUE,
    tenants         VARCHAR[]    NOT NULL, -- varchar: what Hibernate binds for String[] in array_contains
    action          TEXT         NOT NULL,
    outcome         TEXT,
    actor           JSONB,
    resource_tenant TEXT,
    home_tenant     TEXT,
    application     TEXT,
    invitation_id   TEXT,
    source_event_id UUID         NOT NULL UNIQUE,
    source_type     TEXT         NOT NULL,
    occurred_at     TIMESTAMPTZ  NOT NULL,
    recorded_at     TIMESTAMPTZ  NOT NULL,
    details         JSONB        NOT NULL,
    previous_hash   CHAR(64)     NOT NULL,
    hash            CHAR(64)     NOT NULL
);
-- per-tenant paging: "records whose tenants contain X after sequence N"
CREATE INDEX audit_record_tenants_idx ON audit_record USING GIN (tenants);
CREATE INDEX audit_record_invitation_idx ON audit_record (invitation_id);

-- Defence in depth: the application never updates or deletes a record; the database refuses it too.
-- (Someone with owner rights can still disable the trigger: that is what the hash chain detects.)
CREATE FUNCTION audit_record_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER audit_record_no_change BEFORE UPDATE OR DELETE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION audit_record_immutable();

-- One row, locked FOR UPDATE by every append: serialises appends so sequences are gapless and follow commit order.
CREATE TABLE chain_head (
    id            SMALLINT    PRIMARY KEY CHECK (id = 1),
    last_sequence BIGINT      NOT NULL,
    last_hash     CHAR(64)    NOT NULL
);
INSERT INTO chain_head (id, last_sequence, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Consumed CloudEvent ids, written in the same transaction as the record they produced.
CREATE TABLE inbox (
    event_id     UUID        PRIMARY KEY,
    type         TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL
);

-- What we publish to audit.records (one row per record and concerned tenant).
-- position keeps the relay publishing in append order.
CREATE TABLE outbox (
    id             UUID        PRIMARY KEY,
    position       BIGSERIAL   NOT NULL UNIQUE,
    aggregate_type TEXT        NOT NULL,
    aggregate_id   TEXT        NOT NULL,
    type           TEXT        NOT NULL,
    topic          TEXT        NOT NULL,
    payload        JSONB       NOT NULL,
    occurred_at    TIMESTAMPTZ NOT NULL,
    published_at   TIMESTAMPTZ
);
CREATE INDEX outbox_unpublished_idx ON outbox (position) WHERE published_at IS NULL;
