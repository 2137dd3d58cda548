package org.crosstenant.invitation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class FilingTest {

    @Test
    void partnerAsksForItsOwnPerson() {
        Response r = Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee("bob@fabrikam.example"));
        r.then().statusCode(202)
                .contentType(ContentType.JSON)
                .body("status", equalTo("requested"))
                .body("resourceTenant", equalTo("contoso"))
                .body("application", startsWith("contoso-app-"))
                .body("invitee.tenant", equalTo("fabrikam"))
                .body("invitee.email", equalTo("bob@fabrikam.example"))
                .body("requestedBy.tenant", equalTo("fabrikam"))
                .body("requestedBy.subject", equalTo("fabrikam-partner-svc"))
                .body("requestedByRole", equalTo("collab-partner"))
                .body("redemptionCode", nullValue());
        String id = r.path("id");
        assertEquals(Api.BASE + "/" + id, java.net.URI.create(r.header("Location")).getPath());
        Instant created = Instant.parse(r.path("createdAt"));
        Instant expires = Instant.parse(r.path("expiresAt"));
        assertEquals(Duration.ofDays(14), Duration.between(created, expires), "default expiry is 14 days");
        Api.get(Tokens.fabrikamPartner(), id).then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void resourceAdminInvites() {
        Api.file(Tokens.contosoAdmin(), Api.fabrikamInvitee("Carol@Fabrikam.example")).then().statusCode(202)
                .body("requestedByRole", equalTo("collab-admin"))
                .body("requestedBy.email", equalTo("alice@contoso.example"))
                .body("invitee.email", equalTo("carol@fabrikam.example"));
    }

    @Test
    void outsidersMayNotFile() {
        String body = Api.fabrikamInvitee("bob@fabrikam.example");
        // an admin of the invitee's tenant is neither the resource tenant's admin nor a partner system
        problem(Api.file(Tokens.fabrikamAdmin(), body), 403);
        // a partner system of the resource tenant may not ask for someone of another tenant
        problem(Api.file(Tokens.contosoPartner(), body), 403);
        // a plain member of the invitee's tenant
        problem(Api.file(Tokens.bob(), body), 403);
    }

    @Test
    void missingOrInvalidTokenIs401Problem() {
        Response none = given().contentType(ContentType.JSON).body(Api.fabrikamInvitee("bob@fabrikam.example"))
                .post(Api.BASE);
        problem(none, 401);
        problem(given().get(Api.BASE + "/" + UUID.randomUUID()), 401);
        var claims = FederatedTokens.claims("fabrikam", "svc", null, "collab-partner");
        claims.put("aud", "someone-else");
        problem(Api.file(FederatedTokens.sign(claims), Api.fabrikamInvitee("bob@fabrikam.example")), 401);
        problem(Api.file("not-a-jwt", Api.fabrikamInvitee("bob@fabrikam.example")), 401);
    }

    @Test
    void badInputIsAProblemNeverA500() {
        String partner = Tokens.fabrikamPartner();
        problem(Api.file(partner, Api.fabrikamInvitee("not-an-email")), 400).body("field", equalTo("/invitee/email"));
        problem(Api.file(partner, Api.body("Contoso!", "contoso-projects", "fabrikam", "bob@fabrikam.example")), 422)
                .body("field", equalTo("/resourceTenant"));
        problem(Api.file(partner, Api.body("fabrikam", "contoso-projects", "fabrikam", "bob@fabrikam.example")), 422);
        // ids follow policy-service's rule [a-z0-9][a-z0-9-]{1,62}: what it would dead-letter is refused here
        problem(Api.file(partner, Api.body("contoso", "x", "fabrikam", "bob@fabrikam.example")), 422);
        problem(Api.file(partner, Api.body("contoso", "-app", "fabrikam", "bob@fabrikam.example")), 422);
        problem(Api.file(partner, Api.body("-contoso", "contoso-projects", "fabrikam", "bob@fabrikam.example")), 422);
        problem(Api.file(partner, Api.body("contoso", "contoso-projects", "f", "f@fabrikam.example")), 422);
        problem(Api.file(partner, Api.body("contoso", "a".repeat(64), "fabrikam", "bob@fabrikam.example")), 422);
        problem(Api.file(partner, "{\"resourceTenant\": \"contoso\", \"application\": \"x\"}"), 400)
                .body("field", equalTo("/invitee"));
        problem(Api.file(partner, "{\"resourceTenant\": \"contoso\", \"invitee\": {}}"), 400)
                .body("field", equalTo("/application"));
        problem(Api.file(partner, "{\"resourceTenant\": "), 400);
        problem(Api.file(partner, "{\"resourceTenant\": \"contoso\", \"application\": \"x\", \"invitee\": 5}"), 400);
        problem(Api.as(partner).contentType(ContentType.TEXT).body("hello").post(Api.BASE), 415);
        // members the contract does not name, and numbers or booleans where text belongs: refused, never ignored
        // or turned into text
        String app = Api.freshApplication();
        problem(Api.file(partner, "{\"resourceTenant\": \"contoso\", \"application\": \"" + app + "\", \"role\": "
                + "\"admin\", \"invitee\": {\"tenant\": \"fabrikam\", \"email\": \"bob@fabrikam.example\"}}"), 400)
                .body("field", equalTo("/role"));
        problem(Api.file(partner, "{\"resourceTenant\": \"contoso\", \"application\": \"" + app + "\", \"invitee\": "
                + "{\"tenant\": \"fabrikam\", \"email\": \"bob@fabrikam.example\", \"admin\": true}}"), 400)
                .body("field", equalTo("/invitee/admin"));
        for (String notText : new String[] {"5", "5.0", "true"}) {
            problem(Api.file(partner, "{\"resourceTenant\": \"contoso\", \"application\": " + notText
                    + ", \"invitee\": {\"tenant\": \"fabrikam\", \"email\": \"bob@fabrikam.example\"}}"), 400)
                    .body("field", equalTo("/application"));
        }
        problem(Api.get(partner, "not-a-uuid"), 404);
        problem(Api.get(partner, UUID.randomUUID().toString()), 404);
    }

    @Test
    void sameIdempotencyKeySameBodyGivesTheSameInvitation() {
        String key = "key-" + UUID.randomUUID();
        String body = Api.fabrikamInvitee("dave@fabrikam.example");
        Response first = Api.as(Tokens.fabrikamPartner()).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body(body).post(Api.BASE);
        first.then().statusCode(202);
        Response again = Api.as(Tokens.fabrikamPartner()).header("Idempotency-Key", key)
                .contentType(ContentType.JSON).body(body).post(Api.BASE);
        again.then().statusCode(202).body("id", equalTo(first.path("id")));
        assertEquals(first.header("Location"), again.header("Location"));

        // another body under the same key is refused
        Response other = Api.as(Tokens.fabrikamPartner()).header("Idempotency-Key", key)
                .contentType(ContentType.JSON).body(Api.fabrikamInvitee("erin@fabrikam.example")).post(Api.BASE);
        problem(other, 422);

        // the key is scoped to the caller: someone else's identical key is a new request, which here meets the
        // live request for the same invitee and application
        Response contoso = Api.as(Tokens.contosoAdmin()).header("Idempotency-Key", key)
                .contentType(ContentType.JSON).body(body).post(Api.BASE);
        problem(contoso, 409).body("type", equalTo("urn:crosstenant:problem:invitation-exists"))
                .body("existingInvitation", equalTo(first.path("id")));

        // only one requested.v1 for the deduplicated filing
        String firstId = first.path("id");
        KafkaSupport.awaitEvents(firstId, "org.crosstenant.invitation.requested.v1", 1);
        long published = KafkaSupport.snapshot(KafkaSupport.INVITATIONS).stream()
                .filter(rec -> firstId.equals(rec.key())).count();
        assertEquals(1, published);
    }

    @Test
    void concurrentRequestsWithOneKeyCreateOneInvitation() throws Exception {
        String key = "race-" + UUID.randomUUID();
        String token = Tokens.fabrikamPartner();
        String body = Api.fabrikamInvitee("gina@fabrikam.example");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Response>> calls = IntStream.range(0, 8)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> Api.as(token).header("Idempotency-Key", key)
                            .contentType(ContentType.JSON).body(body).post(Api.BASE), pool))
                    .toList();
            Set<String> ids = calls.stream().map(CompletableFuture::join)
                    .peek(r -> r.then().statusCode(202))
                    .map(r -> r.<String>path("id"))
                    .collect(Collectors.toSet());
            assertEquals(1, ids.size(), "one invitation for one key: " + ids);
            // claim, invitation and outbox row are one statement: the losers of the race wrote no outbox row either
            String id = ids.iterator().next();
            KafkaSupport.awaitEvents(id, "org.crosstenant.invitation.requested.v1", 1);
            assertEquals(1, KafkaSupport.snapshot(KafkaSupport.INVITATIONS).stream()
                    .filter(rec -> id.equals(rec.key())).count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void requestedEventIsPublishedAsBinaryCloudEventKeyedByInvitation() throws Exception {
        String id = Api.fileForBob();
        ConsumerRecord<String, String> rec =
                KafkaSupport.awaitEvents(id, "org.crosstenant.invitation.requested.v1", 1).get(0);
        assertEquals(id, rec.key());
        assertEquals("1.0", KafkaSupport.header(rec, "ce_specversion"));
        assertEquals("/crosstenant/invitation-service", KafkaSupport.header(rec, "ce_source"));
        assertEquals(id, KafkaSupport.header(rec, "ce_subject"));
        assertTrue(KafkaSupport.header(rec, "content-type").startsWith("application/json"));
        UUID.fromString(KafkaSupport.header(rec, "ce_id"));
        Instant.parse(KafkaSupport.header(rec, "ce_time"));
        // the value is the JSON object itself, with the example's field names
        assertTrue(rec.value().startsWith("{"), rec.value());
        assertEquals(JsonShape.ofExample("org.crosstenant.invitation.requested.v1"), JsonShape.of(rec.value()));
        assertEquals(id, JsonShape.JSON.readTree(rec.value()).path("invitationId").asText());
    }

    static io.restassured.response.ValidatableResponse problem(Response response, int status) {
        return response.then().statusCode(status)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(status))
                .body("title", notNullValue())
                .body("type", notNullValue());
    }
}
