package org.crosstenant.policy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Business settings of the policy service (prefix {@code policy}); each is overridable by env var, e.g. POLICY_ADMIN_ROLE. */
@ConfigMapping(prefix = "policy")
public interface PolicyConfig {

    /** CloudEvents {@code source} of everything this service publishes. */
    @WithDefault("/crosstenant/policy-service")
    String eventSource();

    /** Role (federated token {@code groups}) that may administer its own tenant's settings. */
    @WithDefault("collab-admin")
    String adminRole();

    /**
     * This instance's id, unique within the consumer group (default: the host name, see
     * {@link InstanceIdConfigSource}); Kafka consumers use {@code <instance-id>-<channel>} as group.instance.id.
     */
    String instanceId();

    Outbox outbox();

    Consumer consumer();

    /** How the invitations.events consumer retries a batch that failed transiently (e.g. the database is down). */
    interface Consumer {
        /**
         * Attempts of a batch (or, once a batch was split, of one record) before its records are dead-lettered with
         * the reason; a permanent failure is dead-lettered at the first attempt.
         */
        @WithDefault("60")
        int maxAttempts();

        /** Back-off after the first transient failure; it doubles with each further one. */
        @WithDefault("100ms")
        Duration initialBackoff();

        /** Longest back-off between two attempts. */
        @WithDefault("10s")
        Duration maxBackoff();
    }

    interface Outbox {
        /** How many unpublished rows one relay pass sends at most. */
        @WithDefault("100")
        int batchSize();

        /** Interval of the safety-net timer; the relay also runs right after every commit. */
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * Sends of one row that may fail transiently (broker unreachable, time-out, not enough replicas) before the
         * row is parked; a permanent failure (record too large, invalid topic) parks it at the first.
         */
        @WithDefault("10")
        int maxAttempts();

        /** Back-off after a row's first transient failure; it doubles with each further failure. */
        @WithDefault("1s")
        Duration retryInitialBackoff();

        /** Longest back-off between two sends of one row. */
        @WithDefault("5m")
        Duration retryMaxBackoff();
    }
}
