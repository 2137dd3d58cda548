package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code audit.outbox.ocsf-enabled=false}: the relay publishes audit.records alone. The twins' topic is one that does
 * not exist (the broker never creates topics), so a relay that still sent twins would hold its cursor before the record
 * (see {@link OcsfTwinUnacknowledgedTest}); here the cursor moves past it and nothing of it is parked.
 */
@QuarkusTest
@TestProfile(OcsfTwinsOffTest.TwinsOff.class)
class OcsfTwinsOffTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    /** Twins off, and pointed at a topic nobody created; the producer gives up on metadata after 1.5 s. */
    public static class TwinsOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("audit.outbox.ocsf-enabled", "false",
                    "audit.outbox.ocsf-topic", "audit.records.ocsf.never-created",
                    "mp.messaging.outgoing.audit-records.max.block.ms", "1500");
        }
    }

    @Test
    void recordsArePublishedWithoutTwins() throws Exception {
        String inv = UUID.randomUUID().toString();
        UUID eventId = Events.send("policy.decisions", inv, "org.crosstenant.policy.decided.v1",
                Events.decided(inv, "contoso", "fabrikam", "contoso-projects", "allow"));
        await().atMost(WAIT).until(() -> recordIdOf(eventId) != null);
        String recordId = recordIdOf(eventId);
        long sequence = AuditDatabase.number(
                "select sequence from audit_record where record_id = '" + UUID.fromString(recordId) + "'");

        assertThat(Events.readUntilEach("audit.records", WAIT,
                r -> r.value().contains(recordId) && "contoso".equals(r.key()),
                r -> r.value().contains(recordId) && "fabrikam".equals(r.key())))
                .filteredOn(r -> r.value().contains(recordId))
                .extracting(r -> r.key()).contains("contoso", "fabrikam");
        await().atMost(WAIT).until(() -> AuditDatabase.number(
                "select published_sequence from publish_cursor where id = 1") >= sequence);
        assertThat(AuditDatabase.number("select count(*) from publish_parked where record_sequence = " + sequence))
                .isZero();
    }

    private static String recordIdOf(UUID eventId) throws Exception {
        try (Connection db = AuditDatabase.connect(); PreparedStatement query = db.prepareStatement(
                "select record_id::text from audit_record where source_event_id = ?")) {
            query.setObject(1, eventId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
