package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
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
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A row that no commit trigger announces (as after a crash between commit and publish) is still published by the
 * timer, with the row id as ce_id, and then marked published.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class OutboxSafetyNetTest {

    @Test
    void timerPublishesRowsLeftBehindAndMarksThemPublished() throws Exception {
        UUID id = UUID.randomUUID();
        String tenant = TestStack.tenant("orphan");
        try (Connection db = connect(); PreparedStatement insert = db.prepareStatement(
                "insert into outbox (id, aggregate_type, aggregate_id, type, topic, payload, occurred_at) "
                        + "values (?, 'tenant', ?, ?, ?, cast(? as jsonb), ?)")) {
            insert.setObject(1, id);
            insert.setString(2, tenant);
            insert.setString(3, PolicyEvents.APPLICATION_REGISTERED);
            insert.setString(4, PolicyEvents.POLICY_EVENTS_TOPIC);
            insert.setString(5, "{\"tenant\": \"" + tenant + "\"}");
            insert.setTimestamp(6, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }

        ConsumerRecord<String, String> record = KafkaSupport.awaitRecord(PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> tenant.equals(r.key()));
        assertEquals(id.toString(), KafkaSupport.header(record, "ce_id"));
        await().atMost(Duration.ofSeconds(20)).until(() -> publishedAt(id) != null);
    }

    private static Timestamp publishedAt(UUID id) throws Exception {
        try (Connection db = connect();
             PreparedStatement query = db.prepareStatement("select published_at from outbox where id = ?")) {
            query.setObject(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getTimestamp(1) : null;
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
