package org.crosstenant.gateway.messaging;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.model.AccessDecision;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes every /apps access decision to gateway.access. The gateway has no database, hence no outbox: the send
 * is acks=all and asynchronous (never delays the request), and a send the broker refuses is logged with the event
 * id so the loss is visible. Accepted trade-off, see docs/config/gateway.md.
 */
@ApplicationScoped
public class AccessEventPublisher {

    public static final String ALLOWED = "org.crosstenant.gateway.access-allowed.v1";
    public static final String DENIED = "org.crosstenant.gateway.access-denied.v1";
    static final URI SOURCE = URI.create("/crosstenant/gateway");
    private static final Logger LOG = Logger.getLogger(AccessEventPublisher.class);

    private final Emitter<String> emitter;
    private final ObjectMapper json;

    public AccessEventPublisher(@Channel("gateway-access") @OnOverflow(value = OnOverflow.Strategy.BUFFER,
            bufferSize = 4096) Emitter<String> emitter, ObjectMapper json) {
        this.emitter = emitter;
        this.json = json;
    }

    public void publish(FederatedIdentity caller, String resourceTenant, String application, AccessDecision decision,
            String method, String path) {
        Map<String, Object> payload = payload(caller, resourceTenant, application, decision, method, path,
                Instant.now());
        String id = UUID.randomUUID().toString();
        String type = decision.allowed() ? ALLOWED : DENIED;
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            LOG.errorf(e, "cannot serialise access event %s", id);
            return;
        }
        Metadata metadata = Metadata.of(
                OutgoingCloudEventMetadata.<String> builder().withId(id).withType(type).withSource(SOURCE)
                        .withSubject(resourceTenant + "/" + application).withTimestamp(java.time.ZonedDateTime.now())
                        .withDataContentType("application/json").build(),
                OutgoingKafkaRecordMetadata.<String> builder().withKey(resourceTenant + ":" + caller.tenant()).build());
        Message<String> message = Message.of(body, metadata)
                .withAck(() -> CompletableFuture.completedFuture(null))
                .withNack(failure -> {
                    LOG.errorf("gateway.access event %s (%s) was NOT published: %s", id, type, failure.getMessage());
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            // buffer full or channel down: the request must still be served
            LOG.errorf("gateway.access event %s (%s) was NOT published: %s", id, type, e.getMessage());
        }
    }

    static Map<String, Object> payload(FederatedIdentity caller, String resourceTenant, String application,
            AccessDecision decision, String method, String path, Instant at) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("resourceTenant", resourceTenant);
        payload.put("homeTenant", caller.tenant());
        payload.put("application", application);
        payload.put("subject", caller.subject());
        payload.put("email", caller.email());
        payload.put("guest", decision.guest());
        payload.put("method", method);
        payload.put("path", path);
        payload.put("reason", decision.reason());
        payload.put("occurredAt", at.toString());
        return payload;
    }
}
