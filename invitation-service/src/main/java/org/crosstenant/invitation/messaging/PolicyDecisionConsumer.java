package org.crosstenant.invitation.messaging;

import org.crosstenant.platform.messaging.IsolatingApplier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.InvitationConfig;
import org.crosstenant.invitation.messaging.DecisionDeadLetters.DeadLetter;
import org.crosstenant.invitation.service.InvitationService;
import org.crosstenant.invitation.service.InvitationService.DecisionEvent;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Consumes {@code policy.decisions} in batches (one poll at a time, {@code batch=true}): binary-mode CloudEvents 1.0
 * of type {@code org.crosstenant.policy.decided.v1} and (issue #8) {@code org.crosstenant.policy.access-withdrawn.v1};
 * any other type is poison. The channel reads the {@code ce_*} headers itself
 * ({@code cloud-events=false}), so that malformed headers or a structured-mode record become dead letters instead of
 * failing the channel.
 * <p>
 * A batch is applied in one transaction ({@link InvitationService#applyDecisions}) through {@link IsolatingApplier};
 * poison records (those that can never be applied: malformed, or not matching any invitation) are written to the
 * dead-letter topic one by one with their reason ({@link DecisionDeadLetters}) and the rest of the batch commits.
 * No record holds up the others (issue #6):
 * <ul>
 * <li>a transient failure (database down, pool exhausted) retries the batch with back-off
 * ({@code invitation.consumer.initial-backoff} doubling up to {@code max-backoff}), visibly (WARN,
 * {@code crosstenant_consumer_retries_total}), up to {@code invitation.consumer.max-attempts}; then its records are
 * dead-lettered with the reason;</li>
 * <li>a permanent failure (constraint violation, value too long, any deterministic exception) applies the batch again
 * record by record, so that only the record that fails is dead-lettered (ERROR,
 * {@code crosstenant_consumer_dead_lettered_total}).</li>
 * </ul>
 * The batch is acknowledged (its offsets become committable) only after the transactions committed and every dead
 * letter was acknowledged; a dead-letter topic that cannot be reached retries the whole batch with back-off, without
 * limit (nothing may be lost). A retry is idempotent: the inbox rows commit with the changes, so decisions whose
 * commit went through are skipped the next time.
 */
@ApplicationScoped
public class PolicyDecisionConsumer {

    private static final Logger LOG = Logger.getLogger(PolicyDecisionConsumer.class);
    static final Duration RETRY_MIN_BACKOFF = Duration.ofMillis(200);
    static final Duration RETRY_MAX_BACKOFF = Duration.ofSeconds(10);
    static final String CHANNEL = "policy-decisions";

    private final PolicyDecisionParser parser;
    private final InvitationService invitations;
    private final DecisionDeadLetters deadLetters;
    private final ConsumerMetrics metrics;
    private final IsolatingApplier.Retries retries;

    public PolicyDecisionConsumer(PolicyDecisionParser parser, InvitationService invitations,
            DecisionDeadLetters deadLetters, ConsumerMetrics metrics, InvitationConfig config) {
        this.parser = parser;
        this.invitations = invitations;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.retries = new IsolatingApplier.Retries(config.consumer().maxAttempts(),
                config.consumer().initialBackoff(), config.consumer().maxBackoff());
    }

    /**
     * Applies one poll's decision and withdrawal records.
     *
     * @param batch the records of one poll (String key and value, {@code ce_*} headers), in offset order per partition
     * @return completes once the batch is acknowledged: every valid decision applied (or skipped as a duplicate) and
     *         every poison record on the dead-letter topic with the reason in its {@code dead-letter-reason} header
     */
    @Incoming("policy-decisions")
    public Uni<Void> onDecisions(KafkaRecordBatch<String, String> batch) {
        return Uni.createFrom().deferred(() -> handle(batch.getRecords()))
                .onFailure().invoke(failure -> LOG.warnf(
                        "Dead letters of a batch of %d decision record(s) not written, retrying the batch: %s",
                        batch.getRecords().size(), failure.toString()))
                .onFailure().retry().withBackOff(RETRY_MIN_BACKOFF, RETRY_MAX_BACKOFF).indefinitely()
                .onItem().transformToUni(ignored -> Uni.createFrom().completionStage(batch.ack()));
    }

    private Uni<Void> handle(List<KafkaRecord<String, String>> records) {
        List<Parsed> valid = new ArrayList<>(records.size());
        List<DeadLetter> dead = new ArrayList<>();
        for (KafkaRecord<String, String> record : records) {
            try {
                valid.add(new Parsed(record, read(record)));
            } catch (PoisonMessageException poison) {
                dead.add(new DeadLetter(record, poison));
            }
        }
        metrics.deadLettered(CHANNEL, ConsumerMetrics.INVALID, dead.size());
        return IsolatingApplier.apply(CHANNEL, valid, some -> apply(some, dead), retries, metrics,
                (parsed, cause, reason) -> dead.add(new DeadLetter(parsed.record(),
                        new PoisonMessageException(reason))))
                .chain(() -> deadLetters.send(dead));
    }

    /** Applies some valid records in one transaction; those matching no invitation join the dead letters. */
    private Uni<Void> apply(List<Parsed> some, List<DeadLetter> dead) {
        return invitations.applyDecisions(some.stream().map(Parsed::event).toList()).invoke(outcome -> {
            LOG.debugf("Decision batch of %d record(s): %d invitation(s) changed, %d rejected", some.size(),
                    outcome.changed(), outcome.rejected().size());
            for (Map.Entry<Integer, PoisonMessageException> rejected : outcome.rejected().entrySet()) {
                dead.add(new DeadLetter(some.get(rejected.getKey()).record(), rejected.getValue()));
            }
            metrics.deadLettered(CHANNEL, ConsumerMetrics.PERMANENT, outcome.rejected().size());
        }).replaceWithVoid();
    }

    /** A valid decision and the record it came from. */
    private record Parsed(KafkaRecord<String, String> record, DecisionEvent event) {
    }

    /**
     * Validates one record and reads its decision.
     *
     * @throws PoisonMessageException when the record can never be applied (see {@link CloudEventHeaders#read},
     *         {@link PolicyDecisionParser#parse}, plus an unknown type, a null key, and a key or value that is not
     *         UTF-8)
     */
    private DecisionEvent read(KafkaRecord<String, String> record) {
        CloudEventHeaders.requireDeserialized(record.getKey(), record.getPayload(), record.getHeaders());
        CloudEventHeaders ce = CloudEventHeaders.read(record.getHeaders());
        boolean decided = PolicyDecisionParser.TYPE.equals(ce.type());
        if (!decided && !PolicyDecisionParser.WITHDRAWN_TYPE.equals(ce.type())) {
            // this topic carries these two types only (docs/topics.md): anything else would be silently lost if skipped
            throw new PoisonMessageException("unknown ce_type " + Echo.of(ce.type()) + " on " + record.getTopic()
                    + "; expected " + PolicyDecisionParser.TYPE + " or " + PolicyDecisionParser.WITHDRAWN_TYPE);
        }
        if (record.getKey() == null) {
            throw new PoisonMessageException("record without a key; the key must be the invitation id");
        }
        return new DecisionEvent(ce.id(), ce.type(), decided ? parser.parse(record.getPayload())
                : parser.parseWithdrawal(record.getPayload()));
    }
}
