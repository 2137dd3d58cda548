package org.crosstenant.invitation.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.repository.InvitationRulesRepository;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Feeds the invitation-rules view ({@link InvitationRulesRepository}) from {@code policy.events}, one record at a
 * time. The view lives in this service's database, with the consumer group's committed offsets: nothing is replayed
 * at start-up, no filing waits for a replay, and a change applied twice (redelivery after a crash between commit and
 * offset commit) is harmless because it replaces the pair's row whole.
 * <ul>
 * <li>{@code access-settings-changed.v2}: applied ({@link AccessSettingsParser});</li>
 * <li>any other type (v1, {@code application-registered.v1}, a type added later): acknowledged and ignored — a v1
 * carries no invitation rules;</li>
 * <li>malformed CloudEvents headers, a missing key, a key, value or header that is not UTF-8 (whatever the type), an
 * unreadable v2: nacked, which the channel's dead-letter-queue failure strategy writes to {@code policy.events.dlq.invitation-service} with the reason in
 * {@code dead-letter-reason}; the consumer moves on;</li>
 * <li>a database failure: retried with back-off until it succeeds (the record holds its partition; nothing is
 * lost or skipped).</li>
 * </ul>
 */
@ApplicationScoped
public class AccessSettingsConsumer {

    private static final Logger LOG = Logger.getLogger(AccessSettingsConsumer.class);
    static final String CHANNEL = "policy-events";

    private final AccessSettingsParser parser;
    private final InvitationRulesRepository rules;

    public AccessSettingsConsumer(AccessSettingsParser parser, InvitationRulesRepository rules) {
        this.parser = parser;
        this.rules = rules;
    }

    /**
     * @param message one policy.events record (String key and value, binary-mode CloudEvent headers)
     * @return completes once the record is applied or ignored (acked) or dead-lettered (nacked)
     */
    @Incoming(CHANNEL)
    public Uni<Void> onPolicyEvent(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        AccessSettingsParser.Change change;
        try {
            if (kafka != null) {
                // before the type filter: a record that is not UTF-8 is dead-lettered whatever its type
                CloudEventHeaders.requireDeserialized(kafka.getKey(), message.getPayload(), kafka.getHeaders());
            }
            CloudEventHeaders ce = CloudEventHeaders.read(kafka == null ? null : kafka.getHeaders());
            if (!AccessSettingsParser.TYPE.equals(ce.type())) {
                LOG.debugf("policy.events %s %s ignored (carries no invitation rules)", ce.type(), ce.id());
                return Uni.createFrom().completionStage(message.ack());
            }
            Object key = kafka.getKey();
            if (!(key instanceof String text)) {
                throw new PoisonMessageException("record without a key; the key must name the settings' pair");
            }
            change = parser.parse(text, message.getPayload());
        } catch (PoisonMessageException poison) {
            LOG.warnf("policy.events record %s dead-lettered: %s", kafka == null ? "?"
                    : kafka.getTopic() + "-" + kafka.getPartition() + "@" + kafka.getOffset(), poison.getMessage());
            return Uni.createFrom().completionStage(message.nack(poison));
        }
        return Uni.createFrom().deferred(() -> rules.apply(change))
                .onFailure().invoke(e -> LOG.warnf("Invitation rules of %s not stored, retrying: %s", change.key(),
                        e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely()
                .invoke(() -> LOG.debugf("Invitation rules of %s %s", change.key(),
                        change.deleted() ? "removed" : "stored"))
                .chain(() -> Uni.createFrom().completionStage(message.ack()));
    }
}
