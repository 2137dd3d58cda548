package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * Links (Content-Location) are built from the request: behind the gateway (a trusted proxy on loopback) they carry
 * the public scheme, host and port from X-Forwarded-*; without those headers, the address the client used.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ForwardedHeadersTest {

    @Test
    void forwardedHeadersFromLoopbackMakeTheLinkPublic() {
        String tenant = TestStack.tenant("fwd");
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "collab.example.org")
                .header("X-Forwarded-Port", "8443")
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put("/api/v1/tenants/{tenant}/applications/{app}", tenant, "projects")
                .then().statusCode(200)
                .header("Content-Location", equalTo("https://collab.example.org:8443/api/v1/tenants/" + tenant
                        + "/applications/projects"));
    }

    @Test
    void withoutForwardedHeadersTheLinkIsTheAddressUsed() {
        String tenant = TestStack.tenant("direct");
        String partner = TestStack.tenant("partner");
        String body = "{\"inbound\": {\"collaboration\": {\"users\": {\"access\": \"allowed\", \"targets\": [\"all\"]}}}}";
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON).body(body)
                .when().put(AccessSettingsResourceTest.PATH, tenant, partner)
                .then().statusCode(200);
        given().header("Authorization", TestStack.adminOf(tenant))
                .when().get(AccessSettingsResourceTest.PATH, tenant, partner)
                .then().statusCode(200)
                .header("Content-Location", equalTo("http://localhost:" + io.restassured.RestAssured.port
                        + "/api/v1/tenants/" + tenant + "/access-settings/partners/" + partner));
    }
}
