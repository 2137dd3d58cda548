package org.crosstenant.policy.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.platform.messaging.IsolatingApplier;
import org.crosstenant.policy.config.PolicyConfig;
import org.crosstenant.policy.messaging.InvitationEventsConsumer.Poison;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.model.LiveInvitation;
import org.crosstenant.policy.service.LiveInvitationProjection;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The projection channel (issue #8): reads invitations.events in its own consumer group from the earliest offset
 * (the topic is compacted, so the last event of every invitation that ever existed is there) and keeps
 * policy-service's projection of live invitations ({@link LiveInvitationProjection}) up to date:
 * approval-requested.v1 → pending_approval, approved.v1 → pending_acceptance, redeemed.v1 → accepted (with the
 * guest's home subject), denied/declined/revoked/expired.v1 → ended. Other invitation types (requested.v1: the
 * decision batch makes an allowed request live) are read and skipped.
 * <p>
 * Every record is validated as the decision channel ({@code invitations-in}) validates it
 * ({@link InvitationEventsConsumer#parse}), then the payload of a type it uses ({@link InvitationEventParser#parseProgress});
 * a record either refuses is dead-lettered with the reason to {@code invitations.events.dlq.policy-service-live}
 * and the channel goes on. Valid records of a poll are applied in one transaction through {@link IsolatingApplier}
 * (transient failures retried with back-off, a permanent one splits the batch so only its record is dead-lettered).
 * No inbox: a row only moves to a later stage, so applying a record again (a replay, a redelivery after a crash)
 * changes nothing.
 */
@ApplicationScoped
public class LiveInvitationsConsumer {

    private static final Logger LOG = Logger.getLogger(LiveInvitationsConsumer.class);

    static final String CHANNEL = "live-invitations-in";

    private final LiveInvitationProjection projection;
    private final InvitationEventParser parser;
    private final ConsumerMetrics metrics;
    private final IsolatingApplier.Retries retries;

    public LiveInvitationsConsumer(LiveInvitationProjection projection, ObjectMapper mapper, ConsumerMetrics metrics,
                                   PolicyConfig config) {
        this.projection = projection;
        this.parser = new InvitationEventParser(mapper);
        this.metrics = metrics;
        this.retries = new IsolatingApplier.Retries(config.consumer().maxAttempts(),
                config.consumer().initialBackoff(), config.consumer().maxBackoff());
    }

    /**
     * @param batch one poll's invitations.events records
     * @return completes once the valid records are applied, each poison record was dead-lettered and the batch acked
     */
    @Incoming(CHANNEL)
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<Parsed> events = new ArrayList<>(batch.getRecords().size());
        List<Poison> poison = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch.getRecords()) {
            try {
                LiveInvitation progress = parse(record);
                if (progress != null) {
                    events.add(new Parsed(record, progress));
                }
            } catch (PoisonMessageException e) {
                LOG.warnf("poison record on invitations.events (partition %d, offset %d), dead-lettered by the "
                        + "projection channel: %s", record.getPartition(), InvitationEventsConsumer.offsetOf(record),
                        e.getMessage());
                poison.add(new Poison(record, e));
            }
        }
        metrics.deadLettered(CHANNEL, ConsumerMetrics.INVALID, poison.size());
        return IsolatingApplier.apply(CHANNEL, events,
                        some -> projection.apply(some.stream().map(Parsed::progress).toList())
                                .invoke(changed -> LOG.debugf("%d event(s): %d live invitation(s) changed",
                                        some.size(), changed)),
                        retries, metrics,
                        (parsed, cause, reason) -> poison.add(new Poison(parsed.record(),
                                new PoisonMessageException(reason))))
                .chain(() -> InvitationEventsConsumer.deadLetter(poison.stream()
                        .sorted(Comparator.comparingLong(p -> InvitationEventsConsumer.offsetOf(p.record())))
                        .toList()))
                .chain(() -> InvitationEventsConsumer.ackLatest(batch, poison));
    }

    /** @return the invitation's progress, or null for a valid record of a type the projection does not use */
    private LiveInvitation parse(KafkaRecord<String, String> record) {
        IncomingEvent event = InvitationEventsConsumer.parse(parser, record);
        LiveInvitation progress = parser.parseProgress(event.type(), record.getPayload());
        if (progress != null && !record.getKey().equals(progress.invitationId().toString())) {
            throw new PoisonMessageException("record key " + Echo.of(record.getKey()) + " is not the invitation id "
                    + progress.invitationId());
        }
        return progress;
    }

    /** A valid event and the record it came from. */
    private record Parsed(KafkaRecord<String, String> record, LiveInvitation progress) {
    }
}
