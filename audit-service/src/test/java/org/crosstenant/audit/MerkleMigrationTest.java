package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.service.MerkleCatchUp;
import org.crosstenant.platform.tlog.InMemoryMerkleTree;
import org.crosstenant.platform.tlog.MerkleFrontier;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.junit.jupiter.api.Test;

/**
 * An audit database written before the Merkle log (migrations V1–V4, records chained the old way) is migrated by V5 and
 * brought into the tree by the start-up catch-up: nothing is lost, the old chain still verifies, every record is leaf
 * {@code sequence - 1} and the root is the one a verifier computes from the records' canonical bytes.
 */
@QuarkusTest
class MerkleMigrationTest {

    private static final int RECORDS = 45;

    @Inject
    Vertx vertx;

    @Inject
    MerkleCatchUp catchUp;

    @Test
    void recordsWrittenBeforeTheMerkleLogBecomeItsFirstLeaves() throws Exception {
        try (ScratchDatabase scratch = new ScratchDatabase()) {
            scratch.migrate("4");
            try (Connection db = scratch.connect()) {
                AuditDatabase.writeChained(db, RECORDS, Instant.parse("2026-03-01T10:00:00.123456Z"));
            }
            scratch.migrate(null);
            Pool pool = scratch.pool(vertx);
            check(scratch, pool);
        }
    }

    private void check(ScratchDatabase scratch, Pool pool) throws SQLException {
        try {
            // a small step: several transactions, each continuing from the right edge the last one stored
            assertThat(catchUp.run(pool, 7).await().atMost(Duration.ofSeconds(60))).isEqualTo(RECORDS);
            assertThat(catchUp.run(pool, 7).await().atMost(Duration.ofSeconds(60))).isZero();
        } finally {
            pool.closeAndAwait();
        }

        try (Connection db = scratch.connect()) {
            List<AuditRecordEntity> records = AuditDatabase.records(db);
            assertThat(records).hasSize(RECORDS);
            assertThat(AuditDatabase.firstChainBreak(records)).as("the old chain still verifies").isNull();
            InMemoryMerkleTree reference = AuditDatabase.referenceTree(records);
            var nodes = AuditDatabase.nodes(db);
            assertThat(nodes.keySet().stream().filter(k -> k.startsWith("0/"))).hasSize(RECORDS);
            assertThat(nodes).allSatisfy((key, hash) -> {
                String[] at = key.split("/");
                assertThat(hash).as(key).isEqualTo(reference.hash(Integer.parseInt(at[0]), Long.parseLong(at[1])));
            });
            assertThat(MerkleProofs.root((level, idx) -> nodes.get(level + "/" + idx), RECORDS))
                    .isEqualTo(reference.root());
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "select tree_size, frontier, last_sequence from chain_head where id = 1")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(RECORDS).isEqualTo(rs.getLong(3));
                assertThat(MerkleFrontier.decode(rs.getLong(1), rs.getBytes(2)).root()).isEqualTo(reference.root());
            }
        }
    }
}
