package org.crosstenant.stack.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Gets access tokens from a Keycloak realm's token endpoint, for demos, scripts and tests. */
public final class KeycloakTokens {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycloakTokens() {
    }

    /** Resource owner password grant (the realms' public {@code crosstenant-cli} client allows it). */
    public static String passwordGrant(String issuerUrl, String clientId, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        return request(issuerUrl, form, clientId + " / " + username);
    }

    /**
     * Password grant with a one-time code: the realms' public {@code crosstenant-cli-mfa} client runs the direct grant
     * flow "direct grant with totp" (password, then the {@code otp} form parameter), which gives Level of
     * Authentication 2 and the token's {@code acr} {@code mfa}; a wrong or reused code is refused (invalid_grant).
     * The plain {@code crosstenant-cli} client never asks for a code: its tokens carry {@code acr} {@code password}.
     */
    public static String passwordAndOtpGrant(String issuerUrl, String clientId, String username, String password,
            String otp) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("username", username);
        form.put("password", password);
        form.put("otp", otp);
        form.put("scope", "openid");
        return request(issuerUrl, form, clientId + " / " + username + " with a one-time code");
    }

    /** Client credentials grant of a confidential client with a service account (e.g. fabrikam-partner). */
    public static String clientCredentials(String issuerUrl, String clientId, String secret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", secret);
        return request(issuerUrl, form, clientId);
    }

    /** The payload of a JWT, decoded WITHOUT verifying the signature: for looking at claims, never for trusting them. */
    public static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWS compact serialization: " + parts.length + " parts");
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new IllegalArgumentException("JWT payload is not JSON", e);
        }
    }

    private static String request(String issuerUrl, Map<String, String> form, String who) {
        URI endpoint = URI.create(issuerUrl + "/protocol/openid-connect/token");
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenRequestException(form.get("grant_type") + " grant for " + who + " at " + endpoint
                    + " failed: " + e, -1, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String error = null;
        JsonNode json = null;
        try {
            json = JSON.readTree(response.body());
            error = json.path("error").asText(null);
        } catch (IOException notJson) {
            // reported with the raw body below
        }
        if (response.statusCode() != 200 || json == null || !json.hasNonNull("access_token")) {
            throw new TokenRequestException(form.get("grant_type") + " grant for " + who + " at " + endpoint
                    + " answered " + response.statusCode() + ": " + response.body(), response.statusCode(), error, null);
        }
        return json.get("access_token").asText();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The token endpoint refused or could not be reached; {@link #status()} is -1 when there was no answer. */
    public static final class TokenRequestException extends RuntimeException {
        private final int status;
        private final String error;

        TokenRequestException(String message, int status, String error, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.error = error;
        }

        public int status() {
            return status;
        }

        /** The OAuth error code (e.g. invalid_grant, unauthorized_client), or null. */
        public String error() {
            return error;
        }
    }
}
