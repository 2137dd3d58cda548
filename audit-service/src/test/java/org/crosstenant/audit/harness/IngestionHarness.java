package org.crosstenant.audit.harness;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measurement harness, not a test: it asserts nothing and only runs when asked for, e.g.
 * {@code mvn -B verify -pl audit-service -Dtest=IngestionHarness -Dharness.events=100000
 * -Dsurefire.failIfNoSpecifiedTests=false}. It produces N gateway access events (CloudEvents binary mode, 16 tenant
 * pairs as keys) to gateway.access against the real test broker and database (AuditTestResources), then waits until the chain head has advanced by N
 * and prints records/s (first send → last append committed), when everything was published to audit.records, and
 * the event time → commit lag (p50/p99/max, from the stored occurredAt/recordedAt of the appended records).
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "harness.events", matches = "\\d+")
class IngestionHarness {

    @Test
    void produceAndTimeAppends() throws Exception {
        int events = Integer.getInteger("harness.events");
        try (Connection db = connect()) {
            long start = head(db);
            Instant began = Instant.now();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
                for (int i = 0; i < events; i++) {
                    String home = "home" + (i % 16);
                    ProducerRecord<String, String> record = new ProducerRecord<>("gateway.access",
                            "contoso:" + home, payload(home, i));
                    header(record, "ce_id", UUID.randomUUID().toString());
                    header(record, "ce_specversion", "1.0");
                    header(record, "ce_type", "org.crosstenant.gateway.access-allowed.v1");
                    header(record, "ce_source", "/crosstenant/gateway");
                    header(record, "content-type", "application/json");
                    producer.send(record);
                }
                producer.flush();
            }
            Instant produced = Instant.now();
            long target = start + events;
            long last = start;
            Instant lastProgress = Instant.now();
            while (last < target) {
                Thread.sleep(100); // a measurement loop, not a test wait: nothing is asserted
                long now = head(db);
                if (now != last) {
                    last = now;
                    lastProgress = Instant.now();
                } else if (Duration.between(lastProgress, Instant.now()).toSeconds() > 60) {
                    System.out.printf("HARNESS stalled at %d of %d appended%n", last - start, events);
                    break;
                }
            }
            Instant appended = Instant.now();
            double seconds = Duration.between(began, appended).toNanos() / 1e9;
            System.out.printf("HARNESS events=%d produced_in=%.2fs appended=%d in %.2fs -> %.0f records/s%n",
                    events, Duration.between(began, produced).toNanos() / 1e9, last - start, seconds,
                    (last - start) / seconds);
            while (published(db) < last) {
                Thread.sleep(100);
                if (Duration.between(appended, Instant.now()).toSeconds() > 120) {
                    System.out.printf("HARNESS publishing stalled at %d%n", published(db));
                    break;
                }
            }
            System.out.printf("HARNESS all published to audit.records %.2fs after the first send%n",
                    Duration.between(began, Instant.now()).toNanos() / 1e9);
            try (Statement s = db.createStatement(); ResultSet lag = s.executeQuery(
                    "select percentile_cont(0.5) within group (order by l), percentile_cont(0.99) within group"
                            + " (order by l), max(l) from (select extract(epoch from recorded_at - occurred_at) l"
                            + " from audit_record where sequence > " + start + ") x")) {
                lag.next();
                System.out.printf("HARNESS event->commit lag p50=%.3fs p99=%.3fs max=%.3fs%n", lag.getDouble(1),
                        lag.getDouble(2), lag.getDouble(3));
            }
        }
    }

    private static String payload(String home, int i) {
        return "{\"resourceTenant\": \"contoso\", \"homeTenant\": \"" + home + "\", \"application\": \"contoso-projects\","
                + " \"subject\": \"sub-" + (i % 1000) + "\", \"email\": null, \"guest\": true, \"method\": \"GET\","
                + " \"path\": \"/apps/contoso/contoso-projects/x\", \"reason\": \"harness\", \"occurredAt\": \""
                + Instant.now() + "\"}";
    }

    private static long head(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("select last_sequence from chain_head")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static long published(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("select published_sequence from publish_cursor")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return props;
    }
}
