package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.crosstenant.gateway.support.Kafka;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The /apps hot path: verified home tokens are reused by their raw value only until they expire; a caller or an
 * upstream that goes away mid-body closes the other side without an error in the log; /q/metrics names.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class HotPathTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int DECLARED_LENGTH = 10_000_000;

    @TestHTTPResource("/")
    URL gateway;

    private final List<LogRecord> problems = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            if (record.getLevel().intValue() >= Level.WARNING.intValue() && (logger.startsWith("io.vertx")
                    || logger.startsWith("io.netty") || logger.startsWith("io.quarkus.vertx")
                    || logger.startsWith("org.crosstenant.gateway.rest"))) {
                problems.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        java.util.logging.Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void anUpstreamThatResetsMidBodyClosesTheCallersConnectionWithoutAnErrorLogged() throws Exception {
        try (RawUpstream upstream = new RawUpstream()) {
            String app = registered(upstream);
            String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example");
            try (Socket caller = new Socket(InetAddress.getLoopbackAddress(), gateway.getPort())) {
                caller.setSoTimeout(15_000);
                send(caller, "/apps/contoso/" + app + "/reset", alice);
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                // the upstream resets only once the start of the answer reached us
                boolean closed = readUntilClosed(caller.getInputStream(), received, upstream.callerSawStart::countDown);
                String text = received.toString(StandardCharsets.ISO_8859_1);
                assertTrue(text.startsWith("HTTP/1.1 200"), text.lines().findFirst().orElse(""));
                assertTrue(closed, "the gateway must close the caller's connection, not leave it waiting");
                assertTrue(received.size() < DECLARED_LENGTH, "the truncated body must not be completed");
            }
        }
        assertTrue(problems.isEmpty(), () -> "logged: " + describe(problems));
    }

    @Test
    void aCallerThatLeavesMidBodyClosesTheUpstreamCallWithoutAnErrorLogged() throws Exception {
        try (RawUpstream upstream = new RawUpstream()) {
            String app = registered(upstream);
            String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example");
            try (Socket caller = new Socket(InetAddress.getLoopbackAddress(), gateway.getPort())) {
                caller.setSoTimeout(15_000);
                send(caller, "/apps/contoso/" + app + "/slow", alice);
                InputStream in = caller.getInputStream();
                byte[] buffer = new byte[8192];
                int total = 0;
                while (total < 20_000) {
                    int n = in.read(buffer);
                    assertTrue(n > 0, "the body must start streaming before the caller leaves");
                    total += n;
                }
            } // the caller leaves mid-body
            assertTrue(upstream.slowCallClosed.await(20, TimeUnit.SECONDS),
                    "the gateway must close the upstream call when its caller leaves");
        }
        assertTrue(problems.isEmpty(), () -> "logged: " + describe(problems));
    }

    @Test
    void moreThanFiveRequestsReachOneUpstreamAtTheSameTime() throws Exception {
        // the stand-in service answers a gate request only once all of them are inside it at the same time: a
        // connection pool smaller than that (Vert.x's default of 5 per host) would hold the rest back in the gateway
        // and the waiting ones would answer "met": false
        int parallel = 12;
        String gate = "/api/v1/invitations/__gate?id=" + UUID.randomUUID() + "&n=" + parallel;
        String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example");
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(gateway.toURI().resolve(gate))
                .header("Authorization", "Bearer " + alice).timeout(Duration.ofSeconds(60)).GET().build();
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers =
                new java.util.ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            answers.add(client.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        for (var answer : answers) {
            java.net.http.HttpResponse<String> response = answer.get(90, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("{\"met\":true}", response.body().replace(" ", ""));
        }
    }

    @Test
    void aVerifiedHomeTokenIsReusedByItsExactValueAndNeverPastItsExpiry() throws Exception {
        try (RawUpstream upstream = new RawUpstream()) {
            String app = registered(upstream);
            String path = "/apps/contoso/" + app + "/ok";
            Map<String, Object> claims = TenantTokens.claims("contoso", "short-lived", "s@contoso.example");
            claims.put("exp", Instant.now().plusSeconds(4).getEpochSecond());
            String token = TenantTokens.signedBy("contoso", claims);

            double hitsBefore = metric("crosstenant_gateway_token_cache_requests_total", "cache=\"home\",result=\"hit\"");
            given().auth().oauth2(token).get(path).then().statusCode(200);
            given().auth().oauth2(token).get(path).then().statusCode(200);
            assertTrue(metric("crosstenant_gateway_token_cache_requests_total", "cache=\"home\",result=\"hit\"")
                    > hitsBefore, "the second request reuses the verification of the first");

            // the same claims with a broken signature are not the same token: verified, and refused
            String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
            given().auth().oauth2(forged).get(path).then().statusCode(401);

            // the cached verification ends with the token
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> given().auth().oauth2(token).get(path).then().statusCode(401));
        }
    }

    @Test
    void metricsAnswerInPrometheusFormatWithTheGatewaysNames() {
        String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example");
        given().auth().oauth2(alice).get("/apps/contoso/nothing-" + UUID.randomUUID() + "/x"); // one /apps request
        await().atMost(PATIENCE).untilAsserted(() -> {
            String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
            for (String name : List.of("crosstenant_gateway_access_events_suppressed_total",
                    "crosstenant_gateway_access_events_dropped_total", "crosstenant_gateway_access_events_pending",
                    "crosstenant_gateway_token_cache_requests_total{cache=\"home\",result=\"hit\"}",
                    "crosstenant_gateway_token_cache_requests_total{cache=\"home\",result=\"miss\"}",
                    "crosstenant_gateway_token_cache_requests_total{cache=\"federated\",result=\"hit\"}",
                    "crosstenant_gateway_token_cache_requests_total{cache=\"federated\",result=\"miss\"}",
                    "http_server_requests_seconds_count{", "uri=\"/apps/{tenant}/{application}/*\"",
                    "kafka_consumer_fetch_manager_records_lag_max{")) {
                assertTrue(body.contains(name), "missing on /q/metrics: " + name);
            }
        });
    }

    private String registered(RawUpstream upstream) {
        String app = "raw-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.produce("policy.events", "contoso", "org.crosstenant.policy.application-registered.v1",
                "/crosstenant/policy", """
                        {"tenant": "contoso", "application": "%s", "upstreamUrl": "%s", "version": 1,
                         "registeredBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                         "occurredAt": "%s"}""".formatted(app, upstream.url(), Instant.now()));
        String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example");
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(alice).get("/apps/contoso/" + app + "/ok")
                .then().statusCode(200));
        return app;
    }

    private double metric(String name, String labels) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$", Pattern.MULTILINE)
                .matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static void send(Socket socket, String path, String token) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /**
     * @param firstBytes run once, when the first bytes arrived
     * @return true if the peer closed (EOF or reset), false if the read timed out
     */
    private static boolean readUntilClosed(InputStream in, ByteArrayOutputStream into, Runnable firstBytes)
            throws IOException {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (into.size() == 0 && n > 0) {
                    firstBytes.run();
                }
                into.write(buffer, 0, n);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    private static String describe(List<LogRecord> records) {
        return records.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()).toList()
                .toString();
    }

    /**
     * A hand-written HTTP/1.1 upstream (one request per connection): {@code /ok} answers 200; {@code /reset} sends
     * headers announcing {@value #DECLARED_LENGTH} bytes, a little of the body, then resets the connection;
     * {@code /slow} streams the announced body slowly until a write fails, then counts down {@link #slowCallClosed}.
     */
    static final class RawUpstream implements AutoCloseable {
        final CountDownLatch slowCallClosed = new CountDownLatch(1);
        /** Counted down by the test once the caller received the start of the {@code /reset} answer. */
        final CountDownLatch callerSawStart = new CountDownLatch(1);
        private final ServerSocket server;
        private final Thread acceptor;

        RawUpstream() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(this::accept, "raw-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread worker = new Thread(() -> handle(socket), "raw-upstream-conn");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void handle(Socket socket) {
            try (socket) {
                String head = readHead(socket.getInputStream());
                String path = head.split(" ", 3)[1];
                OutputStream out = socket.getOutputStream();
                if (path.endsWith("/reset")) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                            + DECLARED_LENGTH + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(new byte[4096]);
                    out.flush();
                    callerSawStart.await(15, TimeUnit.SECONDS); // the gateway relayed the start: now reset
                    socket.setSoLinger(true, 0); // RST instead of FIN
                } else if (path.endsWith("/slow")) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                            + DECLARED_LENGTH + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[8192];
                    try {
                        for (int sent = 0; sent < DECLARED_LENGTH; sent += chunk.length) {
                            out.write(chunk);
                            out.flush();
                            Thread.sleep(10); // a slow producer: paces the stream
                        }
                    } catch (IOException closedByGateway) {
                        slowCallClosed.countDown();
                    }
                } else {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                // a connection the gateway dropped: nothing to answer
            }
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                head.append((char) c);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
