package org.crosstenant.invitation;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * What a body of the wrong JSON types or charset reads: 400 {@code malformed-json} whose detail names the JSON pointer
 * and the JSON type expected there, never a Java type (Jackson's own messages name the request records and
 * {@code java.util} types); 415 problem+json for a body declared in a charset other than UTF-8 (RFC 8259 §8.1).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class BodyTypeAndCharsetTest {

    private static final String VALID_INVITEE = "{\"tenant\":\"fabrikam\",\"email\":\"wt@fabrikam.example\"}";

    @Test
    void wrongJsonTypesAreNamedByPointerAndJsonTypeNeverByJavaType() {
        Map<String, String> filings = new LinkedHashMap<>();
        filings.put(filing("[]", "\"contoso\""), "/invitee: expected an object");
        filings.put(filing("\"bob@fabrikam.example\"", "\"contoso\""), "/invitee: expected an object");
        filings.put(filing("{\"tenant\":\"fabrikam\",\"email\":[\"a@b.cd\"]}", "\"contoso\""),
                "/invitee/email: expected a string");
        filings.put(filing(VALID_INVITEE, "{}"), "/resourceTenant: expected a string");
        filings.put(filing(VALID_INVITEE, "7"), "/resourceTenant: expected a string");
        filings.put(filing(VALID_INVITEE, "[\"contoso\"]"), "/resourceTenant: expected a string");
        filings.put(filing(VALID_INVITEE, "\"contoso\"").replace("}}", "},\"role\":\"collab-admin\"}"),
                "/role: not a member this body accepts");
        filings.put("[]", "the body: expected an object");
        for (Map.Entry<String, String> body : filings.entrySet()) {
            assertRefused(Api.file(Tokens.fabrikamPartner(), body.getKey()), body.getKey(), body.getValue());
        }
        String id = UUID.randomUUID().toString();
        for (String body : List.of("{\"code\":[]}", "{\"code\":{}}", "{\"code\":5}")) {
            assertRefused(Api.as(Tokens.bob()).contentType("application/json").body(body)
                    .post(Api.BASE + "/" + id + "/redeem"), body, "/code: expected a string");
        }
        assertRefused(Api.as(Tokens.contosoAdmin()).contentType("application/json").body("{\"reason\":{}}")
                .post(Api.BASE + "/" + id + "/approve"), "reason", "/reason: expected a string");
    }

    @Test
    void aBodyDeclaredInAnotherCharsetIs415NamingTheAcceptedType() {
        String body = Api.fabrikamInvitee("charset-" + UUID.randomUUID().toString().substring(0, 8)
                + "@fabrikam.example");
        for (String charset : List.of("ISO-8859-1", "utf-16", "no-such-charset")) {
            Response refused = Api.as(Tokens.fabrikamPartner())
                    .contentType("application/json; charset=" + charset)
                    .body(body.getBytes(StandardCharsets.UTF_8)).post(Api.BASE);
            refused.then().statusCode(415).contentType("application/problem+json")
                    .body("status", equalTo(415))
                    .body("detail", containsString("'" + charset + "'"))
                    .body("detail", containsString("application/json; charset=utf-8"));
        }
        // the same body, in UTF-8 declared either way, is filed (the second is the first replayed: same key)
        String key = UUID.randomUUID().toString();
        for (String type : List.of("application/json; charset=UTF-8", "application/json;charset=utf-8")) {
            Api.as(Tokens.fabrikamPartner()).contentType(type).header("Idempotency-Key", key)
                    .body(body.getBytes(StandardCharsets.UTF_8)).post(Api.BASE).then().statusCode(202);
        }
    }

    /** An Accept that excludes JSON is 406 in plain words: what the resource answers, not the framework's words. */
    @Test
    void anAcceptWithoutJsonIs406InPlainWords() {
        Api.as(Tokens.contosoAdmin()).accept("text/html").get(Api.BASE + "/" + UUID.randomUUID()).then()
                .statusCode(406).body(org.hamcrest.Matchers.not(containsString("@Produces")))
                .body(containsString("this resource answers application/json"));
    }

    private static String filing(String invitee, String resourceTenant) {
        return "{\"resourceTenant\":" + resourceTenant + ",\"application\":\"contoso-app-wt\",\"invitee\":" + invitee
                + "}";
    }

    private static void assertRefused(Response answer, String sent, String detail) {
        answer.then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:crosstenant:problem:malformed-json"));
        String read = answer.jsonPath().getString("detail");
        assertEquals("Body is not acceptable JSON of the expected shape: " + detail, read, sent);
        for (String banned : List.of("java.", "org.", "com.fasterxml", "`", "FileInvitationRequest", "Invitee")) {
            assertFalse(read.contains(banned), "'" + banned + "' in the detail for " + sent + ": " + read);
        }
    }
}
