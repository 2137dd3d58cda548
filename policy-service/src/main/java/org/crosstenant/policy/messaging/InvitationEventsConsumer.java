package org.crosstenant.policy.messaging;

import org.crosstenant.platform.messaging.IsolatingApplier;
import org.crosstenant.platform.messaging.StrictUtf8;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.config.PolicyConfig;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.service.DecisionService;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Consumes invitations.events (binary-mode CloudEvents 1.0, key = invitation id) one poll batch at a time
 * ({@code batch=true}: up to {@code max.poll.records} records per call, in offset order per partition). Headers, key
 * and value of each record are validated by our own code ({@link BinaryCloudEvent}, {@link InvitationEventParser};
 * the channel's CloudEvents parsing is off).
 * <p>
 * Per batch, in this order:
 * <ol>
 * <li>every record is parsed; a malformed one (structured mode, missing or invalid attributes, specversion other than
 * 1.0, unknown type, null key or value, a key, value or header that is not UTF-8, bad JSON, a key that is not the
 * invitation id) is set aside as poison;</li>
 * <li>all valid events are applied in ONE transaction ({@link DecisionService#handleBatch}) through
 * {@link IsolatingApplier}: a transient failure (the database is down) retries the batch with back-off
 * ({@code policy.consumer.initial-backoff} doubling up to {@code max-backoff}), visibly (WARN,
 * {@code crosstenant_consumer_retries_total}), up to {@code policy.consumer.max-attempts}; a permanent failure
 * (constraint violation, value too long, any deterministic exception) applies the batch again event by event, so that
 * only the event that fails is set aside as poison; events given up on (permanent, or transient beyond the ceiling)
 * join the poison with the reason (ERROR, {@code crosstenant_consumer_dead_lettered_total}). The inbox keeps retries
 * idempotent. A stored configuration that cannot be read back is not a failure here: the decision is a deny;</li>
 * <li>each poison record is nacked on its own with its reason, which the channel's dead-letter-queue failure strategy
 * sends to invitations.events.dlq.policy-service (the original record with a {@code dead-letter-reason} header);</li>
 * <li>the batch's last record per partition is acked (the throttled commit strategy then commits the offset), unless
 * it was poison, which the dead-letter strategy already acked.</li>
 * </ol>
 * A crash anywhere before the offset commit redelivers the batch: valid events are then duplicates for the inbox, and
 * poison may be dead-lettered a second time (dead letters are at least once).
 */
@ApplicationScoped
public class InvitationEventsConsumer {

    private static final Logger LOG = Logger.getLogger(InvitationEventsConsumer.class);

    static final String CHANNEL = "invitations-in";

    private final DecisionService decisions;
    private final InvitationEventParser parser;
    private final ConsumerMetrics metrics;
    private final IsolatingApplier.Retries retries;

    public InvitationEventsConsumer(DecisionService decisions, ObjectMapper mapper, ConsumerMetrics metrics,
                                    PolicyConfig config) {
        this.decisions = decisions;
        this.parser = new InvitationEventParser(mapper);
        this.metrics = metrics;
        this.retries = new IsolatingApplier.Retries(config.consumer().maxAttempts(),
                config.consumer().initialBackoff(), config.consumer().maxBackoff());
    }

    /**
     * @param batch one poll's invitations.events records (String keys and values)
     * @return completes once the valid events committed, each poison record was dead-lettered and the batch acked
     */
    @Incoming("invitations-in")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<Parsed> events = new ArrayList<>(batch.getRecords().size());
        List<Poison> poison = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch.getRecords()) {
            try {
                events.add(new Parsed(record, parse(parser, record)));
            } catch (PoisonMessageException e) {
                LOG.warnf("poison record on invitations.events (partition %d, offset %d), dead-lettered: %s",
                        record.getPartition(), offsetOf(record), e.getMessage());
                poison.add(new Poison(record, e));
            }
        }
        metrics.deadLettered(CHANNEL, ConsumerMetrics.INVALID, poison.size());
        return IsolatingApplier.apply(CHANNEL, events,
                        some -> decisions.handleBatch(some.stream().map(Parsed::event).toList())
                                .invoke(result -> LOG.debugf("%d event(s): %d applied, %d duplicate(s), %d decided",
                                        some.size(), result.applied(), result.duplicates(), result.decided())),
                        retries, metrics,
                        (parsed, cause, reason) -> poison.add(new Poison(parsed.record(),
                                new PoisonMessageException(reason))))
                // offset order, so that the dead-letter topic gets them in the order they came
                .chain(() -> deadLetter(poison.stream().sorted(Comparator.comparingLong(p -> offsetOf(p.record())))
                        .toList()))
                .chain(() -> ackLatest(batch, poison));
    }

    /**
     * Validates one invitations.events record as every consumer of it in this service does: strict UTF-8 key and
     * value, binary-mode CloudEvent headers, a key, an invitation event type, and for requested.v1 the payload and a
     * key equal to its invitation id.
     *
     * @throws PoisonMessageException naming what is wrong
     */
    static IncomingEvent parse(InvitationEventParser parser, KafkaRecord<String, String> record) {
        if (record.getKey() == null || record.getPayload() == null) {
            // a key or value that is not UTF-8 arrives null with SmallRye's failure headers (StrictUtf8FailureHandler)
            String failure = StrictUtf8.deserializationFailure(record.getHeaders());
            if (failure != null) {
                throw new PoisonMessageException(failure);
            }
        }
        BinaryCloudEvent cloudEvent = BinaryCloudEvent.read(record.getHeaders());
        String key = record.getKey();
        if (key == null || key.isBlank()) {
            throw new PoisonMessageException("record has no key (the key must be the invitation id)");
        }
        IncomingEvent event = parser.parse(cloudEvent.id(), cloudEvent.type(), record.getPayload());
        if (event.requested() != null && !key.equals(event.requested().invitationId().toString())) {
            throw new PoisonMessageException("record key " + Echo.of(key) + " is not the invitation id "
                    + event.requested().invitationId());
        }
        return event;
    }

    static long offsetOf(KafkaRecord<String, String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
    }

    /** Nacks every poison record (sent to the dead-letter topic in offset order) and waits for all of them. */
    static Uni<Void> deadLetter(List<Poison> poison) {
        if (poison.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        CompletableFuture<?>[] nacked = new CompletableFuture<?>[poison.size()];
        for (int i = 0; i < poison.size(); i++) {
            nacked[i] = poison.get(i).record().nack(poison.get(i).reason()).toCompletableFuture();
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(nacked));
    }

    /** Acks the last record of each partition in the batch, except one the dead-letter strategy acked already. */
    static Uni<Void> ackLatest(KafkaRecordBatch<String, String> batch, List<Poison> poison) {
        Set<KafkaRecord<String, String>> deadLettered = Collections.newSetFromMap(new IdentityHashMap<>());
        poison.forEach(p -> deadLettered.add(p.record()));
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (KafkaRecord<String, String> latest : batch.getLatestOffsetRecords().values()) {
            if (!deadLettered.contains(latest)) {
                acks.add(latest.ack().toCompletableFuture());
            }
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
    }

    /** A valid event and the record it came from. */
    private record Parsed(KafkaRecord<String, String> record, IncomingEvent event) {
    }

    /** A record to dead-letter, and why. */
    record Poison(KafkaRecord<String, String> record, PoisonMessageException reason) {
    }
}
