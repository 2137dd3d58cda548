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
 * <li>{@code crosstenant_outbox_published_total} (counter, rows): rows this instance published and marked;</li>
 * <li>{@code crosstenant_outbox_parked_total{cause}} (counter, rows): rows parked, {@code cause=permanent} (the
 * broker will never accept them) or {@code retries-exhausted} (transient failures up to the ceiling); alert on any
 * increase;</li>
 * <li>{@code crosstenant_outbox_parked_rows} (gauge, rows): rows parked now, waiting for an operator; alert when
 * above 0;</li>
 * <li>{@code crosstenant_outbox_retries_total} (counter): transient send failures, each retried after a back-off.</li>
 * </ul>
 * The backlog and age gauges count rows waiting to be published, not parked ones.
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
    private final Counter parkedPermanent;
    private final Counter parkedExhausted;
    private final Counter retries;
    private final AtomicLong parked = new AtomicLong();
    /** {@code cause} of rows parked at the first failure. */
    static final String PARKED_PERMANENT = "permanent";
    /** {@code cause} of rows parked after {@code invitation.outbox.max-attempts} transient failures. */
    static final String PARKED_EXHAUSTED = "retries-exhausted";

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
        this.parkedPermanent = parkedCounter(registry, PARKED_PERMANENT);
        this.parkedExhausted = parkedCounter(registry, PARKED_EXHAUSTED);
        this.retries = Counter.builder("crosstenant.outbox.retries")
                .description("Outbox sends that failed transiently and are retried after a back-off")
                .tag("service", SERVICE_TAG).register(registry);
        Gauge.builder("crosstenant.outbox.parked.rows", parked, AtomicLong::get)
                .description("Outbox rows parked (never published until an operator re-queues them)")
                .tag("service", SERVICE_TAG).register(registry);
    }

    private static Counter parkedCounter(MeterRegistry registry, String cause) {
        return Counter.builder("crosstenant.outbox.parked").description("Outbox rows parked")
                .tags("service", SERVICE_TAG, "cause", cause).register(registry);
    }

    /** Counts rows the relay just marked published ({@code rows} ≥ 0). */
    void published(int rows) {
        published.increment(rows);
    }

    /** Counts rows a relay round parked (after its transaction committed). */
    void parked(String cause, int rows) {
        if (rows > 0) {
            (PARKED_PERMANENT.equals(cause) ? parkedPermanent : parkedExhausted).increment(rows);
            parked.addAndGet(rows);
        }
    }

    /** Counts transient send failures a relay round rescheduled (after its transaction committed). */
    void retried(int rows) {
        if (rows > 0) {
            retries.increment(rows);
        }
    }

    /** Refreshes the gauges; a failed query keeps the last values and is logged, never thrown. */
    @Scheduled(every = "{invitation.outbox.metrics-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refresh() {
        freshContext.run(() -> Panache.withSession(outbox::backlog)).subscribe().with(b -> {
            backlog.set(b.rows());
            oldestAgeSeconds.set(b.oldestAgeSeconds());
            parked.set(b.parked());
        }, failure -> LOG.debugf("Outbox backlog not measured: %s", failure.toString()));
    }
}
