package org.crosstenant.invitation.messaging;

import org.crosstenant.platform.messaging.Failures;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.InvitationConfig;
import org.crosstenant.invitation.model.OutboxEvent;
import org.crosstenant.invitation.repository.OutboxRepository;
import org.crosstenant.invitation.service.CoalescingRounds;
import org.crosstenant.invitation.service.FreshContext;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Publishes outbox rows to Kafka as binary-mode CloudEvents. Services call {@link #trigger()} right after a commit;
 * the timer is only a safety net for rows left behind (broker down, crash between commit and publish).
 * A round sends its whole batch without waiting for one acknowledgement per row, then settles every row on its own,
 * inside the transaction that holds their row locks and the relay's advisory lock (one publishing relay at a time, so
 * per-invitation order survives several instances). Triggers that arrive while a round runs coalesce into one more
 * round; they never queue up one round each.
 * <p>
 * No row holds up another invitation's (issue #6):
 * <ul>
 * <li>acknowledged: marked published (one UPDATE for the round);</li>
 * <li>refused for good ({@link Failures#isTransient} false: record too large, invalid topic, serialization): parked
 * at once ({@code parked_at}, {@code park_reason}), ERROR log, {@code crosstenant_outbox_parked_total};</li>
 * <li>failed transiently (time-out, broker down, not enough replicas): sent again after an exponential back-off
 * ({@code invitation.outbox.retry-initial-backoff} doubling up to {@code retry-max-backoff}), WARN log,
 * {@code crosstenant_outbox_retries_total}; parked like the above after {@code invitation.outbox.max-attempts}.</li>
 * </ul>
 * A later row of the same invitation waits while an earlier one is retried; once the earlier one is parked, the later
 * rows flow on. A parked row stays in the table until an operator re-queues it (docs/topics.md). At least once: a
 * row acknowledged in a round whose transaction did not commit is sent again; consumers drop it by CloudEvent id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** A send not acknowledged within this is a transient failure. */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);
    /** How a failed row was settled (indexes into a round's counts). */
    private static final int PERMANENT = 0;
    private static final int EXHAUSTED = 1;
    private static final int RETRIED = 2;

    private final MutinyEmitter<String> emitter;
    private final OutboxRepository outbox;
    private final FreshContext freshContext;
    private final InvitationConfig config;
    private final OutboxMetrics metrics;
    private final URI source;
    /** One drain at a time per instance; a trigger during a drain asks for one more round. */
    private final CoalescingRounds rounds;

    public OutboxRelay(@Channel("invitations-out") MutinyEmitter<String> emitter, OutboxRepository outbox,
            FreshContext freshContext, InvitationConfig config, OutboxMetrics metrics) {
        this.emitter = emitter;
        this.outbox = outbox;
        this.freshContext = freshContext;
        this.config = config;
        this.metrics = metrics;
        this.source = URI.create(config.outbox().source());
        this.rounds = new CoalescingRounds(freshContext, () -> round().map(Round::needsAnother), LOG,
                "Outbox relay round failed; the timer retries");
    }

    /**
     * Asks for a drain soon; never blocks and never fails the caller (the timer retries). A full round may have more
     * behind it, a parked row frees the next rows of its invitation: then another round follows; otherwise every due
     * row was in this round, so no empty follow-up round (three round trips) after each publication.
     */
    public void trigger() {
        rounds.trigger();
    }

    /** Not before startup completed: the emitter's channel is wired only then (and not during shutdown). */
    @Scheduled(every = "{invitation.outbox.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        trigger();
    }

    /**
     * One round: takes the due rows in commit order ({@link OutboxRepository#lockDue}), sends them without waiting in
     * between across invitations, each invitation's rows one after the other ({@link AggregateSends}), awaits every
     * outcome and settles each row on its own (see the class comment).
     *
     * @return how many rows were settled, i.e. published or parked (0 when another relay holds the lock, nothing is
     *         due, or every send failed transiently)
     */
    Uni<Integer> drainBatch() {
        return round().map(Round::settled);
    }

    private Uni<Round> round() {
        int limit = config.outbox().batchSize();
        // the lock in a statement of its own: the due-rows query that follows then sees everything committed before
        // the lock was granted (a lock taken inside that query would let it read a snapshot older than the lock)
        return Panache.withTransaction(() -> outbox.tryRelayLock().flatMap(locked -> locked
                ? outbox.lockDue(limit).flatMap(rows -> publishAll(rows, backToThisContext())
                        .map(round -> rows.size() >= limit ? round.asFull() : round))
                // another instance is publishing; its next round or our timer takes what is left
                : Uni.createFrom().item(Round.NONE)))
                .invoke(round -> {
                    // counted once the transaction committed
                    metrics.published(round.published());
                    metrics.parked(OutboxMetrics.PARKED_PERMANENT, round.parkedPermanent());
                    metrics.parked(OutboxMetrics.PARKED_EXHAUSTED, round.parkedExhausted());
                    metrics.retried(round.retried());
                });
    }

    /**
     * What one round did: rows published, parked at once (permanent), parked after the ceiling, retried later, and
     * whether it took a full batch.
     */
    private record Round(int published, int parkedPermanent, int parkedExhausted, int retried, boolean full) {
        static final Round NONE = new Round(0, 0, 0, 0, false);

        int settled() {
            return published + parkedPermanent + parkedExhausted;
        }

        Round asFull() {
            return new Round(published, parkedPermanent, parkedExhausted, retried, true);
        }

        /** More rows may be due now: the batch was full, or a parked row let its invitation's next rows go. */
        boolean needsAnother() {
            return full || parkedPermanent + parkedExhausted > 0;
        }
    }

    private Uni<Round> publishAll(List<OutboxEvent> rows, Executor context) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(Round.NONE);
        }
        return AggregateSends.sendAll(rows, row -> row.aggregateType + "/" + row.aggregateId, this::sendOne)
                .emitOn(context)
                .flatMap(outcomes -> settle(rows, outcomes));
    }

    /** Sends one row; the item is the failure, null when the broker acknowledged it. */
    private Uni<Throwable> sendOne(OutboxEvent row) {
        return Uni.createFrom().deferred(() -> send(row))
                .ifNoItem().after(ACK_TIMEOUT).fail()
                .onItemOrFailure().transform((ignored, failure) -> failure);
    }

    private Uni<Round> settle(List<OutboxEvent> rows, List<AggregateSends.Outcome> outcomes) {
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
        Uni<Void> updates = acknowledged.isEmpty() ? Uni.createFrom().voidItem()
                : outbox.markPublished(acknowledged, now).replaceWithVoid();
        for (Supplier<Uni<Integer>> failure : failures) {
            // one statement at a time on the session
            updates = updates.chain(() -> failure.get().invoke(kind -> counts[kind]++).replaceWithVoid());
        }
        return updates.map(ignored -> new Round(acknowledged.size(), counts[PERMANENT], counts[EXHAUSTED],
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
            LOG.errorf("Outbox row %s (%s, invitation %s, topic %s) PARKED: the broker will never accept it;"
                    + " later rows flow on: %s", row.id, row.type, row.aggregateId, row.topic, reason);
            return outbox.park(row.id, attempts, now, reason).replaceWith(PERMANENT);
        }
        int max = config.outbox().maxAttempts();
        if (attempts >= max && brokerAccepting) {
            LOG.errorf("Outbox row %s (%s, invitation %s, topic %s) PARKED after %d failed attempts: %s", row.id,
                    row.type, row.aggregateId, row.topic, attempts, reason);
            return outbox.park(row.id, attempts, now, "gave up after " + attempts + " attempts: " + reason)
                    .replaceWith(EXHAUSTED);
        }
        Duration backOff = backOff(attempts, config.outbox().retryInitialBackoff(),
                config.outbox().retryMaxBackoff());
        if (attempts >= max) {
            LOG.errorf("outbox row %s (%s, invitation %s) still not acknowledged after %d attempts while the broker "
                    + "accepts nothing else either (outage?): kept, retried in %s: %s", row.id, row.type, row.aggregateId,
                    attempts, backOff, reason);
            return outbox.retryLater(row.id, attempts, now.plus(backOff), reason).replaceWith(RETRIED);
        }
        LOG.warnf("Outbox row %s (%s, invitation %s) not acknowledged (attempt %d of %d), retried in %s: %s", row.id,
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

    private Uni<Void> send(OutboxEvent row) {
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
        return emitter.sendMessage(Message.of(row.payload, Metadata.of(cloudEvent, kafka)));
    }

    /** The broker's ack arrives on a Kafka thread; the Hibernate Reactive session must be used on its own context. */
    private static Executor backToThisContext() {
        Context context = Vertx.currentContext();
        return command -> context.runOnContext(ignored -> command.run());
    }
}
