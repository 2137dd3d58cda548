package org.crosstenant.audit.messaging;

import org.crosstenant.platform.messaging.Failures;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.crosstenant.audit.config.AuditConfig;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.repository.PublishRepository;
import org.crosstenant.audit.service.AuditLog;
import org.crosstenant.audit.service.AuditMetrics;
import org.crosstenant.audit.service.AuditRecordMapper;
import org.crosstenant.audit.service.OcsfMapper;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Publishes committed records to audit.records, one CloudEvent per record and tenant it concerns (key = tenant):
 * right after each append commits ({@link #committed(List)}) and on a timer as the safety net (broker down, crash
 * between commit and publish). Each pass locks the publish cursor, takes up to {@code audit.outbox.batch-size} records
 * after it — from the records this JVM has just appended when they continue the cursor without a gap, else read back
 * from the database (after a restart, another instance's appends, a backlog beyond {@link #MAX_CACHED}) — hands all
 * their messages to the channel's Kafka producer in one go (in sequence order, so per-key order holds; binary-mode
 * CloudEvent headers written here), waits for one completion per pass that the producer's callbacks count down, and
 * only then moves the cursor past the records that are settled (at-least-once). The records just appended serve
 * only as a cache of rows already committed: the cursor row stays the single truth of what is published. No message holds up the log for good
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
 * Records after a transiently failing one are sent again by the next pass (every message goes to the same broker,
 * so what fails transiently for one usually fails for all). The ce_id of a message is derived from
 * record id and tenant (name-based UUID), so a re-published message keeps its id and consumers deduplicate on it.
 * <p>
 * Issue #9: each of those messages has a twin on {@code audit.records.ocsf} ({@code audit.outbox.ocsf-topic}) holding
 * the record as an OCSF event ({@link OcsfMapper}), sent in the same pass by the same producer with the same key, so
 * it has the same guarantees without a row or round trip of its own: a record is settled only when both its messages
 * per tenant are acknowledged (or parked), so a failure on either topic keeps the cursor before it and both are sent
 * again. A twin the broker refuses parks its (record, tenant) like the other message; re-queueing sends both again.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** Most records kept in memory for the relay; beyond that they are read back from the database. */
    static final int MAX_CACHED = 16_384;

    private static final byte[] SPEC_VERSION = bytes("1.0");
    private static final byte[] TYPE = bytes(AuditLog.RECORD_APPENDED_TYPE);
    /** ce_type of the OCSF twin (docs/topics.md, audit.records.ocsf). */
    public static final String OCSF_TYPE = "org.crosstenant.audit.ocsf-event.v1";
    private static final byte[] OCSF_TYPE_BYTES = bytes(OCSF_TYPE);
    private static final byte[] JSON = bytes("application/json");

    private final KafkaClientService kafka;
    private final Pool pool;
    private final PublishRepository repository;
    private final AuditRecordMapper mapper;
    private final AuditMetrics metrics;
    private final AuditConfig config;
    private final byte[] source;
    private final String topic;
    private final OcsfMapper ocsf;
    /** The OCSF twins' topic; null when {@code audit.outbox.ocsf-enabled} is off. */
    private final String ocsfTopic;
    /** Records committed by this JVM and not yet known to be published, by sequence. */
    private final ConcurrentNavigableMap<Long, AuditRecord> appended = new ConcurrentSkipListMap<>();
    private volatile KafkaProducer<String, String> producer;
    /** One drain at a time in this JVM; triggers during a drain ask for one more pass. */
    private final OneDrainAtATime drains = new OneDrainAtATime(this::drain,
            failure -> LOG.warnf(failure, "outbox relay failed; the timer retries"));

    /**
     * @param channel never used to send: it makes SmallRye create the {@code audit-records} channel, whose Kafka
     *        producer (with every {@code mp.messaging.outgoing.audit-records.*} setting) the relay sends with, to
     *        both topics (the twins' topic is {@code audit.outbox.ocsf-topic})
     */
    public OutboxRelay(@Channel("audit-records") Emitter<String> channel, KafkaClientService kafka, Pool pool,
            PublishRepository repository, AuditRecordMapper mapper, AuditMetrics metrics, AuditConfig config,
            @ConfigProperty(name = "mp.messaging.outgoing.audit-records.topic", defaultValue = AuditLog.RECORDS_TOPIC)
            String topic, OcsfMapper ocsf) {
        this.kafka = kafka;
        this.pool = pool;
        this.repository = repository;
        this.mapper = mapper;
        this.metrics = metrics;
        this.config = config;
        this.source = bytes(URI.create(config.outbox().source()).toString());
        this.topic = topic;
        this.ocsf = ocsf;
        this.ocsfTopic = config.outbox().ocsfEnabled() ? config.outbox().ocsfTopic() : null;
    }

    /**
     * Hands the relay records whose transaction just committed, and publishes what is pending now, without waiting.
     *
     * @param records committed records in sequence order; kept in memory (at most {@link #MAX_CACHED} in all) so that
     *        the relay need not read them back
     */
    public void committed(List<AuditRecord> records) {
        for (AuditRecord record : records) {
            if (appended.size() >= MAX_CACHED) {
                break; // the relay reads the rest from the database
            }
            appended.put(record.sequence(), record);
        }
        trigger();
    }

    /** Publish what is pending now, without waiting for it. */
    public void trigger() {
        drains.trigger();
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
            appended.headMap(cursor.sequence(), true).clear(); // published or parked already
            if (cursor.nextAttemptAt() != null && cursor.nextAttemptAt().isAfter(Instant.now())) {
                return Uni.createFrom().item(0); // the record at the cursor is backing off
            }
            List<AuditRecord> cached = cachedAfter(cursor.sequence(), limit);
            Uni<List<AuditRecord>> pending = !cached.isEmpty()
                    ? Uni.createFrom().item(cached)
                    : repository.recordsAfter(connection, cursor.sequence(), limit)
                            .map(rows -> rows.stream().map(mapper::toRecord).toList());
            return pending.flatMap(records -> records.isEmpty()
                    ? Uni.createFrom().item(0)
                    : send(records).flatMap(sent -> settle(connection, cursor, records, sent, counts)));
        })).invoke(settled -> {
            // counted once the transaction committed
            metrics.outboxParked(AuditMetrics.PARKED_PERMANENT, counts[PERMANENT]);
            metrics.outboxParked(AuditMetrics.PARKED_EXHAUSTED, counts[EXHAUSTED]);
            metrics.outboxRetried(counts[RETRIED]);
        });
    }

    /** The cached records that continue {@code after} without a gap, at most {@code limit}; empty when there is none. */
    private List<AuditRecord> cachedAfter(long after, int limit) {
        List<AuditRecord> records = new ArrayList<>(Math.min(limit, appended.size()));
        long expected = after + 1;
        for (Map.Entry<Long, AuditRecord> entry : appended.tailMap(after, false).entrySet()) {
            if (entry.getKey() != expected || records.size() == limit) {
                break;
            }
            records.add(entry.getValue());
            expected++;
        }
        return records;
    }

    /**
     * Sends every message of the pass (in sequence order) from the producer's sending thread and completes once all
     * of them have an outcome.
     *
     * @return per record, its messages with their outcomes
     */
    private Uni<List<List<Sent>>> send(List<AuditRecord> records) {
        List<List<Sent>> sent = new ArrayList<>(records.size());
        List<ProducerRecord<String, String>> messages = new ArrayList<>(records.size() * 4);
        for (AuditRecord record : records) {
            String payload = mapper.toJson(record);
            String ocsfPayload = ocsfTopic == null ? null : mapper.toJson(ocsf.toOcsf(record));
            byte[] time = bytes(record.recordedAt().toString());
            List<Sent> ofRecord = new ArrayList<>(record.tenants().size() * 2);
            for (String tenant : record.tenants()) {
                // the record's message first, then its twin: each topic's partitions get the records in sequence order
                ofRecord.add(new Sent(tenant, topic, new CompletableFuture<>()));
                messages.add(message(topic, TYPE, messageId(record.recordId(), tenant), record, tenant, payload, time));
                if (ocsfPayload != null) {
                    ofRecord.add(new Sent(tenant, ocsfTopic, new CompletableFuture<>()));
                    messages.add(message(ocsfTopic, OCSF_TYPE_BYTES, ocsfMessageId(record.recordId(), tenant), record,
                            tenant, ocsfPayload, time));
                }
            }
            sent.add(ofRecord);
        }
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicInteger remaining = new AtomicInteger(messages.size());
        BiConsumer<Sent, Exception> settled = (message, failure) -> {
            message.outcome().complete(failure);
            if (remaining.decrementAndGet() == 0) {
                all.complete(null);
            }
        };
        return producer().runOnSendingThread(kafkaProducer -> {
            int i = 0;
            for (List<Sent> ofRecord : sent) {
                for (Sent message : ofRecord) {
                    try {
                        kafkaProducer.send(messages.get(i++), (metadata, failure) -> settled.accept(message, failure));
                    } catch (RuntimeException failure) {
                        settled.accept(message, failure);
                    }
                }
            }
        }).chain(() -> Uni.createFrom().completionStage(all)).replaceWith(sent);
    }

    private KafkaProducer<String, String> producer() {
        KafkaProducer<String, String> current = producer;
        if (current == null) {
            current = kafka.getProducer("audit-records");
            if (current == null) {
                throw new IllegalStateException("the audit-records channel has no Kafka producer (yet)");
            }
            producer = current;
        }
        return current;
    }

    private ProducerRecord<String, String> message(String to, byte[] type, UUID id, AuditRecord record, String tenant,
            String payload, byte[] time) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", SPEC_VERSION);
        headers.add("ce_id", bytes(id.toString()));
        headers.add("ce_type", type);
        headers.add("ce_source", source);
        headers.add("ce_subject", bytes(tenant));
        headers.add("ce_datacontenttype", JSON);
        headers.add("content-type", JSON);
        headers.add("ce_time", time);
        return new ProducerRecord<>(to, null, null, tenant, payload, headers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One message of a pass: its tenant, its topic and its outcome (the failure, null when acknowledged). */
    private record Sent(String tenant, String topic, CompletableFuture<Throwable> outcome) {
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
            List<AuditRecord> records, List<List<Sent>> sent, int[] counts) {
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
            AuditRecord record = records.get(i);
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
                                + "%s: %s", record.sequence(), tried, config.outbox().maxAttempts(), backOff, reason);
                    } else {
                        LOG.errorf("audit record %d still not acknowledged after %d attempts while the broker accepts "
                                + "nothing else either (outage?): kept, retried in %s: %s", record.sequence(), tried,
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
            // one parked row per (record, tenant): it stands for both of the tenant's messages (re-queueing sends both)
            Map<String, List<Sent>> failedByTenant = new java.util.LinkedHashMap<>();
            failed.forEach(m -> failedByTenant.computeIfAbsent(m.tenant(), t -> new ArrayList<>()).add(m));
            for (Map.Entry<String, List<Sent>> ofTenant : failedByTenant.entrySet()) {
                String tenant = ofTenant.getKey();
                String reason = parkReason(reasonPrefix, ofTenant.getValue());
                counts[retry ? EXHAUSTED : PERMANENT] += ofTenant.getValue().size();
                LOG.errorf("audit record %d, message(s) for tenant %s PARKED (publish_parked); later records flow on: %s",
                        record.sequence(), tenant, reason);
                UUID id = messageId(record.recordId(), tenant);
                long sequence = record.sequence();
                parking = parking.chain(() -> repository.park(connection, sequence, tenant, id, now, reason));
            }
            last = record.sequence();
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

    /**
     * The reason stored for a tenant's parked message(s): each failure prefixed with its topic, at most
     * {@link Failures#MAX_REASON} characters.
     */
    private static String parkReason(String prefix, List<Sent> failed) {
        StringBuilder reason = new StringBuilder(prefix);
        for (Sent message : failed) {
            if (reason.length() > prefix.length()) {
                reason.append("; ");
            }
            reason.append(message.topic()).append(": ").append(Failures.describe(message.outcome().join()));
        }
        return reason.length() <= Failures.MAX_REASON ? reason.toString()
                : reason.substring(0, Failures.MAX_REASON - 1) + "…";
    }

    /** The ce_id of the OCSF twin for {@code tenant} of a record: stable across re-publication, unlike its twin's. */
    static UUID ocsfMessageId(UUID recordId, String tenant) {
        return UUID.nameUUIDFromBytes((recordId + "/" + tenant + "/ocsf").getBytes(StandardCharsets.UTF_8));
    }

    /** The ce_id of the message for {@code tenant} of a record: stable across re-publication. */
    static UUID messageId(UUID recordId, String tenant) {
        return UUID.nameUUIDFromBytes((recordId + "/" + tenant).getBytes(StandardCharsets.UTF_8));
    }
}
