package org.crosstenant.policy.messaging;

import org.crosstenant.platform.messaging.Failures;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The permanent/transient classification of {@link Failures} and the relay's back-off, one kind of failure each. */
class FailuresTest {

    @Test
    void kafkaErrorsTheBrokerWillNeverAcceptArePermanent() {
        assertFalse(Failures.isTransient(new RecordTooLargeException("too large")));
        assertFalse(Failures.isTransient(new InvalidTopicException("bad topic")));
        assertFalse(Failures.isTransient(new SerializationException("bad bytes")));
        // wrapped, as the emitter and CompletableFuture hand them over
        assertFalse(Failures.isTransient(new CompletionException(new RecordTooLargeException("too large"))));
    }

    @Test
    void retriableKafkaErrorsAndTimeOutsAreTransient() {
        assertTrue(Failures.isTransient(new TimeoutException("no ack")));
        assertTrue(Failures.isTransient(new NotEnoughReplicasException("isr")));
        assertTrue(Failures.isTransient(new io.smallrye.mutiny.TimeoutException()));
        assertTrue(Failures.isTransient(new java.util.concurrent.TimeoutException()));
    }

    @Test
    void databaseErrorsAreClassifiedBySqlStateClass() {
        assertFalse(Failures.isTransient(pg("23505")), "unique violation");
        assertFalse(Failures.isTransient(pg("23514")), "check violation");
        assertFalse(Failures.isTransient(pg("22001")), "value too long");
        assertTrue(Failures.isTransient(pg("08006")), "connection failure");
        assertTrue(Failures.isTransient(pg("40001")), "serialization failure");
        assertTrue(Failures.isTransient(pg("57P01")), "admin shutdown");
        assertTrue(Failures.isTransient(new IllegalStateException("wrapped", pg("53300"))), "too many connections");
        assertTrue(Failures.isTransient(new VertxException("Connection is not active now")));
        assertTrue(Failures.isTransient(new IOException("connection reset")));
        assertFalse(Failures.isTransient(pg("54000")), "program limit exceeded: the same statement fails again");
        assertFalse(Failures.isTransient(pg("0A000")), "feature not supported");
        // a missing table or privilege is the deployment's fault: as permanent it would dead-letter every record
        assertTrue(Failures.isTransient(pg("42P01")), "undefined table");
    }

    @Test
    void ourOwnDeterministicExceptionsArePermanent() {
        assertFalse(Failures.isTransient(new IllegalStateException("stored settings are not valid")));
        assertFalse(Failures.isTransient(new NullPointerException()));
        assertFalse(Failures.isTransient(new IllegalArgumentException("bad input")));
    }

    @Test
    void describeNamesTheRootCauseAndStaysShort() {
        String text = Failures.describe(new IllegalStateException("outer", pg("23514")));
        assertTrue(text.contains("outer") && text.contains("PgException"), text);
        assertEquals(Failures.MAX_REASON, Failures.describe(new IllegalStateException("x".repeat(5000))).length());
    }

    @Test
    void backOffDoublesUpToItsMaximum() {
        Duration initial = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(5);
        assertEquals(Duration.ofSeconds(1), OutboxRelay.backOff(1, initial, max));
        assertEquals(Duration.ofSeconds(2), OutboxRelay.backOff(2, initial, max));
        assertEquals(Duration.ofSeconds(4), OutboxRelay.backOff(3, initial, max));
        assertEquals(max, OutboxRelay.backOff(4, initial, max));
        assertEquals(max, OutboxRelay.backOff(60, initial, max));
    }

    private static PgException pg(String sqlState) {
        return new PgException("failure " + sqlState, "ERROR", sqlState, "detail");
    }
}
