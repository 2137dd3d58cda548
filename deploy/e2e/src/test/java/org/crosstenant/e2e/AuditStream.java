package org.crosstenant.e2e;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/** A security team's live feed: reads the gateway's Server-Sent Events audit stream in the background. */
final class AuditStream implements AutoCloseable {

    private final List<JsonNode> records = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile int status;

    AuditStream(Gateway gateway, String token) {
        HttpRequest request = gateway.request("/api/v1/audit/stream", token)
                .timeout(java.time.Duration.ofMinutes(10))
                .header("Accept", "text/event-stream").GET().build();
        response = gateway.client().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(answer -> {
            status = answer.statusCode();
            StringBuilder data = new StringBuilder();
            answer.body().forEach(line -> {
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && data.length() > 0) {
                    parse(data.toString());
                    data.setLength(0);
                }
            });
        });
    }

    private void parse(String data) {
        try {
            records.add(Gateway.JSON.readTree(data));
        } catch (IOException e) {
            throw new AssertionError("audit stream sent something that is not JSON: " + data, e);
        }
    }

    int status() {
        return status;
    }

    List<JsonNode> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        response.thenAccept(answer -> answer.body().close());
        response.cancel(true);
    }
}
