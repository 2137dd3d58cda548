package org.crosstenant.invitation;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.crosstenant.invitation.repository.InvitationRepository;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Issue #7, admin approval: an allow with {@code approvalRequired} waits in {@code pending_approval}
 * ({@code approval-requested.v1}, no code) until a collab-admin of the resource tenant approves ({@code approved.v1}
 * naming the admin, a code issued) or declines ({@code declined.v1}).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ApprovalTest {

    static final String APPROVAL_REQUESTED = "org.crosstenant.invitation.approval-requested.v1";
    static final String APPROVED = "org.crosstenant.invitation.approved.v1";
    static final String DECLINED = "org.crosstenant.invitation.declined.v1";

    @Inject
    InvitationRepository invitations;

    @TestHTTPResource("/")
    URL base;

    @Test
    void anApprovalRequiredAllowWaitsForTheAdminWhoApproves() throws Exception {
        String id = pendingApproval();
        Api.get(Tokens.fabrikamPartner(), id).then().body("redemptionCode", nullValue());
        JsonNode requested = JsonShape.JSON.readTree(KafkaSupport.awaitEvents(id, APPROVAL_REQUESTED, 1).get(0).value());
        assertEquals(JsonShape.ofExample(APPROVAL_REQUESTED), JsonShape.of(requested));
        // no code can be redeemed before approval
        FilingTest.problem(Api.redeem(Tokens.bob(), id, "anything"), 409);

        review(Tokens.contosoAdmin(), id, "approve", "{\"reason\":\"project kick-off\"}").then().statusCode(200)
                .body("status", equalTo("pending_acceptance"))
                .body("approval.by.subject", equalTo("alice-sub"))
                .body("approval.reason", equalTo("project kick-off"));
        JsonNode approved = JsonShape.JSON.readTree(KafkaSupport.awaitEvents(id, APPROVED, 1).get(0).value());
        assertEquals("alice-sub", approved.path("approvedBy").path("subject").asText());
        assertEquals("project kick-off", approved.path("reason").asText());
        String code = Api.get(Tokens.fabrikamPartner(), id).then().body("redemptionCode", notNullValue()).extract()
                .path("redemptionCode");
        // approving twice, or declining after approval: not pending_approval any more
        FilingTest.problem(review(Tokens.contosoAdmin(), id, "approve", null), 409)
                .body("type", equalTo("urn:crosstenant:problem:not-pending-approval"));
        FilingTest.problem(review(Tokens.contosoAdmin(), id, "decline", null), 409);
        Api.redeem(Tokens.bob(), id, code).then().statusCode(200).body("status", equalTo("accepted"));
    }

    @Test
    void theAdminDeclines() throws Exception {
        String id = pendingApproval();
        review(Tokens.contosoAdmin(), id, "decline", "{\"reason\":\"no external access\"}").then().statusCode(200)
                .body("status", equalTo("declined")).body("declined.reason", equalTo("no external access"));
        JsonNode declined = JsonShape.JSON.readTree(KafkaSupport.awaitEvents(id, DECLINED, 1).get(0).value());
        assertEquals(JsonShape.ofExample(DECLINED), JsonShape.of(declined));
        assertEquals("fabrikam", declined.path("homeTenant").asText());
        assertEquals("bob@fabrikam.example", declined.path("inviteeEmail").asText());
        assertEquals("alice-sub", declined.path("declinedBy").path("subject").asText());
        FilingTest.problem(review(Tokens.contosoAdmin(), id, "approve", null), 409);
        // declined is final: bob may be asked for again
        Api.file(Tokens.fabrikamPartner(), Api.body("contoso", application(id), "fabrikam", "bob@fabrikam.example"))
                .then().statusCode(202);
    }

    @Test
    void aBodylessApprovalHasNoReason() throws Exception {
        String id = pendingApproval();
        Api.as(Tokens.contosoAdmin()).contentType(ContentType.JSON).post(Api.BASE + "/" + id + "/approve").then()
                .statusCode(200)
                .body("status", equalTo("pending_acceptance")).body("approval.reason", nullValue());
        JsonNode approved = JsonShape.JSON.readTree(KafkaSupport.awaitEvents(id, APPROVED, 1).get(0).value());
        assertTrue(approved.path("reason").isMissingNode());
    }

    /**
     * A review body is JSON, read by the strict reader: declared as another media type it is 415 problem+json, never
     * stored as the reason's text (once {@code {"reason":5}} as text, {@code a\xFFb} as {@code a\uFFFDb}, ISO-8859-1 as
     * {@code a\u00FFb}); declared JSON in another charset is 415 too. Nothing changes the invitation.
     */
    @Test
    void aReviewBodyOfAnotherMediaTypeOrCharsetIs415AndNeverAReason() {
        String id = pendingApproval();
        byte[] notUtf8 = { 'a', (byte) 0xFF, 'b' };
        for (String verb : new String[] { "approve", "decline" }) {
            for (String type : new String[] { "text/plain", "text/plain; charset=ISO-8859-1",
                    "application/xml", "application/json; charset=ISO-8859-1" }) {
                for (byte[] body : new byte[][] { "{\"reason\":5}".getBytes(StandardCharsets.UTF_8), notUtf8,
                        "{\"reason\":\"a\u00ffb\"}".getBytes(StandardCharsets.ISO_8859_1) }) {
                    var refused = Api.as(Tokens.contosoAdmin()).contentType(type).body(body)
                            .post(Api.BASE + "/" + id + "/" + verb).then().statusCode(415)
                            .contentType("application/problem+json").body("status", equalTo(415))
                            .body("type", equalTo("urn:crosstenant:problem:http-415"));
                    if (!type.startsWith("application/json")) {
                        // another media type: what to send, not the framework's words about @Consumes
                        refused.body("detail", equalTo("the body must be application/json; charset=utf-8"));
                    }
                }
            }
        }
        Api.get(Tokens.contosoAdmin(), id).then().body("status", equalTo("pending_approval"));
        // the same reason as JSON is read (and the number refused as no text)
        FilingTest.problem(review(Tokens.contosoAdmin(), id, "approve", "{\"reason\":5}"), 400);
    }

    /**
     * Only a zero-length body means "no reason": a body that is present but is no JSON object (the literal
     * {@code null}, white space only, a byte order mark only, another JSON value) is 400 {@code malformed-json} naming
     * the body in JSON words, never Jackson's, and the invitation stays {@code pending_approval}.
     */
    @Test
    void aPresentBodyThatIsNoJsonObjectIs400AndChangesNothing() {
        String id = pendingApproval();
        byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
        List<byte[]> bodies = List.of("null".getBytes(StandardCharsets.UTF_8), " ".getBytes(StandardCharsets.UTF_8),
                " \r\n\t ".getBytes(StandardCharsets.UTF_8), bom, " null ".getBytes(StandardCharsets.UTF_8),
                "[]".getBytes(StandardCharsets.UTF_8), "\"reason\"".getBytes(StandardCharsets.UTF_8),
                "5".getBytes(StandardCharsets.UTF_8));
        for (String verb : new String[] { "approve", "decline" }) {
            for (byte[] body : bodies) {
                String sent = new String(body, StandardCharsets.UTF_8);
                Response answer = Api.as(Tokens.contosoAdmin()).contentType("application/json").body(body)
                        .post(Api.BASE + "/" + id + "/" + verb);
                answer.then().statusCode(400).contentType("application/problem+json")
                        .body("type", equalTo("urn:crosstenant:problem:malformed-json"));
                String detail = answer.jsonPath().getString("detail");
                assertEquals("Body is not acceptable JSON of the expected shape: the body: expected an object",
                        detail, verb + " " + sent + ": " + answer.asString());
            }
        }
        Api.get(Tokens.contosoAdmin(), id).then().body("status", equalTo("pending_approval"));
        // the zero-length body is still a review without a reason
        Api.as(Tokens.contosoAdmin()).contentType("application/json").body(new byte[0])
                .post(Api.BASE + "/" + id + "/approve").then().statusCode(200)
                .body("status", equalTo("pending_acceptance"));
    }

    /** An empty body without any Content-Type is still a review without a reason (docs/api.md: may be empty). */
    @Test
    void aBodylessReviewWithoutContentTypeHasNoReason() throws Exception {
        for (String verb : new String[] { "approve", "decline" }) {
            String id = pendingApproval();
            RawUpload.Response answer = RawUpload.send(base.toURI(), "POST", Api.BASE + "/" + id + "/" + verb,
                    "Bearer " + Tokens.contosoAdmin(), List.of(), new byte[0], false);
            assertEquals(200, answer.status(), answer.body());
            Api.get(Tokens.contosoAdmin(), id).then()
                    .body("status", equalTo("approve".equals(verb) ? "pending_acceptance" : "declined"));
        }
    }

    /**
     * Invisible format characters and separators (Unicode Cf, Zl, Zp) in a reason are refused like controls: they
     * would make one admin's reason read like another's (UTR #36), as policy-service refuses them in its texts.
     */
    @Test
    void aReasonWithFormatCharactersOrSeparatorsIsRefused() {
        String id = pendingApproval();
        for (String bad : new String[] { "\\u202E", "\\u2066", "\\u200B", "\\uFEFF", "\\u00AD", "\\u2028",
                "\\u2029", "\\uDB40\\uDC01" }) {
            for (String verb : new String[] { "approve", "decline" }) {
                FilingTest.problem(review(Tokens.contosoAdmin(), id, verb, "{\"reason\":\"ok" + bad + "ok\"}"), 400)
                        .body("field", equalTo("/reason")).body("detail", containsString("contains the character U+"));
            }
        }
        Api.get(Tokens.contosoAdmin(), id).then().body("status", equalTo("pending_approval"));
        // letters of any script are no format characters
        review(Tokens.contosoAdmin(), id, "approve", "{\"reason\":\"\u05e9\u05dc\u05d5\u05dd J\u00f6rg\"}")
                .then().statusCode(200).body("approval.reason", equalTo("\u05e9\u05dc\u05d5\u05dd J\u00f6rg"));
    }

    /** Only a collab-admin of the resource tenant: 403 to parties, 404 to third tenants and unknown ids. */
    @Test
    void othersMayNotReview() {
        String id = pendingApproval();
        String northwindAdmin = FederatedTokens.token("northwind", "nora-sub", "nora@northwind.example",
                "collab-admin");
        String contosoMember = FederatedTokens.token("contoso", "carl-sub", "carl@contoso.example");
        for (String verb : new String[] { "approve", "decline" }) {
            FilingTest.problem(review(Tokens.fabrikamAdmin(), id, verb, null), 403);
            FilingTest.problem(review(Tokens.fabrikamPartner(), id, verb, null), 403);
            FilingTest.problem(review(Tokens.bob(), id, verb, null), 403);
            FilingTest.problem(review(contosoMember, id, verb, null), 403);
            FilingTest.problem(review(northwindAdmin, id, verb, null), 404);
            FilingTest.problem(review(Tokens.contosoAdmin(), UUID.randomUUID().toString(), verb, null), 404);
            FilingTest.problem(review(Tokens.contosoAdmin(), "not-an-id", verb, null), 404);
        }
        Api.get(Tokens.contosoAdmin(), id).then().body("status", equalTo("pending_approval"));
    }

    /** The reason: control characters, NUL, lone surrogates, blank → 400 naming it; over 1024 characters → 422. */
    @Test
    void aBadReasonIsRefusedNamingTheField() {
        String id = pendingApproval();
        for (String reason : new String[] { "a\\u0000b", "tab\\there", "line\\nbreak", "x\\ud800y", "x\\udc00",
                "\\u007f", "\\u0085next", "   " }) {
            FilingTest.problem(review(Tokens.contosoAdmin(), id, "approve", "{\"reason\":\"" + reason + "\"}"), 400)
                    .body("field", equalTo("/reason"));
        }
        for (String notText : new String[] {"{\"reason\":5}", "{\"reason\":true}", "{\"reason\":\"ok\",\"x\":1}"}) {
            FilingTest.problem(review(Tokens.contosoAdmin(), id, "approve", notText), 400);
        }
        FilingTest.problem(review(Tokens.contosoAdmin(), id, "decline", "{\"reason\":\"" + "r".repeat(1025) + "\"}"),
                422).body("field", equalTo("/reason")).body("limit", equalTo(1024));
        Api.get(Tokens.contosoAdmin(), id).then().body("status", equalTo("pending_approval"));
        review(Tokens.contosoAdmin(), id, "decline", "{\"reason\":\"" + "r".repeat(1024) + "\"}").then()
                .statusCode(200);
    }

    /** Expiry applies to pending_approval too. */
    @Test
    void aPendingApprovalExpires() throws Throwable {
        String id = pendingApproval();
        UUID uuid = UUID.fromString(id);
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> invitations
                .update("expiresAt = ?1 where id = ?2", Instant.now().minusSeconds(1), uuid)));
        Api.awaitStatus(Tokens.contosoAdmin(), id, "expired");
        JsonNode expired = JsonShape.JSON.readTree(KafkaSupport.awaitEvents(id,
                "org.crosstenant.invitation.expired.v1", 1).get(0).value());
        assertEquals("pending_approval", expired.path("previousStatus").asText());
        FilingTest.problem(review(Tokens.contosoAdmin(), id, "approve", null), 409);
    }

    private static String pendingApproval() {
        String id = Api.fileForBob();
        Api.decideWithApproval(id);
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_approval");
        return id;
    }

    private static String application(String id) {
        return Api.get(Tokens.contosoAdmin(), id).then().extract().path("application");
    }

    static Response review(String token, String id, String verb, String body) {
        var request = Api.as(token).contentType(ContentType.JSON);
        if (body != null) {
            request = request.body(body);
        }
        return request.post(Api.BASE + "/" + id + "/" + verb);
    }
}
