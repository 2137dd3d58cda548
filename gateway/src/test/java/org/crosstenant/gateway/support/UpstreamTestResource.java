package org.crosstenant.gateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A stand-in for the services and a shared application: records every request it gets (method, path, query,
 * headers, body), readable over HTTP at {@code GET /__recorded} (tests live in another class loader). Answers 202
 * with an absolute Location on its own address for POST /api/v1/invitations, and an SSE stream at /api/v1/audit/stream whose second event is
 * only sent after {@code POST /__release}: a test can thus prove the first one arrived before the stream ended (with
 * {@code ?keepAliveMillis=N} instead: keep-alive comments every N ms, see {@link #keptAlive}). Any other request
 * with {@code ?viewEvents=X} is answered with {@code Crosstenant-View-Events: X} (and a forged
 * {@code Crosstenant-Enforced: true}; {@code ?viewEventsCount=N}: N random ids), and with {@code ?status=N} with that
 * status, as a service answering a change.
 */
public class UpstreamTestResource implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Map<String, Object>> recorded = new ArrayList<>();
    private volatile CountDownLatch release = new CountDownLatch(1);
    private final Map<String, CountDownLatch> gates = new java.util.concurrent.ConcurrentHashMap<>();
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
                    "crosstenant.gateway.services.audit-url", url,
                    "test.upstream.url", url);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            release.countDown();
            server.stop(0);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] body = ex.getRequestBody().readAllBytes();
        if (path.equals("/__recorded")) {
            byte[] out;
            synchronized (recorded) {
                if ("DELETE".equals(ex.getRequestMethod())) {
                    recorded.clear();
                }
                out = JSON.writeValueAsBytes(recorded);
            }
            respond(ex, 200, "application/json", out);
            return;
        }
        if (path.equals("/__release")) {
            release.countDown();
            respond(ex, 204, null, null);
            return;
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", ex.getRequestMethod());
        request.put("path", path);
        request.put("rawPath", ex.getRequestURI().getRawPath());
        request.put("query", ex.getRequestURI().getRawQuery());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v));
        request.put("headers", headers);
        request.put("body", new String(body, StandardCharsets.UTF_8));
        synchronized (recorded) {
            recorded.add(request);
        }
        if (path.equals("/api/v1/audit/stream")) {
            String keepAlive = query(ex).get("keepAliveMillis");
            if (keepAlive != null) {
                keptAlive(ex, Long.parseLong(keepAlive));
            } else {
                stream(ex);
            }
            return;
        }
        if (path.endsWith("/__gate")) {
            gate(ex);
            return;
        }
        if (path.equals("/api/v1/invitations") && "POST".equals(ex.getRequestMethod())) {
            // as JAX-RS answers: absolute, on the service's own (internal) address
            String self = "http://127.0.0.1:" + server.getAddress().getPort();
            ex.getResponseHeaders().add("Location", self + "/api/v1/invitations/42");
            ex.getResponseHeaders().add("Content-Location", self + "/api/v1/invitations/42?view=full");
            respond(ex, 202, "application/json", "{\"id\":\"42\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, String> query = query(ex);
        if (query.containsKey("viewEventsCount")) { // that many random ids (a list too long for a request line)
            query.put("viewEvents", String.join(",", java.util.stream.Stream.generate(
                    () -> java.util.UUID.randomUUID().toString())
                    .limit(Integer.parseInt(query.get("viewEventsCount"))).toList()));
        }
        if (query.containsKey("viewEvents")) {
            // as a service after a change (read-your-writes): the ids of the events it produced; and a claim only
            // the gateway may make, which must never reach the caller
            ex.getResponseHeaders().add("Crosstenant-View-Events",
                    java.net.URLDecoder.decode(query.get("viewEvents"), StandardCharsets.UTF_8));
            ex.getResponseHeaders().add("Crosstenant-Enforced", "true");
        }
        int status = Integer.parseInt(query.getOrDefault("status", "200"));
        respond(ex, status, "application/json", JSON.writeValueAsBytes(Map.of("upstreamPath", path)));
    }

    /**
     * {@code ...?id=X&n=N}: holds each request until N requests of gate X are inside at the same time (at most 20 s),
     * then answers {@code {"met": true}}; a request that waited in vain answers {@code {"met": false}}. Proves that N
     * requests reach the upstream concurrently (not queued behind a smaller connection pool).
     */
    private void gate(HttpExchange ex) throws IOException {
        Map<String, String> query = query(ex);
        int parties = Integer.parseInt(query.getOrDefault("n", "1"));
        CountDownLatch gate = gates.computeIfAbsent(query.getOrDefault("id", ""), id -> new CountDownLatch(parties));
        gate.countDown();
        boolean met;
        try {
            met = gate.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            met = false;
        }
        respond(ex, 200, "application/json", JSON.writeValueAsBytes(Map.of("met", met)));
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : String.valueOf(ex.getRequestURI().getRawQuery()).split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], kv.length == 2 ? kv[1] : "");
        }
        return query;
    }

    /**
     * {@code /api/v1/audit/stream?keepAliveMillis=N}: one {@code audit-record} event, then a {@code : keep-alive}
     * comment every N ms, for at most 60 s or until the client goes (a stream that is never silent).
     */
    private static void keptAlive(HttpExchange ex, long keepAliveMillis) {
        long until = System.currentTimeMillis() + 60_000;
        try (OutputStream out = ex.getResponseBody()) {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            out.write("event: audit-record\ndata: {\"seq\":1}\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (System.currentTimeMillis() < until) {
                Thread.sleep(keepAliveMillis); // the upstream's own pacing, not a test wait
                out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // the client or the gateway closed the stream
        }
    }

    private void stream(HttpExchange ex) throws IOException {
        CountDownLatch mine = release;
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            out.write("event: audit-record\ndata: {\"seq\":1}\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                mine.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("event: audit-record\ndata: {\"seq\":2}\n\n".getBytes(StandardCharsets.UTF_8));
        }
        release = new CountDownLatch(1);
    }

    private static void respond(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        if (type != null) {
            ex.getResponseHeaders().add("Content-Type", type);
        }
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
        ex.close();
    }
}
