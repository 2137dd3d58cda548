package org.crosstenant.invitation;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.invitation.repository.InvitationRepository;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class RedeemRevokeTest {

    static final String REDEEMED = "org.crosstenant.invitation.redeemed.v1";
    static final String REVOKED = "org.crosstenant.invitation.revoked.v1";
    static final String EXPIRED = "org.crosstenant.invitation.expired.v1";

    @Inject
    InvitationRepository invitations;

    @Test
    void theInviteeRedeemsOnceAndTheAdminRevokes() throws Exception {
        String[] pending = Api.pendingForBob();
        String id = pending[0];
        String code = pending[1];

        // someone else of fabrikam, and bob's email under another tenant
        FilingTest.problem(Api.redeem(Tokens.frank(), id, code), 403);
        FilingTest.problem(Api.redeem(Tokens.bobAtContoso(), id, code), 403);
        FilingTest.problem(Api.redeem(Tokens.contosoAdmin(), id, code), 403);
        // a third tenant cannot see the invitation: it looks unknown, as on GET (even with bob's email)
        FilingTest.problem(Api.redeem(northwindAdmin(), id, code), 404);
        FilingTest.problem(Api.redeem(FederatedTokens.token("northwind", "bob-twin", "bob@fabrikam.example"), id,
                code), 404);
        FilingTest.problem(Api.redeem(Tokens.bob(), id, code + "x"), 422);
        FilingTest.problem(Api.redeem(Tokens.bob(), UUID.randomUUID().toString(), code), 404);

        // email match is case-insensitive
        String bobUpper = FederatedTokens.token("fabrikam", "bob-sub", "BOB@fabrikam.example");
        Response ok = Api.redeem(bobUpper, id, code);
        ok.then().statusCode(200)
                .body("invitationId", equalTo(id))
                .body("status", equalTo("accepted"))
                .body("guest.tenant", equalTo("fabrikam"))
                .body("guest.subject", equalTo("bob-sub"))
                .body("guest.issuer", equalTo("http://127.0.0.1/realms/fabrikam"))
                .body("grantExpiresAt", notNullValue());
        assertEquals(Duration.ofDays(90), Duration.between(Instant.parse(ok.path("acceptedAt")),
                Instant.parse(ok.path("grantExpiresAt"))));

        FilingTest.problem(Api.redeem(Tokens.bob(), id, code), 409);
        Api.get(Tokens.fabrikamPartner(), id).then().statusCode(200)
                .body("status", equalTo("accepted"))
                .body("redemptionCode", nullValue())
                .body("guest.subject", equalTo("bob-sub"));

        ConsumerRecord<String, String> redeemed = KafkaSupport.awaitEvents(id, REDEEMED, 1).get(0);
        assertEquals(JsonShape.ofExample(REDEEMED), JsonShape.of(redeemed.value()));
        JsonNode redeemedPayload = JsonShape.JSON.readTree(redeemed.value());
        assertEquals("bob-sub", redeemedPayload.path("guest").path("subject").asText());
        assertEquals(ok.<String>path("grantExpiresAt"), redeemedPayload.path("grantExpiresAt").asText());

        // only the resource tenant's admin revokes
        FilingTest.problem(Api.revoke(Tokens.fabrikamAdmin(), id), 403);
        FilingTest.problem(Api.revoke(Tokens.fabrikamPartner(), id), 403);
        FilingTest.problem(Api.revoke(Tokens.bob(), id), 403);
        FilingTest.problem(Api.revoke(northwindAdmin(), id), 404);
        FilingTest.problem(Api.get(northwindAdmin(), id), 404);
        Api.revoke(Tokens.contosoAdmin(), id).then().statusCode(200)
                .body("status", equalTo("revoked"))
                .body("revokedBy.subject", equalTo("alice-sub"));
        FilingTest.problem(Api.revoke(Tokens.contosoAdmin(), id), 409);
        FilingTest.problem(Api.redeem(Tokens.bob(), id, code), 409);

        ConsumerRecord<String, String> revoked = KafkaSupport.awaitEvents(id, REVOKED, 1).get(0);
        assertEquals(id, revoked.key());
        assertEquals(JsonShape.ofExample(REVOKED), JsonShape.of(revoked.value()));
        JsonNode revokedPayload = JsonShape.JSON.readTree(revoked.value());
        assertEquals("bob-sub", revokedPayload.path("guest").path("subject").asText());
        assertEquals("contoso", revokedPayload.path("revokedBy").path("tenant").asText());
    }

    @Test
    void revokingBeforeAcceptanceHasNoGuest() throws Exception {
        String id = Api.fileForBob();
        Api.revoke(Tokens.contosoAdmin(), id).then().statusCode(200).body("status", equalTo("revoked"));
        JsonNode payload = JsonShape.JSON.readTree(KafkaSupport.awaitEvents(id, REVOKED, 1).get(0).value());
        assertEquals(true, payload.get("guest").isNull());
        // the late decision changes nothing
        String marker = Api.fileForBob();
        Api.decide(id, "allow");
        KafkaSupport.produce(KafkaSupport.DECISIONS, id, "org.crosstenant.policy.decided.v1", marker,
                Api.decision(marker, "allow"), UUID.randomUUID().toString());
        Api.awaitStatus(Tokens.fabrikamPartner(), marker, "pending_acceptance");
        Api.get(Tokens.fabrikamPartner(), id).then().body("status", equalTo("revoked"));
    }

    @Test
    void tooManyWrongCodesInvalidateTheCode() {
        String[] pending = Api.pendingForBob();
        for (int i = 0; i < 5; i++) {
            FilingTest.problem(Api.redeem(Tokens.bob(), pending[0], "guess-" + i), 422);
        }
        FilingTest.problem(Api.redeem(Tokens.bob(), pending[0], pending[1]), 409);
        Api.get(Tokens.fabrikamPartner(), pending[0]).then().body("redemptionCode", nullValue());
    }

    @Test
    void theSweepExpiresOpenInvitationsPastTheirExpiry() throws Throwable {
        String[] pending = Api.pendingForBob();
        String id = pending[0];
        UUID uuid = UUID.fromString(id);
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> invitations
                .update("expiresAt = ?1 where id = ?2", Instant.now().minusSeconds(1), uuid)));

        Api.awaitStatus(Tokens.contosoAdmin(), id, "expired");
        Api.get(Tokens.fabrikamPartner(), id).then().body("redemptionCode", nullValue())
                .body("expiredAt", notNullValue());
        FilingTest.problem(Api.redeem(Tokens.bob(), id, pending[1]), 409);
        ConsumerRecord<String, String> expired = KafkaSupport.awaitEvents(id, EXPIRED, 1).get(0);
        assertEquals(JsonShape.ofExample(EXPIRED), JsonShape.of(expired.value()));
        assertEquals("pending_acceptance",
                JsonShape.JSON.readTree(expired.value()).path("previousStatus").asText());
    }

    private static String northwindAdmin() {
        return FederatedTokens.token("northwind", "nora-sub", "nora@northwind.example", "collab-admin");
    }
}
