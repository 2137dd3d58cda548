package org.crosstenant.audit.messaging;

import org.crosstenant.platform.messaging.IsolatingApplier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

import org.crosstenant.audit.config.AuditConfig;
import org.crosstenant.audit.model.AuditInput;
import org.crosstenant.audit.model.IncomingEvent;
import org.crosstenant.audit.service.AuditLog;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Audits every event of the four topics, consumed in batches (one poll = one batch per channel).
 * <p>
 * Per batch: each record is checked on its own ({@link CloudEventEnvelope}, then {@link AuditEventTranslator});
 * poison goes to the channel's dead-letter topic with a {@code dead-letter-reason} header; everything else is
 * appended in one transaction ({@link AuditLog#append}) through {@link IsolatingApplier}, so that no record holds up
 * the others (issue #6): a transient failure (database trouble) is retried with back-off
 * ({@code audit.consumer.initial-backoff} doubling up to {@code max-backoff}), visibly (WARN,
 * {@code crosstenant_consumer_retries_total}), up to {@code audit.consumer.max-attempts}, then dead-lettered; a
 * permanent failure (constraint violation, value too long, any deterministic exception) appends the batch again
 * record by record, so that only the record that fails is dead-lettered (ERROR,
 * {@code crosstenant_consumer_dead_lettered_total}). The inbox makes a retried append idempotent. The batch is
 * acknowledged (offsets committed) only after the appends committed and the dead letters were acknowledged by the
 * broker (a dead-letter topic that cannot be reached is retried without limit), so nothing is lost on a crash and
 * nothing is appended twice.
 */
@ApplicationScoped
public class AuditEventConsumer {

    private static final Logger LOG = Logger.getLogger(AuditEventConsumer.class);

    private final AuditEventTranslator translator;
    private final AuditLog auditLog;
    private final OutboxRelay relay;
    private final DeadLetters deadLetters;
    private final AuditConfig config;
    private final ConsumerMetrics metrics;

    public AuditEventConsumer(AuditEventTranslator translator, AuditLog auditLog, OutboxRelay relay,
            DeadLetters deadLetters, AuditConfig config, ConsumerMetrics metrics) {
        this.translator = translator;
        this.auditLog = auditLog;
        this.relay = relay;
        this.deadLetters = deadLetters;
        this.config = config;
        this.metrics = metrics;
    }

    @Incoming("invitations-events")
    public Uni<Void> invitationEvents(KafkaRecordBatch<String, String> batch) {
        return handle("invitations-events", batch);
    }

    @Incoming("policy-decisions")
    public Uni<Void> policyDecisions(KafkaRecordBatch<String, String> batch) {
        return handle("policy-decisions", batch);
    }

    @Incoming("policy-events")
    public Uni<Void> policyEvents(KafkaRecordBatch<String, String> batch) {
        return handle("policy-events", batch);
    }

    @Incoming("gateway-access")
    public Uni<Void> gatewayAccess(KafkaRecordBatch<String, String> batch) {
        return handle("gateway-access", batch);
    }

    /**
     * @param channel the incoming channel (names its dead-letter topic)
     * @param batch one poll's records of that channel
     * @return completes when the batch is appended, its poison dead-lettered and the batch acknowledged
     */
    Uni<Void> handle(String channel, KafkaRecordBatch<String, String> batch) {
        List<Parsed> inputs = new ArrayList<>(batch.getRecords().size());
        List<DeadLetters.Poison> poison = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch.getRecords()) {
            try {
                IncomingEvent event = CloudEventEnvelope.read(record.getTopic(), record.getKey(), record.getPayload(),
                        record.getHeaders());
                inputs.add(new Parsed(record, new AuditInput(event, translator.translate(event.type(),
                        event.payload()))));
            } catch (RuntimeException e) {
                // PoisonEventException, or anything else one record's content made us throw: never the whole batch
                String reason = e instanceof PoisonEventException ? e.getMessage() : e.toString();
                LOG.warnf("dead-lettering %s-%d@%d: %s", record.getTopic(), record.getPartition(), DeadLetters.offsetOf(record),
                        reason);
                poison.add(new DeadLetters.Poison(record, reason));
            }
        }
        metrics.deadLettered(channel, ConsumerMetrics.INVALID, poison.size());
        Duration initial = config.consumer().initialBackoff();
        Duration max = config.consumer().maxBackoff();
        String what = batch.getRecords().size() + " records of " + channel;
        IsolatingApplier.Retries retries = new IsolatingApplier.Retries(config.consumer().maxAttempts(), initial, max);
        Uni<Void> append = IsolatingApplier.apply(channel, inputs,
                some -> auditLog.append(some.stream().map(Parsed::input).toList()).invoke(appended -> {
                    if (!appended.isEmpty()) {
                        relay.committed(appended);
                    }
                }),
                retries, metrics, (parsed, cause, reason) -> poison.add(new DeadLetters.Poison(parsed.record(), reason)));
        return append
                .chain(() -> untilDone(Uni.createFrom().deferred(() -> deadLetters.send(channel, poison)), initial, max,
                        "dead-letter " + poison.size() + " of " + what))
                .chain(() -> Uni.createFrom().completionStage(batch::ack));
    }

    /** A valid event and the record it came from. */
    private record Parsed(KafkaRecord<String, String> record, AuditInput input) {
    }

    /** Resubscribes to {@code work} after every failure, with back-off from initial to max, forever. */
    static <T> Uni<T> untilDone(Uni<T> work, Duration initial, Duration max, String what) {
        return work
                .onFailure().invoke(failure -> LOG.warnf("could not %s yet, retrying: %s", what, failure.toString()))
                .onFailure().retry()
                .withBackOff(initial, max.compareTo(initial) < 0 ? initial : max).indefinitely();
    }
}
