package org.crosstenant.invitation;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/** The limits of docs/api.md ("Limits"), checked on what is stored: 413 and 422 problem+json naming the limit. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class LimitsTest {

    static final long BODY_LIMIT = 16 * 1024;
    /** U+0130 lower-cases to two characters (i + U+0307): 2 bytes in UTF-8 become 3. */
    static final String DOTTED_I = "\u0130";

    @TestHTTPResource("/")
    URL base;

    @Test
    void aBodyOverTheByteLimitIs413ProblemJsonDeclaredOrChunked() throws Exception {
        byte[] body = Api.fabrikamInvitee("bob@fabrikam.example" + " ".repeat((int) BODY_LIMIT))
                .getBytes(StandardCharsets.UTF_8);
        for (boolean chunked : new boolean[] { false, true }) {
            RawUpload.Response response = RawUpload.send(base.toURI(), "POST", Api.BASE,
                    "Bearer " + Tokens.fabrikamPartner(), body, chunked);
            assertEquals(413, response.status(), response.body());
            assertEquals("application/problem+json", response.headers().get("content-type"));
            JsonObject problem = new JsonObject(response.body());
            assertEquals("body", problem.getString("field"));
            assertEquals(BODY_LIMIT, problem.getLong("limit"));
            assertTrue(problem.getString("detail").contains(BODY_LIMIT + " bytes"), problem.encode());
        }
    }

    @Test
    void aChunkedBodyWithinTheLimitIsRead() throws Exception {
        byte[] body = Api.fabrikamInvitee("chunked-" + UUID.randomUUID() + "@fabrikam.example")
                .getBytes(StandardCharsets.UTF_8);
        RawUpload.Response response = RawUpload.send(base.toURI(), "POST", Api.BASE,
                "Bearer " + Tokens.fabrikamPartner(), body, true);
        assertEquals(202, response.status(), response.body());
    }

    @Test
    void theIssuesCaseExpandingEmailIsRefusedNamingTheLimit() {
        String email = DOTTED_I + "a".repeat(302) + "@fabrikam.example";
        Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee(email)).then().statusCode(422)
                .contentType(containsString("application/problem+json"))
                .body("field", equalTo("/invitee/email")).body("limit", equalTo(254))
                .body("detail", containsString("the limit is 254 bytes"));
    }

    /**
     * An email of 256 bytes as sent (upper case, surrounding spaces) is 254 once canonical (at the limit): accepted,
     * stored canonical, and its invitee — whose token carries the address as sent, not as stored — is recognised and
     * redeems. One byte more (255 stored) is refused.
     */
    @Test
    void anEmailAtItsLimitAfterNormalisationIsAcceptedAndComparedOneWay() {
        String local = UUID.randomUUID().toString().substring(0, 8) + "A".repeat(56);
        String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com";
        String sent = " " + local + "@" + domain + " ";
        assertEquals(256, sent.getBytes(StandardCharsets.UTF_8).length);
        String id = Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee(sent)).then().statusCode(202)
                .body("invitee.email", equalTo(local.toLowerCase() + "@" + domain))
                .extract().path("id");
        Api.decide(id, "allow", "contoso inbound admits fabrikam", "fabrikam outbound admits the invitee");
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");
        String code = Api.get(Tokens.fabrikamPartner(), id).then().extract().path("redemptionCode");
        String invitee = FederatedTokens.token("fabrikam", "limit-sub-" + UUID.randomUUID(), sent.toUpperCase());
        Api.redeem(invitee, id, code).then().statusCode(200).body("status", equalTo("accepted"));

        String oneMore = local + "@" + domain.replace("d.com", "dd.com");
        Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee(oneMore)).then().statusCode(422)
                .body("field", equalTo("/invitee/email")).body("limit", equalTo(254));
    }

    /**
     * An invitee the gateway could never vouch for (a non-ASCII character anywhere, an internationalised domain in
     * Unicode form, a domain label outside LDH) is refused at filing, naming the field and the rule, instead of being
     * accepted and never redeemable; the xn-- form of an internationalised domain is accepted.
     */
    @Test
    void anInviteeOutsideTheVouchableRuleIsRefusedNamingFieldAndRule() {
        for (String email : new String[] {"j\u00f6rg@fabrikam.example", "bob@b\u00fccher.example",
                "bob@\u212aabrikam.example", "\u4e2d\u6587@fabrikam.example", "bob@fabrikam_x.example",
                "bob@-fabrikam.example"}) {
            // not the one canonical form: ambiguous, 400 naming the field by JSON pointer (issue #7)
            Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee(email)).then().statusCode(400)
                    .contentType(containsString("application/problem+json"))
                    .body("type", equalTo("urn:crosstenant:problem:not-canonical"))
                    .body("field", equalTo("/invitee/email"))
                    .body("detail", containsString("printable ASCII"));
        }
        Api.file(Tokens.fabrikamPartner(), Api.fabrikamInvitee("bob-" + UUID.randomUUID() + "@xn--bcher-kva.example"))
                .then().statusCode(202);
    }

    @Test
    void idempotencyKeyAtItsLimitIsAcceptedAndOneMoreIsRefused() {
        String body = Api.fabrikamInvitee("key-" + UUID.randomUUID() + "@fabrikam.example");
        Api.as(Tokens.fabrikamPartner()).header("Idempotency-Key", "k".repeat(199) + UUID.randomUUID().toString()
                .substring(0, 1)).contentType(ContentType.JSON).body(body).post(Api.BASE).then().statusCode(202);
        Api.as(Tokens.fabrikamPartner()).header("Idempotency-Key", "k".repeat(201)).contentType(ContentType.JSON)
                .body(body).post(Api.BASE).then().statusCode(422)
                .body("field", equalTo("Idempotency-Key")).body("limit", equalTo(200));
    }

    /**
     * An {@code Idempotency-Key} line with nothing after the colon, and two {@code Idempotency-Key} lines (different or
     * the same), are each 400 naming the header; nothing is filed. Sent over a plain socket, so that the header lines
     * are exactly these.
     */
    @Test
    void anEmptyOrRepeatedIdempotencyKeyIsRefusedNamingIt() throws Exception {
        String email = "key-" + UUID.randomUUID() + "@fabrikam.example";
        byte[] body = Api.fabrikamInvitee(email).getBytes(StandardCharsets.UTF_8);
        String json = "Content-Type: application/json";
        String[][] headers = { { json, "Idempotency-Key:" }, { json, "Idempotency-Key: " },
            { json, "Idempotency-Key: k-1", "Idempotency-Key: k-2" }, { json, "Idempotency-Key: k-3", "idempotency-key: k-3" } };
        for (String[] lines : headers) {
            RawUpload.Response answer = RawUpload.send(base.toURI(), "POST", Api.BASE,
                    "Bearer " + Tokens.fabrikamPartner(), java.util.List.of(lines), body, false);
            assertEquals(400, answer.status(), String.join(" / ", lines) + ": " + answer.body());
            JsonObject problem = new JsonObject(answer.body());
            assertEquals("Idempotency-Key", problem.getString("field"), answer.body());
        }
        // the same body with one key is filed
        RawUpload.Response filed = RawUpload.send(base.toURI(), "POST", Api.BASE, "Bearer " + Tokens.fabrikamPartner(),
                java.util.List.of(json, "Idempotency-Key: k-4-" + UUID.randomUUID()), body, false);
        assertEquals(202, filed.status(), filed.body());
    }

    @Test
    void aRedemptionCodeOverItsLimitIsRefusedNamingIt() {
        String id = Api.fileForBob();
        Api.redeem(Tokens.bob(), id, "c".repeat(129)).then().statusCode(422)
                .body("field", equalTo("/code")).body("limit", equalTo(128));
    }

    @Test
    void tokenClaimsThatCannotBeStoredAreRefusedNamingTheClaim() {
        String body = Api.fabrikamInvitee("claims-" + UUID.randomUUID() + "@fabrikam.example");
        Api.file(FederatedTokens.token("fabrikam", "s".repeat(255), null, "collab-partner"), body)
                .then().statusCode(202);
        Api.file(FederatedTokens.token("fabrikam", "s".repeat(256), null, "collab-partner"), body)
                .then().statusCode(422).body("field", equalTo("token.home_sub")).body("limit", equalTo(255));
        // an email claim this service cannot store does not refuse the caller (known by tenant + home_sub): absent
        String other = Api.fabrikamInvitee("claims-" + UUID.randomUUID() + "@fabrikam.example");
        Api.file(FederatedTokens.token("fabrikam", "svc", DOTTED_I + "a".repeat(62) + "@fabrikam.example",
                "collab-partner"), other)
                .then().statusCode(202);
    }
}
