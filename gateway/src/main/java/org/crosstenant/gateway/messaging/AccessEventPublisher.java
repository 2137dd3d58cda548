package org.crosstenant.gateway.messaging;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.crosstenant.gateway.config.AccessAuditConfig;
import org.crosstenant.gateway.config.GatewayConfig;
import org.crosstenant.gateway.model.AccessDecision;
import org.crosstenant.gateway.model.AccessEvent;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.crosstenant.gateway.service.AccessAuditor;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Where /apps access decisions go: aggregated by an {@link AccessAuditor} (one {@code access-allowed.v1} per caller,
 * application and federated session per window; {@code access-denied.v1} rate-limited per caller and resource tenant,
 * and per home tenant and resource tenant, with a suppressed count) and sent by the {@link AccessEventSender} (bounded buffer, re-sent until acknowledged).
 * Never blocks or fails the request. A background thread flushes ended windows every {@code flush-interval}; at
 * shutdown everything held is flushed and the sender is given {@code drain-timeout} to get it acknowledged.
 * <p>
 * Metrics: {@code crosstenant_gateway_access_events_suppressed_total},
 * {@code crosstenant_gateway_access_events_dropped_total} (requests whose event was lost; stays 0 unless the buffer
 * is full and the aggregation state is at its bound at once).
 */
@ApplicationScoped
public class AccessEventPublisher {

    public static final String ALLOWED = AccessEvent.ALLOWED_TYPE;
    public static final String DENIED = AccessEvent.DENIED_TYPE;
    private static final Logger LOG = Logger.getLogger(AccessEventPublisher.class);

    private final AccessAuditor auditor;
    private final AccessEventSender sender;
    private final AccessAuditConfig config;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-access-flush");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public AccessEventPublisher(AccessAuditConfig config, GatewayConfig gateway, AccessEventSender sender,
            MeterRegistry registry) {
        this.config = config;
        this.sender = sender;
        Counter suppressed = Counter.builder("crosstenant.gateway.access.events.suppressed")
                .description("access-denied events left out by the per-caller rate limit (carried as suppressedCount)")
                .register(registry);
        Counter dropped = Counter.builder("crosstenant.gateway.access.events.dropped")
                .description("requests whose access event was lost (buffer full while aggregation state was full)")
                .register(registry);
        java.util.Set<String> tenants = java.util.Set.copyOf(gateway.tenants());
        this.auditor = new AccessAuditor(config.window(), config.deniedPerSecond(), config.deniedPerSecondPerTenant(),
                tenants::contains,
                config.maxTrackedKeys(),
                sender::offer, Clock.systemUTC(), new AccessAuditor.Counters() {
                    @Override
                    public void suppressed() {
                        suppressed.increment();
                    }

                    @Override
                    public void dropped(long requests) {
                        dropped.increment(requests);
                        LOG.errorf("gateway.access: the event of %d request(s) was lost: buffer full (%d pending)"
                                + " and %d keys tracked", requests, sender.pending(), auditor().trackedKeys());
                    }
                });
        long every = Math.max(10, config.flushInterval().toMillis());
        flusher.scheduleWithFixedDelay(this::flush, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Records one decided /apps request (allowed or denied); the event(s) follow as described above.
     *
     * @param caller the verified caller (its session groups allowed requests)
     * @param resourceTenant the application's tenant
     * @param application the application id
     * @param decision allowed or not, guest or member, and why
     * @param method HTTP method
     * @param path the path as the caller sent it
     */
    public void publish(FederatedIdentity caller, String resourceTenant, String application, AccessDecision decision,
            String method, String path) {
        try {
            auditor.record(caller, resourceTenant, application, decision, method, path);
        } catch (RuntimeException e) {
            // auditing must never fail the request it audits
            LOG.errorf(e, "gateway.access: cannot record the decision on %s/%s", resourceTenant, application);
        }
    }

    AccessAuditor auditor() {
        return auditor;
    }

    private void flush() {
        try {
            auditor.flush();
        } catch (RuntimeException e) {
            LOG.errorf(e, "gateway.access: flush failed; retried on the next tick");
        }
    }

    void onShutdown(@Observes ShutdownEvent event) {
        flusher.shutdownNow();
        auditor.flushAll();
        if (!sender.awaitDrained(config.drainTimeout())) {
            LOG.errorf("gateway.access: %d event(s) not acknowledged by the broker at shutdown", sender.pending());
        }
    }
}
