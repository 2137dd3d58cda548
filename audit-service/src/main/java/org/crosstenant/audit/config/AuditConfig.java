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

    interface Outbox {
        /** CloudEvent source of what we publish to audit.records. */
        @WithDefault("/crosstenant/audit-service")
        String source();

        /** Outbox rows the relay publishes per transaction. */
        @WithDefault("200")
        int batchSize();

        /** Safety-net period of the relay (it also runs right after each commit). */
        @WithDefault("5s")
        Duration relayInterval();
    }

    interface Consumer {
        /**
         * First back-off when an append fails for any reason but poison (database trouble); it doubles up to
         * {@link #maxBackoff()}. Such an event is retried without limit, never dead-lettered.
         */
        @WithDefault("200ms")
        Duration initialBackoff();

        /** Longest back-off between those retries: how long a recovered database may wait for us at most. */
        @WithDefault("10s")
        Duration maxBackoff();
    }
}
