package org.crosstenant.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A partner system's view of the suite: JSON over HTTP to the gateway, with a bearer token. Public (this module's
 * test jar) for the Testcontainers walk of deploy/testcontainers, which drives the same API against containers.
 */
public final class Gateway {

    /** Reads and writes the bodies. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param baseUrl the gateway's public base URL, e.g. {@code http://127.0.0.1:8080} */
    public Gateway(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The gateway's public base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** One answer: status, headers and body (parsed as JSON when it is JSON). */
    public record Answer(int status, HttpResponse<String> raw) {
        /** @return the body as JSON; an AssertionError when it is not JSON */
        public JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + raw.body(), e);
            }
        }

        /** @return the first value of a response header, null when absent */
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** @return the Content-Type header */
        public String contentType() {
            return header("Content-Type");
        }

        @Override
        public String toString() {
            String challenge = header("WWW-Authenticate");
            return status + (challenge == null ? "" : " [WWW-Authenticate: " + challenge + "]") + " " + raw.body();
        }
    }

    /** GET with a bearer token (none when null); an AssertionError when the request cannot be sent. */
    public Answer get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    /** PUT of a JSON body (a String is sent as is, anything else through Jackson). */
    public Answer put(String path, String token, Object body) {
        return send(request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(write(body))).build());
    }

    /** POST of a JSON body. */
    public Answer post(String path, String token, Object body) {
        return post(path, token, body, Map.of());
    }

    /** POST of a JSON body with extra headers (e.g. Idempotency-Key). */
    public Answer post(String path, String token, Object body, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(body)));
        headers.forEach(builder::header);
        return send(builder.build());
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    HttpClient client() {
        return http;
    }

    Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response);
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String write(Object body) {
        try {
            return body instanceof String text ? text : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
