package org.crosstenant.policy.messaging;

import org.crosstenant.platform.messaging.Failures;
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
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Publishes outbox rows as binary CloudEvents (id = row id, key and subject = aggregate id) and marks them
 * published only after the broker acknowledged them. Runs right after each commit ({@link #trigger()}) and on a
 * timer as a safety net only. Triggers coalesce: one pass at a time per instance (single flight), and a trigger that
 * arrives during a pass asks for exactly one more pass, however many arrive. Through a transaction-scoped PostgreSQL
 * advisory lock, one pass at a time cluster-wide: an instance that does not get the lock skips its pass.
 * <p>
 * A pass takes the due rows in insertion order ({@link OutboxRepository#lockDue}), sends them without waiting in
 * between across aggregates, each aggregate's rows one after the other ({@link AggregateSends}), awaits every outcome
 * and settles each row on its own, so that no row holds up another aggregate's (no head-of-line blocking):
 * <ul>
 * <li>acknowledged: marked published (one UPDATE for the batch);</li>
 * <li>refused for good ({@link Failures#isTransient} false: record too large, invalid topic, serialization):
 * parked at once ({@code parked_at}, {@code park_reason}), ERROR log, {@code crosstenant_outbox_parked_total};</li>
 * <li>failed transiently (time-out, broker down, not enough replicas): sent again after an exponential back-off
 * ({@code policy.outbox.retry-initial-backoff} doubling up to {@code retry-max-backoff}), WARN log,
 * {@code crosstenant_outbox_retries_total}; parked like the above after {@code policy.outbox.max-attempts}.</li>
 * </ul>
 * A later row of the same aggregate waits while an earlier one is retried; once the earlier one is parked, the later
 * rows flow on. A parked row stays in the table until an operator re-queues it (docs/topics.md). At least once: a
 * row whose send was acknowledged but whose transaction did not commit is sent again, and consumers' inboxes (keyed
 * by {@code ce_id} = row id) absorb it.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);
    /** How a failed row was settled (indexes into a pass's counts). */
    private static final int PERMANENT = 0;
    private static final int EXHAUSTED = 1;
    private static final int RETRIED = 2;

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

    /**
     * Passes while more rows may be due: the pass was full, or it parked a row (which lets its aggregate's next rows
     * go). Otherwise every due row was in the pass, and a commit after its select triggers a pass of its own
     * ({@code requested}): no empty follow-up pass (three round trips) after each publication.
     */
    private Uni<Integer> drain() {
        return publishBatch().chain(result -> result.needsAnother() ? drain().map(more -> result.sent() + more)
                : Uni.createFrom().item(result.sent()));
    }

    /** What one pass did: rows published, parked at once (permanent), parked after the ceiling, retried later. */
    private record BatchResult(int sent, int parkedPermanent, int parkedExhausted, int retried, boolean full) {
        static final BatchResult NONE = new BatchResult(0, 0, 0, 0, false);

        BatchResult asFull() {
            return new BatchResult(sent, parkedPermanent, parkedExhausted, retried, true);
        }

        boolean needsAnother() {
            return full || parkedPermanent + parkedExhausted > 0;
        }
    }

    private Uni<BatchResult> publishBatch() {
        int limit = config.outbox().batchSize();
        return Panache.withTransaction(() -> {
            Context context = Vertx.currentContext();
            // acks complete on a Kafka thread; the session must be used on its own context again
            Executor backOnContext = task -> context.runOnContext(ignored -> task.run());
            // the lock in a statement of its own: the due-rows query that follows then sees everything committed
            // before the lock was granted (inside that query it could read a snapshot older than the lock)
            return outbox.tryRelayLock().chain(locked -> !locked
                    // another instance is publishing; its next pass or our timer takes what is left
                    ? Uni.createFrom().item(BatchResult.NONE)
                    : outbox.lockDue(limit).chain(rows -> sendAll(rows, backOnContext)
                            .map(result -> rows.size() >= limit ? result.asFull() : result)));
        }).invoke(result -> {
            // counted once the transaction committed
            metrics.published(result.sent());
            metrics.parked(OutboxMetrics.PARKED_PERMANENT, result.parkedPermanent());
            metrics.parked(OutboxMetrics.PARKED_EXHAUSTED, result.parkedExhausted());
            metrics.retried(result.retried());
        });
    }

    /**
     * Sends the rows ({@link AggregateSends}: aggregates in parallel, each aggregate's rows in order), awaits every
     * outcome, then settles each row on its own: acknowledged rows are marked published (one UPDATE), a row the
     * broker will never accept is parked, a row that failed transiently is retried after a back-off, or parked once
     * it reached {@code policy.outbox.max-attempts}; a row not sent stays as it was.
     */
    private Uni<BatchResult> sendAll(List<OutboxEvent> rows, Executor backOnContext) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(BatchResult.NONE);
        }
        return AggregateSends.sendAll(rows, row -> row.aggregateType + "/" + row.aggregateId, this::send)
                .emitOn(backOnContext)
                .chain(outcomes -> settle(rows, outcomes));
    }

    /** Sends one row; the item is the failure, null when the broker acknowledged it. */
    private Uni<Throwable> send(OutboxEvent row) {
        return Uni.createFrom().deferred(() -> emitter.sendMessage(toMessage(row)))
                .ifNoItem().after(ACK_TIMEOUT).fail()
                .onItemOrFailure().transform((ignored, failure) -> failure);
    }

    private Uni<BatchResult> settle(List<OutboxEvent> rows, List<AggregateSends.Outcome> outcomes) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<UUID> acknowledged = new ArrayList<>(rows.size());
        List<Supplier<Uni<Integer>>> failures = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            OutboxEvent row = rows.get(i);
            AggregateSends.Outcome outcome = outcomes.get(i);
            if (!outcome.sent()) {
                continue; // behind a row of its aggregate that is retried: stays as it was
            }
            if (outcome.failure() == null) {
                acknowledged.add(row.id);
            } else {
                failures.add(() -> failed(row, outcome.failure(), now, !acknowledged.isEmpty())); // evaluated after the loop
            }
        }
        int[] counts = new int[3];
        Uni<Void> updates = outbox.markPublished(acknowledged, now).replaceWithVoid();
        for (Supplier<Uni<Integer>> failure : failures) {
            // one statement at a time on the session
            updates = updates.chain(() -> failure.get().invoke(kind -> counts[kind]++).replaceWithVoid());
        }
        return updates.map(ignored -> new BatchResult(acknowledged.size(), counts[PERMANENT], counts[EXHAUSTED],
                counts[RETRIED], false));
    }

    /**
     * Parks or reschedules a row whose send failed ({@link Failures} classifies the failure).
     * A transient failure parks the row after the ceiling only while the broker demonstrably accepts other rows
     * ({@code brokerAccepting}: this pass had an acknowledgement): during an outage every row fails, and parking them
     * would hold back valid events (a revocation) until an operator re-queued them; such a row is kept and retried at
     * the back-off ceiling instead, with an ERROR log.
     *
     * @return {@link #PERMANENT}, {@link #EXHAUSTED} (both parked) or {@link #RETRIED}
     */
    private Uni<Integer> failed(OutboxEvent row, Throwable failure, Instant now, boolean brokerAccepting) {
        int attempts = row.attempts + 1;
        String reason = Failures.describe(failure);
        if (!Failures.isTransient(failure)) {
            LOG.errorf("outbox row %s (%s, aggregate %s, topic %s) PARKED: the broker will never accept it; "
                    + "later rows flow on: %s", row.id, row.type, row.aggregateId, row.topic, reason);
            return outbox.park(row.id, attempts, now, reason).replaceWith(PERMANENT);
        }
        int max = config.outbox().maxAttempts();
        if (attempts >= max && brokerAccepting) {
            LOG.errorf("outbox row %s (%s, aggregate %s, topic %s) PARKED after %d failed attempts: %s", row.id,
                    row.type, row.aggregateId, row.topic, attempts, reason);
            return outbox.park(row.id, attempts, now, "gave up after " + attempts + " attempts: " + reason)
                    .replaceWith(EXHAUSTED);
        }
        Duration backOff = backOff(attempts, config.outbox().retryInitialBackoff(),
                config.outbox().retryMaxBackoff());
        if (attempts >= max) {
            LOG.errorf("outbox row %s (%s, aggregate %s) still not acknowledged after %d attempts while the broker "
                    + "accepts nothing else either (outage?): kept, retried in %s: %s", row.id, row.type, row.aggregateId,
                    attempts, backOff, reason);
            return outbox.retryLater(row.id, attempts, now.plus(backOff), reason).replaceWith(RETRIED);
        }
        LOG.warnf("outbox row %s (%s, aggregate %s) not acknowledged (attempt %d of %d), retried in %s: %s", row.id,
                row.type, row.aggregateId, attempts, max, backOff, reason);
        return outbox.retryLater(row.id, attempts, now.plus(backOff), reason).replaceWith(RETRIED);
    }

    /**
     * Exponential back-off: {@code initial} after the first failure, doubled after each further one, at most
     * {@code max}.
     *
     * @param attempts failed attempts so far (≥ 1)
     */
    static Duration backOff(int attempts, Duration initial, Duration max) {
        Duration delay = initial;
        for (int i = 1; i < attempts && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
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
