package org.crosstenant.invitation;

import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Issue #7 ("Why"): NUL, other control characters and lone surrogates in any field of a filing or redemption body
 * (written as JSON escapes, as a client would send them) are refused naming the field, never a 500 and never stored.
 * (Surrounding white space of an address, which Java's {@code strip} takes to include U+001C..U+001F, is removed by
 * the canonical form rather than refused.)
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ControlCharactersTest {

    /** JSON escapes of the kind: NUL, C0 and C1 controls, DEL, a lone high and a lone low surrogate. */
    static final String[] BAD = { "\\u0000", "\\u0001", "\\u001f", "\\u007f", "\\u0085", "\\u009f", "\\ud800",
        "\\udfff" };

    @Test
    void inAFilingTheFieldIsNamed() {
        for (String bad : BAD) {
            check("{\"resourceTenant\":\"contoso\",\"application\":\"" + Api.freshApplication()
                    + "\",\"invitee\":{\"tenant\":\"fabrikam\",\"email\":\"a" + bad + "@fabrikam.example\"}}",
                    "invitee.email");
            check("{\"resourceTenant\":\"contoso\",\"application\":\"" + Api.freshApplication()
                    + "\",\"invitee\":{\"tenant\":\"fabrikam\",\"email\":\"a@fabri" + bad + "kam.example\"}}",
                    "invitee.email");
            check("{\"resourceTenant\":\"con" + bad + "toso\",\"application\":\"app-x\",\"invitee\":{\"tenant\":"
                    + "\"fabrikam\",\"email\":\"a@fabrikam.example\"}}", "resourceTenant");
            check("{\"resourceTenant\":\"contoso\",\"application\":\"app" + bad + "\",\"invitee\":{\"tenant\":"
                    + "\"fabrikam\",\"email\":\"a@fabrikam.example\"}}", "application");
            check("{\"resourceTenant\":\"contoso\",\"application\":\"app-x\",\"invitee\":{\"tenant\":"
                    + "\"fab" + bad + "rikam\",\"email\":\"a@fabrikam.example\"}}", "invitee.tenant");
            // at either end of an id too: only spaces and tabs around an id are trimmed
            check("{\"resourceTenant\":\"contoso" + bad + "\",\"application\":\"app-x\",\"invitee\":{\"tenant\":"
                    + "\"fabrikam\",\"email\":\"a@fabrikam.example\"}}", "resourceTenant");
            check("{\"resourceTenant\":\"contoso\",\"application\":\"" + bad + "app-x\",\"invitee\":{\"tenant\":"
                    + "\"fabrikam\",\"email\":\"a@fabrikam.example\"}}", "application");
        }
    }

    @Test
    void inARedemptionTheCodeIsNamed() {
        String id = Api.fileForBob();
        for (String bad : BAD) {
            FilingTest.problem(Api.as(Tokens.bob()).contentType(ContentType.JSON)
                    .body("{\"code\":\"abc" + bad + "def\"}").post(Api.BASE + "/" + id + "/redeem"), 400)
                    .body("field", equalTo("/code"));
        }
        // a number is not a code (and is not counted as a wrong one); a member the contract does not name is refused
        FilingTest.problem(Api.as(Tokens.bob()).contentType(ContentType.JSON).body("{\"code\":5}")
                .post(Api.BASE + "/" + id + "/redeem"), 400).body("field", equalTo("/code"));
        FilingTest.problem(Api.as(Tokens.bob()).contentType(ContentType.JSON).body("{\"code\":\"abc\",\"x\":1}")
                .post(Api.BASE + "/" + id + "/redeem"), 400).body("field", equalTo("/x"));
    }

    @Test
    void inAnIdempotencyKeyTheHeaderIsNamed() {
        for (String key : new String[] { "k\ty", "k\u00e9y" }) {
            FilingTest.problem(Api.as(Tokens.fabrikamPartner()).header("Idempotency-Key", key)
                    .contentType(ContentType.JSON).body(Api.fabrikamInvitee("bob@fabrikam.example")).post(Api.BASE),
                    400).body("field", equalTo("Idempotency-Key"));
        }
    }

    private static void check(String body, String field) {
        Api.file(Tokens.fabrikamPartner(), body).then().statusCode(anyOf(equalTo(400), equalTo(422)))
                .contentType(startsWith("application/problem+json")).body("field", equalTo("/" + field.replace('.', '/')));
    }
}
