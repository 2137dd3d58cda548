package org.crosstenant.invitation;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.invitation.messaging.InvitationEvents;
import org.crosstenant.invitation.messaging.OutboxRelay;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue #6, no head-of-line blocking, on a real broker and database: an outbox row the broker refuses and a decision
 * whose processing fails deterministically each hold up nothing behind them.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class NoHeadOfLineBlockingTest {

    private static final String DECIDED = "org.crosstenant.policy.decided.v1";

    @Inject
    OutboxRelay relay;

    @Test
    void rowsTheBrokerRefusesAreParkedAndTheRowsBehindThemArePublished() throws Exception {
        String invitation = UUID.randomUUID().toString();
        // larger than the producer's max.request.size (1 MiB by default): RecordTooLargeException
        UUID tooLarge = insertRow(invitation, KafkaSupport.INVITATIONS, "{\"pad\": \"" + "x".repeat(1_200_000) + "\"}");
        // a later row of the same invitation: must flow once the one before it is parked
        UUID sameInvitation = insertRow(invitation, KafkaSupport.INVITATIONS, "{\"n\": 2}");
        UUID invalidTopic = insertRow(UUID.randomUUID().toString(), "not a valid topic!", "{\"n\": 3}");
        UUID good = insertRow(UUID.randomUUID().toString(), KafkaSupport.INVITATIONS, "{\"n\": 4}");

        relay.trigger();

        KafkaSupport.awaitRecords(KafkaSupport.INVITATIONS, r -> good.toString().equals(KafkaSupport.header(r, "ce_id")),
                1);
        ConsumerRecord<String, String> next = KafkaSupport.awaitRecords(KafkaSupport.INVITATIONS,
                r -> sameInvitation.toString().equals(KafkaSupport.header(r, "ce_id")), 1).get(0);
        assertEquals(invitation, next.key());
        await().atMost(Duration.ofSeconds(30)).until(() -> parkReason(tooLarge) != null
                && parkReason(invalidTopic) != null);
        assertTrue(parkReason(tooLarge).contains("RecordTooLarge"), parkReason(tooLarge));
        assertTrue(parkReason(invalidTopic).contains("InvalidTopic"), parkReason(invalidTopic));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = given().accept("text/plain").get("/q/metrics").asString();
            assertTrue(metric(metrics, "crosstenant_outbox_parked_total", "cause=\"permanent\"") >= 2,
                    "parked counter");
            assertTrue(metric(metrics, "crosstenant_outbox_parked_rows") >= 2, "parked gauge");
        });
    }

    @Test
    void aDecisionWhoseProcessingFailsDeterministicallyIsDeadLetteredAndTheNextApplies() throws Exception {
        String bad = Api.fileForBob();
        String after = Api.fileForBob();
        String constraint = "hol_test_" + UUID.randomUUID().toString().replace("-", "");
        // a constraint violation (SQLSTATE 23514) this one decision triggers on every attempt
        execute("alter table invitation add constraint " + constraint + " check (id <> '" + bad
                + "' or status = 'requested')");
        try {
            // one key, so one partition: the good decision is behind the bad one
            String key = "hol-" + UUID.randomUUID();
            KafkaSupport.produce(KafkaSupport.DECISIONS, key, DECIDED, bad, Api.decision(bad, "allow"),
                    UUID.randomUUID().toString());
            KafkaSupport.produce(KafkaSupport.DECISIONS, key, DECIDED, after, Api.decision(after, "deny", "no"),
                    UUID.randomUUID().toString());

            Api.awaitStatus(Tokens.contosoAdmin(), after, "denied");
            ConsumerRecord<String, String> dead = KafkaSupport.awaitRecords(KafkaSupport.DECISIONS_DLQ,
                    r -> key.equals(r.key()), 1).get(0);
            String reason = KafkaSupport.header(dead, "dead-letter-reason");
            assertNotNull(reason);
            assertTrue(reason.contains(constraint), reason);
            Api.get(Tokens.contosoAdmin(), bad).then().statusCode(200).body("status", equalTo("requested"));
            assertTrue(metric(given().accept("text/plain").get("/q/metrics").asString(),
                    "crosstenant_consumer_dead_lettered_total", "cause=\"permanent\"",
                    "channel=\"policy-decisions\"") >= 1);
        } finally {
            execute("alter table invitation drop constraint " + constraint);
        }
    }

    /** The value of the first sample of {@code name} carrying every given label (-1 when none). */
    static double metric(String metrics, String name, String... labels) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Arrays.stream(labels).allMatch(line::contains))
                .findFirst()
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .orElse(-1.0);
    }

    private static UUID insertRow(String aggregate, String topic, String payload) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection db = TestDatabase.connect(); PreparedStatement insert = db.prepareStatement(
                "insert into outbox (id, aggregate_type, aggregate_id, type, topic, payload, occurred_at) "
                        + "values (?, ?, ?, ?, ?, cast(? as jsonb), ?)")) {
            insert.setObject(1, id);
            insert.setString(2, InvitationEvents.AGGREGATE_TYPE);
            insert.setString(3, aggregate);
            insert.setString(4, InvitationEvents.EXPIRED);
            insert.setString(5, topic);
            insert.setString(6, payload);
            insert.setTimestamp(7, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        return id;
    }

    private static String parkReason(UUID id) throws Exception {
        try (Connection db = TestDatabase.connect(); PreparedStatement query = db.prepareStatement(
                "select park_reason from outbox where id = ? and parked_at is not null")) {
            query.setObject(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection db = TestDatabase.connect(); Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }
}
