package org.crosstenant.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The suite's public API as the bench uses it: Keycloak tokens of the demo accounts (cached until a minute before
 * they expire) and the gateway's {@code /api/v1} calls of the README's walk-through.
 */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PARTNER = "fabrikam-partner";

    private final String gateway;
    private final String keycloak;
    private final HttpClient http;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String value, long refreshAtNanos) {
    }

    Api(String gateway, String keycloak) {
        this.gateway = gateway;
        this.keycloak = keycloak;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpClient http() {
        return http;
    }

    String gateway() {
        return gateway;
    }

    /**
     * A fresh enough access token: a demo user's (password grant of {@code crosstenant-cli}, password
     * {@code <user>-password}) or, for {@link #PARTNER}, Fabrikam's partner system's (client credentials).
     */
    String token(String realm, String user) {
        String key = realm + "/" + user;
        Token cached = tokens.get(key);
        if (cached != null && System.nanoTime() < cached.refreshAtNanos()) {
            return cached.value();
        }
        String form = user.equals(PARTNER)
                ? "grant_type=client_credentials&client_id=fabrikam-partner&client_secret=fabrikam-partner-secret"
                : "grant_type=password&client_id=crosstenant-cli&username=" + enc(user) + "&password=" + enc(user + "-password");
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(keycloak + "/realms/" + realm
                        + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token for " + key + ": " + response.statusCode() + " " + response.body());
        }
        JsonNode body = read(response.body());
        long lifetime = Math.max(30, body.path("expires_in").asLong(300) - 60);
        Token token = new Token(body.path("access_token").asText(), System.nanoTime() + lifetime * 1_000_000_000L);
        tokens.put(key, token);
        return token.value();
    }

    /** A request to the gateway with a bearer token and a JSON body (or none when {@code json} is null). */
    HttpRequest.Builder request(String path, String bearer, String method, String json) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(gateway + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer);
        if (json == null) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    }

    /** Sends and expects one of the given statuses. @throws IllegalStateException otherwise */
    HttpResponse<String> call(String what, HttpRequest request, int... expected) {
        HttpResponse<String> response = send(request);
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new IllegalStateException(what + ": " + response.statusCode() + " " + response.body());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a partner's collaboration request for {@code email} of Fabrikam into Contoso's {@code app}. */
    static String invitationRequest(String app, String email) {
        return "{\"resourceTenant\":\"contoso\",\"application\":\"" + app + "\",\"invitee\":{\"tenant\":\"fabrikam\","
                + "\"email\":\"" + email + "\"}}";
    }

    /** The last path segment of a {@code Location} header (the invitation id). */
    static String idFromLocation(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("no Location in the answer (" + response.statusCode() + ")"));
        return location.substring(location.lastIndexOf('/') + 1);
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
