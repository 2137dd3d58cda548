package org.crosstenant.audit.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Business settings of the audit service (env vars: AUDIT_QUERY_DEFAULT_LIMIT, ...; see docs/config/audit-service.md). */
@ConfigMapping(prefix = "audit")
public interface AuditConfig {

    /** The group (federated token {@code groups} claim) that may read a tenant's audit records. */
    @WithDefault("collab-auditor")
    String auditorRole();

    Query query();

    Stream stream();

    Outbox outbox();

    Export export();

    Consumer consumer();

    interface Query {
        /** Page size when the caller gives no {@code limit}. */
        @WithDefault("100")
        int defaultLimit();

        /** Largest {@code limit} accepted; more is a 400, not a silent cut. */
        @WithDefault("1000")
        int maxLimit();
    }

    interface Stream {
        /** Interval of SSE keep-alive comments; each one also re-reads the database (catches other instances' appends). */
        @WithDefault("15s")
        Duration keepAlive();

        /** Records read per database round trip while replaying or catching up. */
        @WithDefault("500")
        int pageSize();
    }

    interface Export {
        /** Leaves read, proved and written per database round trip of {@code GET /api/v1/audit/export}. */
        @WithDefault("1000")
        int pageSize();

        /** Most leaves one export may span ({@code to - from + 1}); more is a 400 naming {@code to}. */
        @WithDefault("1000000")
        long maxRecords();
    }

    interface Outbox {
        /** CloudEvent source of what we publish to audit.records. */
        @WithDefault("/crosstenant/audit-service")
        String source();

        /**
         * Topic of the OCSF twin of every audit.records message (issue #9, docs/audit.md "OCSF mapping"); sent by the
         * same producer in the same pass, so the topic must exist (TopicProvisioning creates the default one).
         */
        @WithDefault("audit.records.ocsf")
        String ocsfTopic();

        /**
         * Whether the relay sends the OCSF twins at all; off, {@code audit.records} is published alone (for operators
         * whose SIEM reads the export or the records topic, and to measure what the twins cost: docs/performance.md).
         */
        @WithDefault("true")
        boolean ocsfEnabled();

        /**
         * Records the relay publishes per transaction (each gives one message per tenant it concerns, at most two,
         * and as many OCSF twins; all of them are handed to the producer at once, so they must fit its
         * {@code buffer.memory}, 32 MiB by default: keep it at or below 4000).
         */
        @WithDefault("1000")
        int batchSize();

        /** Safety-net period of the relay (it also runs right after each commit). */
        @WithDefault("5s")
        Duration relayInterval();

        /**
         * Passes in which the record at the cursor may fail transiently (broker unreachable, time-out) before its
         * failing messages are parked; a message the broker will never accept is parked at the first.
         */
        @WithDefault("10")
        int maxAttempts();

        /** Back-off after the first transient failure; it doubles with each further failure. */
        @WithDefault("1s")
        Duration retryInitialBackoff();

        /** Longest back-off between two passes at a failing record. */
        @WithDefault("5m")
        Duration retryMaxBackoff();
    }

    interface Consumer {
        /**
         * First back-off when the append of a batch fails transiently (database trouble); it doubles up to
         * {@link #maxBackoff()}, for at most {@link #maxAttempts()} attempts.
         */
        @WithDefault("200ms")
        Duration initialBackoff();

        /**
         * Attempts of a batch (or, once a batch was split after a permanent failure, of one record) that fails
         * transiently before its records are dead-lettered with the reason; a permanent failure (constraint
         * violation, value too long, any deterministic exception) is dead-lettered at the first attempt.
         */
        @WithDefault("60")
        int maxAttempts();

        /** Longest back-off between those retries: how long a recovered database may wait for us at most. */
        @WithDefault("10s")
        Duration maxBackoff();

        /**
         * This instance's name in the consumer group; each channel's {@code group.instance.id} is
         * {@code <instance-id>-<channel>} (static membership: a restarted instance resumes at once instead of after
         * the session timeout). Default {@code audit-service-<host name>} ({@link InstanceIdConfigSource}); must be
         * unique per running instance in the group.
         */
        String instanceId();
    }
}
