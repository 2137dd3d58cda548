package org.crosstenant.invitation.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Business settings of the invitation lifecycle (prefix {@code invitation}). */
@ConfigMapping(prefix = "invitation")
public interface InvitationConfig {

    /** How long an invitation stays open (requested or pending acceptance) before the sweep expires it. */
    @WithDefault("P14D")
    Duration expiry();

    /** How long a guest grant lasts after redemption. */
    @WithDefault("P90D")
    Duration grantValidity();

    Redemption redemption();

    ExpirySweep expirySweep();

    DomainSweep domainSweep();

    Outbox outbox();

    interface Redemption {
        /** Random bytes in a redemption code; 16 bytes (128 bits) is the floor, enforced at startup. */
        @WithDefault("24")
        int codeBytes();

        /** Wrong codes accepted before the code is burnt (no further redemption possible). */
        @WithDefault("5")
        int maxFailedAttempts();
    }

    interface ExpirySweep {
        /** Period of the job that expires open invitations (the scheduler reads it as {invitation.expiry-sweep.interval}). */
        @WithDefault("30s")
        String interval();

        @WithDefault("100")
        int batchSize();
    }

    interface DomainSweep {
        /**
         * Period of the job that ends live invitations whose invitee's domain is no longer registered (issue #8; the
         * scheduler reads it as {invitation.domain-sweep.interval}); it also runs at start.
         */
        @WithDefault("60s")
        String interval();

        /**
         * Whether the sweep ends what it finds (true) or only logs how many live invitations the registry no longer
         * admits (false): set false to check a new registry before it takes effect.
         */
        @WithDefault("true")
        boolean enforce();
    }

    interface Outbox {
        /** Safety-net period of the relay; normal publication happens right after each commit. */
        @WithDefault("1s")
        String pollInterval();

        @WithDefault("100")
        int batchSize();

        /**
         * Period at which the outbox backlog gauges are refreshed (the scheduler reads it as
         * {invitation.outbox.metrics-interval}).
         */
        @WithDefault("5s")
        String metricsInterval();

        /** CloudEvents source attribute of everything this service publishes. */
        @WithDefault("/crosstenant/invitation-service")
        String source();

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

    Consumer consumer();

    /** How the policy.decisions consumer retries a batch that failed transiently (e.g. the database is down). */
    interface Consumer {
        /**
         * Attempts of a batch (or, once a batch was split, of one record) before its records are dead-lettered with
         * the reason; a permanent failure is dead-lettered at the first attempt.
         */
        @WithDefault("60")
        int maxAttempts();

        /** Back-off after the first transient failure; it doubles with each further one. */
        @WithDefault("200ms")
        Duration initialBackoff();

        /** Longest back-off between two attempts. */
        @WithDefault("10s")
        Duration maxBackoff();
    }
}
