package org.crosstenant.audit.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.model.ChainHead;
import org.crosstenant.platform.tlog.MerkleFrontier;

/**
 * The batched append path, in plain SQL on the reactive PostgreSQL client (no ORM session: a batch of records is
 * five statements: lock the head, check the batch's event ids, insert the records, insert the Merkle tree's completed
 * subtrees, move the head). Every method runs on the connection of the caller's transaction.
 */
@ApplicationScoped
public class AppendRepository {

    /**
     * One statement per batch: every column travels as one array parameter and {@code unnest} turns them back into
     * rows (PostgreSQL plans and executes one INSERT instead of one per record). {@code tenants} has one or two
     * entries (resource tenant, then home tenant), sent as two arrays; the JSON columns as text, cast once.
     */
    private static final String INSERT_RECORDS = "insert into audit_record (sequence, record_id, tenants, action,"
            + " outcome, actor, resource_tenant, home_tenant, application, invitation_id, source_event_id, source_type,"
            + " occurred_at, recorded_at, details, previous_hash, hash)"
            + " select sequence, record_id, case when second is null then array[first] else array[first, second] end,"
            + " action, outcome, actor::jsonb, resource_tenant, home_tenant, application, invitation_id,"
            + " source_event_id, source_type, occurred_at, $17::timestamptz, details::jsonb, previous_hash, hash"
            + " from unnest($1::bigint[], $2::uuid[], $3::varchar[], $4::varchar[], $5::text[], $6::text[],"
            + " $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::uuid[], $13::text[],"
            + " $14::timestamptz[], $15::text[], $16::text[], $18::text[])"
            + " as r(sequence, record_id, first, second, action, outcome, actor, resource_tenant, home_tenant,"
            + " application, invitation_id, source_event_id, source_type, occurred_at, details, previous_hash, hash)";

    /** Locks the single chain-head row until the transaction ends: appends are serialised, sequences gapless. */
    public Uni<ChainHead> lockHead(SqlConnection connection) {
        return connection.query("select last_sequence, last_hash, tree_size, frontier from chain_head where id = 1"
                        + " for update").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    ChainHead head = new ChainHead();
                    head.id = ChainHead.ID;
                    head.lastSequence = row.getLong(0);
                    head.lastHash = row.getString(1);
                    head.treeSize = row.getLong(2);
                    head.frontier = row.getBuffer(3).getBytes();
                    return head;
                });
    }

    /**
     * Which of {@code eventIds} already have a record (one query for the whole batch): the unique
     * {@code audit_record.source_event_id} is the inbox, so an event is appended at most once even across instances.
     */
    public Uni<Set<UUID>> alreadyProcessed(SqlConnection connection, List<UUID> eventIds) {
        return connection.preparedQuery("select source_event_id from audit_record where source_event_id = any($1)")
                .execute(Tuple.of(eventIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> seen = new HashSet<>();
                    rows.forEach(row -> seen.add(row.getUUID(0)));
                    return seen;
                });
    }

    /**
     * Inserts the records with one statement (see {@link #INSERT_RECORDS}).
     *
     * @param records consecutive sequences of one batch, all with the same {@code recordedAt} and one or two tenants
     */
    public Uni<Void> insertRecords(SqlConnection connection, List<AuditRecordEntity> records) {
        int n = records.size();
        Long[] sequences = new Long[n];
        UUID[] recordIds = new UUID[n];
        String[] firsts = new String[n];
        String[] seconds = new String[n];
        String[] actions = new String[n];
        String[] outcomes = new String[n];
        String[] actors = new String[n];
        String[] resourceTenants = new String[n];
        String[] homeTenants = new String[n];
        String[] applications = new String[n];
        String[] invitationIds = new String[n];
        UUID[] sourceEventIds = new UUID[n];
        String[] sourceTypes = new String[n];
        OffsetDateTime[] occurredAts = new OffsetDateTime[n];
        String[] details = new String[n];
        String[] previousHashes = new String[n];
        String[] hashes = new String[n];
        for (int i = 0; i < n; i++) {
            AuditRecordEntity r = records.get(i);
            if (r.tenants.length < 1 || r.tenants.length > 2 || !r.recordedAt.equals(records.get(0).recordedAt)) {
                throw new IllegalArgumentException("record " + r.sequence + ": one or two tenants and the batch's"
                        + " recordedAt expected");
            }
            sequences[i] = r.sequence;
            recordIds[i] = r.recordId;
            firsts[i] = r.tenants[0];
            seconds[i] = r.tenants.length > 1 ? r.tenants[1] : null;
            actions[i] = r.action;
            outcomes[i] = r.outcome;
            actors[i] = r.actor;
            resourceTenants[i] = r.resourceTenant;
            homeTenants[i] = r.homeTenant;
            applications[i] = r.application;
            invitationIds[i] = r.invitationId;
            sourceEventIds[i] = r.sourceEventId;
            sourceTypes[i] = r.sourceType;
            occurredAts[i] = utc(r.occurredAt);
            details[i] = r.details;
            previousHashes[i] = r.previousHash;
            hashes[i] = r.hash;
        }
        return connection.preparedQuery(INSERT_RECORDS).execute(Tuple.from(new Object[] { sequences, recordIds,
                firsts, seconds, actions, outcomes, actors, resourceTenants, homeTenants, applications, invitationIds,
                sourceEventIds, sourceTypes, occurredAts, details, previousHashes, utc(records.get(0).recordedAt),
                hashes })).replaceWithVoid();
    }

    /** Moves the chain head to the batch's last record and the tree's right edge with it. */
    public Uni<Void> moveHead(SqlConnection connection, long lastSequence, String lastHash, MerkleFrontier tree) {
        return connection.preparedQuery("update chain_head set last_sequence = $1, last_hash = $2, tree_size = $3,"
                        + " frontier = $4 where id = 1")
                .execute(Tuple.of(lastSequence, lastHash, tree.size(), Buffer.buffer(tree.encode())))
                .replaceWithVoid();
    }

    /** Moves only the tree (start-up catch-up of records appended before it existed, see {@code MerkleCatchUp}). */
    public Uni<Void> moveTree(SqlConnection connection, MerkleFrontier tree) {
        return connection.preparedQuery("update chain_head set tree_size = $1, frontier = $2 where id = 1")
                .execute(Tuple.of(tree.size(), Buffer.buffer(tree.encode()))).replaceWithVoid();
    }

    /**
     * Stores the perfect subtrees a batch completed, with one statement ({@code unnest} of three arrays).
     *
     * @param nodes what {@link MerkleFrontier#append} reported for the batch's leaves; nothing is sent when empty
     */
    public Uni<Void> insertNodes(SqlConnection connection, List<MerkleFrontier.Node> nodes) {
        if (nodes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = nodes.size();
        Short[] levels = new Short[n];
        Long[] indexes = new Long[n];
        Buffer[] hashes = new Buffer[n];
        for (int i = 0; i < n; i++) {
            MerkleFrontier.Node node = nodes.get(i);
            levels[i] = (short) node.level();
            indexes[i] = node.index();
            hashes[i] = Buffer.buffer(node.hash());
        }
        return connection.preparedQuery("insert into merkle_node (level, idx, hash)"
                        + " select * from unnest($1::smallint[], $2::bigint[], $3::bytea[])")
                .execute(Tuple.of(levels, indexes, hashes)).replaceWithVoid();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
