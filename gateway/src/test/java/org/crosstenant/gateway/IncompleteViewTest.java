package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.crosstenant.gateway.support.ViewTopicsResource.REDEEMED;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.gateway.support.ViewTopicsResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A view that cannot be rebuilt is reported, not served: the gateway starts on an invitations topic with the delete
 * policy whose oldest events retention has already removed (log start offset above 0: a grant redeemed then is
 * gone) and on a policy topic that does not exist. Readiness is DOWN with both reasons, /apps answers 503; once the
 * missing topic is created its reason goes away while the lost history still keeps the view DOWN.
 */
@QuarkusTest
@TestProfile(IncompleteViewTest.LostHistory.class)
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class IncompleteViewTest {

    static final String MISSING_POLICY_TOPIC = "missing.policy.events." + UUID.randomUUID();
    static final String TRUNCATED_INVITATION_TOPIC = "truncated.invitations.events";
    private static final String VIEW = "checks.find { it.name == 'gateway-local-view' }";

    /** The gateway reads a truncated delete-policy topic and a missing one. */
    public static class LostHistory implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Truncated.class));
        }
    }

    /** Three grants on a delete-policy topic, the first two removed as retention would remove them. */
    public static class Truncated extends ViewTopicsResource {
        @Override
        public Map<String, String> start() {
            createTopic(TRUNCATED_INVITATION_TOPIC, 1, Map.of("cleanup.policy", "delete"));
            Instant in90Days = Instant.now().plus(Duration.ofDays(90));
            produce(TRUNCATED_INVITATION_TOPIC, List.of(
                    invitation(REDEEMED, UUID.randomUUID().toString(), "wiki", "bob", in90Days),
                    invitation(REDEEMED, UUID.randomUUID().toString(), "wiki", "carol", in90Days),
                    invitation(REDEEMED, UUID.randomUUID().toString(), "wiki", "dave", in90Days)));
            try (Admin admin = admin()) {
                admin.deleteRecords(Map.of(new TopicPartition(TRUNCATED_INVITATION_TOPIC, 0),
                        RecordsToDelete.beforeOffset(2))).all().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return channels(MISSING_POLICY_TOPIC, TRUNCATED_INVITATION_TOPIC);
        }
    }

    @Test
    void aTruncatedDeletePolicyTopicOrAMissingTopicTurnsReadinessDownAndAppsInto503() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(503)
                .body(VIEW + ".status", equalTo("DOWN"))
                .body(VIEW + ".data.viewComplete", equalTo(false))
                .body(VIEW + ".data.'invitation-events'", containsString("lost history"))
                .body(VIEW + ".data.'invitation-events'", containsString("cleanup.policy=delete"))
                .body(VIEW + ".data.'policy-events'", containsString(MISSING_POLICY_TOPIC + " does not exist")));

        String dave = TenantTokens.token("fabrikam", "dave", "dave@fabrikam.example");
        given().auth().oauth2(dave).get("/apps/contoso/wiki/x").then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", equalTo("5"));

        // the missing topic appears (its producer started later): that reason goes, the lost history stays
        ViewTopicsResource.createTopic(MISSING_POLICY_TOPIC, 1, Map.of("cleanup.policy", "compact"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(503)
                .body(VIEW + ".data.'policy-events'", nullValue())
                .body(VIEW + ".data.'invitation-events'", containsString("lost history")));
    }
}
