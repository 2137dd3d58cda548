package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.mutiny.sqlclient.Pool;

import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.service.AuditHasher;
import org.crosstenant.audit.service.MerkleCatchUp;
import org.crosstenant.platform.tlog.InMemoryMerkleTree;
import org.crosstenant.platform.tlog.MerkleFrontier;
import org.crosstenant.platform.tlog.MerkleProofs;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
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
        String database = "audit_legacy_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection admin = AuditDatabase.connect(); Statement s = admin.createStatement()) {
            s.execute("create database " + database);
        }
        String mainUrl = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        String url = mainUrl.substring(0, mainUrl.lastIndexOf('/') + 1) + database;
        var config = ConfigProvider.getConfig();
        String user = config.getValue("quarkus.datasource.username", String.class);
        String password = config.getValue("quarkus.datasource.password", String.class);
        Flyway.configure().dataSource(url, user, password).locations("filesystem:src/main/resources/db/migration")
                .target("4").load().migrate();

        try (Connection db = AuditDatabase.connect(url)) {
            writeTheOldWay(db);
        }
        Flyway.configure().dataSource(url, user, password).locations("filesystem:src/main/resources/db/migration")
                .load().migrate();

        URI uri = URI.create(url.substring("jdbc:".length()));
        io.vertx.sqlclient.Pool core = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(uri.getHost())
                .setPort(uri.getPort()).setDatabase(database).setUser(user).setPassword(password)).using(vertx).build();
        Pool pool = Pool.newInstance(core);
        try {
            // a small step: several transactions, each continuing from the right edge the last one stored
            assertThat(catchUp.run(pool, 7).await().atMost(Duration.ofSeconds(60))).isEqualTo(RECORDS);
            assertThat(catchUp.run(pool, 7).await().atMost(Duration.ofSeconds(60))).isZero();
        } finally {
            pool.closeAndAwait();
        }

        try (Connection db = AuditDatabase.connect(url)) {
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
        } finally {
            try (Connection admin = AuditDatabase.connect(); Statement s = admin.createStatement()) {
                s.execute("drop database if exists " + database);
            }
        }
    }

    /** Records as V1–V4's append wrote them: chained by AuditHasher, the head moved, no tree. */
    private static void writeTheOldWay(Connection db) throws SQLException {
        db.setAutoCommit(false);
        String previous = AuditHasher.GENESIS;
        Instant recordedAt = Instant.parse("2026-03-01T10:00:00.123456Z");
        try (PreparedStatement insert = db.prepareStatement("insert into audit_record (sequence, record_id, tenants,"
                + " action, outcome, actor, resource_tenant, home_tenant, application, invitation_id, source_event_id,"
                + " source_type, occurred_at, recorded_at, details, previous_hash, hash)"
                + " values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)")) {
            for (int i = 1; i <= RECORDS; i++) {
                AuditRecordEntity e = new AuditRecordEntity();
                e.sequence = (long) i;
                e.recordId = UUID.randomUUID();
                e.tenants = i % 4 == 0 ? new String[] { "contoso" } : new String[] { "contoso", "fabrikam" };
                e.action = i % 2 == 0 ? "invitation.requested" : "policy.decided";
                e.outcome = i % 3 == 0 ? null : "allow";
                e.actor = i % 5 == 0 ? null : "{\"tenant\":\"fabrikam\",\"subject\":\"s-" + i + "\",\"email\":\"e" + i
                        + "@fabrikam.example\"}";
                e.resourceTenant = "contoso";
                e.homeTenant = i % 4 == 0 ? null : "fabrikam";
                e.application = "contoso-projects";
                e.invitationId = UUID.randomUUID().toString();
                e.sourceEventId = UUID.randomUUID();
                e.sourceType = "org.crosstenant.policy.decided.v1";
                e.occurredAt = recordedAt.minusSeconds(i).truncatedTo(ChronoUnit.MICROS);
                e.recordedAt = recordedAt.plusMillis(i);
                e.details = "{\"z\":" + i + ",\"a\":{\"y\":\"ü ✓\",\"b\":[1,2,{\"k\":null}]}}";
                e.previousHash = previous;
                e.hash = AuditHasher.hash(e);
                previous = e.hash;
                insert.setLong(1, e.sequence);
                insert.setObject(2, e.recordId);
                insert.setArray(3, db.createArrayOf("varchar", e.tenants));
                insert.setString(4, e.action);
                insert.setString(5, e.outcome);
                insert.setString(6, e.actor);
                insert.setString(7, e.resourceTenant);
                insert.setString(8, e.homeTenant);
                insert.setString(9, e.application);
                insert.setString(10, e.invitationId);
                insert.setObject(11, e.sourceEventId);
                insert.setString(12, e.sourceType);
                insert.setObject(13, e.occurredAt.atOffset(ZoneOffset.UTC));
                insert.setObject(14, e.recordedAt.atOffset(ZoneOffset.UTC));
                insert.setString(15, e.details);
                insert.setString(16, e.previousHash);
                insert.setString(17, e.hash);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement head = db.prepareStatement(
                "update chain_head set last_sequence = ?, last_hash = ? where id = 1")) {
            head.setLong(1, RECORDS);
            head.setString(2, previous);
            head.executeUpdate();
        }
        db.commit();
    }
}
