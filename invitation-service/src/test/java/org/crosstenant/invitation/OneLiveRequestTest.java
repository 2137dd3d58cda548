package org.crosstenant.invitation;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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

/**
 * Issue #7: one live request (requested, pending_approval, pending_acceptance, or accepted: an active grant) per
 * (resource tenant, application, invitee canonical email); every email comparison uses the one canonical form.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class OneLiveRequestTest {

    /** bob holds an accepted grant; a second request for him, in any letter case or with spaces, is a 409. */
    @Test
    void aSecondRequestForAGranteeIsRefusedInAnySpelling() {
        String app = Api.freshApplication();
        String id = Api.file(Tokens.fabrikamPartner(), Api.body("contoso", app, "fabrikam", "bob@fabrikam.example"))
                .then().statusCode(202).extract().path("id");
        Api.decide(id, "allow");
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");
        String code = Api.get(Tokens.fabrikamPartner(), id).then().extract().path("redemptionCode");
        Api.redeem(Tokens.bob(), id, code).then().statusCode(200);

        for (String spelling : new String[] { "bob@fabrikam.example", "BOB@FABRIKAM.EXAMPLE", " Bob@Fabrikam.Example ",
                "\tbob@fabrikam.example\n" }) {
            for (String token : new String[] { Tokens.fabrikamPartner(), Tokens.contosoAdmin() }) {
                FilingTest.problem(Api.file(token, Api.body("contoso", app, "fabrikam", spelling)), 409)
                        .body("type", equalTo("urn:crosstenant:problem:invitation-exists"))
                        .body("existingInvitation", equalTo(id));
            }
        }
        // once the grant is revoked, bob may be invited again
        Api.revoke(Tokens.contosoAdmin(), id).then().statusCode(200);
        Api.file(Tokens.fabrikamPartner(), Api.body("contoso", app, "fabrikam", "BOB@fabrikam.example")).then()
                .statusCode(202);
    }

    /** Two requests for the same person and application may not both be pending; another application may. */
    @Test
    void twoPendingRequestsForOnePersonAndApplicationAreRefused() {
        String app = Api.freshApplication();
        String email = "p-" + UUID.randomUUID().toString().substring(0, 8) + "@fabrikam.example";
        String id = Api.file(Tokens.fabrikamPartner(), Api.body("contoso", app, "fabrikam", email)).then()
                .statusCode(202).extract().path("id");
        FilingTest.problem(Api.file(Tokens.contosoAdmin(), Api.body("contoso", app, "fabrikam", email.toUpperCase())),
                409).body("existingInvitation", equalTo(id));
        Api.decide(id, "allow");
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");
        FilingTest.problem(Api.file(Tokens.fabrikamPartner(), Api.body("contoso", app, "fabrikam", email)), 409)
                .body("existingInvitation", equalTo(id));
        // another application, or another resource tenant, is another request
        Api.file(Tokens.fabrikamPartner(), Api.body("contoso", Api.freshApplication(), "fabrikam", email)).then()
                .statusCode(202);
        Api.file(Tokens.fabrikamPartner(), Api.body("northwind", app, "fabrikam", email)).then().statusCode(202);
    }

    /** A denied request is no longer live: the person may be asked for again. */
    @Test
    void aDeniedRequestFreesTheSlot() {
        String app = Api.freshApplication();
        String email = "d-" + UUID.randomUUID().toString().substring(0, 8) + "@fabrikam.example";
        String id = Api.file(Tokens.fabrikamPartner(), Api.body("contoso", app, "fabrikam", email)).then()
                .statusCode(202).extract().path("id");
        Api.decide(id, "deny", "no");
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "denied");
        Api.file(Tokens.fabrikamPartner(), Api.body("contoso", app, "fabrikam", email)).then().statusCode(202);
    }

    /** The same Idempotency-Key still answers with the existing invitation, not 409. */
    @Test
    void theSameIdempotencyKeyReturnsTheExistingInvitation() {
        String body = Api.fabrikamInvitee("k-" + UUID.randomUUID().toString().substring(0, 8) + "@fabrikam.example");
        String key = "one-live-" + UUID.randomUUID();
        String id = Api.as(Tokens.fabrikamPartner()).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body(body).post(Api.BASE).then().statusCode(202).extract().path("id");
        Api.as(Tokens.fabrikamPartner()).header("Idempotency-Key", key).contentType(ContentType.JSON).body(body)
                .post(Api.BASE).then().statusCode(202).body("id", equalTo(id));
        FilingTest.problem(Api.as(Tokens.fabrikamPartner()).header("Idempotency-Key", key + "-other")
                .contentType(ContentType.JSON).body(body).post(Api.BASE), 409).body("existingInvitation", equalTo(id));
    }

    /** Concurrent filings for one person and application, in different spellings and keys: exactly one wins. */
    @Test
    void concurrentFilingsCannotBothWin() throws Exception {
        String app = Api.freshApplication();
        String local = "race-" + UUID.randomUUID().toString().substring(0, 8);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<CompletableFuture<Response>> calls = IntStream.range(0, 12)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> Api.as(i % 2 == 0 ? Tokens.fabrikamPartner()
                            : Tokens.contosoAdmin()).header("Idempotency-Key", "race-" + i)
                            .contentType(ContentType.JSON).body(Api.body("contoso", app, "fabrikam",
                                    (i % 3 == 0 ? local.toUpperCase() : local) + "@fabrikam.example"))
                            .post(Api.BASE), pool))
                    .toList();
            List<Response> answers = calls.stream().map(CompletableFuture::join).toList();
            Map<Integer, Long> byStatus = answers.stream()
                    .collect(Collectors.groupingBy(Response::statusCode, Collectors.counting()));
            assertEquals(Map.of(202, 1L, 409, 11L), byStatus);
            String winner = answers.stream().filter(r -> r.statusCode() == 202).findFirst().orElseThrow().path("id");
            answers.stream().filter(r -> r.statusCode() == 409)
                    .forEach(r -> assertEquals(winner, r.path("existingInvitation")));
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * carol's invitation is for carol@fabrikam.example. A token whose address differs only by a look-alike
     * (dotless i U+0131, Kelvin sign U+212A, fullwidth letters, a trailing dot) is a different canonical form and
     * never redeems it; her real token, in any ASCII letter case, does.
     */
    @Test
    void redemptionComparesTheCanonicalFormOnly() {
        String id = Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee("carol@fabrikam.example")).then()
                .statusCode(202).extract().path("id");
        Api.decide(id, "allow");
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");
        String code = Api.get(Tokens.fabrikamPartner(), id).then().extract().path("redemptionCode");
        Function<String, String> carol = email -> FederatedTokens.token("fabrikam", "carol-sub", email);
        for (String lookalike : new String[] { "carol@fabr\u0131kam.example", "carol@fabri\u212aam.example",
                "carol@\uff46abrikam.example", "carol@fabrikam.example.", "c\u0430rol@fabrikam.example" }) {
            FilingTest.problem(Api.redeem(carol.apply(lookalike), id, code), 403);
        }
        Api.redeem(carol.apply(" CAROL@Fabrikam.EXAMPLE"), id, code).then().statusCode(200)
                .body("guest.email", equalTo("carol@fabrikam.example"));
    }
}
