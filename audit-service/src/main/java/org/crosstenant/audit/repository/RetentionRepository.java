package org.crosstenant.audit.repository;

import java.time.Instant;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The pruning update of retention (V7__retention.sql: the one UPDATE the append-only trigger lets through). */
@ApplicationScoped
public class RetentionRepository {

    /*
     * Prefix order: start after the newest pruned record (backwards scan of audit_record_pruned_idx), take the next
     * $2 records and prune those before the first one recorded at or after the cutoff. So the pruned records always
     * form a prefix of the log, and a record whose clock ran ahead holds back the ones after it rather than being
     * skipped for good. Only records already in the Merkle tree (sequence <= chain_head.tree_size) are pruned: the
     * start-up catch-up (MerkleCatchUp) still needs the body of an older record to compute its leaf.
     */
    private static final String PRUNE = "with bound as (select coalesce(max(sequence), 0) as s from audit_record"
            + " where pruned_at is not null),"
            + " batch as (select r.sequence, r.recorded_at from audit_record r, bound where r.sequence > bound.s"
            + " and r.sequence <= (select tree_size from chain_head where id = 1) order by r.sequence limit $2),"
            + " stop as (select min(sequence) as s from batch where recorded_at >= $1)"
            + " update audit_record r set actor = null, details = null, outcome = null, application = null,"
            + " invitation_id = null, pruned_at = now()"
            + " from batch, stop where r.sequence = batch.sequence and (stop.s is null or batch.sequence < stop.s)";

    private final Pool pool;

    public RetentionRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Prunes the next records in sequence order that were recorded before {@code cutoff}, in one transaction.
     *
     * @param cutoff records with {@code recorded_at < cutoff} are pruned
     * @param limit  at most this many records
     * @return how many were pruned (fewer than {@code limit}: nothing older is left right now)
     */
    public Uni<Integer> pruneBatch(Instant cutoff, int limit) {
        return pool.preparedQuery(PRUNE).execute(Tuple.of(cutoff.atOffset(ZoneOffset.UTC), limit))
                .map(rows -> rows.rowCount());
    }
}
