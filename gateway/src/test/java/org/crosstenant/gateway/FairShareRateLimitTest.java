package org.crosstenant.gateway;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Rate limits (issue #6): token buckets per caller and per home tenant on {@code /api} and {@code /apps}, and per
 * client address for tokens not verified yet. A limited caller or tenant gets 429 problem+json with Retry-After and
 * the limit named, while another caller of the same tenant, or another tenant, is still served.
 */
@QuarkusTest
@TestProfile(FairShareRateLimitTest.SmallLimits.class)
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FairShareRateLimitTest {

    /** Buckets of 3 per caller and 8 per tenant refilled at 1/s; 30 unverified tokens per address at 1/s. */
    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String p = "crosstenant.gateway.fair-share.";
            return Map.ofEntries(Map.entry(p + "api.caller-per-second", "1"), Map.entry(p + "api.caller-burst", "3"),
                    Map.entry(p + "api.tenant-per-second", "1"), Map.entry(p + "api.tenant-burst", "8"),
                    Map.entry(p + "apps.caller-per-second", "1"), Map.entry(p + "apps.caller-burst", "3"),
                    Map.entry(p + "apps.tenant-per-second", "1"), Map.entry(p + "apps.tenant-burst", "8"),
                    Map.entry(p + "client-address.per-second", "1"), Map.entry(p + "client-address.burst", "30"));
        }
    }

    /** Far more requests than any bucket here holds plus what it refills while they are sent. */
    private static final int ENOUGH = 40;

    @TestHTTPResource("/")
    URL gateway;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    @Order(1)
    void aCallerOverItsLimitGets429WhileAnotherCallerOfItsTenantIsServed() throws Exception {
        String x = TenantTokens.token("contoso", "x-" + UUID.randomUUID(), "x@contoso.example", "collab-admin");
        HttpResponse<String> refused = firstRefusal("/api/v1/tenants/contoso/applications/a", x);
        assertRateLimited(refused, "by this caller", "api.caller-per-second=1, burst=3");

        String y = TenantTokens.token("contoso", "y-" + UUID.randomUUID(), "y@contoso.example", "collab-admin");
        assertEquals(200, get("/api/v1/tenants/contoso/applications/a", y).statusCode());
    }

    @Test
    @Order(2)
    void aTenantOverItsLimitGets429WhileAnotherTenantIsServed() throws Exception {
        HttpResponse<String> refused = null;
        // fresh Northwind callers, each within its own burst of 3, until the tenant's bucket of 8 is empty
        for (int caller = 0; caller < 10 && refused == null; caller++) {
            String token = TenantTokens.token("northwind", "n" + caller + "-" + UUID.randomUUID(),
                    "n@northwind.example", "collab-admin");
            for (int i = 0; i < 3 && refused == null; i++) {
                HttpResponse<String> response = get("/api/v1/tenants/northwind/applications/a", token);
                if (response.statusCode() == 429) {
                    refused = response;
                } else {
                    assertEquals(200, response.statusCode(), response.body());
                }
            }
        }
        assertNotNull(refused, "Northwind's callers were never held to the tenant limit");
        assertRateLimited(refused, "all callers of tenant northwind together", "api.tenant-per-second=1, burst=8");

        String fabrikam = TenantTokens.token("fabrikam", "f-" + UUID.randomUUID(), "f@fabrikam.example",
                "collab-admin");
        assertEquals(200, get("/api/v1/tenants/fabrikam/applications/a", fabrikam).statusCode());
    }

    @Test
    @Order(3)
    void appsAreLimitedPerCallerOnTheirOwn() throws Exception {
        String member = TenantTokens.token("contoso", "m-" + UUID.randomUUID(), "m@contoso.example");
        HttpResponse<String> refused = firstRefusal("/apps/contoso/projects/page", member);
        assertRateLimited(refused, "/apps by this caller", "apps.caller-per-second=1, burst=3");
        // the same caller's /api budget is its own
        assertEquals(200, get("/api/v1/tenants/contoso/applications/a", member).statusCode());
    }

    @Test
    @Order(4)
    void aFloodOfUnverifiedTokensFromOneAddressIsLimitedBeforeVerification() throws Exception {
        String known = TenantTokens.token("fabrikam", "k-" + UUID.randomUUID(), "k@fabrikam.example", "collab-admin");
        assertEquals(200, get("/api/v1/tenants/fabrikam/applications/a", known).statusCode()); // verified, cached

        HttpResponse<String> refused = null;
        for (int i = 0; i < ENOUGH && refused == null; i++) {
            HttpResponse<String> response = get("/api/v1/invitations", "forged." + UUID.randomUUID() + ".token");
            if (response.statusCode() == 429) {
                refused = response;
            } else {
                assertEquals(401, response.statusCode(), response.body());
            }
        }
        assertNotNull(refused, "forged tokens were verified without limit");
        assertRateLimited(refused, "not verified yet from this client address", "client-address.per-second=1");
        // no token at all counts as unverified too; the bucket may have refilled a token since, so the first
        // refusal (not the first request) is what shows it
        assertRateLimited(firstRefusal("/apps/contoso/projects/page", null), "not verified yet from this client address",
                "client-address.per-second=1");
        // a token the gateway verified before costs no verification: still served
        assertEquals(200, get("/api/v1/tenants/fabrikam/applications/a", known).statusCode());
    }

    private HttpResponse<String> firstRefusal(String path, String token) throws Exception {
        for (int i = 0; i < ENOUGH; i++) {
            HttpResponse<String> response = get(path, token);
            if (response.statusCode() == 429) {
                return response;
            }
        }
        throw new AssertionError(ENOUGH + " requests to " + path + " and no 429");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.toURI().resolve(path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRateLimited(HttpResponse<String> response, String who, String setting) {
        assertEquals(429, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter + " s for a 1/s refill");
        assertThat(response.body(), containsString("urn:crosstenant:problem:rate-limited"));
        assertThat(response.body(), containsString(who));
        assertThat(response.body(), containsString("crosstenant.gateway.fair-share." + setting));
    }
}
