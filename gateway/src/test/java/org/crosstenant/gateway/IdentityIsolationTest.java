package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.gateway.support.Jwts;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.RawHttp;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Issue #6, identities that cannot collide: the federated {@code sub} is unique under the gateway's issuer, an email
 * travels only when the home tenant vouches for it, each application has its own cookies, and what the caller or the
 * upstream says about the connection (forwarding headers, Connection-named headers) stays on its side. Real broker
 * (applications registered through policy.events), real tenant-signed tokens, and a socket-level upstream that sees
 * and sends headers byte for byte.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class IdentityIsolationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String APP_A = "board-" + SUFFIX;
    private static final String APP_B = "wiki-" + SUFFIX;
    private static final String FABRIKAM_APP = "crm-" + SUFFIX;
    private static RawUpstream upstream;

    @TestHTTPResource("/")
    URI gateway;

    /** Once per class; an instance method, so RestAssured already points at the started gateway. */
    @BeforeEach
    void registerApplications() throws Exception {
        if (upstream != null) {
            return;
        }
        upstream = new RawUpstream();
        AppAccessTest.registerApplication("contoso", APP_A, upstream.url() + "/a");
        AppAccessTest.registerApplication("contoso", APP_B, upstream.url() + "/b");
        AppAccessTest.registerApplication("fabrikam", FABRIKAM_APP, upstream.url() + "/f");
        String alice = TenantTokens.token("contoso", "alice", "alice@contoso.example");
        String frank = TenantTokens.token("fabrikam", "frank", "frank@fabrikam.example");
        await().atMost(PATIENCE).untilAsserted(() -> {
            given().auth().oauth2(alice).get("/apps/contoso/" + APP_A + "/").then().statusCode(200);
            given().auth().oauth2(alice).get("/apps/contoso/" + APP_B + "/").then().statusCode(200);
            given().auth().oauth2(frank).get("/apps/fabrikam/" + FABRIKAM_APP + "/").then().statusCode(200);
        });
    }

    @AfterAll
    static void stopUpstream() throws Exception {
        upstream.close();
    }

    @Test
    void theSameHomeSubjectInTwoTenantsIsTwoUsersForAnApplication() {
        // fabrikam's IdP presents a user whose home sub (and verified-looking email) are those of contoso's alice
        Map<String, Object> contosoAlice = applicationClaims(
                TenantTokens.token("contoso", "same-sub", "alice@contoso.example"), "contoso", APP_A);
        Map<String, Object> impostor = applicationClaims(
                TenantTokens.token("fabrikam", "same-sub", "alice@contoso.example"), "fabrikam", FABRIKAM_APP);
        assertEquals("same-sub", contosoAlice.get("home_sub"));
        assertEquals("same-sub", impostor.get("home_sub"));
        assertEquals(contosoAlice.get("iss"), impostor.get("iss"));
        assertNotEquals(contosoAlice.get("sub"), impostor.get("sub"), "(iss, sub) names one user");
        assertEquals("alice@contoso.example", contosoAlice.get("email"));
        assertEquals(true, contosoAlice.get("email_verified"));
        assertNull(impostor.get("email"), "fabrikam cannot vouch for an address in contoso's domain");
        assertNull(impostor.get("email_verified"));
        assertEquals("fabrikam", impostor.get("tenant"));

        // stable: the same user is the same sub in the next token (after the federated token cache too)
        Map<String, Object> again = applicationClaims(TenantTokens.token("contoso", "same-sub", null), "contoso", APP_B);
        assertEquals(contosoAlice.get("sub"), again.get("sub"));
        // a home sub shaped like a qualified one cannot reach another tenant's value
        Map<String, Object> shaped = applicationClaims(
                TenantTokens.token("fabrikam", "contoso\nsame-sub", null), "fabrikam", FABRIKAM_APP);
        assertNotEquals(contosoAlice.get("sub"), shaped.get("sub"));
    }

    @Test
    void anEmailTravelsOnlyWhenTheHomeTenantVerifiedItInItsOwnDomain() {
        Map<String, Object> unverified = TenantTokens.claims("fabrikam", "u1", "u1@fabrikam.example");
        unverified.put("email_verified", "true"); // a string is not the boolean OIDC defines
        Map<String, Object> hostileForm = TenantTokens.claims("fabrikam", "u2", "u2@fabrikam.example.");
        Map<String, Object> mixedCase = TenantTokens.claims("fabrikam", "u3", "U3@Fabrikam.EXAMPLE");
        assertNull(serviceClaims(TenantTokens.signedBy("fabrikam", unverified)).get("email"));
        assertNull(serviceClaims(TenantTokens.signedBy("fabrikam", hostileForm)).get("email"));
        assertEquals("u3@fabrikam.example", serviceClaims(TenantTokens.signedBy("fabrikam", mixedCase)).get("email"));
        assertNull(serviceClaims(TenantTokens.token("northwind", "n1", "n1@contoso.example")).get("email"));
    }

    @Test
    void applicationsReceiveOnlyTheirOwnCookies() {
        String alice = TenantTokens.token("contoso", "alice", "alice@contoso.example");
        String cookies = "Cookie: sid=origin-wide; contoso." + APP_A + ".sid=a1; contoso." + APP_B + ".sid=b1; "
                + "__Secure-contoso." + APP_A + ".csrf=a2; contoso." + APP_A + ".__Host-forged=x; contoso." + APP_A
                + ".stolen=" + alice;
        assertEquals(200, RawHttp.get(gateway, "/apps/contoso/" + APP_A + "/x", alice, cookies).status());
        assertEquals(List.of("sid=a1; __Secure-csrf=a2"), upstream.last().get("cookie"));
        assertEquals(200, RawHttp.get(gateway, "/apps/contoso/" + APP_B + "/x", alice, cookies).status());
        assertEquals(List.of("sid=b1"), upstream.last().get("cookie"));
        assertEquals(200, RawHttp.get(gateway, "/apps/contoso/" + APP_B + "/x", alice,
                "Cookie: contoso." + APP_A + ".sid=a1").status());
        assertNull(upstream.last().get("cookie"), "no cookie of another application, not even an empty header");
    }

    @Test
    void anApplicationCannotSetCookiesForAnotherApplicationOrTheWholeOrigin() {
        String alice = TenantTokens.token("contoso", "alice", "alice@contoso.example");
        Response response = given().auth().oauth2(alice).get("/apps/contoso/" + APP_A + "/set-cookies");
        assertEquals(200, response.statusCode());
        String path = "Path=/apps/contoso/" + APP_A + "/";
        assertEquals(List.of(
                "contoso." + APP_A + ".sid=1; " + path + "; HttpOnly",
                "contoso." + APP_A + ".contoso." + APP_B + ".sid=evil; " + path,
                "__Secure-contoso." + APP_A + ".csrf=3; " + path + "; Secure; SameSite=Strict"),
                response.headers().getValues("Set-Cookie"),
                "Domain and Path replaced, a __Host- cookie and a __Secure- one without Secure dropped");
    }

    @Test
    void headersNamedInConnectionAreDroppedBothWays() {
        String alice = TenantTokens.token("contoso", "alice", "alice@contoso.example");
        assertEquals(200, RawHttp.get(gateway, "/apps/contoso/" + APP_A + "/x", alice,
                "Connection: X-Secret, Accept-Language", "X-Secret: s3cr3t", "Accept-Language: de",
                "X-Kept: yes").status());
        Map<String, List<String>> seen = upstream.last();
        assertNull(seen.get("x-secret"));
        assertNull(seen.get("accept-language"));
        assertEquals(List.of("yes"), seen.get("x-kept"));

        // on /api the allow-listed Idempotency-Key is dropped too once the caller names it
        given().baseUri(TenantTokens.value("test.upstream.url")).delete("/__recorded");
        assertEquals(200, RawHttp.get(gateway, "/api/v1/audit/records", alice, "Connection: Idempotency-Key",
                "Idempotency-Key: k1", "Accept: application/json").status());
        Map<String, List<String>> service = FederationTest.headers(FederationTest.last());
        assertNull(service.get("idempotency-key"));
        assertEquals(List.of("application/json"), service.get("accept"));

        // the upstream's Connection names X-Internal and Content-Length: neither reaches the caller, the body does
        Response response = given().auth().oauth2(alice).get("/apps/contoso/" + APP_A + "/connection");
        assertEquals(200, response.statusCode());
        assertNull(response.header("X-Internal"));
        assertEquals("ok", response.header("X-Public"));
        assertEquals("{\"complete\":true}", response.asString());
    }

    @Test
    void forwardingHeadersAreTheGatewaysOwn() {
        String alice = TenantTokens.token("contoso", "alice", "alice@contoso.example");
        assertEquals(200, RawHttp.get(gateway, "/apps/contoso/" + APP_A + "/x", alice,
                "X-Forwarded-For: 6.6.6.6", "X-Forwarded-For: 7.7.7.7", "Forwarded: for=6.6.6.6;host=evil.example",
                "X-Real-IP: 6.6.6.6", "X-Client-IP: 6.6.6.6", "True-Client-IP: 6.6.6.6", "X-Forwarded-Host: evil.example",
                "X-Forwarded-Proto: gopher", "X-Forwarded-Port: 1", "X-Forwarded-Prefix: /admin").status());
        Map<String, List<String>> seen = upstream.last();
        assertEquals(List.of("127.0.0.1"), seen.get("x-forwarded-for"), "the peer the gateway saw, not 6.6.6.6");
        assertEquals(List.of(gateway.getScheme()), seen.get("x-forwarded-proto"));
        assertEquals(List.of(gateway.getRawAuthority()), seen.get("x-forwarded-host"));
        assertEquals(List.of("/apps/contoso/" + APP_A), seen.get("x-forwarded-prefix"));
        for (String name : List.of("forwarded", "x-real-ip", "x-client-ip", "true-client-ip", "x-forwarded-port")) {
            assertNull(seen.get(name), name);
        }
        assertFalse(seen.toString().contains("6.6.6.6"));
    }

    /** The federated token an application received for a GET by {@code token}'s user. */
    private Map<String, Object> applicationClaims(String token, String tenant, String app) {
        assertEquals(200, RawHttp.get(gateway, "/apps/" + tenant + "/" + app + "/whoami", token).status());
        String federated = upstream.last().get("authorization").get(0).substring("Bearer ".length());
        assertTrue(Jwts.verifies(federated, FederationTest.jwksKey()));
        return Jwts.claims(federated);
    }

    /** The federated token a service received for a GET by {@code token}'s user. */
    private Map<String, Object> serviceClaims(String token) {
        given().auth().oauth2(token).get("/api/v1/audit/records").then().statusCode(200);
        return Jwts.claims(FederationTest.headers(FederationTest.last()).get("authorization").get(0).substring(7));
    }

    /**
     * An application upstream on a plain socket: records each request's headers (lower-cased names, every value) and
     * answers with headers written byte for byte, so the test controls Set-Cookie and Connection exactly.
     */
    static final class RawUpstream implements AutoCloseable {

        private final ServerSocket server;
        private final List<Map<String, List<String>>> requests = new ArrayList<>();

        RawUpstream() throws Exception {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::serve, "raw-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        synchronized Map<String, List<String>> last() {
            return requests.get(requests.size() - 1);
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout(10_000);
                    String head = readHead(socket.getInputStream());
                    String target = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                    synchronized (this) {
                        requests.add(headers(head));
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(response(target).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (Exception e) {
                    // closed at the end of the class, or a connection the gateway dropped: next one
                }
            }
        }

        private static String response(String target) {
            String body = "{\"complete\":true}";
            StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n");
            if (target.endsWith("/set-cookies")) {
                head.append("Set-Cookie: sid=1; Domain=127.0.0.1; Path=/; HttpOnly\r\n")
                        .append("Set-Cookie: contoso.").append(APP_B).append(".sid=evil; Path=/apps/contoso/")
                        .append(APP_B).append("/\r\n")
                        .append("Set-Cookie: __Host-h=2; Path=/; Secure\r\n")
                        .append("Set-Cookie: __Secure-nosecure=2; Path=/\r\n")
                        .append("Set-Cookie: __Secure-csrf=3; Secure; SameSite=Strict; Domain=evil.example\r\n")
                        .append("Connection: close\r\n");
            } else if (target.endsWith("/connection")) {
                head.append("Connection: close, X-Internal, Content-Length\r\nX-Internal: secret\r\nX-Public: ok\r\n");
            } else {
                head.append("Connection: close\r\n");
            }
            return head.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body).toString();
        }

        private static String readHead(InputStream in) throws Exception {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                buffer.write(b);
                if (buffer.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    break;
                }
            }
            return buffer.toString(StandardCharsets.ISO_8859_1);
        }

        private static Map<String, List<String>> headers(String head) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            String[] lines = head.split("\r\n");
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
                }
            }
            return headers;
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
