package org.crosstenant.audit.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.model.ChainHead;

/**
 * The batched append path, in plain SQL on the reactive PostgreSQL client (no ORM session: a batch of records is a
 * handful of statements). Every method runs on the connection of the caller's transaction.
 */
@ApplicationScoped
public class AppendRepository {

    private static final String INSERT_RECORD = "insert into audit_record (sequence, record_id, tenants, action,"
            + " outcome, actor, resource_tenant, home_tenant, application, invitation_id, source_event_id, source_type,"
            + " occurred_at, recorded_at, details, previous_hash, hash) values ($1, $2, $3, $4, $5, $6::text::jsonb,"
            + " $7, $8, $9, $10, $11, $12, $13, $14, $15::text::jsonb, $16, $17)";

    /** Locks the single chain-head row until the transaction ends: appends are serialised, sequences gapless. */
    public Uni<ChainHead> lockHead(SqlConnection connection) {
        return connection.query("select last_sequence, last_hash from chain_head where id = 1 for update").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    ChainHead head = new ChainHead();
                    head.id = ChainHead.ID;
                    head.lastSequence = row.getLong(0);
                    head.lastHash = row.getString(1);
                    return head;
                });
    }

    /** Which of {@code eventIds} are already in the inbox (one query for the whole batch). */
    public Uni<Set<UUID>> alreadyProcessed(SqlConnection connection, List<UUID> eventIds) {
        return connection.preparedQuery("select event_id from inbox where event_id = any($1)")
                .execute(Tuple.of(eventIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> seen = new HashSet<>();
                    rows.forEach(row -> seen.add(row.getUUID(0)));
                    return seen;
                });
    }

    /** Inserts the records, in sequence order, as one pipelined batch of the same prepared statement. */
    public Uni<Void> insertRecords(SqlConnection connection, List<AuditRecordEntity> records) {
        List<Tuple> rows = new ArrayList<>(records.size());
        for (AuditRecordEntity r : records) {
            rows.add(Tuple.from(new Object[] { r.sequence, r.recordId, r.tenants, r.action, r.outcome, r.actor,
                    r.resourceTenant, r.homeTenant, r.application, r.invitationId, r.sourceEventId, r.sourceType,
                    utc(r.occurredAt), utc(r.recordedAt), r.details, r.previousHash, r.hash }));
        }
        return connection.preparedQuery(INSERT_RECORD).executeBatch(rows).replaceWithVoid();
    }

    /** Marks the events processed: one multi-row insert. */
    public Uni<Void> insertInbox(SqlConnection connection, List<UUID> eventIds, List<String> types, Instant at) {
        return connection.preparedQuery("insert into inbox (event_id, type, processed_at)"
                        + " select id, type, $3::timestamptz from unnest($1::uuid[], $2::text[]) as t(id, type)")
                .execute(Tuple.of(eventIds.toArray(UUID[]::new), types.toArray(String[]::new), utc(at)))
                .replaceWithVoid();
    }

    /** Moves the chain head to the batch's last record. */
    public Uni<Void> moveHead(SqlConnection connection, long lastSequence, String lastHash) {
        return connection.preparedQuery("update chain_head set last_sequence = $1, last_hash = $2 where id = 1")
                .execute(Tuple.of(lastSequence, lastHash)).replaceWithVoid();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
