package org.crosstenant.audit.service;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

import jakarta.enterprise.event.Observes;

import org.crosstenant.audit.config.RetentionConfig;
import org.crosstenant.audit.repository.RetentionRepository;
import org.jboss.logging.Logger;

/**
 * Retention (docs/audit.md "Retention"): every {@code crosstenant.audit.retention.interval}, when
 * {@code crosstenant.audit.retention.max-age} is set, clears the body of every record recorded longer ago than that,
 * oldest first, in batches. The Merkle tree is not touched, so proofs stay valid; the hash chain keeps its links.
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);

    private final RetentionConfig config;
    private final RetentionRepository repository;
    private final AuditMetrics metrics;

    public Retention(RetentionConfig config, RetentionRepository repository, AuditMetrics metrics) {
        this.config = config;
        this.repository = repository;
        this.metrics = metrics;
    }

    /** Refuses to start with a max-age that is not positive or a batch size below 1 (a typo must not prune all). */
    void check(@Observes StartupEvent start) {
        config.maxAge().ifPresent(age -> {
            if (age.isZero() || age.isNegative()) {
                throw new IllegalStateException("crosstenant.audit.retention.max-age must be positive, not " + age);
            }
        });
        if (config.batchSize() < 1) {
            throw new IllegalStateException("crosstenant.audit.retention.batch-size must be at least 1");
        }
    }

    @Scheduled(every = "${crosstenant.audit.retention.interval}", delayed = "${crosstenant.audit.retention.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> scheduled() {
        if (config.maxAge().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pruneNow().onFailure().invoke(e -> LOG.warn("retention pass failed; the next one retries", e))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * One pass: prunes batches until none is full. Does nothing when retention is off.
     *
     * @return records pruned by this pass
     */
    public Uni<Long> pruneNow() {
        if (config.maxAge().isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        Duration maxAge = config.maxAge().get();
        Instant cutoff = Instant.now().minus(maxAge);
        return pass(cutoff, 0L).invoke(total -> {
            if (total > 0) {
                LOG.infof("retention pruned %d audit records recorded before %s", total, cutoff);
            }
        });
    }

    private Uni<Long> pass(Instant cutoff, long sofar) {
        return repository.pruneBatch(cutoff, config.batchSize()).flatMap(count -> {
            metrics.pruned(count);
            long total = sofar + count;
            return count < config.batchSize() ? Uni.createFrom().item(total) : pass(cutoff, total);
        });
    }
}
