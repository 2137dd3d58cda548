package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;


import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.model.AuditInput;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.service.AuditLog;
import org.crosstenant.audit.service.Checkpoints;
import org.crosstenant.platform.tlog.InMemoryMerkleTree;
import org.crosstenant.platform.tlog.MerkleFrontier;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.junit.jupiter.api.Test;

/**
 * The log as a Merkle tree (issue #9): batched appends store exactly the perfect subtrees of the tree a verifier
 * builds from the records' canonical bytes, the right edge in the chain head gives its root, the database refuses to
 * change or drop a node or a signed checkpoint, and the checkpoint job signs only when the tree grew.
 */
@QuarkusTest
class MerkleLogTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    AuditLog auditLog;

    @Inject
    AuditEventTranslator translator;

    @Inject
    Checkpoints checkpoints;

    private AuditInput decided(String resource, String home) {
        return Events.decidedInput(translator, resource, home);
    }

    @Test
    void batchesOfEverySizeStoreTheTreeAVerifierBuildsFromTheRecords() throws Exception {
        // batch sizes that cross many subtree boundaries, also one larger than a perfect subtree
        for (int size : new int[] { 1, 2, 3, 5, 8, 13, 1, 70 }) {
            List<AuditInput> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                batch.add(i % 3 == 0 ? decided("northwind", "contoso") : decided("contoso", "fabrikam"));
            }
            List<AuditRecord> appended = auditLog.append(batch).await().atMost(WAIT);
            assertThat(appended).allSatisfy(r -> assertThat(r.leafIndex()).isEqualTo(r.sequence() - 1));
        }
        try (Connection db = AuditDatabase.connect()) {
            db.setAutoCommit(false);
            db.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            List<AuditRecordEntity> records = AuditDatabase.records(db);
            InMemoryMerkleTree reference = AuditDatabase.referenceTree(records);
            var nodes = AuditDatabase.nodes(db);
            MerkleFrontier head = head(db);
            db.commit();

            assertThat(head.size()).isEqualTo(records.size());
            assertThat(head.root()).isEqualTo(reference.root());
            // every stored node is the reference's, and the stored nodes alone make the root and proofs
            assertThat(nodes).allSatisfy((key, hash) -> {
                String[] at = key.split("/");
                assertThat(hash).as(key).isEqualTo(reference.hash(Integer.parseInt(at[0]), Long.parseLong(at[1])));
            });
            long size = records.size();
            assertThat(nodes.keySet().stream().filter(k -> k.startsWith("0/")).count()).isEqualTo(size);
            assertThat(MerkleProofs.root((level, idx) -> nodes.get(level + "/" + idx), size))
                    .isEqualTo(reference.root());
            for (long leaf : new long[] { 0, size / 2, size - 1 }) {
                assertThat(MerkleProofs.inclusionProof((level, idx) -> nodes.get(level + "/" + idx), leaf, size))
                        .usingElementComparator(java.util.Arrays::compare)
                        .containsExactlyElementsOf(MerkleProofs.inclusionProof(reference, leaf, size));
            }
            // the old chain goes on as before
            assertThat(AuditDatabase.firstChainBreak(records)).isNull();
        }
    }

    @Test
    void theDatabaseRefusesToChangeOrDropATreeNodeOrASignedCheckpoint() throws Exception {
        auditLog.append(List.of(decided("contoso", "fabrikam"))).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> checkpoints.latest().await().atMost(WAIT).isPresent());
        try (Connection db = AuditDatabase.connect()) {
            assertThatThrownBy(() -> execute(db, "update merkle_node set hash = sha256('x'::bytea)"
                    + " where level = 0 and idx = 0")).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> execute(db, "delete from merkle_node where level = 0 and idx = 0"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> execute(db, "truncate merkle_node"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> execute(db, "update audit_checkpoint set note = 'forged'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> execute(db, "delete from audit_checkpoint"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            // the row is still there as it was
            try (Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from merkle_node where level = 0 and idx = 0")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void theCheckpointJobSignsOnlyWhenTheTreeGrew() throws Exception {
        auditLog.append(List.of(decided("contoso", "fabrikam"))).await().atMost(WAIT);
        // the scheduled job catches up with the tree ...
        await().atMost(WAIT).until(() -> latestSize() == treeSize());
        long before = checkpointCount();
        // ... after which signing finds nothing new, however often it runs
        for (int i = 0; i < 3; i++) {
            assertThat(checkpoints.signIfGrown().await().atMost(WAIT)).isEmpty();
        }
        assertThat(checkpointCount()).isEqualTo(before);
        // one more record: the next checkpoint covers it, with the tree's root
        List<AuditRecord> more = auditLog.append(List.of(decided("contoso", "fabrikam"))).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> latestSize() >= more.get(0).sequence());
        assertThat(checkpointCount()).isGreaterThan(before);
        try (Connection db = AuditDatabase.connect()) {
            InMemoryMerkleTree reference = new InMemoryMerkleTree();
            List<AuditRecordEntity> records = AuditDatabase.records(db);
            long latest = latestSize();
            records.stream().filter(r -> r.sequence <= latest).forEach(r -> reference.append(
                    org.crosstenant.audit.service.AuditHasher.leafHash(
                            org.crosstenant.audit.service.AuditHasher.canonical(r))));
            try (PreparedStatement q = db.prepareStatement("select root_hash from audit_checkpoint where tree_size = ?")) {
                q.setLong(1, latest);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    assertThat(rs.getBytes(1)).isEqualTo(reference.root());
                }
            }
        }
    }

    private long latestSize() {
        return checkpoints.latest().await().atMost(WAIT).map(c -> c.treeSize()).orElse(0L);
    }

    private static long treeSize() throws SQLException {
        try (Connection db = AuditDatabase.connect()) {
            return head(db).size();
        }
    }

    private static long checkpointCount() throws SQLException {
        return AuditDatabase.number("select count(*) from audit_checkpoint");
    }

    private static MerkleFrontier head(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("select tree_size, frontier, last_sequence from chain_head where id = 1")) {
            rs.next();
            assertThat(rs.getLong(1)).as("tree size = last sequence").isEqualTo(rs.getLong(3));
            return MerkleFrontier.decode(rs.getLong(1), rs.getBytes(2));
        }
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        }
    }

}
