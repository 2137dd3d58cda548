package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.model.AuditInput;
import org.crosstenant.audit.model.AuditRecord;
import org.crosstenant.audit.model.IncomingEvent;
import org.crosstenant.audit.service.AuditLog;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The batched append and publish paths: one statement per batch with the records' unique source event id as the
 * inbox, and audit.records published from the records just appended or, when the relay was not told (a crash between
 * commit and publish) or must publish again (a crash before the cursor moved), read back from the database — with the
 * same message either way.
 */
@QuarkusTest
class AppendBatchTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DECIDED = "org.crosstenant.policy.decided.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AuditLog auditLog;

    @Inject
    AuditEventTranslator translator;

    private AuditInput decided(UUID id) {
        String payload = Events.decided(id.toString(), "contoso", "fabrikam", "contoso-projects", "allow");
        return new AuditInput(new IncomingEvent("policy.decisions", id, DECIDED, payload),
                translator.translate(DECIDED, payload));
    }

    @Test
    void aBatchWithRepeatedAndAlreadyAppendedEventsAppendsEachEventOnceInOrder() throws Exception {
        UUID one = UUID.randomUUID();
        UUID two = UUID.randomUUID();
        UUID three = UUID.randomUUID();
        List<AuditRecord> first = auditLog.append(List.of(decided(one), decided(two), decided(one), decided(three)))
                .await().atMost(WAIT);
        assertThat(first).extracting(AuditRecord::sourceEventId).containsExactly(one, two, three);
        assertThat(first).extracting(AuditRecord::sequence).containsExactly(first.get(0).sequence(),
                first.get(0).sequence() + 1, first.get(0).sequence() + 2);
        assertThat(first).extracting(AuditRecord::tenants).allSatisfy(t -> assertThat(t)
                .containsExactly("contoso", "fabrikam"));

        UUID four = UUID.randomUUID();
        List<AuditRecord> second = auditLog.append(List.of(decided(two), decided(four))).await().atMost(WAIT);
        assertThat(second).extracting(AuditRecord::sourceEventId).containsExactly(four);
        assertThat(auditLog.append(List.of(decided(one), decided(four))).await().atMost(WAIT)).isEmpty();

        for (UUID id : List.of(one, two, three, four)) {
            assertThat(rows("select count(*) from audit_record where source_event_id = ?", id)).isEqualTo(1);
        }
        // the stored rows, hashed from their text, continue the chain the batch computed from the parsed JSON
        assertThat(Auditors.as("contoso").get("/api/v1/audit/verify").then().statusCode(200).extract().jsonPath()
                .getBoolean("ok")).isTrue();
    }

    @Test
    void numbersThatPostgresPrintsDifferentlyStillVerify() throws Exception {
        // jsonb prints numbers in plain notation: 1e20 comes back as an integer, -0.0 as 0.0; the chain is hashed
        // at append time from the parsed event and by /verify from the stored text, and both must agree
        List<String> numbers = List.of("1e20", "1.0E7", "1.5E30", "-0.0", "1e-5", "123.4500", "2.5E-12", "-7.0",
                "1e400", "12345678901234567890123", "0.1");
        List<AuditInput> batch = new ArrayList<>();
        for (String number : numbers) {
            UUID id = UUID.randomUUID();
            String decided = Events.decided(id.toString(), "contoso", "fabrikam", "contoso-projects", "allow");
            String payload = decided.substring(0, decided.lastIndexOf('}')) + ",\"score\":" + number
                    + ",\"scores\":[" + number + ",{\"n\":" + number + "}]}";
            batch.add(new AuditInput(new IncomingEvent("policy.decisions", id, DECIDED, payload),
                    translator.translate(DECIDED, payload)));
        }
        assertThat(auditLog.append(batch).await().atMost(WAIT)).hasSize(numbers.size());
        assertThat(Auditors.as("contoso").get("/api/v1/audit/verify").then().statusCode(200).extract().jsonPath()
                .getBoolean("ok")).isTrue();
    }

    @Test
    void recordsCommittedWithoutTheRelayBeingToldArePublishedFromTheDatabaseOncePerTenant() {
        // what a crash between the append's commit and the relay leaves: nothing in memory, the cursor behind
        UUID id = UUID.randomUUID();
        AuditRecord record = auditLog.append(List.of(decided(id))).await().atMost(WAIT).get(0);

        List<ConsumerRecord<String, String>> published = publishedFor(record, 2);
        assertThat(published).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("contoso", "fabrikam");
        assertThat(published).allSatisfy(m -> assertThat(Events.header(m, "ce_id"))
                .isEqualTo(messageId(record, m.key())));
    }

    @Test
    void aRecordPublishedAgainAfterTheCursorFellBackKeepsItsIdsAndMessage() throws Exception {
        // appended through the consumer: published from memory
        String invitation = UUID.randomUUID().toString();
        Events.send("policy.decisions", invitation, DECIDED,
                Events.decided(invitation, "contoso", "fabrikam", "contoso-projects", "deny"));
        await().atMost(WAIT).until(() -> Auditors.records("contoso", Map.of("invitationId", invitation)).size() == 1);
        long sequence = ((Number) Auditors.records("contoso", Map.of("invitationId", invitation)).get(0)
                .get("sequence")).longValue();
        await().atMost(WAIT).until(() -> rows("select published_sequence from publish_cursor", null) >= sequence);

        // a crash after the broker acknowledged but before the cursor moved: the next pass reads it back
        try (Connection db = connect(); PreparedStatement rewind = db.prepareStatement(
                "update publish_cursor set published_sequence = ? where id = 1")) {
            rewind.setLong(1, sequence - 1);
            rewind.executeUpdate();
        }
        List<ConsumerRecord<String, String>> published = new ArrayList<>();
        await().atMost(WAIT).untilAsserted(() -> {
            published.clear();
            published.addAll(Events.readAll("audit.records", m -> false, Duration.ofSeconds(2)).stream()
                    .filter(m -> m.value().contains(invitation)).toList());
            assertThat(published).hasSize(4);
        });
        for (String tenant : List.of("contoso", "fabrikam")) {
            List<ConsumerRecord<String, String>> twice = published.stream().filter(m -> tenant.equals(m.key()))
                    .toList();
            assertThat(twice).hasSize(2);
            assertThat(twice).extracting(m -> Events.header(m, "ce_id")).containsOnly(messageIdOf(twice.get(0)));
            assertThat(JSON.readTree(twice.get(1).value())).isEqualTo(JSON.readTree(twice.get(0).value()));
            for (String header : List.of("ce_specversion", "ce_type", "ce_source", "ce_subject", "content-type",
                    "ce_datacontenttype")) {
                assertThat(Events.header(twice.get(1), header)).as(header)
                        .isEqualTo(Events.header(twice.get(0), header)).isNotNull();
            }
        }
    }

    private static String messageIdOf(ConsumerRecord<String, String> message) throws Exception {
        UUID recordId = UUID.fromString(JSON.readTree(message.value()).get("recordId").asText());
        return UUID.nameUUIDFromBytes((recordId + "/" + message.key()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The documented ce_id: name-based UUID of {@code <recordId>/<tenant>}. */
    private static String messageId(AuditRecord record, String tenant) {
        return UUID.nameUUIDFromBytes((record.recordId() + "/" + tenant).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static List<ConsumerRecord<String, String>> publishedFor(AuditRecord record, int expected) {
        String recordId = record.recordId().toString();
        List<ConsumerRecord<String, String>> published = new ArrayList<>();
        await().atMost(WAIT).untilAsserted(() -> {
            published.clear();
            published.addAll(Events.readAll("audit.records", m -> false, Duration.ofSeconds(2)).stream()
                    .filter(m -> m.value().contains(recordId)).toList());
            assertThat(published).hasSize(expected);
        });
        return published;
    }

    private static long rows(String sql, UUID parameter) throws Exception {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(sql)) {
            if (parameter != null) {
                query.setObject(1, parameter);
            }
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private static Connection connect() throws Exception {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }
}
