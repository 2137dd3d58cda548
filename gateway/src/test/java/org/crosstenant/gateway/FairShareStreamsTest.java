package org.crosstenant.gateway;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.crosstenant.gateway.rest.Admission;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * Fair sharing of upstream connections (issue #6, "Erin opens 210 audit streams and Dave gets no answer"): a tenant's
 * open streams and its requests in flight to one upstream are capped per tenant (streams per caller too), beyond the
 * quota 429 + Retry-After at once, and another tenant is still served; a stream without a byte for the stream idle
 * timeout is closed, one with keep-alives is not, and a stream ends when the caller's token expires.
 */
@QuarkusTest
@TestProfile(FairShareStreamsTest.SmallQuotas.class)
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class FairShareStreamsTest {

    /** Two streams per caller, three per tenant, four requests per tenant in flight per upstream, 2 s idle. */
    public static class SmallQuotas implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("crosstenant.gateway.fair-share.streams.per-caller", "2",
                    "crosstenant.gateway.fair-share.streams.per-tenant", "3",
                    "crosstenant.gateway.fair-share.upstream.concurrent-per-tenant", "4",
                    "crosstenant.gateway.fair-share.streams.idle-timeout", "2S");
        }
    }

    private static final String KEEP_ALIVE_STREAM = "/api/v1/audit/stream?keepAliveMillis=200";

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    Admission admission;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<InputStream> open = new ArrayList<>();

    @AfterEach
    void closeStreams() throws Exception {
        for (InputStream body : open) {
            body.close();
        }
        open.clear();
        // every share is given back once its exchange ended
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> admission.inFlight("fabrikam") == 0
                && admission.inFlight("contoso") == 0);
    }

    @Test
    void streamsAreCappedPerCallerAndPerTenantWhileAnotherTenantIsServed() throws Exception {
        String erin = TenantTokens.token("fabrikam", "erin-sub", "erin@fabrikam.example", "collab-auditor");
        String frank = TenantTokens.token("fabrikam", "frank-sub", "frank@fabrikam.example", "collab-auditor");
        String carol = TenantTokens.token("fabrikam", "carol-sub", "carol@fabrikam.example", "collab-auditor");
        String dave = TenantTokens.token("contoso", "dave-sub", "dave@contoso.example", "collab-auditor");

        openStream(erin);
        openStream(erin);
        assertQuota(stream(erin), "stream-quota", "streams.per-caller=2");
        openStream(frank);
        assertQuota(stream(carol), "stream-quota", "streams.per-tenant=3");

        // Dave (another tenant) still gets his stream and his query, at once
        openStream(dave);
        HttpResponse<String> query = client.send(request("/api/v1/audit/records", dave).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, query.statusCode(), query.body());
        // Fabrikam's own non-streaming request is within its upstream share (3 of 4 in flight)
        assertEquals(200, client.send(request("/api/v1/audit/records", carol).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());

        // a closed stream gives its share back
        open.remove(0).close();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> admission.openStreams("fabrikam") == 2);
        openStream(carol);
    }

    @Test
    void requestsInFlightToOneUpstreamAreCappedPerTenant() throws Exception {
        String frank = TenantTokens.token("fabrikam", "frank-sub", "frank@fabrikam.example", "collab-admin");
        String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example", "collab-admin");
        // four requests held inside the upstream (a gate that opens when five are inside)
        String gate = "__gate?id=" + java.util.UUID.randomUUID() + "&n=5";
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(client.sendAsync(request("/api/v1/tenants/fabrikam/applications/" + gate, frank).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> admission.inFlight("fabrikam") == 4);
        HttpResponse<String> fifth = client.send(request("/api/v1/tenants/fabrikam/applications/x", frank).build(),
                HttpResponse.BodyHandlers.ofString());
        assertQuota(Answer.of(fifth), "concurrency-quota", "upstream.concurrent-per-tenant=4");
        // another tenant is served at once: its request is the fifth inside the gate and opens it for all
        HttpResponse<String> other = client.send(request("/api/v1/tenants/contoso/applications/" + gate, alice)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, other.statusCode(), other.body());
        assertThat(other.body(), containsString("\"met\":true"));
        for (CompletableFuture<HttpResponse<String>> answer : held) {
            assertEquals(200, answer.get(30, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void aStreamNotAskedForAsOneIsRefusedNotLeftWithoutLimits() throws Exception {
        String erin = TenantTokens.token("fabrikam", "erin-no-accept", "erin@fabrikam.example", "collab-auditor");
        HttpResponse<String> answer = client.send(request(KEEP_ALIVE_STREAM, erin).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(406, answer.statusCode(), answer.body());
        assertThat(answer.body(), containsString("urn:crosstenant:problem:stream-not-requested"));
    }

    @Test
    void aSilentStreamIsClosedAfterTheIdleTimeoutAndAKeptAliveOneIsNot() throws Exception {
        String erin = TenantTokens.token("fabrikam", "erin-idle", "erin@fabrikam.example", "collab-auditor");
        HttpResponse<InputStream> kept = stream(erin, KEEP_ALIVE_STREAM);
        assertEquals(200, kept.statusCode());
        open.add(kept.body());
        CompletableFuture<String> silent = CompletableFuture.supplyAsync(() -> readAll(stream(erin,
                "/api/v1/audit/stream")));
        // the silent one (the upstream sends one event, then nothing for 30 s, then a second) ends after its first
        // event: no byte for 2 s
        String body = silent.get(60, TimeUnit.SECONDS);
        assertThat(body, containsString("data: {\"seq\":1}"));
        assertThat(body, not(containsString("\"seq\":2")));
        // the kept-alive one got well past the idle timeout: 20 keep-alives at 200 ms apart take 4 s > 2 s
        BufferedReader lines = new BufferedReader(new InputStreamReader(kept.body(), StandardCharsets.UTF_8));
        int keepAlives = 0;
        String line;
        while (keepAlives < 20 && (line = lines.readLine()) != null) {
            if (line.startsWith(": keep-alive")) {
                keepAlives++;
            }
        }
        assertEquals(20, keepAlives, "the kept-alive stream ended early");
    }

    @Test
    void aStreamEndsWhenTheCallersTokenExpires() throws Exception {
        var claims = TenantTokens.claims("fabrikam", "erin-expiring", "erin@fabrikam.example", "collab-auditor");
        claims.put("exp", Instant.now().plusSeconds(4).getEpochSecond());
        String shortLived = TenantTokens.signedBy("fabrikam", claims);
        HttpResponse<InputStream> response = stream(shortLived, KEEP_ALIVE_STREAM);
        assertEquals(200, response.statusCode());
        // the upstream would keep it alive for 60 s; the gateway ends it at the token's expiry
        String body = CompletableFuture.supplyAsync(() -> readAll(response)).get(30, TimeUnit.SECONDS);
        assertThat(body, containsString("data: {\"seq\":1}"));
        assertTrue(Instant.now().getEpochSecond() >= (long) claims.get("exp"), "ended before the token expired");
    }

    private void openStream(String token) {
        HttpResponse<InputStream> response = stream(token, KEEP_ALIVE_STREAM);
        assertEquals(200, response.statusCode());
        open.add(response.body());
    }

    private Answer stream(String token) {
        HttpResponse<InputStream> response = stream(token, KEEP_ALIVE_STREAM);
        if (response.statusCode() == 200) {
            open.add(response.body());
            return new Answer(200, response.headers(), "");
        }
        return new Answer(response.statusCode(), response.headers(), readAll(response));
    }

    private HttpResponse<InputStream> stream(String token, String path) {
        try {
            return client.send(request(path, token).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String path, String token) throws Exception {
        return HttpRequest.newBuilder(gateway.toURI().resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60)).GET();
    }

    private static String readAll(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertQuota(Answer answer, String slug, String setting) {
        assertEquals(429, answer.status(), answer.body());
        assertEquals("1", answer.headers().firstValue("Retry-After").orElse(null));
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertThat(answer.body(), containsString("urn:crosstenant:problem:" + slug));
        assertThat(answer.body(), containsString(setting));
    }

    /** Status, headers and body of an answer (a refused stream's body is read whole, an accepted one is kept open). */
    private record Answer(int status, java.net.http.HttpHeaders headers, String body) {
        static Answer of(HttpResponse<String> response) {
            return new Answer(response.statusCode(), response.headers(), response.body());
        }
    }
}
