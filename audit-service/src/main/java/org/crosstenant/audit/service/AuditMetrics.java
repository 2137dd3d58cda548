package org.crosstenant.audit.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

import org.crosstenant.audit.model.AuditRecord;

/**
 * The figures an operator watches on {@code /q/metrics} (Prometheus names):
 * <ul>
 * <li>{@code crosstenant_audit_appended_records_total}: records appended (counter);</li>
 * <li>{@code crosstenant_audit_append_batch_size}: records per committed append transaction (summary with p50/p99);</li>
 * <li>{@code crosstenant_audit_append_lag_seconds}: event time ({@code occurredAt}) → append committed, per record
 * (timer with p50/p90/p99/p99.9 and histogram buckets);</li>
 * <li>{@code crosstenant_audit_outbox_backlog}: records committed but not yet published to audit.records;</li>
 * <li>{@code crosstenant_audit_outbox_oldest_age_seconds}: age of the oldest of those (0 when none);</li>
 * <li>{@code crosstenant_outbox_parked_total{service="audit",cause}}: messages to audit.records parked,
 * {@code cause=permanent} (the broker will never accept them) or {@code retries-exhausted} (alert on any
 * increase);</li>
 * <li>{@code crosstenant_outbox_parked_rows{service="audit"}}: messages in {@code publish_parked} (alert when above
 * 0);</li>
 * <li>{@code crosstenant_outbox_retries_total{service="audit"}}: relay passes that met a transient failure and back
 * off;</li>
 * <li>{@code crosstenant_audit_pruned_records_total}: records whose body retention cleared (counter; docs/audit.md
 * "Retention").</li>
 * </ul>
 * Registered at start-up so that every name exists before the first append.
 */
@Singleton
@Startup
public class AuditMetrics {

    private final Counter appended;
    private final DistributionSummary batchSize;
    private final Timer lag;
    private final AtomicLong backlog = new AtomicLong();
    /** Microseconds, so that the gauge can read an atomic. */
    private final AtomicLong oldestAgeMicros = new AtomicLong();

    /** {@code cause} of messages parked at the first failure. */
    public static final String PARKED_PERMANENT = "permanent";
    /** {@code cause} of messages parked after {@code audit.outbox.max-attempts} transient failures. */
    public static final String PARKED_EXHAUSTED = "retries-exhausted";

    private final Counter parkedPermanent;
    private final Counter parkedExhausted;
    private final Counter retries;
    private final AtomicLong parkedRows = new AtomicLong();
    private final Counter pruned;

    public AuditMetrics(MeterRegistry registry) {
        parkedPermanent = Counter.builder("crosstenant.outbox.parked").description("outbox messages parked")
                .tags("service", "audit", "cause", PARKED_PERMANENT).register(registry);
        parkedExhausted = Counter.builder("crosstenant.outbox.parked").description("outbox messages parked")
                .tags("service", "audit", "cause", PARKED_EXHAUSTED).register(registry);
        retries = Counter.builder("crosstenant.outbox.retries")
                .description("relay passes that met a transient failure and back off").tag("service", "audit")
                .register(registry);
        Gauge.builder("crosstenant.outbox.parked.rows", parkedRows, AtomicLong::get)
                .description("messages parked (never published until an operator re-queues them)")
                .tag("service", "audit").register(registry);
        pruned = Counter.builder("crosstenant.audit.pruned.records")
                .description("Audit records whose body retention cleared").register(registry);
        appended = Counter.builder("crosstenant.audit.appended.records")
                .description("Audit records appended to the hash chain").register(registry);
        batchSize = DistributionSummary.builder("crosstenant.audit.append.batch.size")
                .description("Records per committed append transaction").publishPercentiles(0.5, 0.99)
                .register(registry);
        lag = Timer.builder("crosstenant.audit.append.lag")
                .description("Event time (occurredAt) to append committed, per record")
                .publishPercentiles(0.5, 0.9, 0.99, 0.999).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        Gauge.builder("crosstenant.audit.outbox.backlog", backlog, AtomicLong::get)
                .description("Audit records committed but not yet published to audit.records").register(registry);
        Gauge.builder("crosstenant.audit.outbox.oldest.age", oldestAgeMicros, micros -> micros.get() / 1e6)
                .baseUnit("seconds")
                .description("Age of the oldest audit record not yet published to audit.records").register(registry);
    }

    /**
     * @param records what one transaction appended (not empty)
     * @param committedAt when it committed
     */
    public void appended(List<AuditRecord> records, Instant committedAt) {
        appended.increment(records.size());
        batchSize.record(records.size());
        for (AuditRecord record : records) {
            Duration behind = Duration.between(record.occurredAt(), committedAt);
            // a producer clock ahead of ours must not make a negative lag
            lag.record(behind.isNegative() ? Duration.ZERO : behind);
        }
    }

    /**
     * @param unpublished records not yet published to audit.records
     * @param oldestAge age of the oldest of them; {@link Duration#ZERO} when there is none
     */
    public void outbox(long unpublished, Duration oldestAge) {
        backlog.set(unpublished);
        oldestAgeMicros.set(oldestAge.isNegative() ? 0 : oldestAge.toNanos() / 1000);
    }

    /** Counts messages the relay parked ({@code cause}: {@link #PARKED_PERMANENT} or {@link #PARKED_EXHAUSTED}). */
    public void outboxParked(String cause, int messages) {
        if (messages > 0) {
            (PARKED_PERMANENT.equals(cause) ? parkedPermanent : parkedExhausted).increment(messages);
            parkedRows.addAndGet(messages);
        }
    }

    /** Counts relay passes that met a transient failure. */
    public void outboxRetried(int passes) {
        if (passes > 0) {
            retries.increment(passes);
        }
    }

    /** @param parked messages in {@code publish_parked}, as last read */
    public void outboxParkedRows(long parked) {
        parkedRows.set(parked);
    }

    /** Counts records retention pruned. */
    public void pruned(long records) {
        if (records > 0) {
            pruned.increment(records);
        }
    }
}
