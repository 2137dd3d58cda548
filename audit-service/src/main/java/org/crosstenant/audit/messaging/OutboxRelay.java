package org.crosstenant.audit.messaging;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;

import org.crosstenant.audit.config.AuditConfig;
import org.crosstenant.audit.model.AuditRecordEntity;
import org.crosstenant.audit.repository.PublishRepository;
import org.crosstenant.audit.service.AuditLog;
import org.crosstenant.audit.service.AuditMetrics;
import org.crosstenant.audit.service.AuditRecordMapper;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes committed records to audit.records, one CloudEvent per record and tenant it concerns (key = tenant):
 * right after each append commits ({@link #trigger()}) and on a timer as the safety net (broker down, crash between
 * commit and publish). Each pass locks the publish cursor, reads up to {@code audit.outbox.batch-size} records after
 * it, sends all their messages at once (in sequence order, so per-key order holds), waits for all the broker's acks
 * together and only then moves the cursor — so a failure leaves them for the next pass (at-least-once). The ce_id of
 * a message is derived from record id and tenant (name-based UUID), so a re-published message keeps its id and
 * consumers deduplicate on it.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final MutinyEmitter<String> emitter;
    private final Pool pool;
    private final PublishRepository repository;
    private final AuditRecordMapper mapper;
    private final AuditMetrics metrics;
    private final AuditConfig config;
    private final URI source;
    /** One drain at a time in this JVM; triggers during a drain ask for one more pass. */
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public OutboxRelay(@Channel("audit-records") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
            MutinyEmitter<String> emitter, Pool pool, PublishRepository repository, AuditRecordMapper mapper,
            AuditMetrics metrics, AuditConfig config) {
        this.emitter = emitter;
        this.pool = pool;
        this.repository = repository;
        this.mapper = mapper;
        this.metrics = metrics;
        this.config = config;
        this.source = URI.create(config.outbox().source());
    }

    /** Publish what is pending now, without waiting for it. */
    public void trigger() {
        again.set(true);
        if (running.compareAndSet(false, true)) {
            again.set(false);
            drain().subscribe().with(
                    published -> finished(),
                    failure -> {
                        LOG.warnf(failure, "outbox relay failed; the timer retries");
                        finished();
                    });
        }
    }

    private void finished() {
        running.set(false);
        if (again.get()) {
            trigger();
        }
    }

    // not while starting or stopping: the emitter is not connected yet / any more
    @Scheduled(every = "${audit.outbox.relay-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void safetyNet() {
        trigger();
        repository.backlog(pool).subscribe().with(
                backlog -> metrics.outbox(backlog.records(), backlog.oldestAge()),
                failure -> LOG.debugf("could not read the outbox backlog: %s", failure));
    }

    /** Publishes batches until nothing is left; the number of records published. */
    Uni<Integer> drain() {
        return publishBatch().flatMap(count -> count < config.outbox().batchSize()
                ? Uni.createFrom().item(count)
                : drain().map(more -> count + more));
    }

    private Uni<Integer> publishBatch() {
        int limit = config.outbox().batchSize();
        return pool.withTransaction(connection -> repository.lockCursor(connection)
                .flatMap(after -> repository.recordsAfter(connection, after, limit))
                .flatMap(records -> {
                    if (records.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    List<Uni<Void>> sends = new ArrayList<>(records.size() * 2);
                    for (AuditRecordEntity record : records) {
                        String payload = mapper.toJson(mapper.toRecord(record));
                        for (String tenant : record.tenants) {
                            sends.add(send(record, tenant, payload));
                        }
                    }
                    long last = records.get(records.size() - 1).sequence;
                    return Uni.join().all(sends).andFailFast()
                            .flatMap(acked -> repository.advance(connection, last))
                            .replaceWith(records.size());
                }));
    }

    /** The ce_id of the message for {@code tenant} of a record: stable across re-publication. */
    static UUID messageId(UUID recordId, String tenant) {
        return UUID.nameUUIDFromBytes((recordId + "/" + tenant).getBytes(StandardCharsets.UTF_8));
    }

    private Uni<Void> send(AuditRecordEntity record, String tenant, String payload) {
        OutgoingCloudEventMetadata<String> cloudEvent = OutgoingCloudEventMetadata.<String>builder()
                .withId(messageId(record.recordId, tenant).toString())
                .withType(AuditLog.RECORD_APPENDED_TYPE)
                .withSource(source)
                .withSubject(tenant)
                .withDataContentType("application/json")
                .withTimestamp(record.recordedAt.atZone(ZoneOffset.UTC))
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(tenant)
                .build();
        return emitter.sendMessage(Message.of(payload, Metadata.of(cloudEvent, kafka)));
    }
}
