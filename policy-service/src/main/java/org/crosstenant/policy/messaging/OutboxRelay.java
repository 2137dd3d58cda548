package org.crosstenant.policy.messaging;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.config.PolicyConfig;
import org.crosstenant.policy.model.OutboxEvent;
import org.crosstenant.policy.repository.OutboxRepository;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes outbox rows as binary CloudEvents (id = row id, key and subject = aggregate id) and marks them
 * published only after the broker acknowledged them. Runs right after each commit ({@link #trigger()}) and on a
 * timer as a safety net only. Triggers coalesce: one pass at a time per instance (single flight), and a trigger that
 * arrives during a pass asks for exactly one more pass, however many arrive. Through a transaction-scoped PostgreSQL
 * advisory lock, one pass at a time cluster-wide: an instance that does not get the lock skips its pass.
 * <p>
 * A pass sends a whole batch in insertion order without waiting in between (the idempotent producer keeps
 * per-partition order, so one aggregate's events keep their order), then awaits all acknowledgements and marks the
 * acknowledged prefix published in one UPDATE. When a send fails, the rows from the first failure on stay unpublished
 * and are sent again, in order, by a later pass; rows after it that were acknowledged anyway are then published twice,
 * which the consumers' inboxes (keyed by {@code ce_id} = row id) absorb. At least once, never out of order.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    private final OutboxRepository outbox;
    private final MutinyEmitter<String> emitter;
    private final Vertx vertx;
    private final PolicyConfig config;
    private final OutboxMetrics metrics;
    private final URI source;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();

    public OutboxRelay(OutboxRepository outbox, @Channel("policy-out") MutinyEmitter<String> emitter, Vertx vertx,
                       PolicyConfig config, OutboxMetrics metrics) {
        this.outbox = outbox;
        this.emitter = emitter;
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.source = URI.create(config.eventSource());
    }

    /**
     * Asks for a pass now; returns at once. A pass already running will run once more when it ends, so any number of
     * triggers during a pass cost one extra pass, not one each.
     */
    public void trigger() {
        requested.set(true);
        if (!running.compareAndSet(false, true)) {
            return;
        }
        requested.set(false);
        SafeContexts.onFreshContext(vertx, this::drain)
                .subscribe().with(
                        sent -> {
                            if (sent > 0) {
                                LOG.debugf("outbox relay published %d event(s)", sent);
                            }
                            finish();
                        },
                        failure -> {
                            LOG.warnf(failure, "outbox relay pass failed; the timer retries");
                            finish();
                        });
    }

    // not before the application runs: the Kafka channel is wired only at the end of startup
    @Scheduled(every = "${policy.outbox.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void safetyNet() {
        trigger();
    }

    /** How many rows are still waiting (for health and tests). */
    public Uni<Long> pending() {
        return SafeContexts.onFreshContext(vertx, () -> Panache.withSession(outbox::countUnpublished));
    }

    private void finish() {
        running.set(false);
        if (requested.get()) {
            trigger();
        }
    }

    /** Passes until a batch comes back short (nothing more waiting) or a send failed. */
    private Uni<Integer> drain() {
        return publishBatch().chain(result -> result.fullBatch() ? drain().map(more -> result.sent() + more)
                : Uni.createFrom().item(result.sent()));
    }

    private record BatchResult(int sent, boolean fullBatch) {
    }

    private Uni<BatchResult> publishBatch() {
        int limit = config.outbox().batchSize();
        return Panache.withTransaction(() -> {
            Context context = Vertx.currentContext();
            // acks complete on a Kafka thread; the session must be used on its own context again
            Executor backOnContext = task -> context.runOnContext(ignored -> task.run());
            return outbox.tryRelayLock().chain(locked -> !locked
                    // another instance is publishing; its next pass or our timer takes what is left
                    ? Uni.createFrom().item(new BatchResult(0, false))
                    : outbox.lockUnpublished(limit).chain(rows -> sendAll(rows, backOnContext)
                            .map(sent -> new BatchResult(sent, sent == rows.size() && rows.size() == limit))));
        }).invoke(result -> metrics.published(result.sent()));
    }

    /**
     * Sends every row at once, in order, awaits all acknowledgements, and marks the acknowledged prefix published.
     *
     * @return how many rows (from the first) were acknowledged and marked
     */
    private Uni<Integer> sendAll(List<OutboxEvent> rows, Executor backOnContext) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<CompletableFuture<Boolean>> acks = new ArrayList<>(rows.size());
        for (OutboxEvent row : rows) {
            // subscribing sends: the loop hands the producer the rows in insertion order
            acks.add(emitter.sendMessage(toMessage(row))
                    .ifNoItem().after(ACK_TIMEOUT).fail()
                    .onItemOrFailure().transform((ignored, failure) -> {
                        if (failure != null) {
                            LOG.warnf(failure, "outbox row %s (%s) not acknowledged; left for the next pass",
                                    row.id, row.type);
                        }
                        return failure == null;
                    })
                    .subscribeAsCompletionStage());
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)))
                .emitOn(backOnContext)
                .chain(() -> {
                    List<UUID> acknowledged = new ArrayList<>(rows.size());
                    for (int i = 0; i < rows.size() && acks.get(i).join(); i++) {
                        acknowledged.add(rows.get(i).id);
                    }
                    return outbox.markPublished(acknowledged, Instant.now().truncatedTo(ChronoUnit.MICROS))
                            .replaceWith(acknowledged.size());
                });
    }

    private Message<String> toMessage(OutboxEvent row) {
        OutgoingCloudEventMetadata<String> cloudEvent = OutgoingCloudEventMetadata.<String>builder()
                .withId(row.id.toString())
                .withType(row.type)
                .withSource(source)
                .withSubject(row.aggregateId)
                .withTimestamp(row.occurredAt.atZone(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(row.aggregateId)
                .withTopic(row.topic)
                .build();
        return Message.of(new JsonObject(row.payload).encode()).addMetadata(cloudEvent).addMetadata(kafka);
    }
}
