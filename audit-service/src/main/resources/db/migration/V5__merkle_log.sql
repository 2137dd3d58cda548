-- Issue #9: the audit log becomes an RFC 9162 Merkle tree (docs/audit.md). Record n (sequence n) is leaf n - 1; its
-- leaf hash is SHA-256(0x00 || UTF-8 canonical record), see AuditHasher / docs/audit.md.

-- Every perfect subtree's hash, stored once it is complete: level 0 holds the leaf hashes (idx = sequence - 1),
-- level l the hash of the 2^l leaves from idx * 2^l. Roots and proofs are made of these rows only (MerkleProofs).
-- Written by each append in the same transaction as its records (one multi-row insert per batch).
CREATE TABLE merkle_node (
    level SMALLINT NOT NULL CHECK (level >= 0 AND level < 63),
    idx   BIGINT   NOT NULL CHECK (idx >= 0),
    hash  BYTEA    NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (level, idx)
);

-- Defence in depth, as for audit_record: a node never changes once written.
CREATE FUNCTION merkle_node_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the Merkle tree is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER merkle_node_no_change BEFORE UPDATE OR DELETE ON merkle_node
    FOR EACH ROW EXECUTE FUNCTION merkle_node_immutable();
CREATE TRIGGER merkle_node_no_truncate BEFORE TRUNCATE ON merkle_node
    FOR EACH STATEMENT EXECUTE FUNCTION merkle_node_immutable();

-- The tree's right edge lives with the chain head, so an append reads nothing else: tree_size leaves are in the tree,
-- frontier is the hashes of the perfect subtrees of the set bits of tree_size, highest level first (32 bytes each).
-- Records written before this migration are brought into the tree at start-up (service MerkleCatchUp), in order,
-- before the next append extends it: tree_size < chain_head.last_sequence until then.
ALTER TABLE chain_head
    ADD COLUMN tree_size BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN frontier  BYTEA  NOT NULL DEFAULT ''::bytea;

-- Signed checkpoints (C2SP tlog-checkpoint in a C2SP signed note), one per tree size that was signed. The table is
-- also the outbox of audit.checkpoints: published_at is set once the broker acknowledged it.
CREATE TABLE audit_checkpoint (
    tree_size    BIGINT      PRIMARY KEY CHECK (tree_size > 0),
    root_hash    BYTEA       NOT NULL CHECK (octet_length(root_hash) = 32),
    note         TEXT        NOT NULL,
    signed_at    TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ
);
CREATE INDEX audit_checkpoint_unpublished_idx ON audit_checkpoint (tree_size) WHERE published_at IS NULL;

-- A signed checkpoint is never changed or removed; only its published_at may be set, once.
CREATE FUNCTION audit_checkpoint_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.published_at IS NULL AND NEW.published_at IS NOT NULL
            AND NEW.tree_size = OLD.tree_size AND NEW.root_hash = OLD.root_hash AND NEW.note = OLD.note
            AND NEW.signed_at = OLD.signed_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'signed checkpoints are append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_immutable();
