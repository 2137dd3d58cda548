package org.crosstenant.policy.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.repository.OutboxRepository;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The outbox figures an operator watches, tagged {@code service=policy} (Prometheus names):
 * <ul>
 *   <li>{@code crosstenant_outbox_backlog}: rows not yet published (gauge);</li>
 *   <li>{@code crosstenant_outbox_oldest_age_seconds}: seconds since the oldest unpublished row occurred, 0 when
 *   none waits (gauge);</li>
 *   <li>{@code crosstenant_outbox_published_total}: rows the relay published and marked (counter);</li>
 *   <li>{@code crosstenant_outbox_parked_total{cause}}: rows parked, {@code cause=permanent} (the broker will never
 *   accept them) or {@code cause=retries-exhausted} (transient failures up to the ceiling) (counter; alert on any
 *   increase);</li>
 *   <li>{@code crosstenant_outbox_parked_rows}: rows parked now, waiting for an operator (gauge; alert when above 0);</li>
 *   <li>{@code crosstenant_outbox_retries_total}: transient send failures, each retried after a back-off
 *   (counter).</li>
 * </ul>
 * The backlog and age gauges count rows waiting to be published, not parked ones.
 * A scrape must not block on the database, so the backlog is read by a timer (the relay's safety-net interval)
 * and the gauges report the last reading; the age is computed at scrape time from the oldest row's timestamp.
 */
@ApplicationScoped
public class OutboxMetrics {

    private static final Logger LOG = Logger.getLogger(OutboxMetrics.class);
    static final Tags TAGS = Tags.of("service", "policy");

    private final OutboxRepository outbox;
    private final Vertx vertx;
    private final Clock clock;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicReference<Instant> oldest = new AtomicReference<>();
    private final Counter published;
    private final Counter parkedPermanent;
    private final Counter parkedExhausted;
    private final Counter retries;
    private final AtomicLong parked = new AtomicLong();
    /** {@code cause} of rows parked at the first failure. */
    static final String PARKED_PERMANENT = "permanent";
    /** {@code cause} of rows parked after {@code policy.outbox.max-attempts} transient failures. */
    static final String PARKED_EXHAUSTED = "retries-exhausted";

    public OutboxMetrics(OutboxRepository outbox, Vertx vertx, MeterRegistry registry) {
        this.outbox = outbox;
        this.vertx = vertx;
        this.clock = Clock.systemUTC();
        Gauge.builder("crosstenant.outbox.backlog", backlog, AtomicLong::get)
                .description("outbox rows not yet published").tags(TAGS).register(registry);
        Gauge.builder("crosstenant.outbox.oldest.age.seconds", this, OutboxMetrics::oldestAgeSeconds)
                .description("seconds since the oldest unpublished outbox row occurred (0 when none waits)")
                .tags(TAGS).register(registry);
        this.published = Counter.builder("crosstenant.outbox.published")
                .description("outbox rows published to Kafka and marked published").tags(TAGS).register(registry);
        this.parkedPermanent = parkedCounter(registry, PARKED_PERMANENT);
        this.parkedExhausted = parkedCounter(registry, PARKED_EXHAUSTED);
        this.retries = Counter.builder("crosstenant.outbox.retries")
                .description("outbox sends that failed transiently and are retried after a back-off").tags(TAGS)
                .register(registry);
        Gauge.builder("crosstenant.outbox.parked.rows", parked, AtomicLong::get)
                .description("outbox rows parked (never published until an operator re-queues them)").tags(TAGS)
                .register(registry);
    }

    private static Counter parkedCounter(MeterRegistry registry, String cause) {
        return Counter.builder("crosstenant.outbox.parked").description("outbox rows parked")
                .tags(TAGS.and("cause", cause)).register(registry);
    }

    /** Counts rows a relay pass parked (after its transaction committed). */
    void parked(String cause, int rows) {
        if (rows > 0) {
            (PARKED_PERMANENT.equals(cause) ? parkedPermanent : parkedExhausted).increment(rows);
            parked.addAndGet(rows);
        }
    }

    /** Counts transient send failures a relay pass rescheduled (after its transaction committed). */
    void retried(int rows) {
        if (rows > 0) {
            retries.increment(rows);
        }
    }

    /** Counts rows a relay pass published and marked (after its transaction committed). */
    void published(int rows) {
        if (rows > 0) {
            published.increment(rows);
        }
    }

    /** Seconds (fractional) since the oldest unpublished row occurred, as of the last reading; 0 when none. */
    double oldestAgeSeconds() {
        Instant since = oldest.get();
        return since == null ? 0.0 : Math.max(0, clock.millis() - since.toEpochMilli()) / 1000.0;
    }

    @Scheduled(every = "${policy.outbox.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> refresh() {
        return SafeContexts.onFreshContext(vertx, () -> Panache.withSession(outbox::backlog))
                .invoke(reading -> {
                    backlog.set(reading.count());
                    oldest.set(reading.oldest());
                    parked.set(reading.parked());
                })
                .onFailure().invoke(failure -> LOG.debugf(failure, "outbox backlog not read"))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
