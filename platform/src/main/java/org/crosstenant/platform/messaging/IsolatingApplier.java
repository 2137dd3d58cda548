package org.crosstenant.platform.messaging;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * Applies one consumed batch so that no record can hold up the others (issue #6, no head-of-line blocking):
 * <ol>
 * <li>the whole batch is applied in one go ({@code work}, one transaction); a transient failure ({@link Failures})
 * is retried with exponential back-off ({@code initialBackoff} doubling up to {@code maxBackoff}), each retry logged
 * at WARN and counted ({@code crosstenant_consumer_retries_total});</li>
 * <li>when it fails permanently (a constraint violation, a value too long, a bug one record triggers), the batch is
 * applied again record by record (each with the same retries), so that only the records that fail are rejected;</li>
 * <li>a batch still failing transiently after {@code maxAttempts} attempts is applied record by record too, so that
 * a record whose failure only looks transient cannot hold the others back;</li>
 * <li>a record that fails permanently on its own is handed to {@code reject} with its reason — the caller
 * dead-letters it — logged at ERROR and counted ({@code crosstenant_consumer_dead_lettered_total});</li>
 * <li>a single record still failing transiently after {@code maxAttempts} attempts is NOT dead-lettered: a transient
 * failure (database down, connection lost) is not the record's fault, and dead-lettering during an outage would drop
 * valid events (a revocation, an audit record). It is logged at ERROR and counted
 * ({@code crosstenant_consumer_stuck_total}) and retried in further rounds at the back-off ceiling until it applies
 * or fails permanently.</li>
 * </ol>
 * {@code work} must be idempotent for a retried sub-list and atomic (all or nothing), which the consumers' inboxes and
 * single transactions give.
 */
public final class IsolatingApplier {

    private static final Logger LOG = Logger.getLogger(IsolatingApplier.class);

    /** The dead-letter {@code cause} of a record whose processing failed deterministically. */
    public static final String PERMANENT = "permanent";

    /** What the applier counts; each service tags the counters with its own name. */
    public interface Metrics {
        /** One transient failure of {@code channel}'s processing, retried after a back-off. */
        void retried(String channel);

        /** One retry round of {@code channel} that ended with a record still failing transiently (kept, retried). */
        void stuck(String channel);

        /** {@code records} records of {@code channel} dead-lettered for {@code cause} (nothing for 0). */
        void deadLettered(String channel, String cause, int records);
    }

    /** The retry ceiling and back-off of a channel. */
    public record Retries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    }

    /** Takes a record that is given up on. */
    @FunctionalInterface
    public interface Rejector<E> {
        /**
         * @param item   the record (as the caller's type)
         * @param cause  {@link #PERMANENT}
         * @param reason why, one line, at most 1000 characters
         */
        void reject(E item, String cause, String reason);
    }

    private IsolatingApplier() {
    }

    /**
     * @param channel the consuming channel (logs and metric tags)
     * @param items   the batch's valid records, in offset order (may be empty)
     * @param work    applies a sub-list of {@code items}, all or nothing
     * @return completes once every record is applied or rejected; never fails
     */
    public static <E> Uni<Void> apply(String channel, List<E> items, Function<List<E>, Uni<?>> work, Retries retries,
            Metrics metrics, Rejector<E> reject) {
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return withRetries(channel, items, work, retries, metrics).replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    String reason = Failures.describe(failure);
                    boolean transientFailure = Failures.isTransient(failure);
                    if (transientFailure && items.size() == 1) {
                        LOG.errorf("%s: a record still fails transiently after %d attempts; kept (not the record's "
                                + "fault), retried at the back-off ceiling: %s", channel, retries.maxAttempts(), reason);
                        metrics.stuck(channel);
                        Retries slow = new Retries(retries.maxAttempts(), retries.maxBackoff(), retries.maxBackoff());
                        return Uni.createFrom().voidItem().onItem().delayIt().by(retries.maxBackoff())
                                .chain(() -> apply(channel, items, work, slow, metrics, reject));
                    }
                    if (items.size() == 1) {
                        return rejectAll(channel, items, PERMANENT,
                                "cannot be applied: " + reason, metrics, reject);
                    }
                    LOG.warnf("%s: a batch of %d record(s) failed %s (%s); applying them one by one so that no "
                            + "record holds the others back", channel, items.size(),
                            transientFailure ? "transiently " + retries.maxAttempts() + " times" : "permanently",
                            reason);
                    Uni<Void> oneByOne = Uni.createFrom().voidItem();
                    for (E item : items) {
                        oneByOne = oneByOne.chain(() -> apply(channel, List.of(item), work, retries, metrics, reject));
                    }
                    return oneByOne;
                });
    }

    private static <E> Uni<?> withRetries(String channel, List<E> items, Function<List<E>, Uni<?>> work,
            Retries retries, Metrics metrics) {
        Uni<?> once = Uni.createFrom().deferred(() -> work.apply(items));
        if (retries.maxAttempts() <= 1) {
            return once;
        }
        Duration max = retries.maxBackoff().compareTo(retries.initialBackoff()) < 0 ? retries.initialBackoff()
                : retries.maxBackoff();
        return once
                .onFailure(Failures::isTransient).invoke(failure -> {
                    metrics.retried(channel);
                    LOG.warnf("%s: %d record(s) not applied yet (transient), retried with back-off up to %d "
                            + "attempts: %s", channel, items.size(), retries.maxAttempts(), Failures.describe(failure));
                })
                .onFailure(Failures::isTransient).retry().withBackOff(retries.initialBackoff(), max)
                .atMost(retries.maxAttempts() - 1L);
    }

    private static <E> Uni<Void> rejectAll(String channel, List<E> items, String cause, String reason,
            Metrics metrics, Rejector<E> reject) {
        LOG.errorf("%s: %d record(s) dead-lettered (%s), the consumer moves on: %s", channel, items.size(), cause,
                reason);
        metrics.deadLettered(channel, cause, items.size());
        items.forEach(item -> reject.reject(item, cause, reason));
        return Uni.createFrom().voidItem();
    }
}
