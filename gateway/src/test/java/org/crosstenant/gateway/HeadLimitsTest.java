package org.crosstenant.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.RawHttp;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * A request head over its limits gets RFC 9457 problem+json naming the limit, whatever the path and however the
 * bytes are spread (one long header or many short ones; a long path or a long query): 414 over 4096 bytes of request
 * line, 431 over 20 KiB of headers (docs/api.md, "Limits"); at the limit the request goes on.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class HeadLimitsTest {

    static final int LINE_LIMIT = 4096;
    static final int HEADERS_LIMIT = 20 * 1024;
    /** "GET " + target + " HTTP/1.1" */
    static final int LINE_OVERHEAD = "GET ".length() + " HTTP/1.1".length();

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void aRequestLineOverItsLimitIs414ProblemJson() {
        for (String prefix : new String[] {"/q/health/live?q=", "/apps/contoso/contoso-projects/", "/api/v1/x/"}) {
            String target = prefix + "a".repeat(LINE_LIMIT - LINE_OVERHEAD - prefix.length() + 1);
            assertProblem(RawHttp.get(gateway, target, null), 414, "request-line", LINE_LIMIT);
        }
        String atLimit = "/q/health/live?q=";
        atLimit += "a".repeat(LINE_LIMIT - LINE_OVERHEAD - atLimit.length());
        assertEquals(200, RawHttp.get(gateway, atLimit, null).status());
    }

    @Test
    void headersOverTheirLimitTogetherAre431ProblemJson() {
        // one long header, as a huge token would be
        assertProblem(RawHttp.get(gateway, "/q/health/live", null, "X-Pad: " + "p".repeat(HEADERS_LIMIT)), 431,
                "headers", HEADERS_LIMIT);
        // many short ones, on a proxied path with a bearer token
        String[] many = new String[250];
        for (int i = 0; i < many.length; i++) {
            many[i] = String.format("X-Pad-%03d: %s", i, "p".repeat(80));
        }
        assertProblem(RawHttp.get(gateway, "/apps/contoso/contoso-projects/x", "not-a-token", many), 431, "headers",
                HEADERS_LIMIT);
    }

    @Test
    void headersAtTheirLimitGoOn() {
        String host = "Host: " + gateway.getHost() + ":" + gateway.getPort();
        long fixed = host.length() + 2 + "Connection: close".length() + 2;
        String pad = "X-Pad: ";
        String atLimit = pad + "p".repeat((int) (HEADERS_LIMIT - fixed - pad.length() - 2));
        assertEquals(200, RawHttp.get(gateway, "/q/health/live", null, atLimit).status());
        assertEquals(431, RawHttp.get(gateway, "/q/health/live", null, atLimit + "p").status());
    }

    private static void assertProblem(RawHttp.Response response, int status, String field, long limit) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.headers().getOrDefault("content-type", "").startsWith("application/problem+json"),
                response.headers().toString());
        JsonObject problem = new JsonObject(response.body());
        assertEquals(status, problem.getInteger("status"));
        assertEquals(field, problem.getString("field"));
        assertEquals(limit, problem.getLong("limit"));
        assertTrue(problem.getString("detail").contains("the limit is " + limit + " bytes"), problem.encode());
    }
}
