package org.crosstenant.audit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.stack.infra.testing.ExplodingDeserializer;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Each of the four consumers that stops for good turns readiness DOWN (and is named as not OK): an audit-service
 * that no longer appends what one topic carries must not look healthy. The consumers are stopped on purpose, one
 * after the other: a deserializer that fails on demand, with such failures made fatal (the real channels never fail
 * on content; see ConsumerPoisonTest).
 */
@QuarkusTest
@TestProfile(StoppedConsumerReadinessTest.FragileConsumers.class)
class StoppedConsumerReadinessTest {

    static final String CHECK = "SmallRye Reactive Messaging - readiness check";

    /** channel → topic, for every consumer audit-service has. */
    static final Map<String, String> CHANNELS = new LinkedHashMap<>();
    static {
        CHANNELS.put("gateway-access", "gateway.access");
        CHANNELS.put("invitations-events", "invitations.events");
        CHANNELS.put("policy-decisions", "policy.decisions");
        CHANNELS.put("policy-events", "policy.events");
    }

    /** Every channel with a deserializer that fails on demand, and such failures fatal. */
    public static class FragileConsumers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>();
            for (String channel : CHANNELS.keySet()) {
                overrides.putAll(ExplodingDeserializer.fatalOn(channel));
            }
            return overrides;
        }
    }

    @Test
    void eachStoppedConsumerTurnsReadinessDown() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var ready = given().get("/q/health/ready").then().statusCode(200);
            for (String channel : CHANNELS.keySet()) {
                ready.body("checks.find { it.name == '" + CHECK + "' }.data['" + channel + "']", startsWith("[OK]"));
            }
        });

        for (Map.Entry<String, String> channel : CHANNELS.entrySet()) {
            Events.sendRaw(channel.getValue(), UUID.randomUUID().toString(),
                    ExplodingDeserializer.TRIGGER + " not an event", Map.of());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == '" + CHECK + "' }.data['" + channel.getKey() + "']",
                            not(startsWith("[OK]"))));
        }
    }
}
