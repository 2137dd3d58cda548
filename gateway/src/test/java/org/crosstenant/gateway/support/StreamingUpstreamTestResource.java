package org.crosstenant.gateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A stand-in for the three platform services that holds responses open, for the fair-sharing tests:
 * {@code GET /api/v1/audit/stream} answers {@code text/event-stream} with one {@code audit-record} event, then a
 * {@code : keep-alive} comment every {@code keepAliveMillis} (query parameter; absent = silent after the event) for
 * at most 60 s or until the client goes; any other path answers 200 JSON at once.
 */
public class StreamingUpstreamTestResource implements QuarkusTestResourceLifecycleManager {

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", this::handle);
            server.start();
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            return Map.of("crosstenant.gateway.services.invitation-url", url,
                    "crosstenant.gateway.services.policy-url", url,
                    "crosstenant.gateway.services.audit-url", url);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        if (!ex.getRequestURI().getPath().equals("/api/v1/audit/stream")) {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
            return;
        }
        String query = String.valueOf(ex.getRequestURI().getRawQuery());
        long keepAlive = 0;
        for (String pair : query.split("&")) {
            if (pair.startsWith("keepAliveMillis=")) {
                keepAlive = Long.parseLong(pair.substring("keepAliveMillis=".length()));
            }
        }
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        long until = System.currentTimeMillis() + 60_000;
        try (OutputStream out = ex.getResponseBody()) {
            out.write("event: audit-record\ndata: {\"seq\":1}\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (System.currentTimeMillis() < until) {
                Thread.sleep(keepAlive > 0 ? keepAlive : 1000); // the upstream's own pacing, not a test wait
                if (keepAlive > 0) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException gone) {
            // the gateway closed the stream: that is what the tests look for
        }
    }
}
