package org.crosstenant.audit.repository;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import org.crosstenant.audit.model.AuditRecordEntity;

/**
 * The reads of a whole-log verification. They <b>block</b> the calling thread (never call them on an event loop):
 * the verification runs on a worker thread so that its CPU work (hashing every record) never holds an event loop.
 */
@ApplicationScoped
public class VerifyRepository {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * What one verification checks against, read in one statement (one consistent database snapshot).
     *
     * @param lastSequence    the chain head: records 1..lastSequence are checked, later appends are not
     * @param lastHash        the head's hash, which record {@code lastSequence} must have
     * @param treeSize        leaves in the Merkle tree at that moment (at most {@code lastSequence})
     * @param checkpointSize  size of the latest signed checkpoint, 0 when there is none
     * @param checkpointRoot  its root hash (32 bytes), null when there is none
     */
    public record Snapshot(long lastSequence, String lastHash, long treeSize, long checkpointSize,
            byte[] checkpointRoot) {
    }

    /**
     * The first record beyond the chain head, read with the head in one statement.
     *
     * @param headSequence   the chain head's sequence at that moment
     * @param firstBeyond    the first record with a larger sequence (there should be none), null when none
     */
    public record Beyond(long headSequence, AuditRecordEntity firstBeyond) {
    }

    private final Pool pool;

    public VerifyRepository(Pool pool) {
        this.pool = pool;
    }

    /** @return the chain head, the tree size and the latest checkpoint, all of one snapshot */
    public Snapshot snapshot() {
        Row row = pool.query("select h.last_sequence, h.last_hash, h.tree_size, c.tree_size, c.root_hash"
                + " from chain_head h left join lateral (select tree_size, root_hash from audit_checkpoint"
                + " order by tree_size desc limit 1) c on true where h.id = 1").execute()
                .await().atMost(TIMEOUT).iterator().next();
        Long checkpointSize = row.getLong(3);
        return new Snapshot(row.getLong(0), row.getString(1), row.getLong(2),
                checkpointSize == null ? 0 : checkpointSize,
                checkpointSize == null ? null : row.getBuffer(4).getBytes());
    }

    /** @return the records with {@code after < sequence <= upTo}, in sequence order (at most {@code upTo - after}) */
    public List<AuditRecordEntity> records(long after, long upTo) {
        var rows = pool.preparedQuery("select " + PublishRepository.COLUMNS + " from audit_record"
                        + " where sequence > $1 and sequence <= $2 order by sequence")
                .execute(Tuple.of(after, upTo)).await().atMost(TIMEOUT);
        List<AuditRecordEntity> records = new ArrayList<>(rows.size());
        rows.forEach(row -> records.add(PublishRepository.entity(row)));
        return records;
    }

    /** @return the stored leaf hashes (level 0 of merkle_node) of leaves {@code from <= idx < to}, by idx */
    public Map<Long, byte[]> leaves(long from, long to) {
        var rows = pool.preparedQuery("select idx, hash from merkle_node where level = 0 and idx >= $1 and idx < $2")
                .execute(Tuple.of(from, to)).await().atMost(TIMEOUT);
        Map<Long, byte[]> leaves = new HashMap<>(rows.size() * 2);
        rows.forEach(row -> leaves.put(row.getLong(0), row.getBuffer(1).getBytes()));
        return leaves;
    }

    /** @return the head and the first record beyond it, of one snapshot (rows the head does not account for) */
    public Beyond beyondHead() {
        Row head = pool.query("select h.last_sequence, (select min(sequence) from audit_record r"
                + " where r.sequence > h.last_sequence) from chain_head h where h.id = 1").execute()
                .await().atMost(TIMEOUT).iterator().next();
        Long beyond = head.getLong(1);
        if (beyond == null) {
            return new Beyond(head.getLong(0), null);
        }
        List<AuditRecordEntity> found = records(beyond - 1, beyond);
        return new Beyond(head.getLong(0), found.isEmpty() ? null : found.get(0));
    }
}
