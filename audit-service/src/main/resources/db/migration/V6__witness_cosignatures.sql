-- Issue #9 item 4: the tenants' witnesses (docs/audit.md "Witnesses"). One row per witness and checkpoint it cosigned:
-- the cosignature line (C2SP tlog-cosignature v1, a signed-note signature line) as the witness answered it, after
-- audit-service verified it with the witness's configured vkey. GET /api/v1/audit/checkpoint appends these lines to
-- the checkpoint's note. Append-only, as every audit table.
CREATE TABLE witness_cosignature (
    witness     TEXT        NOT NULL CHECK (length(witness) BETWEEN 1 AND 100),
    tree_size   BIGINT      NOT NULL REFERENCES audit_checkpoint (tree_size),
    line        TEXT        NOT NULL CHECK (length(line) BETWEEN 1 AND 1000),
    cosigned_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tree_size, witness)
);

-- One refusal for every append-only table from here on (V1 and V5 each have their own, with their own message).
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE TRIGGER witness_cosignature_no_change BEFORE UPDATE OR DELETE ON witness_cosignature
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER witness_cosignature_no_truncate BEFORE TRUNCATE ON witness_cosignature
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();
