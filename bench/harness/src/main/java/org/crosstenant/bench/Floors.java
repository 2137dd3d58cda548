package org.crosstenant.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The floors the saga is compared with, measured on the stack's own broker and database in the same run: one Kafka
 * round trip (produce 200 bytes with {@code acks=all}, then consume it: one hop of the saga) and one PostgreSQL
 * commit (a JDBC insert and commit round trip: one step's transaction), each one at a time, sequentially.
 */
final class Floors {

    static final String TOPIC = "bench.floor";

    private Floors() {
    }

    /** @param samples round trips to time (after 10% of them as warm-up) */
    static LatencySummary kafkaRoundTrip(Kafka kafka, int samples) {
        kafka.ensureTopic(TOPIC, 1);
        Histogram histogram = LatencySummary.newMicrosHistogram();
        String payload = "x".repeat(200);
        try (KafkaProducer<String, String> producer = kafka.producer(0);
             KafkaConsumer<String, byte[]> consumer = kafka.consumer()) {
            Kafka.assignAtEnd(consumer, List.of(TOPIC));
            int warmUp = Math.max(10, samples / 10);
            for (int i = 0; i < warmUp + samples; i++) {
                String key = UUID.randomUUID().toString();
                long begin = System.nanoTime();
                producer.send(new ProducerRecord<>(TOPIC, key, payload)).get();
                boolean seen = false;
                long deadline = begin + Duration.ofSeconds(10).toNanos();
                while (!seen && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        seen |= key.equals(record.key());
                    }
                }
                if (!seen) {
                    throw new IllegalStateException("a floor record did not come back within 10 s");
                }
                if (i >= warmUp) {
                    histogram.recordValue(Math.max(1, (System.nanoTime() - begin) / 1000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Kafka floor: " + e.getCause(), e);
        }
        return LatencySummary.ofMicros(histogram);
    }

    /** @param samples commits to time (after 10% of them as warm-up) */
    static LatencySummary postgresCommit(String jdbcUrl, String user, String password, int samples) {
        Histogram histogram = LatencySummary.newMicrosHistogram();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("create table if not exists bench_commit_floor (id bigserial primary key,"
                        + " payload text not null, created_at timestamptz not null default now())");
                statement.execute("truncate bench_commit_floor");
            }
            connection.setAutoCommit(false);
            int warmUp = Math.max(10, samples / 10);
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into bench_commit_floor (payload) values (?)")) {
                for (int i = 0; i < warmUp + samples; i++) {
                    long begin = System.nanoTime();
                    insert.setString(1, "x".repeat(200));
                    insert.executeUpdate();
                    connection.commit();
                    if (i >= warmUp) {
                        histogram.recordValue(Math.max(1, (System.nanoTime() - begin) / 1000));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL floor: " + e.getMessage(), e);
        }
        return LatencySummary.ofMicros(histogram);
    }
}
