package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ApplicationResourceTest {

    private static final String PATH = "/api/v1/tenants/{tenant}/applications/{app}";

    @Test
    void adminRegistersUpdatesAndReadsItsOwnApplication() {
        String tenant = TestStack.tenant("contoso");
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090", "displayName", "Projects"))
                .when().put(PATH, tenant, "contoso-projects")
                .then().statusCode(200)
                .body("tenant", equalTo(tenant))
                .body("application", equalTo("contoso-projects"))
                .body("upstreamUrl", equalTo("http://127.0.0.1:8090"))
                .body("version", equalTo(1));

        // the same content again is not a change
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090", "displayName", "Projects"))
                .when().put(PATH, tenant, "contoso-projects")
                .then().statusCode(200).body("version", equalTo(1));

        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "https://projects.contoso.example/app"))
                .when().put(PATH, tenant, "contoso-projects")
                .then().statusCode(200).body("version", equalTo(2));

        given().header("Authorization", TestStack.adminOf(tenant))
                .when().get(PATH, tenant, "contoso-projects")
                .then().statusCode(200)
                .body("upstreamUrl", equalTo("https://projects.contoso.example/app"))
                .body("version", equalTo(2));
    }

    @Test
    void adminOfAnotherTenantIsForbidden() {
        String tenant = TestStack.tenant("contoso");
        given().header("Authorization", TestStack.adminOf("fabrikam")).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put(PATH, tenant, "contoso-projects")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403))
                .body("title", equalTo("Forbidden"))
                .body("instance", equalTo("/api/v1/tenants/" + tenant + "/applications/contoso-projects"));
        given().header("Authorization", TestStack.adminOf("fabrikam"))
                .when().get(PATH, tenant, "contoso-projects")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void memberWithoutTheAdminRoleIsForbidden() {
        String tenant = TestStack.tenant("contoso");
        given().header("Authorization", TestStack.memberOf(tenant, "collab-partner", "collab-auditor"))
                .contentType(ContentType.JSON).body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put(PATH, tenant, "contoso-projects")
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("collab-admin"));
    }

    @Test
    void missingOrInvalidTokenIsUnauthenticated() {
        String tenant = TestStack.tenant("contoso");
        given().contentType(ContentType.JSON).body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put(PATH, tenant, "contoso-projects")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401))
                .body("type", equalTo("urn:crosstenant:problem:unauthenticated"));

        Map<String, Object> claims = FederatedTokens.claims(tenant, "mallory", null, "collab-admin");
        claims.put("aud", "someone-else");
        given().header("Authorization", "Bearer " + FederatedTokens.sign(claims))
                .when().get(PATH, tenant, "contoso-projects")
                .then().statusCode(401).contentType("application/problem+json");

        given().header("Authorization", "Bearer not.a.token")
                .when().get(PATH, tenant, "contoso-projects")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void badBodiesAreProblems() {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "ftp://files.contoso.example"))
                .when().put(PATH, tenant, "contoso-projects")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors", hasItem(containsString("absolute http(s) URL"))).body("field", equalTo("/upstreamUrl"));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "/relative/path"))
                .when().put(PATH, tenant, "contoso-projects")
                .then().statusCode(422).contentType("application/problem+json");
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("displayName", "no url", "colour", "blue"))
                .when().put(PATH, tenant, "contoso-projects")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors", hasItem("/upstreamUrl: is required"))
                .body("errors", hasItem(containsString("/colour: unknown field")))
                .body("field", equalTo("/colour"));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"upstreamUrl\": ")
                .when().put(PATH, tenant, "contoso-projects")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put(PATH, tenant, "Not_An_Id")
                .then().statusCode(400).contentType("application/problem+json");
    }

    /** requireMfa: optional boolean, stored, shown, part of "nothing changed", published in the event. */
    @Test
    void requireMfaIsAnOptionalBooleanPublishedWithTheRegistration() {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put(PATH, tenant, "mfa-app").then().statusCode(200)
                .body("requireMfa", equalTo(false)).body("version", equalTo(1));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090", "requireMfa", true))
                .when().put(PATH, tenant, "mfa-app").then().statusCode(200)
                .body("requireMfa", equalTo(true)).body("version", equalTo(2));
        for (String bad : new String[] {"\"yes\"", "1", "null1", "{}"}) {
            given().header("Authorization", admin).contentType(ContentType.JSON)
                    .body("{\"upstreamUrl\": \"http://127.0.0.1:8090\", \"requireMfa\": " + bad + "}")
                    .when().put(PATH, tenant, "mfa-app").then().statusCode(org.hamcrest.Matchers.oneOf(400, 422))
                    .contentType("application/problem+json");
        }
        String key = tenant + "/applications/mfa-app";
        KafkaSupport.awaitRecord(org.crosstenant.policy.service.PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> key.equals(r.key()) && new io.vertx.core.json.JsonObject(r.value()).getLong("version") == 2
                        && new io.vertx.core.json.JsonObject(r.value()).getBoolean("requireMfa"));
    }

    /** The faults in a display name: NUL, other controls, lone surrogates of both halves — 422, never stored. */
    @Test
    void controlCharactersAndLoneSurrogatesInTheDisplayNameAreRefused() {
        String tenant = TestStack.tenant("contoso");
        // well-formed JSON text the display-name rule refuses: 422 naming the field
        // and invisible format characters or separators (Cf, Zl, Zp) that make one name look like another: the
        // bidi overrides (Trojan Source, CVE-2021-42574), zero-width characters, the BOM, U+2028/U+2029
        for (String bad : new String[] {"\\u0007", "\\u001b", "\\u007f", "\\u0085", "\\u202e", "\\u202a",
                "\\u2066", "\\u200b", "\\u200d", "\\ufeff", "\\u2028", "\\u2029", "\\u00ad", "\\ud834\\udd73"}) {
            given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                    .body("{\"upstreamUrl\": \"http://127.0.0.1:8090\", \"displayName\": \"x" + bad + "y\"}")
                    .when().put(PATH, tenant, "named").then().statusCode(422)
                    .contentType("application/problem+json").body("field", equalTo("/displayName"));
        }
        // NUL and unpaired surrogates are not text at all: the strict JSON reader refuses the body (400, JSON pointer)
        for (String bad : new String[] {"\\u0000", "\\ud800", "\\udc00"}) {
            given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                    .body("{\"upstreamUrl\": \"http://127.0.0.1:8090\", \"displayName\": \"x" + bad + "y\"}")
                    .when().put(PATH, tenant, "named").then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo("/displayName"));
        }
        given().header("Authorization", TestStack.adminOf(tenant)).when().get(PATH, tenant, "named")
                .then().statusCode(404);
    }

    @Test
    void unknownApplicationIsNotFound() {
        String tenant = TestStack.tenant("contoso");
        given().header("Authorization", TestStack.adminOf(tenant))
                .when().get(PATH, tenant, "nothing-here")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("application nothing-here is not registered by " + tenant));
    }
}
