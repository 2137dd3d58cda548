package org.crosstenant.invitation.messaging;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.repository.OutboxRepository;
import org.crosstenant.invitation.service.FreshContext;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;

/**
 * The outbox figures an operator watches, in Prometheus form on {@code /q/metrics} (all tagged
 * {@code service=invitation}):
 * <ul>
 * <li>{@code crosstenant_outbox_backlog} (gauge, rows): outbox rows not yet published;</li>
 * <li>{@code crosstenant_outbox_oldest_age_seconds} (gauge, seconds): age of the oldest unpublished row, 0 when none;</li>
 * <li>{@code crosstenant_outbox_published_total} (counter, rows): rows this instance published and marked.</li>
 * </ul>
 * The two gauges are refreshed by one query every {@code invitation.outbox.metrics-interval} (a scrape never waits
 * on the database), so they may trail the table by that interval.
 */
@ApplicationScoped
public class OutboxMetrics {

    private static final Logger LOG = Logger.getLogger(OutboxMetrics.class);
    static final String SERVICE_TAG = "invitation";

    private final OutboxRepository outbox;
    private final FreshContext freshContext;
    private final Counter published;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicReference<Double> oldestAgeSeconds = new AtomicReference<>(0.0);

    public OutboxMetrics(MeterRegistry registry, OutboxRepository outbox, FreshContext freshContext) {
        this.outbox = outbox;
        this.freshContext = freshContext;
        this.published = Counter.builder("crosstenant.outbox.published")
                .description("Outbox rows published to Kafka and marked published by this instance")
                .tag("service", SERVICE_TAG).register(registry);
        Gauge.builder("crosstenant.outbox.backlog", backlog, AtomicLong::get)
                .description("Outbox rows not yet published").tag("service", SERVICE_TAG).register(registry);
        Gauge.builder("crosstenant.outbox.oldest.age.seconds", oldestAgeSeconds, AtomicReference::get)
                .description("Age in seconds of the oldest unpublished outbox row (0 when none)")
                .tag("service", SERVICE_TAG).register(registry);
    }

    /** Counts rows the relay just marked published ({@code rows} ≥ 0). */
    void published(int rows) {
        published.increment(rows);
    }

    /** Refreshes the gauges; a failed query keeps the last values and is logged, never thrown. */
    @Scheduled(every = "{invitation.outbox.metrics-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refresh() {
        freshContext.run(() -> Panache.withSession(outbox::backlog)).subscribe().with(b -> {
            backlog.set(b.rows());
            oldestAgeSeconds.set(b.oldestAgeSeconds());
        }, failure -> LOG.debugf("Outbox backlog not measured: %s", failure.toString()));
    }
}
