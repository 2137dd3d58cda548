package org.crosstenant.stack.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The HTTP status of a plain GET, for readiness polls of a server that may not listen yet (the images' smoke test,
 * the Testcontainers walk's wait strategies).
 */
public final class HttpProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HttpProbe() {
    }

    /**
     * Sends {@code GET uri} (5 s timeout, body discarded).
     *
     * @param uri an HTTP URL, e.g. {@code http://127.0.0.1:8081/q/health/ready}
     * @return its status code; -1 while nothing answers (connection refused, timeout) or when interrupted (the
     *         thread's interrupt flag is set again)
     */
    public static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListeningYet) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
