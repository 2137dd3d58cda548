package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Batched publishing keeps per-aggregate order: 250 rows of one aggregate (more than two relay batches of 100),
 * committed at once, reach the topic exactly once each, in insertion order, and are all marked published.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class OutboxBatchOrderTest {

    private static final int ROWS = 250;

    @Test
    void rowsOfOneAggregateArePublishedOnceInInsertionOrder() throws Exception {
        String tenant = TestStack.tenant("order");
        // occurred_at runs backwards on purpose: the order is the insertion order (seq), not the timestamp
        Instant base = Instant.now();
        try (Connection db = connect()) {
            db.setAutoCommit(false);
            try (PreparedStatement insert = db.prepareStatement(
                    "insert into outbox (id, aggregate_type, aggregate_id, type, topic, payload, occurred_at) "
                            + "values (?, 'tenant', ?, ?, ?, cast(? as jsonb), ?)")) {
                for (int n = 0; n < ROWS; n++) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, tenant);
                    insert.setString(3, PolicyEvents.APPLICATION_REGISTERED);
                    insert.setString(4, PolicyEvents.POLICY_EVENTS_TOPIC);
                    insert.setString(5, "{\"tenant\": \"" + tenant + "\", \"n\": " + n + "}");
                    insert.setTimestamp(6, Timestamp.from(base.minusMillis(n)));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            db.commit();
        }

        List<ConsumerRecord<String, String>> published = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            published.clear();
            published.addAll(KafkaSupport.records(PolicyEvents.POLICY_EVENTS_TOPIC, r -> tenant.equals(r.key())));
            return published.size() >= ROWS;
        });
        List<Integer> order = published.stream().map(r -> new JsonObject(r.value()).getInteger("n")).toList();
        List<Integer> expected = new ArrayList<>();
        for (int n = 0; n < ROWS; n++) {
            expected.add(n);
        }
        assertEquals(expected, order);
        await().atMost(Duration.ofSeconds(20)).until(() -> unpublished(tenant) == 0);
    }

    private static long unpublished(String tenant) throws Exception {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select count(*) from outbox where aggregate_id = ? and published_at is null")) {
            query.setString(1, tenant);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
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
