package org.crosstenant.invitation.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

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
 * of type {@code org.crosstenant.policy.decided.v1}. The channel reads the {@code ce_*} headers itself
 * ({@code cloud-events=false}), so that malformed headers or a structured-mode record become dead letters instead of
 * failing the channel.
 * <p>
 * A batch is applied in one transaction ({@link InvitationService#applyDecisions}); poison records (those that can
 * never be applied: malformed, or not matching any invitation) are written to the dead-letter topic one by one with
 * their reason ({@link DecisionDeadLetters}) and the rest of the batch commits. The batch is acknowledged (its offsets
 * become committable) only after the transaction committed and every dead letter was acknowledged. Any other failure
 * (database down, pool exhausted, dead-letter topic unreachable) retries the whole batch with back-off, without limit,
 * so the partitions wait for the database instead of dead-lettering valid decisions. A retry is idempotent: the inbox
 * rows commit with the changes, so decisions whose commit went through are skipped the next time.
 */
@ApplicationScoped
public class PolicyDecisionConsumer {

    private static final Logger LOG = Logger.getLogger(PolicyDecisionConsumer.class);
    static final Duration RETRY_MIN_BACKOFF = Duration.ofMillis(200);
    static final Duration RETRY_MAX_BACKOFF = Duration.ofSeconds(10);

    private final PolicyDecisionParser parser;
    private final InvitationService invitations;
    private final DecisionDeadLetters deadLetters;

    public PolicyDecisionConsumer(PolicyDecisionParser parser, InvitationService invitations,
            DecisionDeadLetters deadLetters) {
        this.parser = parser;
        this.invitations = invitations;
        this.deadLetters = deadLetters;
    }

    /**
     * Applies one poll's decision records.
     *
     * @param batch the records of one poll (String key and value, {@code ce_*} headers), in offset order per partition
     * @return completes once the batch is acknowledged: every valid decision applied (or skipped as a duplicate) and
     *         every poison record on the dead-letter topic with the reason in its {@code dead-letter-reason} header
     */
    @Incoming("policy-decisions")
    public Uni<Void> onDecisions(KafkaRecordBatch<String, String> batch) {
        return Uni.createFrom().deferred(() -> handle(batch.getRecords()))
                .onFailure().invoke(failure -> LOG.warnf(
                        "Batch of %d decision record(s) not applied, retrying it: %s", batch.getRecords().size(),
                        failure.toString()))
                .onFailure().retry().withBackOff(RETRY_MIN_BACKOFF, RETRY_MAX_BACKOFF).indefinitely()
                .onItem().transformToUni(ignored -> Uni.createFrom().completionStage(batch.ack()));
    }

    private Uni<Void> handle(List<KafkaRecord<String, String>> records) {
        List<DecisionEvent> events = new ArrayList<>(records.size());
        List<KafkaRecord<String, String>> sources = new ArrayList<>(records.size());
        List<DeadLetter> dead = new ArrayList<>();
        for (KafkaRecord<String, String> record : records) {
            try {
                events.add(read(record));
                sources.add(record);
            } catch (PoisonMessageException poison) {
                dead.add(new DeadLetter(record, poison));
            }
        }
        return invitations.applyDecisions(events).flatMap(outcome -> {
            LOG.debugf("Decision batch of %d record(s): %d invitation(s) changed, %d poison", records.size(),
                    outcome.changed(), dead.size() + outcome.rejected().size());
            for (Map.Entry<Integer, PoisonMessageException> rejected : outcome.rejected().entrySet()) {
                dead.add(new DeadLetter(sources.get(rejected.getKey()), rejected.getValue()));
            }
            return deadLetters.send(dead);
        });
    }

    /**
     * Validates one record and reads its decision.
     *
     * @throws PoisonMessageException when the record can never be applied (see {@link CloudEventHeaders#read},
     *         {@link PolicyDecisionParser#parse}, plus an unknown type and a null key)
     */
    private DecisionEvent read(KafkaRecord<String, String> record) {
        CloudEventHeaders ce = CloudEventHeaders.read(record.getHeaders());
        if (!PolicyDecisionParser.TYPE.equals(ce.type())) {
            // this topic carries decided.v1 only (docs/topics.md): anything else would be silently lost if skipped
            throw new PoisonMessageException("unknown ce_type " + Echo.of(ce.type()) + " on " + record.getTopic()
                    + "; expected " + PolicyDecisionParser.TYPE);
        }
        if (record.getKey() == null) {
            throw new PoisonMessageException("record without a key; the key must be the invitation id");
        }
        return new DecisionEvent(ce.id(), ce.type(), parser.parse(record.getPayload()));
    }
}
