package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.stack.infra.testing.ExplodingDeserializer;
import org.crosstenant.gateway.support.Kafka;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A view consumer that stops (here: a deserializer failure made fatal on purpose, which makes SmallRye close the
 * invitations consumer as it did for malformed CloudEvents) turns readiness DOWN and /apps into 503 instead of
 * serving a view that no longer receives grants and revocations.
 */
@QuarkusTest
@TestProfile(StoppedConsumerTest.FragileInvitationConsumer.class)
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class StoppedConsumerTest {

    /** The invitations channel with a deserializer that fails on demand, and such failures fatal. */
    public static class FragileInvitationConsumer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return ExplodingDeserializer.fatalOn("invitation-events");
        }
    }

    @Test
    void aStoppedConsumerTurnsReadinessDownAndAppsInto503() {
        String app = "frozen-" + UUID.randomUUID().toString().substring(0, 8);
        PathSmugglingTest.registerApplication(app, TenantTokens.value("test.upstream.url") + "/app");
        String alice = TenantTokens.token("contoso", "alice", "alice@contoso.example");
        String path = "/apps/contoso/" + app + "/x";
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().auth().oauth2(alice).get(path).then().statusCode(200));
        given().get("/q/health/ready").then().statusCode(200);

        Kafka.produce("invitations.events", UUID.randomUUID().toString(), "org.crosstenant.invitation.revoked.v1",
                "/crosstenant/invitation", ExplodingDeserializer.TRIGGER + " not JSON");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(503)
                .body("checks.find { it.name == 'gateway-local-view' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'gateway-local-view' }.data.consumersRunning", equalTo(false)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(alice).get(path).then()
                .statusCode(503).contentType("application/problem+json").header("Retry-After", "5")
                .body("status", equalTo(503)).body("type", equalTo("urn:crosstenant:problem:view-stale")));
    }
}
