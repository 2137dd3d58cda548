package org.crosstenant.audit.messaging;

import org.crosstenant.platform.messaging.Failures;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

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
 * it, sends all their messages at once (in sequence order, so per-key order holds), waits for every outcome and only
 * then moves the cursor past the records that are settled (at-least-once). No message holds up the log for good
 * (issue #6):
 * <ul>
 * <li>a message the broker will never accept ({@link Failures#isTransient} false: record too large, invalid topic)
 * is parked in {@code publish_parked} with the reason, ERROR log, {@code crosstenant_outbox_parked_total}; the
 * cursor moves past it;</li>
 * <li>a transient failure (time-out, broker down) stops the cursor before that record; the next pass waits an
 * exponential back-off ({@code audit.outbox.retry-initial-backoff} doubling up to {@code retry-max-backoff}), WARN
 * log, {@code crosstenant_outbox_retries_total}; after {@code audit.outbox.max-attempts} the record's failing
 * messages are parked like the above and the cursor moves on.</li>
 * </ul>
 * Records after a transiently failing one are sent again by the next pass (every message goes to the one topic
 * audit.records, so what fails transiently for one usually fails for all). The ce_id of a message is derived from
 * record id and tenant (name-based UUID), so a re-published message keeps its id and consumers deduplicate on it.
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
        repository.parkedCount(pool).subscribe().with(metrics::outboxParkedRows,
                failure -> LOG.debugf("could not count the parked messages: %s", failure));
    }

    /** Publishes batches until nothing is left; the number of records published. */
    Uni<Integer> drain() {
        return publishBatch().flatMap(count -> count < config.outbox().batchSize()
                ? Uni.createFrom().item(count)
                : drain().map(more -> count + more));
    }

    private Uni<Integer> publishBatch() {
        int limit = config.outbox().batchSize();
        int[] counts = new int[3];
        return pool.withTransaction(connection -> repository.lockCursor(connection).flatMap(cursor -> {
            if (cursor.nextAttemptAt() != null && cursor.nextAttemptAt().isAfter(Instant.now())) {
                return Uni.createFrom().item(0); // the record at the cursor is backing off
            }
            return repository.recordsAfter(connection, cursor.sequence(), limit).flatMap(records -> {
                if (records.isEmpty()) {
                    return Uni.createFrom().item(0);
                }
                List<List<Sent>> sent = new ArrayList<>(records.size());
                List<CompletableFuture<Throwable>> all = new ArrayList<>();
                for (AuditRecordEntity record : records) {
                    String payload = mapper.toJson(mapper.toRecord(record));
                    List<Sent> messages = new ArrayList<>(record.tenants.length);
                    for (String tenant : record.tenants) {
                        // subscribing sends: the loops hand the producer the messages in sequence order
                        CompletableFuture<Throwable> outcome = Uni.createFrom()
                                .deferred(() -> send(record, tenant, payload))
                                .onItemOrFailure().transform((ignored, failure) -> failure)
                                .subscribeAsCompletionStage();
                        messages.add(new Sent(tenant, outcome));
                        all.add(outcome);
                    }
                    sent.add(messages);
                }
                return Uni.createFrom().completionStage(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)))
                        .flatMap(ignored -> settle(connection, cursor, records, sent, counts));
            });
        })).invoke(settled -> {
            // counted once the transaction committed
            metrics.outboxParked(AuditMetrics.PARKED_PERMANENT, counts[PERMANENT]);
            metrics.outboxParked(AuditMetrics.PARKED_EXHAUSTED, counts[EXHAUSTED]);
            metrics.outboxRetried(counts[RETRIED]);
        });
    }

    /** One message of a pass: its tenant and its outcome (the failure, null when acknowledged). */
    private record Sent(String tenant, CompletableFuture<Throwable> outcome) {
    }

    private static final int PERMANENT = 0;
    private static final int EXHAUSTED = 1;
    private static final int RETRIED = 2;

    /**
     * Walks the pass's records in sequence order and moves the cursor past every record whose messages are all
     * acknowledged or parked: a message the broker will never accept is parked at once; a record with a message that
     * failed transiently stops the walk (the cursor stays before it, with a back-off) until it failed
     * {@code audit.outbox.max-attempts} times while the broker acknowledged other messages of the pass, when its
     * failing messages are parked too and the walk goes on (during an outage it is kept and retried instead).
     *
     * @return how many records the cursor moved past
     */
    private Uni<Integer> settle(SqlConnection connection, PublishRepository.Cursor cursor,
            List<AuditRecordEntity> records, List<List<Sent>> sent, int[] counts) {
        Instant now = Instant.now();
        long last = cursor.sequence();
        int attempts = cursor.attempts();
        Instant nextAttemptAt = null;
        String lastError = null;
        int settled = 0;
        // the ceiling parks only while the broker demonstrably accepts other messages: during an outage every message
        // fails, and parking them would hold back valid records until an operator re-queued them
        boolean brokerAccepting = sent.stream().flatMap(List::stream).anyMatch(m -> m.outcome().join() == null);
        Uni<Void> parking = Uni.createFrom().voidItem();
        for (int i = 0; i < records.size(); i++) {
            AuditRecordEntity record = records.get(i);
            List<Sent> failed = sent.get(i).stream().filter(m -> m.outcome().join() != null).toList();
            boolean retry = failed.stream().anyMatch(m -> Failures.isTransient(m.outcome().join()));
            String reasonPrefix = "";
            if (retry) {
                int tried = attempts + 1;
                String reason = Failures.describe(failed.stream().map(m -> m.outcome().join())
                        .filter(Failures::isTransient).findFirst().orElseThrow());
                if (tried < config.outbox().maxAttempts() || !brokerAccepting) {
                    Duration backOff = backOff(tried, config.outbox().retryInitialBackoff(),
                            config.outbox().retryMaxBackoff());
                    if (tried < config.outbox().maxAttempts()) {
                        LOG.warnf("audit record %d not acknowledged (attempt %d of %d), the relay retries from it in "
                                + "%s: %s", record.sequence, tried, config.outbox().maxAttempts(), backOff, reason);
                    } else {
                        LOG.errorf("audit record %d still not acknowledged after %d attempts while the broker accepts "
                                + "nothing else either (outage?): kept, retried in %s: %s", record.sequence, tried,
                                backOff, reason);
                    }
                    counts[RETRIED]++;
                    attempts = tried;
                    nextAttemptAt = now.plus(backOff);
                    lastError = reason;
                    break;
                }
                reasonPrefix = "gave up after " + tried + " attempts: ";
            }
            for (Sent message : failed) {
                String reason = reasonPrefix + Failures.describe(message.outcome().join());
                counts[retry ? EXHAUSTED : PERMANENT]++;
                LOG.errorf("audit record %d, message for tenant %s PARKED (publish_parked); later records flow on: %s",
                        record.sequence, message.tenant(), reason);
                UUID id = messageId(record.recordId, message.tenant());
                long sequence = record.sequence;
                parking = parking.chain(() -> repository.park(connection, sequence, message.tenant(), id, now,
                        reason));
            }
            last = record.sequence;
            attempts = 0;
            settled++;
        }
        long cursorAt = last;
        int cursorAttempts = attempts;
        Instant cursorNext = nextAttemptAt;
        String cursorError = lastError;
        int result = settled;
        return parking.chain(() -> repository.advance(connection, cursorAt, cursorAttempts, cursorNext, cursorError))
                .replaceWith(result);
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
