package org.crosstenant.policy.messaging;

import org.crosstenant.platform.messaging.ConsumerCounters;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** This service's consumer counters ({@link ConsumerCounters}), tagged {@code service=policy}. */
@Singleton // no client proxy: the superclass has no no-args constructor, and the bean keeps no state
public class ConsumerMetrics extends ConsumerCounters {

    public ConsumerMetrics(MeterRegistry registry) {
        super(registry, "policy");
    }
}
