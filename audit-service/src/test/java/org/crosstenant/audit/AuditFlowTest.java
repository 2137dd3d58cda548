package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditFlowTest {

    // generous: on a loaded 2-core machine the consumers were seen joining 20-90 s after start; a pass returns at once
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @SuppressWarnings("unchecked")
    void everyTopicBecomesOrderedRecordsForBothSidesOfAnInvitation() {
        String inv = UUID.randomUUID().toString();
        String app = "app-" + inv.substring(0, 8);
        Events.send("invitations.events", inv, "org.crosstenant.invitation.requested.v1",
                Events.requested(inv, "contoso", "fabrikam", app));
        Events.send("policy.decisions", inv, "org.crosstenant.policy.decided.v1",
                Events.decided(inv, "contoso", "fabrikam", app, "allow"));
        Events.send("invitations.events", inv, "org.crosstenant.invitation.revoked.v1", """
                {"invitationId": "%s", "resourceTenant": "contoso", "application": "%s",
                 "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"}, "guest": null,
                 "revokedBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                 "occurredAt": "2026-11-28T09:00:00Z"}""".formatted(inv, app));
        Events.send("gateway.access", "contoso:fabrikam", "org.crosstenant.gateway.access-denied.v1",
                Events.access("contoso", "fabrikam", app, "no grant"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("contoso", Map.of("invitationId", inv)))
                .extracting(r -> r.get("action"))
                // decision and invitation events travel on different topics, so only each topic's order is fixed
                .contains("invitation.requested", "policy.decided", "invitation.revoked"));
        List<Map<String, Object>> contoso = Auditors.records("contoso", Map.of("invitationId", inv));
        List<Map<String, Object>> fabrikam = Auditors.records("fabrikam", Map.of("invitationId", inv));
        assertThat(contoso).hasSize(3);
        assertThat(fabrikam).isEqualTo(contoso);
        assertThat(contoso).allSatisfy(r -> {
            assertThat(r.get("tenants")).isEqualTo(List.of("contoso", "fabrikam"));
            assertThat(r.get("resourceTenant")).isEqualTo("contoso");
            assertThat(r.get("homeTenant")).isEqualTo("fabrikam");
            assertThat(r.get("application")).isEqualTo(app);
            assertThat((String) r.get("hash")).matches("[0-9a-f]{64}");
        });
        assertThat(contoso).extracting(r -> ((Number) r.get("sequence")).longValue()).isSorted().doesNotHaveDuplicates();
        List<String> invitationActions = contoso.stream().map(r -> (String) r.get("action"))
                .filter(a -> a.startsWith("invitation.")).toList();
        assertThat(invitationActions).containsExactly("invitation.requested", "invitation.revoked");

        Map<String, Object> requested = byAction(contoso, "invitation.requested");
        Map<?, ?> actor = (Map<?, ?>) requested.get("actor");
        assertThat(actor.get("tenant")).isEqualTo("fabrikam");
        assertThat(actor.get("subject")).isEqualTo("partner-bot");
        assertThat(actor.containsKey("email")).isTrue();
        assertThat(requested.get("sourceType")).isEqualTo("org.crosstenant.invitation.requested.v1");
        assertThat(((Map<?, ?>) requested.get("details")).get("requestedByRole")).isEqualTo("collab-partner");
        // issue #9 record schema, derived from the stored fields; fabrikam's view is the same (isEqualTo above)
        assertThat(requested.get("activity")).isEqualTo("Invite external user");
        assertThat(requested.get("category")).isEqualTo("UserManagement");
        assertThat(requested.get("initiatedBy")).isEqualTo(Map.of("tenant", "fabrikam", "subject", "partner-bot",
                "app", "invitation-service"));
        assertThat(requested.get("result")).isEqualTo("success");
        assertThat(requested.get("crossTenantAccessType")).isEqualTo("b2bCollaboration");
        assertThat(contoso).allSatisfy(r -> assertThat(r.get("correlationId")).isEqualTo(inv));
        assertThat((List<Object>) requested.get("targets")).contains(Map.of("type", "Invitation", "id", inv,
                "tenant", "contoso"), Map.of("type", "Application", "id", app, "tenant", "contoso"));
        Map<String, Object> decided = byAction(contoso, "policy.decided");
        assertThat(decided.get("outcome")).isEqualTo("allow");
        assertThat(decided.get("actor")).isNull();
        Map<String, Object> revoked = byAction(contoso, "invitation.revoked");
        assertThat(((Map<?, ?>) revoked.get("actor")).get("subject")).isEqualTo("alice");
        assertThat(revoked.get("occurredAt")).isEqualTo("2026-11-28T09:00:00Z");

        await().atMost(WAIT).untilAsserted(() -> assertThat(
                Auditors.records("fabrikam", Map.of("action", "gateway.access-denied")))
                .filteredOn(r -> app.equals(r.get("application")))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.get("outcome")).isEqualTo("denied");
                    assertThat(r.get("tenants")).isEqualTo(List.of("contoso", "fabrikam"));
                    assertThat(((Map<?, ?>) r.get("actor")).get("subject")).isEqualTo("bob-sub");
                }));

        Auditors.as("contoso").get("/api/v1/audit/verify").then().statusCode(200)
                .body("ok", org.hamcrest.Matchers.is(true))
                .body("firstBrokenSequence", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void anAggregatedAccessEventBecomesOneRecordWithItsCount() {
        String app = "app-" + UUID.randomUUID().toString().substring(0, 8);
        String session = "session-" + UUID.randomUUID();
        UUID allowed = Events.send("gateway.access", "contoso:fabrikam", "org.crosstenant.gateway.access-allowed.v1",
                Events.accessAggregated("contoso", "fabrikam", app, 412, session));
        UUID denied = Events.send("gateway.access", "contoso:fabrikam", "org.crosstenant.gateway.access-denied.v1",
                Events.access("contoso", "fabrikam", app, "no grant").replaceFirst("\\}\\s*$",
                        ", \"suppressedCount\": 37}"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("fabrikam", Map.of("type",
                "org.crosstenant.gateway.access-denied.v1"))).extracting(r -> r.get("sourceEventId"))
                .contains(denied.toString()));
        Map<String, Object> allowedRecord = Auditors.records("contoso", Map.of("type",
                "org.crosstenant.gateway.access-allowed.v1")).stream()
                .filter(r -> allowed.toString().equals(r.get("sourceEventId"))).findFirst().orElseThrow();
        Map<?, ?> details = (Map<?, ?>) allowedRecord.get("details");
        assertThat(details.get("requestCount")).isEqualTo(412);
        assertThat(details.get("session")).isEqualTo(session);
        assertThat(java.time.Instant.parse((String) details.get("firstAt")))
                .isBefore(java.time.Instant.parse((String) details.get("lastAt")));
        Map<String, Object> deniedRecord = Auditors.records("contoso", Map.of("type",
                "org.crosstenant.gateway.access-denied.v1")).stream()
                .filter(r -> denied.toString().equals(r.get("sourceEventId"))).findFirst().orElseThrow();
        assertThat(((Map<?, ?>) deniedRecord.get("details")).get("suppressedCount")).isEqualTo(37);
        Auditors.as("contoso").get("/api/v1/audit/verify").then().statusCode(200)
                .body("ok", org.hamcrest.Matchers.is(true));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTenantsOwnSettingsAndApplicationsAreSeenOnlyByThatTenant() {
        int version = 1000 + new java.util.Random().nextInt(1_000_000);
        UUID settingsEvent = Events.send("policy.events", "fabrikam", "org.crosstenant.policy.access-settings-changed.v1",
                Events.settingsChanged("fabrikam", "contoso", version));
        String app = "app-" + UUID.randomUUID().toString().substring(0, 8);
        UUID appEvent = Events.send("policy.events", "contoso", "org.crosstenant.policy.application-registered.v1",
                Events.applicationRegistered("contoso", app));

        await().atMost(WAIT).untilAsserted(() -> assertThat(sourceIds(Auditors.records("contoso", Map.of())))
                .contains(appEvent.toString()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(sourceIds(Auditors.records("fabrikam", Map.of())))
                .contains(settingsEvent.toString()));

        List<Map<String, Object>> contoso = Auditors.records("contoso", Map.of());
        List<Map<String, Object>> fabrikam = Auditors.records("fabrikam", Map.of());
        assertThat(sourceIds(contoso)).doesNotContain(settingsEvent.toString());
        assertThat(sourceIds(fabrikam)).doesNotContain(appEvent.toString());
        assertThat(contoso).allSatisfy(r -> assertThat((List<Object>) r.get("tenants")).contains("contoso"));
        assertThat(fabrikam).allSatisfy(r -> assertThat((List<Object>) r.get("tenants")).contains("fabrikam"));

        Map<String, Object> settings = fabrikam.stream()
                .filter(r -> settingsEvent.toString().equals(r.get("sourceEventId"))).findFirst().orElseThrow();
        assertThat(settings.get("action")).isEqualTo("policy.access-settings-changed");
        assertThat(settings.get("tenants")).isEqualTo(List.of("fabrikam"));
        assertThat(((Map<?, ?>) settings.get("details")).get("version")).isEqualTo(version);

        // asking for the other tenant never widens the view
        Auditors.as("contoso").queryParam("tenant", "fabrikam").get("/api/v1/audit/records")
                .then().statusCode(403).contentType("application/problem+json");
        assertThat(Auditors.records("contoso", Map.of("action", "policy.access-settings-changed")))
                .extracting(r -> r.get("sourceEventId")).doesNotContain(settingsEvent.toString());
    }

    @Test
    void aRedeliveredEventGivesNoSecondRecord() {
        String inv = UUID.randomUUID().toString();
        UUID id = UUID.randomUUID();
        String payload = Events.requested(inv, "contoso", "fabrikam", "contoso-projects");
        Events.send("invitations.events", inv, id, "org.crosstenant.invitation.requested.v1", payload);
        Events.send("invitations.events", inv, id, "org.crosstenant.invitation.requested.v1", payload);
        // same key, same partition: once this one is audited, both copies above have been handled
        Events.send("invitations.events", inv, "org.crosstenant.invitation.expired.v1", """
                {"invitationId": "%s", "resourceTenant": "contoso", "application": "contoso-projects",
                 "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"},
                 "previousStatus": "pending_acceptance", "expiresAt": "2026-12-11T10:15:30Z",
                 "occurredAt": "2026-12-11T10:15:45Z"}""".formatted(inv));

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("contoso", Map.of("invitationId", inv)))
                .extracting(r -> r.get("action")).contains("invitation.expired"));
        assertThat(Auditors.records("contoso", Map.of("invitationId", inv)))
                .extracting(r -> r.get("sourceEventId"))
                .containsOnlyOnce(id.toString())
                .hasSize(2);
    }

    @Test
    void poisonGoesToTheDeadLetterTopicAndConsumptionGoesOn() {
        String key = "poison-" + UUID.randomUUID();
        Events.send("invitations.events", key, "org.crosstenant.invitation.teleported.v1", "{\"invitationId\": \"x\"}");
        Events.send("policy.events", key, "org.crosstenant.policy.application-registered.v1", "{not json");
        Events.send("gateway.access", key, null, "org.crosstenant.gateway.access-allowed.v1",
                Events.access("contoso", "fabrikam", "no-ce-id", "missing ce_id"));
        Events.send("policy.decisions", key, "org.crosstenant.policy.decided.v1",
                "{\"invitationId\": \"x\", \"resourceTenant\": \"contoso\", \"homeTenant\": \"fabrikam\","
                        + " \"outcome\": \"maybe\", \"occurredAt\": \"2026-01-01T00:00:00Z\"}");
        String inv = UUID.randomUUID().toString();
        Events.send("invitations.events", inv, "org.crosstenant.invitation.requested.v1",
                Events.requested(inv, "contoso", "fabrikam", "contoso-projects"));

        for (String topic : List.of("invitations.events", "policy.events", "gateway.access", "policy.decisions")) {
            List<ConsumerRecord<String, String>> dead = Events.readAll(topic + ".dlq.audit-service",
                    r -> key.equals(r.key()), WAIT);
            assertThat(dead).as(topic).filteredOn(r -> key.equals(r.key())).singleElement()
                    .satisfies(r -> assertThat(Events.header(r, "dead-letter-reason")).isNotBlank());
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("contoso", Map.of("invitationId", inv)))
                .hasSize(1));
        assertThat(Auditors.records("contoso", Map.of("action", "gateway.access-allowed")))
                .extracting(r -> r.get("application")).doesNotContain("no-ce-id");
        assertThat(Auditors.records("contoso", Map.of("invitationId", "x"))).isEmpty();
    }

    @Test
    void auditRecordsGetsOneCloudEventPerTenantKeyedByTenantShapedLikeTheExample() throws IOException {
        String inv = UUID.randomUUID().toString();
        Events.send("invitations.events", inv, "org.crosstenant.invitation.requested.v1",
                Events.requested(inv, "contoso", "fabrikam", "contoso-projects"));
        await().atMost(WAIT).until(() -> Auditors.records("contoso", Map.of("invitationId", inv)).size() == 1);
        String recordId = (String) Auditors.records("contoso", Map.of("invitationId", inv)).get(0).get("recordId");

        List<ConsumerRecord<String, String>> published = Events.readUntilEach("audit.records", WAIT,
                r -> r.value().contains(recordId) && "contoso".equals(r.key()),
                r -> r.value().contains(recordId) && "fabrikam".equals(r.key()))
                .stream().filter(r -> r.value().contains(recordId)).toList();
        assertThat(published).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("contoso", "fabrikam");
        assertThat(published).extracting(r -> Events.header(r, "ce_id")).doesNotHaveDuplicates().doesNotContainNull();
        assertThat(published).allSatisfy(r -> {
            assertThat(Events.header(r, "ce_specversion")).isEqualTo("1.0");
            assertThat(Events.header(r, "ce_type")).isEqualTo("org.crosstenant.audit.record-appended.v1");
            assertThat(Events.header(r, "ce_source")).isEqualTo("/crosstenant/audit-service");
            assertThat(Events.header(r, "ce_subject")).isEqualTo(r.key());
            JsonNode value = JSON.readTree(r.value());
            assertThat(value.isObject()).as("a JSON object, not a JSON string").isTrue();
            assertThat(value.get("recordId").asText()).isEqualTo(recordId);
        });

        // issue #9: each message has an OCSF twin on audit.records.ocsf, same key, its own stable ce_id
        List<ConsumerRecord<String, String>> twins = Events.readAll("audit.records.ocsf",
                r -> r.value().contains(recordId), WAIT).stream().filter(r -> r.value().contains(recordId)).toList();
        assertThat(twins).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("contoso", "fabrikam");
        assertThat(twins).extracting(r -> Events.header(r, "ce_id")).doesNotHaveDuplicates().doesNotContainNull()
                .doesNotContainAnyElementsOf(published.stream().map(r -> Events.header(r, "ce_id")).toList());
        assertThat(twins).allSatisfy(r -> {
            assertThat(Events.header(r, "ce_type")).isEqualTo("org.crosstenant.audit.ocsf-event.v1");
            assertThat(Events.header(r, "ce_subject")).isEqualTo(r.key());
            JsonNode event = JSON.readTree(r.value());
            assertThat(OcsfSchema.violations(event)).isEmpty();
            assertThat(event.at("/metadata/uid").asText()).isEqualTo(recordId);
            assertThat(event.get("class_uid").intValue()).isEqualTo(6003);
            assertThat(event.at("/metadata/correlation_uid").asText()).isEqualTo(inv);
        });

        JsonNode example = JSON.readTree(Files.readString(
                Path.of("src/main/resources/events/org.crosstenant.audit.record-appended.v1.json")));
        JsonNode actual = JSON.readTree(published.get(0).value());
        assertThat(fieldNames(actual)).isEqualTo(fieldNames(example));
        assertThat(fieldNames(actual.get("actor"))).isEqualTo(fieldNames(example.get("actor")));
    }

    private static Map<String, Object> byAction(List<Map<String, Object>> records, String action) {
        return records.stream().filter(r -> action.equals(r.get("action"))).findFirst().orElseThrow();
    }

    private static List<Object> sourceIds(List<Map<String, Object>> records) {
        return records.stream().map(r -> r.get("sourceEventId")).toList();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        return names;
    }
}
