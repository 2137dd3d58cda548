package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Issue #9, audit.records.ocsf has audit.records' guarantees: while the OCSF twin of a record cannot be sent (its
 * topic does not exist yet, and the broker never creates topics), the record's audit.records messages are acknowledged
 * but the publish cursor stays before the record and nothing is parked; once the topic exists the relay sends both
 * again and moves on.
 */
@QuarkusTest
@TestProfile(OcsfTwinUnacknowledgedTest.MissingOcsfTopic.class)
class OcsfTwinUnacknowledgedTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String TOPIC = "audit.records.ocsf.created-later";

    /** The twins go to a topic nobody created; the producer gives up on its metadata after 1.5 s (transient). */
    public static class MissingOcsfTopic implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("audit.outbox.ocsf-topic", TOPIC,
                    "mp.messaging.outgoing.audit-records.max.block.ms", "1500");
        }
    }

    @Test
    void theCursorWaitsForTheTwinAndMovesOnOnceItIsAcknowledged() throws Exception {
        String inv = UUID.randomUUID().toString();
        UUID eventId = Events.send("policy.decisions", inv, "org.crosstenant.policy.decided.v1",
                Events.decided(inv, "contoso", "fabrikam", "contoso-projects", "allow"));
        await().atMost(WAIT).until(() -> sequenceOf(eventId) != null);
        long sequence = sequenceOf(eventId);
        String recordId = recordIdOf(eventId);

        // the audit.records messages were acknowledged (they are on the topic) ...
        assertThat(Events.readAll("audit.records", r -> r.value().contains(recordId), WAIT))
                .filteredOn(r -> r.value().contains(recordId)).isNotEmpty();
        // ... yet the cursor stays before the record, retrying it, because its twins were not
        await().atMost(WAIT).until(() -> AuditDatabase.number("select attempts from publish_cursor where id = 1") >= 2);
        assertThat(AuditDatabase.number("select published_sequence from publish_cursor where id = 1"))
                .isLessThan(sequence);
        assertThat(lastError()).contains(TOPIC);
        assertThat(AuditDatabase.number("select count(*) from publish_parked where record_sequence = " + sequence))
                .isZero();

        createTopic();
        await().atMost(WAIT).until(() -> AuditDatabase.number(
                "select published_sequence from publish_cursor where id = 1") >= sequence);
        assertThat(Events.readAll(TOPIC, r -> r.value().contains(recordId), WAIT))
                .filteredOn(r -> r.value().contains(recordId))
                .extracting(r -> r.key()).contains("contoso", "fabrikam");
        assertThat(AuditDatabase.number("select count(*) from publish_parked where record_sequence = " + sequence))
                .isZero();
    }

    private static Long sequenceOf(UUID eventId) throws Exception {
        String value = column("sequence", eventId);
        return value == null ? null : Long.valueOf(value);
    }

    private static String recordIdOf(UUID eventId) throws Exception {
        return column("record_id", eventId);
    }

    private static String column(String column, UUID eventId) throws Exception {
        try (Connection db = AuditDatabase.connect(); PreparedStatement query = db.prepareStatement(
                "select " + column + "::text from audit_record where source_event_id = ?")) {
            query.setObject(1, eventId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static String lastError() throws Exception {
        try (Connection db = AuditDatabase.connect(); var s = db.createStatement();
                ResultSet rows = s.executeQuery("select last_error from publish_cursor where id = 1")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static void createTopic() throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        }
    }
}
