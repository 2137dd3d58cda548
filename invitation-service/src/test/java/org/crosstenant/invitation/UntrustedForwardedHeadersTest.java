package org.crosstenant.invitation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.util.Map;

import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Forwarded headers count only from a trusted proxy: here loopback (where the test calls from) is not in
 * {@code trusted-proxies}, so X-Forwarded-Proto/Host/Port and Forwarded are ignored and Location names the address
 * the request really reached — a caller that bypasses the gateway cannot make the service mint links to its host.
 */
@QuarkusTest
@TestProfile(UntrustedForwardedHeadersTest.OnlyTestNetTrusted.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class UntrustedForwardedHeadersTest {

    /** Trusts only TEST-NET-1 (RFC 5737), an address range no test connection comes from. */
    public static class OnlyTestNetTrusted implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.trusted-proxies", "192.0.2.0/24");
        }
    }

    @Test
    void forwardedHeadersFromAnUntrustedAddressAreIgnored() {
        Response filed = Api.as(Tokens.fabrikamPartner())
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "attacker.example:8443")
                .header("X-Forwarded-Port", "8443")
                .header("Forwarded", "proto=https;host=attacker.example")
                .contentType(ContentType.JSON)
                .body(Api.fabrikamInvitee("bob@fabrikam.example"))
                .post(Api.BASE);
        filed.then().statusCode(202);
        URI location = URI.create(filed.header("Location"));
        assertEquals("http", location.getScheme());
        assertFalse(location.getHost().contains("attacker"), location.toString());
        assertEquals(RestAssured.port, location.getPort());
        assertEquals(Api.BASE + "/" + filed.path("id"), location.getPath());
    }
}
