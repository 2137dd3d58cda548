package org.crosstenant.stack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.crosstenant.stack.infra.jwt.Rs256Jwt;

/**
 * The small applications Contoso shares: {@code contoso-projects} (every path but {@code /finance} and {@code /wiki}),
 * {@code contoso-finance} (paths under {@link #FINANCE_PATH}, registered with {@code requireMfa}) and
 * {@code contoso-wiki} (paths under {@link #WIKI_PATH}, a plain second application). Each trusts only
 * the gateway: it verifies the federated identity token with the gateway's published keys, checks that the token's
 * audience is itself ({@code contoso/<application>}), and answers with the identity it received, so a person (or the
 * end-to-end test) can see what a shared application learns about a guest. It knows nothing of Fabrikam's identity
 * provider.
 */
public final class DemoUpstream implements AutoCloseable {

    public static final String TENANT = "contoso";
    public static final String APPLICATION = "contoso-projects";
    /** The second application, served under {@link #FINANCE_PATH} (register it with that upstream path). */
    public static final String FINANCE = "contoso-finance";
    /** Path prefix of {@link #FINANCE}: its upstream URL is this server's URL + this path. */
    public static final String FINANCE_PATH = "/finance";
    /** A third application without MFA, served under {@link #WIKI_PATH} (register it with that upstream path). */
    public static final String WIKI = "contoso-wiki";
    /** Path prefix of {@link #WIKI}: its upstream URL is this server's URL + this path. */
    public static final String WIKI_PATH = "/wiki";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final URI jwks;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, PublicKey> keysById = new ConcurrentHashMap<>();

    private DemoUpstream(HttpServer server, URI jwks) {
        this.server = server;
        this.jwks = jwks;
    }

    public static DemoUpstream start(int port, String gatewayUrl) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            DemoUpstream upstream = new DemoUpstream(server, URI.create(gatewayUrl + "/.well-known/jwks.json"));
            server.createContext("/", upstream::handle);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the demo upstream on port " + port, e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                respond(exchange, 401, Map.of("title", "no federated identity", "status", 401));
                return;
            }
            Map<String, Object> claims;
            try {
                claims = verify(authorization.substring("Bearer ".length()));
            } catch (RuntimeException e) {
                respond(exchange, 401, Map.of("title", "federated identity not verified", "status", 401, "detail", String.valueOf(e.getMessage())));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String application = under(path, FINANCE_PATH) ? FINANCE : under(path, WIKI_PATH) ? WIKI : APPLICATION;
            String expectedAudience = TENANT + "/" + application;
            Object audience = claims.get("aud");
            boolean audienceMatches = expectedAudience.equals(audience)
                    || (audience instanceof List<?> list && list.contains(expectedAudience));
            if (!audienceMatches) {
                respond(exchange, 403, Map.of("title", "token not meant for " + expectedAudience, "status", 403));
                return;
            }
            Map<String, Object> identity = new LinkedHashMap<>();
            // the user key (docs/api.md): iss + sub, sub being unique under the gateway's issuer; home_sub is only
            // unique within the home tenant, and email is present only when that tenant vouches for it
            identity.put("subject", claims.get("sub"));
            identity.put("homeSubject", claims.get("home_sub"));
            identity.put("homeTenant", claims.get("tenant"));
            identity.put("issuer", claims.get("issuer"));
            identity.put("email", claims.get("email"));
            identity.put("emailVerified", claims.get("email_verified"));
            identity.put("guest", claims.get("guest"));
            identity.put("resourceTenant", claims.get("resource_tenant"));
            identity.put("acr", claims.get("acr"));
            Map<String, Object> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(", ", values)));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("application", application);
            body.put("owner", TENANT);
            body.put("method", exchange.getRequestMethod());
            body.put("path", exchange.getRequestURI().toString());
            body.put("tokenVerified", true);
            body.put("identity", identity);
            body.put("headersReceived", headers);
            respond(exchange, 200, body);
        }
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    private Map<String, Object> verify(String token) {
        String kid = headerKid(token);
        PublicKey key = keysById.get(kid);
        if (key == null) {
            refreshKeys(); // the gateway may have rotated its key since the last fetch
            key = keysById.get(kid);
        }
        if (key == null) {
            throw new IllegalArgumentException("unknown key id " + kid);
        }
        Map<String, Object> claims = Rs256Jwt.verify(token, key);
        if (!"crosstenant-gateway".equals(claims.get("iss"))) {
            throw new IllegalArgumentException("not issued by the gateway");
        }
        return claims;
    }

    private static String headerKid(String token) {
        try {
            String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
            return JSON.readTree(header).path("kid").asText();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed token");
        }
    }

    private void refreshKeys() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(jwks).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("JWKS answered " + response.statusCode());
            }
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            for (JsonNode jwk : JSON.readTree(response.body()).path("keys")) {
                if ("RSA".equals(jwk.path("kty").asText())) {
                    BigInteger modulus = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("n").asText()));
                    BigInteger exponent = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("e").asText()));
                    keysById.put(jwk.path("kid").asText(), rsa.generatePublic(new RSAPublicKeySpec(modulus, exponent)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the gateway's keys: " + e.getMessage(), e);
        }
    }

    private static void respond(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public String toString() {
        return APPLICATION + " demo upstream";
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
