package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

import org.crosstenant.audit.config.RetentionConfig;
import org.crosstenant.audit.config.VerifyConfig;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.model.ChainVerification;
import org.crosstenant.audit.repository.RetentionRepository;
import org.crosstenant.audit.repository.VerifyRepository;
import org.crosstenant.audit.service.AuditMetrics;
import org.crosstenant.audit.service.AuditRecordMapper;
import org.crosstenant.audit.service.ChainVerifier;
import org.crosstenant.audit.service.MerkleCatchUp;
import org.crosstenant.audit.service.Retention;
import org.crosstenant.platform.tlog.InMemoryMerkleTree;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.junit.jupiter.api.Test;

/**
 * Retention clears old records' bodies and nothing else: the tree's nodes are untouched (a pruned record's inclusion
 * proof still verifies from its stored leaf), /verify stays green across pruned records and still finds tampering
 * there, and the append-only trigger lets through exactly the pruning update. Runs on a scratch database so that the
 * records other tests recompute keep their bodies.
 */
@QuarkusTest
class RetentionTest {

    private static final int RECORDS = 40;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String BODY_NULL = "actor = null, details = null, outcome = null, application = null,"
            + " invitation_id = null";

    @Inject
    Vertx vertx;

    @Inject
    MerkleCatchUp catchUp;

    @Inject
    AuditMetrics metrics;

    @Inject
    MeterRegistry registry;

    @Inject
    AuditRecordMapper mapper;

    @Test
    void pruningClearsOldBodiesKeepsTheTreeAndVerifies() throws Exception {
        Instant base = Instant.now().minus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        try (ScratchDatabase scratch = new ScratchDatabase()) {
            scratch.migrate(null);
            Pool pool = scratch.pool(vertx);
            try (Connection db = scratch.connect()) {
                AuditDatabase.writeChained(db, RECORDS, base);
                assertThat(catchUp.run(pool, 1000).await().atMost(WAIT)).isEqualTo(RECORDS);
                List<AuditRecordEntity> before = AuditDatabase.records(db);
                InMemoryMerkleTree reference = AuditDatabase.referenceTree(before);
                signCheckpoint(db, reference);
                Map<String, String> nodesBefore = hex(AuditDatabase.nodes(db));
                ChainVerifier verifier = new ChainVerifier(new VerifyRepository(pool), verifyConfig());

                // records 1..25 were recorded before the cutoff (record i at base + i ms): pruned in batches of 10
                RetentionRepository retention = new RetentionRepository(pool);
                Instant cutoff = base.plusMillis(25).plusNanos(500_000);
                assertThat(retention.pruneBatch(cutoff, 10).await().atMost(WAIT)).isEqualTo(10);
                assertThat(retention.pruneBatch(cutoff, 10).await().atMost(WAIT)).isEqualTo(10);
                assertThat(retention.pruneBatch(cutoff, 10).await().atMost(WAIT)).isEqualTo(5);
                assertThat(retention.pruneBatch(cutoff, 10).await().atMost(WAIT)).isZero();

                List<AuditRecordEntity> after = AuditDatabase.records(db);
                for (int i = 0; i < RECORDS; i++) {
                    AuditRecordEntity was = before.get(i);
                    AuditRecordEntity is = after.get(i);
                    assertThat(List.of(is.sequence, is.recordId, List.of(is.tenants), is.action, is.sourceEventId,
                            is.sourceType, is.occurredAt, is.recordedAt, is.previousHash, is.hash))
                            .as("kept columns of %d", was.sequence)
                            .isEqualTo(List.of(was.sequence, was.recordId, List.of(was.tenants), was.action,
                                    was.sourceEventId, was.sourceType, was.occurredAt, was.recordedAt,
                                    was.previousHash, was.hash));
                    boolean pruned = i < 25;
                    assertThat(prunedAt(db, was.sequence) != null).as("pruned %d", was.sequence).isEqualTo(pruned);
                    if (pruned) {
                        assertThat(new Object[] { is.actor, is.details, is.outcome, is.application,
                                is.invitationId }).containsOnlyNulls();
                    } else {
                        assertThat(List.of(String.valueOf(is.actor), is.details, String.valueOf(is.outcome),
                                is.application, is.invitationId)).isEqualTo(List.of(String.valueOf(was.actor),
                                        was.details, String.valueOf(was.outcome), was.application,
                                        was.invitationId));
                    }
                }

                // the tree is untouched: a pruned record's proof verifies from its stored leaf
                Map<String, byte[]> nodes = AuditDatabase.nodes(db);
                assertThat(hex(nodes)).isEqualTo(nodesBefore);
                byte[] storedLeaf = nodes.get("0/6");
                MerkleProofs.verifyInclusion(6, RECORDS, storedLeaf,
                        MerkleProofs.inclusionProof((level, idx) -> nodes.get(level + "/" + idx), 6, RECORDS),
                        reference.root());

                ChainVerification report = verifier.verify("contoso").await().atMost(WAIT);
                assertThat(report.ok()).as(String.valueOf(report.reason())).isTrue();
                assertThat(report.verifiedUpTo()).isEqualTo(RECORDS);
                assertThat(report.checkpointTreeSize()).isEqualTo(RECORDS);

                // the rest through the scheduled service's pass, counted by the metric
                double counted = prunedCounter();
                Retention service = new Retention(retentionConfig(Duration.ofDays(20)), retention, metrics);
                assertThat(service.pruneNow().await().atMost(WAIT)).isEqualTo(RECORDS - 25);
                assertThat(prunedCounter() - counted).isEqualTo(RECORDS - 25.0);
                assertThat(verifier.verify("contoso").await().atMost(WAIT).ok()).isTrue();
                assertThat(hex(AuditDatabase.nodes(db))).isEqualTo(nodesBefore);
            } finally {
                pool.closeAndAwait();
            }
        }
    }

