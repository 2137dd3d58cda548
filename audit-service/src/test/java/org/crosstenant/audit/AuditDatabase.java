package org.crosstenant.audit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.service.AuditHasher;
import org.crosstenant.platform.tlog.InMemoryMerkleTree;
import org.eclipse.microprofile.config.ConfigProvider;

/** The audit database over JDBC, as an operator (or a verifier with a copy of it) sees it. */
final class AuditDatabase {

    private AuditDatabase() {
    }

    static Connection connect() throws SQLException {
        return connect(ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class));
    }

    static Connection connect(String jdbcUrl) throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(jdbcUrl, config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }

    /** @return the first column of the first row of {@code sql} (a count, a maximum) */
    static long number(String sql) throws SQLException {
        try (Connection db = connect(); Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every record, in sequence order, as stored. */
    static List<AuditRecordEntity> records(Connection db) throws SQLException {
        List<AuditRecordEntity> records = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("select sequence, record_id, tenants,"
                + " action, outcome, actor::text, resource_tenant, home_tenant, application, invitation_id,"
                + " source_event_id, source_type, occurred_at, recorded_at, details::text, previous_hash, hash"
                + " from audit_record order by sequence")) {
            while (rs.next()) {
                AuditRecordEntity e = new AuditRecordEntity();
                e.sequence = rs.getLong(1);
                e.recordId = rs.getObject(2, java.util.UUID.class);
                e.tenants = (String[]) rs.getArray(3).getArray();
                e.action = rs.getString(4);
                e.outcome = rs.getString(5);
                e.actor = rs.getString(6);
                e.resourceTenant = rs.getString(7);
                e.homeTenant = rs.getString(8);
                e.application = rs.getString(9);
                e.invitationId = rs.getString(10);
                e.sourceEventId = rs.getObject(11, java.util.UUID.class);
                e.sourceType = rs.getString(12);
                e.occurredAt = rs.getObject(13, java.time.OffsetDateTime.class).toInstant();
                e.recordedAt = rs.getObject(14, java.time.OffsetDateTime.class).toInstant();
                e.details = rs.getString(15);
                e.previousHash = rs.getString(16);
                e.hash = rs.getString(17);
                records.add(e);
            }
        }
        return records;
    }

    /** The tree a verifier builds on its own from the stored records' canonical bytes. */
    static InMemoryMerkleTree referenceTree(List<AuditRecordEntity> records) {
        InMemoryMerkleTree tree = new InMemoryMerkleTree();
        for (AuditRecordEntity record : records) {
            tree.append(AuditHasher.leafHash(AuditHasher.canonical(record)));
        }
        return tree;
    }

    /** Every stored Merkle node, by "level/idx". */
    static Map<String, byte[]> nodes(Connection db) throws SQLException {
        Map<String, byte[]> nodes = new HashMap<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("select level, idx, hash from merkle_node")) {
            while (rs.next()) {
                nodes.put(rs.getInt(1) + "/" + rs.getLong(2), rs.getBytes(3));
            }
        }
        return nodes;
    }

    /** @return {@code null} when the chain verifies, else the first sequence that does not */
    static Long firstChainBreak(List<AuditRecordEntity> records) {
        String previous = AuditHasher.GENESIS;
        long expected = 1;
        for (AuditRecordEntity record : records) {
            if (record.sequence != expected || !record.previousHash.equals(previous)
                    || !AuditHasher.hash(record).equals(record.hash)) {
                return expected;
            }
            previous = record.hash;
            expected++;
        }
        return null;
    }

    /**
     * Writes records 1..count as V1–V4's append did: chained by AuditHasher, the head moved, no Merkle tree (the
     * catch-up builds it). Record i is recorded at {@code recordedAt + i ms}.
     */
    static void writeChained(Connection db, int count, Instant recordedAt) throws SQLException {
        db.setAutoCommit(false);
        String previous = AuditHasher.GENESIS;
        try (PreparedStatement insert = db.prepareStatement("insert into audit_record (sequence, record_id, tenants,"
                + " action, outcome, actor, resource_tenant, home_tenant, application, invitation_id, source_event_id,"
                + " source_type, occurred_at, recorded_at, details, previous_hash, hash)"
                + " values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)")) {
            for (int i = 1; i <= count; i++) {
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
            head.setLong(1, count);
            head.setString(2, previous);
            head.executeUpdate();
        }
        db.commit();
    }
}
