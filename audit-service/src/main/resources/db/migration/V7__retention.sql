-- Issue #9 item 6, retention (docs/audit.md "Retention"): records older than crosstenant.audit.retention.max-age lose
-- their body (who and what in detail) but stay in the log: the Merkle tree (merkle_node, untouched) still holds their
-- leaf hash, so every inclusion and consistency proof stays valid, and the hash chain still links through them.
-- Kept: sequence, record_id, tenants, resource_tenant, home_tenant (access control), action, source_type (what kind
-- of step), source_event_id (the inbox: a replayed event must still be recognised), occurred_at, recorded_at (the age
-- that retention reads), previous_hash, hash (the chain). Cleared: actor, details, outcome, application,
-- invitation_id. pruned_at says when; pruned records always form a prefix of the log (pruned in sequence order).
ALTER TABLE audit_record
    ADD COLUMN pruned_at TIMESTAMPTZ,
    ALTER COLUMN details DROP NOT NULL;

-- A body is null only once pruned, and a pruned record has no body.
ALTER TABLE audit_record ADD CONSTRAINT audit_record_pruned_has_no_body CHECK (
    (pruned_at IS NULL AND details IS NOT NULL)
    OR (pruned_at IS NOT NULL AND actor IS NULL AND details IS NULL AND outcome IS NULL AND application IS NULL
        AND invitation_id IS NULL));

-- Where the next pruning pass starts: the newest pruned record, read backwards from this index. Appended rows have no
-- pruned_at, so appends never write to it.
CREATE INDEX audit_record_pruned_idx ON audit_record (sequence) WHERE pruned_at IS NOT NULL;

-- Still append-only, with exactly one exception: the pruning update (every kept column unchanged, every body column
-- set to null, pruned_at set, only once). DELETE and every other UPDATE are refused as before.
CREATE OR REPLACE FUNCTION audit_record_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.pruned_at IS NULL AND NEW.pruned_at IS NOT NULL
            AND NEW.actor IS NULL AND NEW.details IS NULL AND NEW.outcome IS NULL AND NEW.application IS NULL
            AND NEW.invitation_id IS NULL
            AND NEW.sequence = OLD.sequence AND NEW.record_id = OLD.record_id AND NEW.tenants = OLD.tenants
            AND NEW.action = OLD.action AND NEW.resource_tenant IS NOT DISTINCT FROM OLD.resource_tenant
            AND NEW.home_tenant IS NOT DISTINCT FROM OLD.home_tenant
            AND NEW.source_event_id = OLD.source_event_id AND NEW.source_type = OLD.source_type
            AND NEW.occurred_at = OLD.occurred_at AND NEW.recorded_at = OLD.recorded_at
            AND NEW.previous_hash = OLD.previous_hash AND NEW.hash = OLD.hash THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit records are append-only (% refused)', TG_OP;
END;
$$;
