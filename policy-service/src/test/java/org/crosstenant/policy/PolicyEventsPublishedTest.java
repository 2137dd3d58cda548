package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What the REST changes publish on policy.events, read back with a plain KafkaConsumer. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class PolicyEventsPublishedTest {

    @Test
    void applicationRegisteredIsPublishedAsABinaryCloudEventKeyedByTheApplication() {
        String tenant = TestStack.tenant("contoso");
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090", "displayName", "Projects"))
                .when().put("/api/v1/tenants/{tenant}/applications/{app}", tenant, "contoso-projects")
                .then().statusCode(200);

        String key = tenant + "/applications/contoso-projects";
        ConsumerRecord<String, String> record = KafkaSupport.awaitRecord(PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> key.equals(r.key()));
        assertCloudEvent(record, PolicyEvents.APPLICATION_REGISTERED, key);
        JsonObject payload = new JsonObject(record.value());
        assertEquals("contoso-projects", payload.getString("application"));
        assertEquals(1L, payload.getLong("version"));
        assertEquals(tenant, payload.getJsonObject("registeredBy").getString("tenant"));
        assertEquals(JsonShape.ofExample(PolicyEvents.APPLICATION_REGISTERED), JsonShape.of(record.value()));
    }

    @Test
    void accessSettingsChangedIsPublishedAsABinaryCloudEventKeyedByThePartnerConfiguration() {
        String tenant = TestStack.tenant("contoso");
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(AccessSettingsResourceTest.DOCS_EXAMPLE)
                .when().put(AccessSettingsResourceTest.PATH, tenant, "fabrikam")
                .then().statusCode(200);

        String key = tenant + "/partners/fabrikam";
        ConsumerRecord<String, String> record = KafkaSupport.awaitRecord(PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> key.equals(r.key()));
        assertCloudEvent(record, PolicyEvents.ACCESS_SETTINGS_CHANGED, key);
        JsonObject payload = new JsonObject(record.value());
        assertEquals("fabrikam", payload.getString("partner"));
        assertEquals("allowed", payload.getJsonObject("settings").getJsonObject("inbound")
                .getJsonObject("collaboration").getJsonObject("usersAndGroups").getString("access"));
        // settings are as stored (any subset); effective is complete: every leaf present
        assertEquals(outside(JsonShape.ofExample(PolicyEvents.ACCESS_SETTINGS_CHANGED)),
                outside(JsonShape.of(record.value())));
        com.fasterxml.jackson.databind.JsonNode effective = new com.fasterxml.jackson.databind.ObjectMapper()
                .valueToTree(payload.getJsonObject("effective").getMap());
        for (String leaf : org.crosstenant.policy.model.AccessSettings.LEAVES) {
            assertFalse(effective.at(leaf).isMissingNode(), leaf);
        }
    }

    @Test
    void everyAggregateOfATenantHasItsOwnKeySoCompactionKeepsEachOnesLastEvent() {
        // policy.events is compacted: a key shared by two aggregates would keep only one of them. Two applications
        // and a partner configuration of one tenant, one application named like the partner, get three keys.
        String tenant = TestStack.tenant("contoso");
        for (String app : new String[] {"fabrikam", "wiki"}) {
            given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                    .body(Map.of("upstreamUrl", "http://127.0.0.1:8090", "displayName", app))
                    .when().put("/api/v1/tenants/{tenant}/applications/{app}", tenant, app)
                    .then().statusCode(200);
        }
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(AccessSettingsResourceTest.DOCS_EXAMPLE)
                .when().put(AccessSettingsResourceTest.PATH, tenant, "fabrikam")
                .then().statusCode(200);

        Set<String> keys = new TreeSet<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            KafkaSupport.records(PolicyEvents.POLICY_EVENTS_TOPIC, r -> r.key() != null
                    && r.key().startsWith(tenant + "/")).forEach(r -> keys.add(r.key()));
            return keys.size() >= 3;
        });
        assertEquals(Set.of(tenant + "/applications/fabrikam", tenant + "/applications/wiki",
                tenant + "/partners/fabrikam"), keys);
    }

    /** The shape outside the configuration documents. */
    private static Set<String> outside(Set<String> shape) {
        Set<String> outside = new TreeSet<>(shape);
        outside.removeIf(path -> path.startsWith("settings.") || path.startsWith("effective."));
        return outside;
    }

    static void assertCloudEvent(ConsumerRecord<String, String> record, String type, String subject) {
        assertEquals("1.0", KafkaSupport.header(record, "ce_specversion"));
        assertEquals(type, KafkaSupport.header(record, "ce_type"));
        assertEquals("/crosstenant/policy-service", KafkaSupport.header(record, "ce_source"));
        assertEquals(subject, KafkaSupport.header(record, "ce_subject"));
        assertNotNull(UUID.fromString(KafkaSupport.header(record, "ce_id")));
        assertNotNull(KafkaSupport.header(record, "ce_time"));
        assertEquals("application/json", KafkaSupport.header(record, "content-type"));
        // the value is the JSON object itself, never a JSON string holding JSON
        assertEquals('{', record.value().charAt(0));
    }
}
