package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.policy.service.DecisionService;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #6, no head-of-line blocking, on a real broker and database: one outbox row the broker refuses, one stored
 * configuration that cannot be read back and one request whose processing fails deterministically each hold up
 * nothing behind them.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class NoHeadOfLineBlockingTest {

    @Test
    void rowsTheBrokerRefusesAreParkedAndTheRowsBehindThemArePublished() throws Exception {
        String tenant = TestStack.tenant("hol");
        String other = TestStack.tenant("hol");
        // larger than the producer's max.request.size (1 MiB by default): RecordTooLargeException
        UUID tooLarge = insertRow(tenant, PolicyEvents.POLICY_EVENTS_TOPIC,
                new JsonObject().put("tenant", tenant).put("pad", "x".repeat(1_200_000)).encode());
        // a later row of the same aggregate: must flow once the one before it is parked
        UUID sameAggregate = insertRow(tenant, PolicyEvents.POLICY_EVENTS_TOPIC,
                new JsonObject().put("tenant", tenant).put("n", 2).encode());
        UUID invalidTopic = insertRow(other, "not a valid topic!", new JsonObject().put("tenant", other).encode());
        UUID good = insertRow(other + "-next", PolicyEvents.POLICY_EVENTS_TOPIC,
                new JsonObject().put("tenant", other).encode());

        ConsumerRecord<String, String> published = KafkaSupport.awaitRecord(PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> good.toString().equals(KafkaSupport.header(r, "ce_id")));
        assertEquals(other + "-next", published.key());
        KafkaSupport.awaitRecord(PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> sameAggregate.toString().equals(KafkaSupport.header(r, "ce_id")));

        await().atMost(Duration.ofSeconds(30)).until(() -> parkReason(tooLarge) != null
                && parkReason(invalidTopic) != null);
        assertTrue(parkReason(tooLarge).contains("RecordTooLarge"), parkReason(tooLarge));
        assertTrue(parkReason(invalidTopic).contains("InvalidTopic"), parkReason(invalidTopic));
        assertEquals(0, KafkaSupport.records(PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> tooLarge.toString().equals(KafkaSupport.header(r, "ce_id"))).size());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = given().accept("text/plain").get("/q/metrics").asString();
            assertTrue(metric(metrics, "crosstenant_outbox_parked_total", "cause=\"permanent\"") >= 2,
                    "parked counter");
            assertTrue(metric(metrics, "crosstenant_outbox_parked_rows") >= 2, "parked gauge");
        });
    }

    @Test
    void aDecisionWhoseStoredSettingsCannotBeReadIsADenyAndTheNextIsDecided() throws Exception {
        DecisionFlowTest.Pair broken = DecisionFlowTest.Pair.configured("allowed");
        DecisionFlowTest.Pair healthy = DecisionFlowTest.Pair.configured("allowed");
        // a row the strict parser refuses, as a bug or a manual edit could leave behind
        execute("update partner_configurations set settings = '{\"inbound\": 42}'::jsonb where tenant = '"
                + broken.resource() + "' and partner = '" + broken.home() + "'");

        UUID denied = DecisionFlowTest.request(broken, "ann@" + broken.home() + ".example",
                UUID.randomUUID().toString());
        UUID allowed = DecisionFlowTest.request(healthy, "bob@" + healthy.home() + ".example",
                UUID.randomUUID().toString());

        JsonObject deny = new JsonObject(DecisionFlowTest.awaitDecision(denied).value());
        assertEquals("deny", deny.getString("outcome"));
        assertTrue(deny.encode().contains(DecisionService.UNREADABLE_RESOURCE_SETTINGS), deny.encode());
        assertEquals("allow", new JsonObject(DecisionFlowTest.awaitDecision(allowed).value()).getString("outcome"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTrue(metric(
                given().accept("text/plain").get("/q/metrics").asString(),
                "crosstenant_policy_decisions_unreadable_inputs_total") >= 1));
    }

    @Test
    void aRequestWhoseProcessingFailsDeterministicallyIsDeadLetteredAndTheNextIsDecided() throws Exception {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        String rejected = "reject-" + UUID.randomUUID() + "@" + pair.home() + ".example";
        String constraint = "hol_test_" + UUID.randomUUID().toString().replace("-", "");
        // a constraint violation (SQLSTATE 23514) this one request triggers on every attempt
        execute("alter table decisions add constraint " + constraint + " check (invitee_email <> '" + rejected + "')");
        try {
            UUID bad = DecisionFlowTest.request(pair, rejected, UUID.randomUUID().toString());
            UUID next = DecisionFlowTest.request(pair, "next@" + pair.home() + ".example",
                    UUID.randomUUID().toString());

            assertEquals("allow", new JsonObject(DecisionFlowTest.awaitDecision(next).value()).getString("outcome"));
            ConsumerRecord<String, String> dead = KafkaSupport.awaitRecord(DecisionFlowTest.DLQ,
                    r -> bad.toString().equals(r.key()));
            String reason = KafkaSupport.header(dead, "dead-letter-reason");
            assertNotNull(reason);
            assertTrue(reason.contains(constraint), reason);
            assertEquals(0, KafkaSupport.records(PolicyEvents.DECISIONS_TOPIC, r -> bad.toString().equals(r.key()))
                    .size());
            assertTrue(metric(given().accept("text/plain").get("/q/metrics").asString(),
                    "crosstenant_consumer_dead_lettered_total", "cause=\"permanent\"",
                    "channel=\"invitations-in\"") >= 1);
        } finally {
            execute("alter table decisions drop constraint " + constraint);
        }
    }

    /** The value of the first sample of {@code name} carrying every given label (-1 when none). */
    static double metric(String metrics, String name, String... labels) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> java.util.Arrays.stream(labels).allMatch(line::contains))
                .findFirst()
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .orElse(-1.0);
    }

    private static UUID insertRow(String aggregate, String topic, String payload) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection db = connect(); PreparedStatement insert = db.prepareStatement(
                "insert into outbox (id, aggregate_type, aggregate_id, type, topic, payload, occurred_at) "
                        + "values (?, 'tenant', ?, ?, ?, cast(? as jsonb), ?)")) {
            insert.setObject(1, id);
            insert.setString(2, aggregate);
            insert.setString(3, PolicyEvents.APPLICATION_REGISTERED);
            insert.setString(4, topic);
            insert.setString(5, payload);
            insert.setTimestamp(6, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        return id;
    }

    private static String parkReason(UUID id) throws Exception {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select park_reason from outbox where id = ? and parked_at is not null")) {
            query.setObject(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection db = connect(); Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection connect() throws Exception {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }
}
