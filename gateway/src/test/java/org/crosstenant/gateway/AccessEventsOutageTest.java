package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.gateway.support.Kafka;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.RestartableKafkaResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * No access event is lost across a ~10 s broker outage while requests flow: every allowed and denied request the
 * gateway answered is accounted for in gateway.access afterwards (sum of requestCount + denials + suppressedCount,
 * each CloudEvents id counted once), with windows and rate limits short enough for summaries and suppression to
 * happen during the outage.
 */
@QuarkusTest
@TestProfile(AccessEventsOutageTest.ShortWindows.class)
class AccessEventsOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Set by {@link RestartableKafkaResource}. */
    Runnable stopBroker;
    Runnable startBroker;

    public static class ShortWindows implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("crosstenant.gateway.access-audit.window", "2S",
                    "crosstenant.gateway.access-audit.denied-per-second", "1",
                    "crosstenant.gateway.access-audit.flush-interval", "200MS");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcRealmsTestResource.class),
                    new TestResourceEntry(UpstreamTestResource.class),
                    new TestResourceEntry(RestartableKafkaResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Test
    void everyRequestIsAccountedForInThePublishedEventsAfterABrokerOutage() throws Exception {
        String app = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.produce("policy.events", "contoso", "org.crosstenant.policy.application-registered.v1",
                "/crosstenant/policy", """
                        {"tenant": "contoso", "application": "%s", "upstreamUrl": "%s", "version": 1,
                         "registeredBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                         "occurredAt": "%s"}""".formatted(app, TenantTokens.value("test.upstream.url") + "/app",
                        Instant.now()));
        String path = "/apps/contoso/" + app + "/x";
        List<String> members = List.of(
                TenantTokens.token("contoso", "alice-sub", "alice@contoso.example"),
                TenantTokens.token("contoso", "dave-sub", "dave@contoso.example"));
        String outsider = TenantTokens.token("fabrikam", "eve-sub", "eve@fabrikam.example");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth().oauth2(members.get(0)).get(path).then().statusCode(200));
        Map<Integer, Integer> answered = new HashMap<>();
        answered.merge(200, 1, Integer::sum); // the request that saw the registration

        long outageEnds = 0;
        boolean stopped = false;
        long end = System.nanoTime() + Duration.ofSeconds(4).toNanos(); // before the outage
        int round = 0;
        while (true) {
            if (!stopped && System.nanoTime() > end) {
                stopBroker.run();
                stopped = true;
                outageEnds = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            if (stopped && System.nanoTime() > outageEnds) {
                break;
            }
            // one member request, then a burst of three denials: more than the limit of one per second
            for (String token : List.of(members.get(round % 2), outsider, outsider, outsider)) {
                int status = given().auth().oauth2(token).get(path).then().extract().statusCode();
                answered.merge(status, 1, Integer::sum);
            }
            round++;
        }
        startBroker.run();
        // a few more after the broker is back
        for (int i = 0; i < 20; i++) {
            int status = given().auth().oauth2(i % 2 == 0 ? outsider : members.get(0)).get(path).then().extract()
                    .statusCode();
            answered.merge(status, 1, Integer::sum);
        }
        long decided = answered.getOrDefault(200, 0) + answered.getOrDefault(403, 0);
        // how many depends on the machine; the accounting below must hold whatever the number
        assertTrue(answered.getOrDefault(403, 0) > 10, "denials flowed: " + answered);
        assertTrue(answered.getOrDefault(200, 0) > 10, "allowed requests flowed: " + answered);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, ConsumerRecord<String, String>> byId = new HashMap<>();
            for (ConsumerRecord<String, String> r : Kafka.readAll("gateway.access")) {
                if (r.value().contains("\"" + app + "\"")) {
                    byId.putIfAbsent(Kafka.header(r, "ce_id"), r);
                }
            }
            long accounted = 0;
            long suppressed = 0;
            for (ConsumerRecord<String, String> r : byId.values()) {
                JsonNode event = JSON.readTree(r.value());
                if ("org.crosstenant.gateway.access-allowed.v1".equals(Kafka.header(r, "ce_type"))) {
                    accounted += event.get("requestCount").asLong();
                } else {
                    accounted += 1 + event.get("suppressedCount").asLong();
                    suppressed += event.get("suppressedCount").asLong();
                }
            }
            assertEquals(decided, accounted, "answered " + answered + ", events " + byId.size());
            assertTrue(suppressed > 0, "the rate limit suppressed denials during the run");
        });
    }
}
