package org.crosstenant.gateway.messaging;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.crosstenant.gateway.config.AccessAuditConfig;
import org.crosstenant.gateway.model.AccessEvent;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends {@code gateway.access} events to Kafka and keeps each one until the broker acknowledged it (acks=all,
 * idempotent producer): a bounded in-memory buffer with back-pressure, not a durable queue. The gateway has no
 * database, and after aggregation ({@code AccessAuditor}) the event rate is small, so memory is enough to ride out a
 * broker outage: the Kafka producer retries within {@code delivery.timeout.ms}, and an event the producer still gives
 * up on is sent again (same CloudEvents id, so a consumer's inbox drops a duplicate) after {@code retry-backoff}, for
 * as long as the process lives. What is lost is a process crash while the broker is away (docs/topics.md).
 * <p>
 * At most {@code buffer-size} events are pending (handed over, not yet acknowledged); {@link #offer} refuses more,
 * which makes the auditor hold the counts back. Metric {@code crosstenant_gateway_access_events_pending}.
 */
@ApplicationScoped
public class AccessEventSender {

    static final URI SOURCE = URI.create("/crosstenant/gateway");
    private static final Logger LOG = Logger.getLogger(AccessEventSender.class);

    private final Emitter<String> emitter;
    private final ObjectMapper json;
    private final int capacity;
    private final Duration retryBackoff;
    private final AtomicInteger pending = new AtomicInteger();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-access-retry");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param emitter the {@code gateway-access} channel; its own buffer is unbounded because this class bounds it
     * @param json serialises payloads
     * @param config buffer size and retry backoff
     * @param registry where the pending gauge is registered
     */
    @Inject
    public AccessEventSender(@Channel("gateway-access") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<String> emitter,
            ObjectMapper json, AccessAuditConfig config, MeterRegistry registry) {
        this.emitter = emitter;
        this.json = json;
        this.capacity = config.bufferSize();
        this.retryBackoff = config.retryBackoff();
        Gauge.builder("crosstenant.gateway.access.events.pending", pending, AtomicInteger::get)
                .description("gateway.access events handed to Kafka and not yet acknowledged")
                .register(registry);
    }

    /**
     * Takes an event for publication unless the buffer is full.
     *
     * @return true if the event is now pending (it will be sent until acknowledged), false if refused (buffer full:
     *         the caller keeps it and offers it again later)
     */
    public boolean offer(AccessEvent event) {
        if (pending.incrementAndGet() > capacity) {
            pending.decrementAndGet();
            return false;
        }
        String body;
        try {
            body = json.writeValueAsString(event.payload());
        } catch (JsonProcessingException e) {
            pending.decrementAndGet();
            throw new IllegalStateException("cannot serialise a gateway.access event", e);
        }
        send(event, UUID.randomUUID().toString(), body, 0);
        return true;
    }

    /** Events pending (handed over, not yet acknowledged). */
    public int pending() {
        return pending.get();
    }

    /**
     * Waits until every pending event is acknowledged or the timeout passes.
     *
     * @return true if nothing is pending any more
     */
    public boolean awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return pending.get() == 0;
    }

    @PreDestroy
    void close() {
        retries.shutdownNow();
    }

    private void send(AccessEvent event, String id, String body, int attempt) {
        Metadata metadata = Metadata.of(
                OutgoingCloudEventMetadata.<String> builder().withId(id).withType(event.type()).withSource(SOURCE)
                        .withSubject(event.resourceTenant() + "/" + event.application())
                        .withTimestamp(event.firstAt().atZone(ZoneOffset.UTC))
                        .withDataContentType("application/json").build(),
                OutgoingKafkaRecordMetadata.<String> builder().withKey(event.key()).build());
        Message<String> message = Message.of(body, metadata)
                .withAck(() -> {
                    pending.decrementAndGet();
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    retry(event, id, body, attempt, failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            retry(event, id, body, attempt, e); // channel not ready yet (startup) or terminated
        }
    }

    private void retry(AccessEvent event, String id, String body, int attempt, Throwable failure) {
        LOG.warnf("gateway.access event %s (%s) not acknowledged (attempt %d), sending it again in %s: %s", id,
                event.type(), attempt + 1, retryBackoff, failure.toString());
        try {
            retries.schedule(() -> send(event, id, body, attempt + 1), retryBackoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            pending.decrementAndGet();
            LOG.errorf("gateway.access event %s (%s) was NOT published (shutting down): %s", id, event.type(),
                    failure.toString());
        }
    }
}
