package org.crosstenant.policy.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.service.DecisionService;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * 1.0, unknown type, null key or value, bad JSON, a key that is not the invitation id) is set aside as poison;</li>
 * <li>all valid events are applied in ONE transaction ({@link DecisionService#handleBatch}). Any failure there (e.g.
 * the database is down) retries the whole batch with back-off (100 ms up to 10 s) without a limit, so the partition
 * waits for the database instead of dead-lettering valid invitations; the inbox keeps retries idempotent;</li>
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

    private final DecisionService decisions;
    private final InvitationEventParser parser;

    public InvitationEventsConsumer(DecisionService decisions, ObjectMapper mapper) {
        this.decisions = decisions;
        this.parser = new InvitationEventParser(mapper);
    }

    /**
     * @param batch one poll's invitations.events records (String keys and values)
     * @return completes once the valid events committed, each poison record was dead-lettered and the batch acked
     */
    @Incoming("invitations-in")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<IncomingEvent> events = new ArrayList<>(batch.getRecords().size());
        List<Poison> poison = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch.getRecords()) {
            try {
                events.add(parse(record));
            } catch (PoisonMessageException e) {
                LOG.warnf("poison record on invitations.events (partition %d, offset %d), dead-lettered: %s",
                        record.getPartition(), offsetOf(record), e.getMessage());
                poison.add(new Poison(record, e));
            }
        }
        return decisions.handleBatch(events)
                .onFailure().invoke(failure -> LOG.warnf(failure,
                        "batch of %d invitation event(s) not applied, retried", events.size()))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(10)).indefinitely()
                .invoke(result -> LOG.debugf("batch of %d record(s): %d applied, %d duplicate(s), %d decided, "
                        + "%d poison", batch.getRecords().size(), result.applied(), result.duplicates(),
                        result.decided(), poison.size()))
                .chain(() -> deadLetter(poison))
                .chain(() -> ackLatest(batch, poison));
    }

    private IncomingEvent parse(KafkaRecord<String, String> record) {
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

    private static long offsetOf(KafkaRecord<String, String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
    }

    /** Nacks every poison record (sent to the dead-letter topic in offset order) and waits for all of them. */
    private static Uni<Void> deadLetter(List<Poison> poison) {
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
    private static Uni<Void> ackLatest(KafkaRecordBatch<String, String> batch, List<Poison> poison) {
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

    private record Poison(KafkaRecord<String, String> record, PoisonMessageException reason) {
    }
}
