package org.crosstenant.policy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

/**
 * What a body of the wrong JSON types or charset reads in policy-service: 400 {@code malformed-json} whose detail
 * names the JSON pointer and the JSON type expected (never a Java type such as Jackson's {@code ObjectNode}), a 4xx
 * naming no Java type for a member of the wrong type, and 415 problem+json for a body declared in a charset other
 * than UTF-8 (RFC 8259 §8.1).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class BodyTypeAndCharsetTest {

    private static final String SETTINGS = "/api/v1/tenants/%s/access-settings/partners/fabrikam";
    private static final String DEFAULT = "/api/v1/tenants/%s/access-settings/default";
    private static final String APPLICATION = "/api/v1/tenants/%s/applications/projects";

    @Test
    void aBodyOfTheWrongJsonTypeIsNamedByJsonTypeNeverByJavaType() {
        String tenant = TestStack.tenant("contoso");
        for (String path : List.of(SETTINGS, DEFAULT, APPLICATION)) {
            for (String body : List.of("[]", "\"settings\"", "5", "true")) {
                Response answer = put(path.formatted(tenant), tenant, "application/json", body);
                answer.then().statusCode(400).body("type", equalTo("urn:crosstenant:problem:malformed-json"));
                assertEquals("the body is not acceptable JSON: the body: expected an object",
                        answer.jsonPath().getString("detail"), path + " " + body);
            }
        }
    }

    @Test
    void membersOfTheWrongJsonTypeAreRefusedNamingNoJavaType() {
        String tenant = TestStack.tenant("contoso");
        List<String[]> bodies = List.of(
                new String[] { SETTINGS, "{\"inbound\":[]}" },
                new String[] { SETTINGS, "{\"inbound\":{\"collaboration\":\"all\"}}" },
                new String[] { SETTINGS, "{\"inbound\":{\"collaboration\":{\"applications\":"
                        + "{\"access\":\"allowed\",\"targets\":{}}}}}" },
                new String[] { SETTINGS, "{\"inbound\":{\"collaboration\":{\"applications\":"
                        + "{\"access\":true,\"targets\":[\"crm\"]}}}}" },
                new String[] { DEFAULT, "{\"invitations\":{\"whoMayInvite\":[]}}" },
                new String[] { APPLICATION, "{\"upstreamUrl\":[],\"displayName\":\"Projects\"}" },
                new String[] { APPLICATION, "{\"upstreamUrl\":\"http://apps.example/p\",\"displayName\":{}}" },
                new String[] { APPLICATION, "{\"upstreamUrl\":\"http://apps.example/p\",\"displayName\":\"P\","
                        + "\"requireMfa\":\"yes\"}" });
        for (String[] body : bodies) {
            Response answer = put(body[0].formatted(tenant), tenant, "application/json", body[1]);
            int status = answer.statusCode();
            assertTrue(status == 400 || status == 422, status + " for " + body[1] + ": " + answer.asString());
            String read = answer.asString();
            for (String banned : List.of("java.", "org.", "com.fasterxml", "`", "ObjectNode", "JsonNode")) {
                assertFalse(read.contains(banned), "'" + banned + "' in the answer to " + body[1] + ": " + read);
            }
        }
    }

    @Test
    void aBodyDeclaredInAnotherCharsetIs415NamingTheAcceptedType() {
        String tenant = TestStack.tenant("contoso");
        String body = "{\"upstreamUrl\":\"http://apps.example/projects\",\"displayName\":\"Projects\"}";
        for (String charset : List.of("ISO-8859-1", "utf-16", "no-such-charset")) {
            put(APPLICATION.formatted(tenant), tenant, "application/json; charset=" + charset, body).then()
                    .statusCode(415).contentType("application/problem+json").body("status", equalTo(415))
                    .body("detail", containsString("'" + charset + "'"))
                    .body("detail", containsString("application/json; charset=utf-8"));
        }
        put(APPLICATION.formatted(tenant), tenant, "application/json; charset=UTF-8", body).then().statusCode(200);
        put(APPLICATION.formatted(tenant), tenant, "application/json", body).then().statusCode(200);
    }

    /** Another media type, or an Accept that excludes JSON: the detail says what to send, not the framework's words. */
    @Test
    void anotherMediaTypeIs415AndAnAcceptWithoutJsonIs406InPlainWords() {
        String tenant = TestStack.tenant("contoso");
        String body = "{\"upstreamUrl\":\"http://apps.example/projects\",\"displayName\":\"Projects\"}";
        for (String type : List.of("text/plain", "application/xml", "text/csv")) {
            put(APPLICATION.formatted(tenant), tenant, type, body).then().statusCode(415)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("the body must be application/json; charset=utf-8"));
        }
        given().header("Authorization", TestStack.adminOf(tenant)).accept("text/html")
                .get("/api/v1/tenants/" + tenant + "/access-settings/default").then().statusCode(406)
                .body(org.hamcrest.Matchers.not(containsString("@Produces")));
    }

    private static Response put(String path, String tenant, String contentType, String body) {
        return given().header("Authorization", TestStack.adminOf(tenant)).contentType(contentType)
                .body(body.getBytes(StandardCharsets.UTF_8)).put(path);
    }
}
