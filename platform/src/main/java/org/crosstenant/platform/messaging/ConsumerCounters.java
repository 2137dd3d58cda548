package org.crosstenant.platform.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What a service's Kafka consumers count, for {@link IsolatingApplier} and the services' own dead-lettering
 * (Prometheus names, tagged {@code service} and {@code channel}); each service makes one bean of it with its name:
 * <ul>
 * <li>{@code crosstenant_consumer_retries_total}: transient processing failures (database unreachable, time-out),
 * each retried after a back-off (counter);</li>
 * <li>{@code crosstenant_consumer_dead_lettered_total{cause}}: records sent to the channel's dead-letter topic,
 * {@code cause=invalid} (malformed record), {@code permanent} (processing failed in a way retrying cannot fix:
 * constraint violation, value too long, unreadable state) (counter; alert on {@code permanent});</li>
 * <li>{@code crosstenant_consumer_stuck_total}: retry rounds that ended with a record still failing transiently; the
 * record is kept and retried, never dead-lettered (counter; alert on it: its partition waits).</li>
 * </ul>
 */
public class ConsumerCounters implements IsolatingApplier.Metrics {

    /** {@code cause} of a malformed record. */
    public static final String INVALID = "invalid";
    /** {@code cause} of a record whose processing failed deterministically. */
    public static final String PERMANENT = IsolatingApplier.PERMANENT;

    private final MeterRegistry registry;
    private final String service;

    /**
     * @param registry where the counters are registered
     * @param service  the {@code service} tag, e.g. {@code invitation}
     */
    protected ConsumerCounters(MeterRegistry registry, String service) {
        this.registry = registry;
        this.service = service;
    }

    /** Counts one transient failure of {@code channel}'s processing that is retried. */
    @Override
    public void retried(String channel) {
        Counter.builder("crosstenant.consumer.retries")
                .description("transient consumer processing failures, retried after a back-off")
                .tags("service", service, "channel", channel).register(registry).increment();
    }

    /**
     * Counts one round of {@code channel}'s retries that ended with a record still failing transiently: the record is
     * kept and retried at the back-off ceiling, never dead-lettered (alert on it: the partition waits).
     */
    @Override
    public void stuck(String channel) {
        Counter.builder("crosstenant.consumer.stuck")
                .description("retry rounds that ended with a record still failing transiently (kept, retried)")
                .tags("service", service, "channel", channel).register(registry).increment();
    }

    /**
     * Counts records sent to {@code channel}'s dead-letter topic.
     *
     * @param cause   {@link #INVALID} or {@link #PERMANENT}
     * @param records how many (nothing is counted for 0)
     */
    @Override
    public void deadLettered(String channel, String cause, int records) {
        if (records > 0) {
            Counter.builder("crosstenant.consumer.dead.lettered")
                    .description("records sent to a dead-letter topic")
                    .tags("service", service, "channel", channel, "cause", cause).register(registry)
                    .increment(records);
        }
    }
}