    @Test
    void theTriggerRefusesEveryUpdateButThePruningOne() throws Exception {
        try (ScratchDatabase scratch = new ScratchDatabase()) {
            scratch.migrate(null);
            Pool pool = scratch.pool(vertx);
            try (Connection db = scratch.connect()) {
                AuditDatabase.writeChained(db, 6, Instant.parse("2026-01-01T00:00:00Z"));
                db.setAutoCommit(true);
                RetentionRepository retention = new RetentionRepository(pool);
                Instant cutoff = Instant.parse("2026-01-01T00:00:00.0035Z");
                // records not yet in the tree keep their body: the catch-up still needs it for their leaf
                assertThat(retention.pruneBatch(cutoff, 100).await().atMost(WAIT)).isZero();
                catchUp.run(pool, 1000).await().atMost(WAIT);
                assertThat(retention.pruneBatch(cutoff, 100).await().atMost(WAIT)).isEqualTo(3);
                List<String> refused = List.of(
                        "update audit_record set action = 'x' where sequence = 5",
                        "update audit_record set " + BODY_NULL + " where sequence = 5",
                        "update audit_record set pruned_at = now() where sequence = 5",
                        "update audit_record set pruned_at = now(), actor = null, details = null where sequence = 5",
                        "update audit_record set " + BODY_NULL + ", pruned_at = now(), hash = repeat('0', 64)"
                                + " where sequence = 5",
                        "update audit_record set " + BODY_NULL + ", pruned_at = now(), tenants = array['northwind']"
                                + " where sequence = 5",
                        "update audit_record set " + BODY_NULL + ", pruned_at = now(), recorded_at = now()"
                                + " where sequence = 5",
                        "update audit_record set " + BODY_NULL + ", pruned_at = now(), action = 'x' where sequence = 5",
                        "update audit_record set pruned_at = now() where sequence = 2",
                        "update audit_record set details = '{}'::jsonb where sequence = 2",
                        "update audit_record set pruned_at = null, details = '{}'::jsonb where sequence = 2",
                        "delete from audit_record where sequence = 2",
                        "delete from audit_record where sequence = 5");
                for (String sql : refused) {
                    assertThatThrownBy(() -> execute(db, sql)).as(sql).isInstanceOf(SQLException.class)
                            .hasMessageContaining("append-only");
                }
                // exactly the pruning update still passes for a record not yet pruned
                execute(db, "update audit_record set " + BODY_NULL + ", pruned_at = now() where sequence = 5");
                assertThat(prunedAt(db, 5)).isNotNull();
            } finally {
                pool.closeAndAwait();
            }
        }
    }

