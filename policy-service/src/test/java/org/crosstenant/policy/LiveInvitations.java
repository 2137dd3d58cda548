package org.crosstenant.policy;

import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.crosstenant.policy.service.PolicyEvents;
import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * Test support for issue #8: invitation-service's events as it writes them (all on partition 0 of
 * invitations.events, so that a later marker proves everything before it was consumed), and reading policy-service's
 * projection of live invitations and its outbox over JDBC.
 */
final class LiveInvitations {

    static final String PROJECTION_DLQ = "invitations.events.dlq.policy-service-live";
    static final String TYPE = "org.crosstenant.invitation.";

    private LiveInvitations() {
    }

    /** One invitation between a pair: its id, invitee and application ({@code projects} unless given). */
    record Invitation(DecisionFlowTest.Pair pair, UUID id, String email, String application) {
        static Invitation of(DecisionFlowTest.Pair pair, String localPart) {
            return of(pair, localPart, "projects");
        }

        static Invitation of(DecisionFlowTest.Pair pair, String localPart, String application) {
            return new Invitation(pair, UUID.randomUUID(), localPart + "@" + pair.home() + ".example", application);
        }

        String subject() {
            return "sub-" + email;
        }

        JsonObject base() {
            return new JsonObject().put("invitationId", id.toString()).put("resourceTenant", pair.resource())
                    .put("application", application)
                    .put("invitee", new JsonObject().put("tenant", pair.home()).put("email", email))
                    .put("occurredAt", "2026-12-01T09:00:00Z");
        }

        ProducerRecord<String, String> requested() {
            return event("requested.v1", new JsonObject(DecisionFlowTest.requestedPayload(pair, id, email))
                    .put("application", application).encode());
        }

        ProducerRecord<String, String> approvalRequested() {
            return event("approval-requested.v1", base().put("decisionId", UUID.randomUUID().toString()).encode());
        }

        ProducerRecord<String, String> approved() {
            return event("approved.v1", base().put("decisionId", UUID.randomUUID().toString()).encode());
        }

        ProducerRecord<String, String> redeemed() {
            return event("redeemed.v1", base().put("guest", new JsonObject().put("tenant", pair.home())
                    .put("issuer", "http://idp.example/" + pair.home()).put("subject", subject()).put("email", email))
                    .put("grantExpiresAt", "2027-03-01T09:00:00Z").encode());
        }

        ProducerRecord<String, String> revoked() {
            return event("revoked.v1", base().putNull("guest").put("revokedBy", new JsonObject()
                    .put("tenant", pair.resource()).put("subject", "admin").putNull("email")).encode());
        }

        ProducerRecord<String, String> expired() {
            return event("expired.v1", base().put("previousStatus", "requested")
                    .put("expiresAt", "2026-12-01T09:00:00Z").encode());
        }

        ProducerRecord<String, String> event(String type, String payload) {
            return record(id.toString(), TYPE + type, payload);
        }
    }

    /** A binary-mode CloudEvent on partition 0 of invitations.events, with a fresh ce_id. */
    static ProducerRecord<String, String> record(String key, String type, String payload) {
        ProducerRecord<String, String> plain = KafkaSupport.cloudEvent(DecisionFlowTest.INVITATIONS, key,
                UUID.randomUUID().toString(), type, payload);
        ProducerRecord<String, String> onZero = new ProducerRecord<>(DecisionFlowTest.INVITATIONS, 0, key, payload);
        plain.headers().forEach(h -> onZero.headers().add(h));
        return onZero;
    }

    /** Produces the records in order (one producer batch). */
    static void produce(List<ProducerRecord<String, String>> records) {
        KafkaSupport.produceAtOnce(records);
    }

    /**
     * Produces a marker invitation's approved.v1 after everything produced so far (partition 0) and waits until the
     * projection has it: every record before it was consumed by the projection channel.
     */
    static void awaitProjectedUpTo(DecisionFlowTest.Pair pair) {
        Invitation marker = Invitation.of(pair, "marker-" + UUID.randomUUID().toString().substring(0, 8));
        produce(List.of(marker.approved()));
        awaitStatus(marker.id(), "pending_acceptance");
    }

    /** A row of the projection: status, filer (null = unknown), guest subject; null when there is no row. */
    record Row(String status, Boolean filedByResourceAdmin, String guestSubject) {
    }

    static Row row(UUID invitation) {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select status, filed_by_resource_admin, guest_subject from live_invitations where invitation_id = ?")) {
            query.setObject(1, invitation);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                boolean filer = rows.getBoolean(2);
                Boolean known = rows.wasNull() ? null : filer; // wasNull is about the column read last
                return new Row(rows.getString(1), known, rows.getString(3));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Row awaitStatus(UUID invitation, String status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> row(invitation) != null && status.equals(row(invitation).status()));
        return row(invitation);
    }

    /** Live rows (not ended, not withdrawn) whose resource tenant is {@code resource}. */
    static int liveCount(String resource) {
        return count("select count(*) from live_invitations where resource_tenant = ? and stage < 5", resource);
    }

    /** Decisions made for invitations whose resource tenant is {@code resource}. */
    static int decisionCount(String resource) {
        return count("select count(*) from decisions where resource_tenant = ?", resource);
    }

    /** The payloads of the access-withdrawn.v1 outbox rows of an invitation (committed with the change). */
    static List<JsonObject> withdrawals(UUID invitation) {
        return outbox(invitation.toString(), PolicyEvents.ACCESS_WITHDRAWN).stream().map(OutboxRow::payload).toList();
    }

    /** An outbox row: its id (the event's ce_id) and payload. */
    record OutboxRow(UUID id, JsonObject payload) {
    }

    /** The outbox rows of one aggregate and type, in the order written. */
    static List<OutboxRow> outbox(String aggregateId, String type) {
        List<OutboxRow> found = new ArrayList<>();
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select id, payload::text from outbox where aggregate_id = ? and type = ? order by seq")) {
            query.setString(1, aggregateId);
            query.setString(2, type);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(new OutboxRow(rows.getObject(1, UUID.class), new JsonObject(rows.getString(2))));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    /** Every outbox row about a tenant: its own events ({@code tenant}) and those of its invitations. */
    static int outboxCountOf(String tenant) {
        return count("select count(*) from outbox where payload ->> 'tenant' = ? or payload ->> 'resourceTenant' = ?",
                tenant, tenant);
    }

    /** The one number a {@code select count(*)} with these string parameters answers. */
    private static int count(String sql, String... parameters) {
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The invitations with an access-withdrawn.v1 outbox row whose resource tenant is {@code resource}. */
    static List<UUID> withdrawnOf(String resource) {
        List<UUID> found = new ArrayList<>();
        try (Connection db = connect(); PreparedStatement query = db.prepareStatement(
                "select aggregate_id from outbox where type = ? and payload ->> 'resourceTenant' = ? order by seq")) {
            query.setString(1, PolicyEvents.ACCESS_WITHDRAWN);
            query.setString(2, resource);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(UUID.fromString(rows.getString(1)));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    static Connection connect() throws Exception {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }
}
