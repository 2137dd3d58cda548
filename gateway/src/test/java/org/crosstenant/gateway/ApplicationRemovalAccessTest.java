package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.crosstenant.gateway.support.ViewTopicsResource.REDEEMED;
import static org.crosstenant.gateway.support.ViewTopicsResource.ceId;
import static org.crosstenant.gateway.support.ViewTopicsResource.invitation;
import static org.crosstenant.gateway.support.ViewTopicsResource.produce;
import static org.crosstenant.gateway.support.ViewTopicsResource.registered;
import static org.crosstenant.gateway.support.ViewTopicsResource.removed;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.crosstenant.gateway.messaging.ReadYourWrites;
import org.crosstenant.gateway.support.Kafka;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue #8, application removal at the gateway, over the real broker: once its view has passed
 * application-removed.v1, requests to the application get exactly the answers of an application never registered
 * (a member 404, a guest with a grant or an outsider the same 403); a removal older than a later registration
 * (replayed or reordered) never deletes the newer route.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class ApplicationRemovalAccessTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String POLICY_EVENTS = "policy.events";

    @Inject
    ReadYourWrites readYourWrites;

    @Test
    void aRemovedApplicationAnswersAsOneNeverRegisteredAndAStaleRemovalKeepsTheNewerRoute() throws Exception {
        String app = "removed-" + UUID.randomUUID().toString().substring(0, 8);
        String never = "never-" + UUID.randomUUID().toString().substring(0, 8);
        String upstream = TenantTokens.value("test.upstream.url");
        String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example", "collab-admin");
        String bobSubject = "bob-" + UUID.randomUUID();
        String bob = TenantTokens.token("fabrikam", bobSubject, bobSubject + "@fabrikam.example");
        String path = "/apps/contoso/" + app + "/boards/1";

        // what an application never registered answers: the member 404, the guest 403
        String memberNotFound = given().auth().oauth2(alice).get("/apps/contoso/" + never + "/boards/1").then()
                .statusCode(404).contentType("application/problem+json").extract().path("type");
        String guestRefusal = given().auth().oauth2(bob).get("/apps/contoso/" + never + "/boards/1").then()
                .statusCode(403).contentType("application/problem+json").extract().path("detail");

        // registered (version 1), bob holds a grant: both get in
        Kafka.allowCollaboration("contoso", "fabrikam");
        passed(registered("contoso", app, upstream + "/v1", 1));
        passed(invitation(REDEEMED, UUID.randomUUID().toString(), app, bobSubject,
                Instant.now().plus(Duration.ofDays(30))));
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(alice).get(path).then().statusCode(200)
                .body("upstreamPath", equalTo("/v1/boards/1")));
        given().auth().oauth2(bob).get(path).then().statusCode(200);

        // removed (version 2): the very next requests are answered as for an application never registered
        passed(removed("contoso", app, 2));
        given().auth().oauth2(alice).get(path).then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(memberNotFound));
        given().auth().oauth2(bob).get(path).then().statusCode(403).contentType("application/problem+json")
                .body("detail", equalTo(guestRefusal.replace(never, app)));
        given().auth().oauth2(alice).post(path).then().statusCode(404);

        // registered again (version 3), then the old removal and the old registration replayed: the newest stays
        passed(registered("contoso", app, upstream + "/v3", 3));
        given().auth().oauth2(alice).get(path).then().statusCode(200).body("upstreamPath", equalTo("/v3/boards/1"));
        passed(removed("contoso", app, 2));
        passed(registered("contoso", app, upstream + "/v1", 1));
        given().auth().oauth2(alice).get(path).then().statusCode(200).body("upstreamPath", equalTo("/v3/boards/1"));
    }

    /** Produces the event on policy.events (or invitations.events) and waits until the gateway's view passed it. */
    private void passed(ProducerRecord<String, String> event) {
        boolean policy = event.key().contains("/applications/");
        produce(policy ? POLICY_EVENTS : "invitations.events", List.of(event));
        UUID id = UUID.fromString(ceId(event));
        // true once the view passed it (after applying it), false at the read-your-writes bound: asked again
        await().atMost(PATIENCE).until(() -> readYourWrites.await(List.of(id)).toCompletionStage()
                .toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
}
