package org.crosstenant.platform.messaging;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;

import io.vertx.core.VertxException;
import io.vertx.sqlclient.DatabaseException;

/**
 * Sorts a failure into transient (trying again later may succeed) or permanent (the same input fails the same way
 * every time), for the outbox relay and the consumers. The cause chain is walked from the outside in; the first
 * failure of a known kind decides:
 * <ul>
 * <li>Kafka: a {@link RetriableException} (timeouts, not enough replicas, leader not available, broker down) is
 * transient; any other {@link KafkaException} (record too large, invalid topic, serialization, authorization) is
 * permanent — the broker will never accept that record;</li>
 * <li>PostgreSQL (SQLSTATE of a {@link DatabaseException} or {@link SQLException}): classes 21 (cardinality), 22 (data
 * exception: value too long, invalid text), 23 (integrity constraint violation), 27 (triggered data change), 44
 * (check option), 0A (feature not supported) and 54 (program limit exceeded) are permanent — the same statement
 * fails the same way; every other class (08 connection, 40 serialization/deadlock, 53 resources, 57 operator
 * intervention, and 42 too: a missing table or privilege is the deployment's fault, not the record's, and as
 * permanent it would dead-letter every record) is transient;</li>
 * <li>time-outs ({@link TimeoutException}, Mutiny's {@code TimeoutException}), I/O errors and other Vert.x errors
 * (closed connection, pool exhausted) are transient.</li>
 * </ul>
 * Anything else (a runtime exception of our own code or of a parser: NPE, IllegalArgument/State, JSON errors) is
 * deterministic and therefore permanent.
 */
public final class Failures {

    private static final Set<String> PERMANENT_SQL_CLASSES = Set.of("0A", "21", "22", "23", "27", "44", "54");
    /** Longest reason kept (log lines, park reasons, dead-letter headers). */
    public static final int MAX_REASON = 1000;

    private Failures() {
    }

    /**
     * @param failure any failure (null is treated as permanent)
     * @return true when retrying later may succeed, false when the same input will always fail
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DatabaseException db) {
                return isTransientSqlState(db.getSqlState());
            }
            if (t instanceof SQLException sql) {
                return isTransientSqlState(sql.getSQLState());
            }
            if (t instanceof KafkaException) {
                return t instanceof RetriableException;
            }
            if (t instanceof TimeoutException || t instanceof io.smallrye.mutiny.TimeoutException
                    || t instanceof IOException || t instanceof VertxException) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param failure any failure
     * @return a one-line description for logs, park reasons and dead-letter headers: class and message of the
     *         failure and of its root cause, at most {@value #MAX_REASON} characters
     */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root == failure ? failure.toString() : failure + " (cause: " + root + ")";
        return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON - 1) + "…";
    }

    private static boolean isTransientSqlState(String state) {
        return state == null || state.length() < 2 || !PERMANENT_SQL_CLASSES.contains(state.substring(0, 2));
    }
}
