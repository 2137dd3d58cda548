package org.crosstenant.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A reader of the gateway's audit SSE stream ({@code GET /api/v1/audit/stream}, Server-Sent Events, one
 * {@code audit-record} event per record): hands each record with its arrival time ({@link System#currentTimeMillis()})
 * to a listener, on its own thread, until closed.
 */
final class AuditStream implements AutoCloseable {

    private final Thread reader;
    private volatile InputStream body;
    private volatile boolean closed;
    private final java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);

    AuditStream(Api api, String bearer, BiConsumer<JsonNode, Long> listener) {
        HttpRequest request = api.request("/api/v1/audit/stream", bearer, "GET", null)
                .timeout(java.time.Duration.ofHours(1)).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response;
        try {
            response = api.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IllegalStateException("audit stream: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("audit stream answered " + response.statusCode());
        }
        body = response.body();
        reader = new Thread(() -> read(listener), "bench-audit-sse");
        reader.setDaemon(true);
        reader.start();
        // the stream opens with a comment once it follows new records: only then is nothing missed
        try {
            connected.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read(BiConsumer<JsonNode, Long> listener) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                connected.countDown();
                if (line.startsWith("data:")) {
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                } else if (line.isEmpty() && data.length() > 0) {
                    long now = System.currentTimeMillis();
                    String json = data.toString();
                    data.setLength(0);
                    try {
                        listener.accept(Api.JSON.readTree(json), now);
                    } catch (IOException notJson) {
                        // a comment or keep-alive: nothing to count
                    }
                }
            }
        } catch (IOException e) {
            if (!closed) {
                System.err.println("[bench] audit stream ended: " + e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            body.close();
        } catch (IOException e) {
            // closing anyway
        }
        reader.interrupt();
    }
}
