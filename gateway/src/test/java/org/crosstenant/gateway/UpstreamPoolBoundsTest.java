package org.crosstenant.gateway;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The upstream pool is bounded on every side: with all connections busy, at most {@code max-wait-queue-size}
 * requests wait — for at most the connect timeout — and one more is refused at once. Both refusals are 503
 * {@code upstream-unavailable} with Retry-After (nothing was sent), never an unbounded queue inside the gateway.
 */
@QuarkusTest
@TestProfile(UpstreamPoolBoundsTest.TinyPool.class)
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class UpstreamPoolBoundsTest {

    /** Two connections per upstream host, one waiting request, five seconds to get a connection. */
    public static class TinyPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("crosstenant.gateway.proxy.max-pool-size", "2",
                    "crosstenant.gateway.proxy.max-wait-queue-size", "1",
                    // long enough that the second extra request surely finds the first still waiting, even on a
                    // loaded machine
                    "crosstenant.gateway.proxy.connect-timeout", "5S");
        }
    }

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void aFullPoolAndAFullWaitQueueAre503sNotAnUnboundedQueue() throws Exception {
        String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // two requests that the upstream holds (a gate for three parties): both pooled connections are now busy
        String gate = "/api/v1/invitations/__gate?id=" + UUID.randomUUID() + "&n=3";
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(client.sendAsync(get(gate, alice), HttpResponse.BodyHandlers.ofString()));
        }
        awaitRecordedGateRequests(gate, 2);

        // two more: one waits in the queue (size 1) and gets no connection within the connect timeout, the other
        // finds the queue full and is refused at once; either way nothing was sent
        List<CompletableFuture<HttpResponse<String>>> extra = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            extra.add(client.sendAsync(get("/api/v1/invitations/extra-" + i, alice), HttpResponse.BodyHandlers.ofString()));
        }
        List<String> details = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : extra) {
            HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
            assertUnavailable(response);
            details.add(response.body());
        }
        assertTrue(details.stream().anyMatch(body -> body.contains("already waiting")), details.toString());
        assertTrue(details.stream().anyMatch(body -> body.contains("within the connect timeout")), details.toString());

        // the third party reaches the upstream directly and releases the two held requests
        HttpResponse<String> third = client.send(HttpRequest.newBuilder(
                URI.create(TenantTokens.value("test.upstream.url") + gate)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, third.statusCode());
        for (CompletableFuture<HttpResponse<String>> answer : held) {
            HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertThat(response.body(), containsString("true"));
        }
    }

    private static void assertUnavailable(HttpResponse<String> response) {
        assertEquals(503, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
        assertThat(response.body(), containsString("urn:crosstenant:problem:upstream-unavailable"));
    }

    private HttpRequest get(String path, String token) throws Exception {
        return HttpRequest.newBuilder(gateway.toURI().resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60)).GET().build();
    }

    private static void awaitRecordedGateRequests(String gate, int count) throws Exception {
        String id = gate.substring(gate.indexOf("id=") + 3, gate.indexOf('&'));
        HttpClient client = HttpClient.newHttpClient();
        URI recorded = URI.create(TenantTokens.value("test.upstream.url") + "/__recorded");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            String body = client.send(HttpRequest.newBuilder(recorded).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body.split(id, -1).length - 1 >= count;
        });
    }
}
