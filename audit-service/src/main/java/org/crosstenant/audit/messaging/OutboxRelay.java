package org.crosstenant.audit.messaging;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import org.crosstenant.audit.config.AuditConfig;
import org.crosstenant.audit.model.OutboxEntry;
import org.crosstenant.audit.repository.OutboxRepository;
import org.crosstenant.audit.service.ReactiveContexts;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to audit.records: right after each append commits ({@link #trigger()}) and on a timer as
 * the safety net (broker down, crash between commit and publish). A row is marked published only after the broker
 * acknowledged it, in the transaction that holds its row lock; so a failure leaves it for the next run
 * (at-least-once; consumers deduplicate on ce_id).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final MutinyEmitter<String> emitter;
    private final OutboxRepository outbox;
    private final ReactiveContexts contexts;
    private final AuditConfig config;
    /** One drain at a time in this JVM; triggers during a drain ask for one more pass. */
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public OutboxRelay(@Channel("audit-records") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<String> emitter, OutboxRepository outbox, ReactiveContexts contexts, AuditConfig config) {
        this.emitter = emitter;
        this.outbox = outbox;
        this.contexts = contexts;
        this.config = config;
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
    }

    /** Publishes batches until nothing is left; the number of messages published. */
    Uni<Integer> drain() {
        return contexts.onFreshContext(this::publishBatch).flatMap(count -> count < config.outbox().batchSize()
                ? Uni.createFrom().item(count)
                : drain().map(more -> count + more));
    }

    private Uni<Integer> publishBatch() {
        Context context = Vertx.currentContext();
        return Panache.withTransaction(() -> outbox.lockUnpublished(config.outbox().batchSize()).flatMap(rows -> {
            if (rows.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Uni<Void>> sends = rows.stream().map(this::send).toList();
            return Uni.join().all(sends).andFailFast()
                    // acks arrive on a Kafka thread; the session may only be used on its own context
                    .emitOn(task -> context.runOnContext(ignored -> task.run()))
                    .map(acked -> {
                        Instant now = Instant.now();
                        rows.forEach(row -> row.publishedAt = now);
                        return rows.size();
                    });
        }));
    }

    private Uni<Void> send(OutboxEntry row) {
        OutgoingCloudEventMetadata<String> cloudEvent = OutgoingCloudEventMetadata.<String>builder()
                .withId(row.id.toString())
                .withType(row.type)
                .withSource(URI.create(config.outbox().source()))
                .withSubject(row.aggregateId)
                .withDataContentType("application/json")
                .withTimestamp(row.occurredAt.atZone(ZoneOffset.UTC))
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(row.aggregateId)
                .withTopic(row.topic)
                .build();
        return emitter.sendMessage(Message.of(row.payload, Metadata.of(cloudEvent, kafka)));
    }
}
