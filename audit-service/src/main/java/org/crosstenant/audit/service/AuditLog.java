package org.crosstenant.audit.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import org.crosstenant.audit.model.AuditDraft;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.model.ChainHead;
import org.crosstenant.audit.model.InboxEntry;
import org.crosstenant.audit.model.IncomingEvent;
import org.crosstenant.audit.model.OutboxEntry;
import org.crosstenant.audit.repository.AuditRecordRepository;
import org.crosstenant.audit.repository.ChainHeadRepository;
import org.crosstenant.audit.repository.InboxRepository;
import org.crosstenant.audit.repository.OutboxRepository;
import org.jboss.logging.Logger;

/** Appends records: chain head lock, inbox, record and outbox rows in one transaction. */
@ApplicationScoped
public class AuditLog {

    public static final String RECORDS_TOPIC = "audit.records";
    public static final String RECORD_APPENDED_TYPE = "org.crosstenant.audit.record-appended.v1";

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    private final ChainHeadRepository heads;
    private final InboxRepository inbox;
    private final AuditRecordRepository records;
    private final OutboxRepository outbox;
    private final AuditRecordMapper mapper;
    private final RecordBroadcaster broadcaster;
    private final Clock clock;

    public AuditLog(ChainHeadRepository heads, InboxRepository inbox, AuditRecordRepository records,
            OutboxRepository outbox, AuditRecordMapper mapper, RecordBroadcaster broadcaster) {
        this.heads = heads;
        this.inbox = inbox;
        this.records = records;
        this.outbox = outbox;
        this.mapper = mapper;
        this.broadcaster = broadcaster;
        this.clock = Clock.systemUTC();
    }

    /**
     * Appends the record for {@code event}; empty when the event was already processed (redelivery).
     * Must run on a safe Vert.x context (see {@link ReactiveContexts}).
     */
    public Uni<Optional<AuditRecord>> append(IncomingEvent event, AuditDraft draft) {
        return Panache.withTransaction(() -> heads.lock()
                // the head lock comes first: it also serialises the inbox check, so two deliveries of one event
                // cannot both pass it
                .flatMap(head -> inbox.findById(event.id())
                        .flatMap(seen -> seen != null
                                ? Uni.createFrom().item(Optional.<AuditRecord>empty())
                                : appendLocked(head, event, draft).map(Optional::of))))
                .invoke(appended -> appended.ifPresentOrElse(broadcaster::committed,
                        () -> LOG.debugf("event %s already audited, skipped", event.id())));
    }

    private Uni<AuditRecord> appendLocked(ChainHead head, IncomingEvent event, AuditDraft draft) {
        // microseconds: what timestamptz keeps, so the hash recomputed from the row matches
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        AuditRecordEntity entity = new AuditRecordEntity();
        entity.sequence = head.lastSequence + 1;
        entity.recordId = UUID.randomUUID();
        entity.tenants = draft.tenants().toArray(String[]::new);
        entity.action = draft.action();
        entity.outcome = draft.outcome();
        entity.actor = draft.actor() == null ? null : draft.actor().toString();
        entity.resourceTenant = draft.resourceTenant();
        entity.homeTenant = draft.homeTenant();
        entity.application = draft.application();
        entity.invitationId = draft.invitationId();
        entity.sourceEventId = event.id();
        entity.sourceType = event.type();
        entity.occurredAt = draft.occurredAt().truncatedTo(ChronoUnit.MICROS);
        entity.recordedAt = now;
        entity.details = draft.details().toString();
        entity.previousHash = head.lastHash;
        entity.hash = AuditHasher.hash(entity);

        head.lastSequence = entity.sequence;
        head.lastHash = entity.hash;

        AuditRecord record = mapper.toRecord(entity);
        String payload = mapper.toJson(record);
        List<OutboxEntry> messages = draft.tenants().stream().map(tenant -> outboxEntry(tenant, payload, now)).toList();
        return records.persist(entity)
                .call(() -> inbox.persist(InboxEntry.of(event.id(), event.type(), now)))
                .call(() -> outbox.persist(messages))
                .replaceWith(record);
    }

    private static OutboxEntry outboxEntry(String tenant, String payload, Instant now) {
        OutboxEntry entry = new OutboxEntry();
        entry.id = UUID.randomUUID();
        entry.aggregateType = "tenant";
        entry.aggregateId = tenant;
        entry.type = RECORD_APPENDED_TYPE;
        entry.topic = RECORDS_TOPIC;
        entry.payload = payload;
        entry.occurredAt = now;
        return entry;
    }
}
