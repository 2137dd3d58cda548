package org.crosstenant.policy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.stack.infra.testing.ExplodingDeserializer;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * An invitation-events consumer that stops for good turns readiness DOWN: an instance that no longer decides must not
 * look healthy. The consumer is stopped on purpose: a deserializer that fails on demand, with such failures made
 * fatal (the real channel never fails on content; see PoisonRecordsTest).
 */
@QuarkusTest
@TestProfile(StoppedConsumerReadinessTest.FragileInvitationConsumer.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class StoppedConsumerReadinessTest {

    static final String CHECK = "SmallRye Reactive Messaging - readiness check";

    /** The invitations-in channel with a deserializer that fails on demand, and such failures fatal. */
    public static class FragileInvitationConsumer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return ExplodingDeserializer.fatalOn("invitations-in");
        }
    }

    @Test
    void aStoppedInvitationConsumerTurnsReadinessDown() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.find { it.name == '" + CHECK + "' }.data['invitations-in']", startsWith("[OK]")));

        KafkaSupport.produceRaw("invitations.events", UUID.randomUUID().toString(),
                ExplodingDeserializer.TRIGGER + " not an invitation event", Map.of());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == '" + CHECK + "' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == '" + CHECK + "' }.data['invitations-in']", not(startsWith("[OK]"))));
    }
}
