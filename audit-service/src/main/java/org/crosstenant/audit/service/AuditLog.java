package org.crosstenant.audit.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

import org.crosstenant.audit.model.AuditDraft;
import org.crosstenant.audit.model.AuditInput;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.model.ChainHead;
import org.crosstenant.audit.repository.AppendRepository;
import org.crosstenant.platform.tlog.MerkleFrontier;
import org.jboss.logging.Logger;

/**
 * Appends records in batches: one transaction per batch takes the chain-head lock, checks the whole batch's event ids
 * against the records' unique {@code source_event_id} (the inbox) in one query, computes the hash chain in order in
 * memory (from the drafts' parsed JSON) together with each record's Merkle leaf (leaf index = sequence - 1), inserts
 * the records and the tree's newly completed subtrees (one multi-row statement each) and moves the head, with the
 * tree's right edge, once. The
 * caller hands the returned records to {@code OutboxRelay} for audit.records; SSE subscribers are woken once per
 * commit, right after it.
 */
@ApplicationScoped
public class AuditLog {

    public static final String RECORDS_TOPIC = "audit.records";
    public static final String RECORD_APPENDED_TYPE = "org.crosstenant.audit.record-appended.v1";

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    private final Pool pool;
    private final AppendRepository repository;
    private final RecordBroadcaster broadcaster;
    private final AuditMetrics metrics;
    private final MerkleCatchUp catchUp;
    private final Clock clock;

    public AuditLog(Pool pool, AppendRepository repository, RecordBroadcaster broadcaster, AuditMetrics metrics,
            MerkleCatchUp catchUp) {
        this.pool = pool;
        this.catchUp = catchUp;
        this.repository = repository;
        this.broadcaster = broadcaster;
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
    }

    /**
     * Appends one record per input whose event id was not processed before, in the inputs' order.
     *
     * @param inputs translated events of one consumed batch (any topic); a repeated event id (redelivery, also
     *        within the batch) gives no second record
     * @return the appended records in sequence order (empty when every event was a redelivery); fails with the
     *         database's error when the transaction could not commit, in which case nothing of the batch was appended
     *         and the caller may retry it as a whole
     */
    public Uni<List<AuditRecord>> append(List<AuditInput> inputs) {
        Map<UUID, AuditInput> unique = new LinkedHashMap<>();
        for (AuditInput input : inputs) {
            unique.putIfAbsent(input.event().id(), input);
        }
        if (unique.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<UUID> ids = List.copyOf(unique.keySet());
        return pool.withTransaction(connection -> repository.lockHead(connection)
                        // the head lock comes first: it also serialises the inbox check, so two deliveries of one
                        // event (two batches, two instances) cannot both pass it
                        .flatMap(head -> repository.alreadyProcessed(connection, ids)
                                .flatMap(seen -> appendLocked(connection, head, unique, seen))))
                .invoke(appended -> {
                    if (appended.size() < unique.size()) {
                        LOG.debugf("%d of %d events already audited, skipped", unique.size() - appended.size(),
                                unique.size());
                    }
                    if (!appended.isEmpty()) {
                        metrics.appended(appended, clock.instant());
                        broadcaster.committed(appended);
                    }
                });
    }

    private Uni<List<AuditRecord>> appendLocked(SqlConnection connection, ChainHead head,
            Map<UUID, AuditInput> inputs, Set<UUID> seen) {
        // the tree is behind the chain only while records from before the Merkle log are being brought in
        return catchUp.extend(connection, head, Long.MAX_VALUE)
                .flatMap(tree -> appendLocked(connection, head, tree, inputs, seen));
    }

    private Uni<List<AuditRecord>> appendLocked(SqlConnection connection, ChainHead head, MerkleFrontier tree,
            Map<UUID, AuditInput> inputs, Set<UUID> seen) {
        // microseconds: what timestamptz keeps, so the hash recomputed from the row matches
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<AuditRecordEntity> entities = new ArrayList<>(inputs.size());
        List<AuditRecord> records = new ArrayList<>(inputs.size());
        // about two completed subtrees per leaf: the leaf itself and, on average, one interior node
        List<MerkleFrontier.Node> nodes = new ArrayList<>(inputs.size() * 2 + 64);
        long sequence = head.lastSequence;
        String previousHash = head.lastHash;
        for (AuditInput input : inputs.values()) {
            if (seen.contains(input.event().id())) {
                continue;
            }
            AuditRecordEntity entity = entity(input, ++sequence, now);
            String canonical = AuditHasher.canonical(entity, input.draft().actor(), input.draft().details());
            entity.previousHash = previousHash;
            entity.hash = AuditHasher.chainHash(previousHash, canonical);
            tree.append(AuditHasher.leafHash(canonical), nodes);
            previousHash = entity.hash;
            entities.add(entity);
            records.add(record(entity, input.draft()));
        }
        if (entities.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        long lastSequence = sequence;
        String lastHash = previousHash;
        return repository.insertRecords(connection, entities)
                .chain(() -> repository.insertNodes(connection, nodes))
                .chain(() -> repository.moveHead(connection, lastSequence, lastHash, tree))
                .replaceWith(records);
    }

    private static AuditRecordEntity entity(AuditInput input, long sequence, Instant now) {
        AuditDraft draft = input.draft();
        AuditRecordEntity entity = new AuditRecordEntity();
        entity.sequence = sequence;
        entity.recordId = UUID.randomUUID();
        entity.tenants = draft.tenants().toArray(String[]::new);
        entity.action = draft.action();
        entity.outcome = draft.outcome();
        entity.actor = draft.actor() == null ? null : draft.actor().toString();
        entity.resourceTenant = draft.resourceTenant();
        entity.homeTenant = draft.homeTenant();
        entity.application = draft.application();
        entity.invitationId = draft.invitationId();
        entity.sourceEventId = input.event().id();
        entity.sourceType = input.event().type();
        entity.occurredAt = draft.occurredAt().truncatedTo(ChronoUnit.MICROS);
        entity.recordedAt = now;
        entity.details = draft.details().toString();
        return entity;
    }

    /** The public shape, from what the draft already holds parsed (no second JSON parse per record). */
    private static AuditRecord record(AuditRecordEntity e, AuditDraft draft) {
        return new AuditRecord(e.sequence, e.sequence - 1, e.recordId, draft.tenants(), e.action, e.outcome, draft.actor(),
                e.resourceTenant, e.homeTenant, e.application, e.invitationId, e.sourceEventId, e.sourceType,
                e.occurredAt, e.recordedAt, draft.details(), e.previousHash, e.hash, false);
    }
}
