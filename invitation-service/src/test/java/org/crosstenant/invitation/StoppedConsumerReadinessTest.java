package org.crosstenant.invitation;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.List;
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
 * A decision consumer that stops for good turns readiness DOWN, so an orchestrator stops routing to an instance whose
 * invitations would never leave {@code requested}. The consumer is stopped on purpose: a deserializer that fails on
 * demand, with such failures made fatal (the real channel never fails on content; see PoisonDecisionTest).
 */
@QuarkusTest
@TestProfile(StoppedConsumerReadinessTest.FragileDecisionConsumer.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class StoppedConsumerReadinessTest {

    static final String CHECK = "SmallRye Reactive Messaging - readiness check";

    /** The policy-decisions channel with a deserializer that fails on demand, and such failures fatal. */
    public static class FragileDecisionConsumer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return ExplodingDeserializer.fatalOn("policy-decisions");
        }
    }

    @Test
    void aStoppedDecisionConsumerTurnsReadinessDown() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.find { it.name == '" + CHECK + "' }.data['policy-decisions']", startsWith("[OK]")));

        KafkaSupport.produceRaw("policy.decisions", UUID.randomUUID().toString(),
                ExplodingDeserializer.TRIGGER + " not a decision", List.of());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == '" + CHECK + "' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == '" + CHECK + "' }.data['policy-decisions']", not(startsWith("[OK]"))));
    }
}
