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
        /** Retries of a failed append (database trouble) before the event goes to the dead-letter topic. */
        @WithDefault("5")
        int maxRetries();

        /** First back-off of those retries; doubles up to ten times this. */
        @WithDefault("200ms")
        Duration initialBackoff();
    }
}
