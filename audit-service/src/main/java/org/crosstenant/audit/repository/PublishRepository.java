package org.crosstenant.audit.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import org.crosstenant.audit.model.AuditRecordEntity;

/**
 * The outbox side of the log: {@code audit_record} is append-only and gapless in commit order, so what remains to
 * publish to audit.records is every record after the single {@code publish_cursor} row (see V2__publish_cursor.sql).
 */
@ApplicationScoped
public class PublishRepository {

    /** Backlog and the age of its oldest record; both 0 when everything is published. */
    public record Backlog(long records, Duration oldestAge) {
    }

    /** Every column of audit_record in the order {@link #entity(Row)} reads them. */
    static final String COLUMNS = "sequence, record_id, tenants, action, outcome, actor::text,"
            + " resource_tenant, home_tenant, application, invitation_id, source_event_id, source_type, occurred_at,"
            + " recorded_at, details::text, previous_hash, hash, pruned_at";

    /**
     * The publish cursor: the last sequence whose messages are all settled (published or parked), and the back-off
     * state of the record after it while that one fails transiently.
     *
     * @param attempts      failed passes of the record after {@code sequence} (0 when none)
     * @param nextAttemptAt earliest next pass, null when at once
     */
    public record Cursor(long sequence, int attempts, Instant nextAttemptAt) {
    }

    /** Locks the cursor until the transaction ends (one relay at a time, across instances) and reads it. */
    public Uni<Cursor> lockCursor(SqlConnection connection) {
        return connection.query("select published_sequence, attempts, next_attempt_at from publish_cursor"
                        + " where id = 1 for update").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    var next = row.getOffsetDateTime(2);
                    return new Cursor(row.getLong(0), row.getInteger(1), next == null ? null : next.toInstant());
                });
    }

    /** Up to {@code limit} records after {@code after}, in sequence order. */
    public Uni<List<AuditRecordEntity>> recordsAfter(SqlConnection connection, long after, int limit) {
        return connection.preparedQuery("select " + COLUMNS + " from audit_record where sequence > $1"
                        + " order by sequence limit $2")
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    List<AuditRecordEntity> records = new ArrayList<>(rows.size());
                    rows.forEach(row -> records.add(entity(row)));
                    return records;
                });
    }

    /**
     * Records everything up to {@code sequence} as settled, and the back-off of the record after it.
     *
     * @param attempts      failed passes of the next record (0 after a success)
     * @param nextAttemptAt earliest next pass (null: at once)
     * @param lastError     the failure that caused the back-off (null after a success)
     */
    public Uni<Void> advance(SqlConnection connection, long sequence, int attempts, Instant nextAttemptAt,
            String lastError) {
        return connection.preparedQuery("update publish_cursor set published_sequence = $1, attempts = $2,"
                        + " next_attempt_at = $3, last_error = coalesce($4, last_error) where id = 1")
                .execute(Tuple.of(sequence, attempts, nextAttemptAt == null ? null
                        : nextAttemptAt.atOffset(java.time.ZoneOffset.UTC), lastError)).replaceWithVoid();
    }

    /**
     * Parks one message (record and tenant) the relay gives up on; parking it again keeps the first reason.
     *
     * @param reason why, at most 1000 characters
     */
    public Uni<Void> park(SqlConnection connection, long sequence, String tenant, java.util.UUID messageId,
            Instant at, String reason) {
        return connection.preparedQuery("insert into publish_parked (record_sequence, tenant, message_id, parked_at,"
                        + " reason) values ($1, $2, $3, $4, $5) on conflict do nothing")
                .execute(Tuple.of(sequence, tenant, messageId, at.atOffset(java.time.ZoneOffset.UTC), reason))
                .replaceWithVoid();
    }

    /** How many messages are parked (no lock taken). */
    public Uni<Long> parkedCount(Pool pool) {
        return pool.query("select count(*) from publish_parked").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** How far publishing is behind the chain head (no lock taken). */
    public Uni<Backlog> backlog(Pool pool) {
        return pool.query("select h.last_sequence - c.published_sequence,"
                        + " (select recorded_at from audit_record r where r.sequence = c.published_sequence + 1), now()"
                        + " from chain_head h, publish_cursor c where h.id = 1 and c.id = 1").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    long records = Math.max(0, row.getLong(0));
                    var oldest = row.getOffsetDateTime(1);
                    Instant now = row.getOffsetDateTime(2).toInstant();
                    return new Backlog(records, records == 0 || oldest == null
                            ? Duration.ZERO
                            : Duration.between(oldest.toInstant(), now));
                });
    }

    /** A record from a row of {@link #COLUMNS}. */
    static AuditRecordEntity entity(Row row) {
        AuditRecordEntity e = new AuditRecordEntity();
        e.sequence = row.getLong(0);
        e.recordId = row.getUUID(1);
        e.tenants = row.getArrayOfStrings(2);
        e.action = row.getString(3);
        e.outcome = row.getString(4);
        e.actor = row.getString(5);
        e.resourceTenant = row.getString(6);
        e.homeTenant = row.getString(7);
        e.application = row.getString(8);
        e.invitationId = row.getString(9);
        e.sourceEventId = row.getUUID(10);
        e.sourceType = row.getString(11);
        e.occurredAt = row.getOffsetDateTime(12).toInstant();
        e.recordedAt = row.getOffsetDateTime(13).toInstant();
        e.details = row.getString(14);
        e.previousHash = row.getString(15);
        e.hash = row.getString(16);
        var pruned = row.getOffsetDateTime(17);
        e.prunedAt = pruned == null ? null : pruned.toInstant();
        return e;
    }
}