    @Test
    void tamperingInsidePrunedRecordsStillFailsVerify() throws Exception {
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        try (ScratchDatabase scratch = new ScratchDatabase()) {
            scratch.migrate(null);
            Pool pool = scratch.pool(vertx);
            try (Connection db = scratch.connect()) {
                AuditDatabase.writeChained(db, 12, base);
                catchUp.run(pool, 1000).await().atMost(WAIT);
                signCheckpoint(db, AuditDatabase.referenceTree(AuditDatabase.records(db)));
                new RetentionRepository(pool).pruneBatch(base.plusMillis(9).plusNanos(500_000), 100)
                        .await().atMost(WAIT);
                ChainVerifier verifier = new ChainVerifier(new VerifyRepository(pool), verifyConfig());
                assertThat(verifier.verify("contoso").await().atMost(WAIT).ok()).isTrue();
                db.setAutoCommit(true);

                // a pruned record's chain link rewritten: named
                execute(db, "alter table audit_record disable trigger audit_record_no_change");
                execute(db, "update audit_record set previous_hash = repeat('a', 64) where sequence = 4");
                ChainVerification link = verifier.verify("contoso").await().atMost(WAIT);
                assertThat(link.ok()).isFalse();
                assertThat(link.firstBrokenSequence()).isEqualTo(4L);
                execute(db, "update audit_record set previous_hash = (select hash from audit_record where sequence = 3)"
                        + " where sequence = 4");
                assertThat(verifier.verify("contoso").await().atMost(WAIT).ok()).isTrue();

                // a pruned record removed: found (a record that is gone concerns no tenant, so the reason is generic)
                execute(db, "create table kept as select * from audit_record where sequence = 6");
                execute(db, "delete from audit_record where sequence = 6");
                assertThat(verifier.verify("contoso").await().atMost(WAIT).ok()).isFalse();
                execute(db, "insert into audit_record select * from kept");
                assertThat(verifier.verify("contoso").await().atMost(WAIT).ok()).isTrue();

                // a pruned record's leaf replaced in the tree: the signed root no longer matches
                execute(db, "alter table merkle_node disable trigger merkle_node_no_change");
                execute(db, "update merkle_node set hash = sha256('x'::bytea) where level = 0 and idx = 2");
                ChainVerification leaf = verifier.verify("contoso").await().atMost(WAIT);
                assertThat(leaf.ok()).isFalse();
                assertThat(leaf.reason()).contains("root");
            } finally {
                pool.closeAndAwait();
            }
        }
    }

    @Test
    void aPrunedRecordIsServedAsPrunedWithItsLeafIndex() {
        AuditRecordEntity entity = new AuditRecordEntity();
        entity.sequence = 7L;
        entity.recordId = java.util.UUID.randomUUID();
        entity.tenants = new String[] { "contoso" };
        entity.action = "policy.decided";
        entity.sourceEventId = java.util.UUID.randomUUID();
        entity.sourceType = "org.crosstenant.policy.decided.v1";
        entity.occurredAt = Instant.parse("2026-01-01T00:00:00Z");
        entity.recordedAt = entity.occurredAt;
        entity.previousHash = "a".repeat(64);
        entity.hash = "b".repeat(64);
        entity.prunedAt = Instant.parse("2027-02-01T00:00:00Z");
        AuditRecord record = mapper.toRecord(entity);
        assertThat(record.pruned()).isTrue();
        assertThat(record.leafIndex()).isEqualTo(6);
        assertThat(record.details()).isNull();
        assertThat(mapper.toJson(record)).contains("\"pruned\":true").contains("\"details\":null")
                .contains("\"leafIndex\":6");
    }

    private double prunedCounter() {
        return registry.get("crosstenant.audit.pruned.records").counter().count();
    }

    /** Stores a checkpoint of the whole tree as the signer would (the note text is not what is checked here). */
    private static void signCheckpoint(Connection db, InMemoryMerkleTree reference) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("insert into audit_checkpoint (tree_size, root_hash, note,"
                + " signed_at) values (?, ?, 'test', now())")) {
            insert.setLong(1, reference.size());
            insert.setBytes(2, reference.root());
            insert.executeUpdate();
        }
        if (!db.getAutoCommit()) {
            db.commit();
        }
    }

    private static Instant prunedAt(Connection db, long sequence) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("select pruned_at from audit_record where sequence = ?")) {
            select.setLong(1, sequence);
            try (var rs = select.executeQuery()) {
                rs.next();
                var at = rs.getObject(1, java.time.OffsetDateTime.class);
                return at == null ? null : at.toInstant();
            }
        }
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        }
    }

    private static Map<String, String> hex(Map<String, byte[]> nodes) {
        Map<String, String> hex = new TreeMap<>();
        nodes.forEach((key, hash) -> hex.put(key, HexFormat.of().formatHex(hash)));
        return hex;
    }

    private static VerifyConfig verifyConfig() {
        return new VerifyConfig() {
            @Override
            public Duration minInterval() {
                return Duration.ZERO;
            }

            @Override
            public int pageSize() {
                return 7;
            }
        };
    }

    private static RetentionConfig retentionConfig(Duration maxAge) {
        return new RetentionConfig() {
            @Override
            public Optional<Duration> maxAge() {
                return Optional.of(maxAge);
            }

            @Override
            public Duration interval() {
                return Duration.ofHours(1);
            }

            @Override
            public int batchSize() {
                return 4;
            }
        };
    }
}
