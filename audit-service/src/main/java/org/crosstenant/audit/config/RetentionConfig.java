package org.crosstenant.audit.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Retention of record bodies (docs/audit.md "Retention", docs/config/audit-service.md). */
@ConfigMapping(prefix = "crosstenant.audit.retention")
public interface RetentionConfig {

    /**
     * Age ({@code recordedAt}) after which a record's body is pruned, ISO-8601 ({@code P400D}) or Quarkus form
     * ({@code 400d}); absent (the default) = retention off, nothing is ever pruned. Must be positive.
     */
    Optional<Duration> maxAge();

    /** How often the pruning pass runs (it does nothing while {@link #maxAge()} is absent). */
    @WithDefault("1h")
    Duration interval();

    /** Records pruned per transaction; a pass repeats batches until nothing old enough is left. */
    @WithDefault("1000")
    int batchSize();
}
