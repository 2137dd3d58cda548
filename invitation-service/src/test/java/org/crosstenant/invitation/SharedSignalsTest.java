package org.crosstenant.invitation;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * Issue #8 bullet 7: grant revocations reach the tenants' registered Shared Signals receivers as CAEP session-revoked
 * SETs pushed per RFC 8935, exactly one per stream, verifiable with the published JWKS; retries repeat the jti, a 400
 * parks only its own delivery, a deleted stream gets nothing more; stream registration refuses bad input.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class SharedSignalsTest {

    static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    static final String ISSUER = "http://127.0.0.1:8080";

    /** A SET as a receiver saw it, with the path it was pushed to. */
    record Pushed(String path, String contentType, String authorization, String body) {
    }

    static Vertx vertx;
    static HttpServer server;
    static final List<Pushed> PUSHED = new CopyOnWriteArrayList<>();
    /** Per path: how many pushes still get 503 before 202. */
    static final Map<String, AtomicInteger> UNAVAILABLE = new ConcurrentHashMap<>();

    @BeforeAll
    static void receiver() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            String path = request.path();
            PUSHED.add(new Pushed(path, request.getHeader("Content-Type"), request.getHeader("Authorization"),
                    body.toString()));
            AtomicInteger unavailable = UNAVAILABLE.get(path);
            if (path.startsWith("/huge")) {
                // a hostile receiver: 4 MiB of answer, led by text that would forge a log line
                var response = request.response().setStatusCode(400).setChunked(true);
                response.write("nope\n2026-12-01 INFO [SsfPushWorker] forged line\u001b[31m");
                String megabyte = "x".repeat(1024 * 1024);
                for (int i = 0; i < 4; i++) {
                    response.write(megabyte);
                }
                response.end();
            } else if (path.startsWith("/trickle")) {
                // headers at once, then one byte a second, never ending: only the push's deadline ends it
                var response = request.response().setStatusCode(202).setChunked(true);
                response.write("a");
                vertx.setPeriodic(1000, timer -> {
                    if (response.closed() || response.ended()) {
                        vertx.cancelTimer(timer);
                    } else {
                        response.write("a");
                    }
                });
            } else if (path.startsWith("/refuse")) {
                request.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                        .end("{\"err\":\"invalid_request\",\"description\":\"test receiver refuses\"}");
            } else if (unavailable != null && unavailable.getAndDecrement() > 0) {
                request.response().setStatusCode(503).end();
            } else {
                request.response().setStatusCode(202).end();
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    static String register(String token, String tenant, String path) {
        return Api.as(token).contentType(ContentType.JSON)
                .body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8935", "endpoint_url", url(path),
                        "authorization_header", "Bearer receiver-secret"),
                        "events_requested", List.of(SESSION_REVOKED), "description", "test receiver " + path))
                .post(streams(tenant)).then().statusCode(201)
                .body("delivery.authorization_header", nullValue())
                .body("events_delivered", hasItem(SESSION_REVOKED))
                .extract().path("stream_id");
    }

    static String streams(String tenant) {
        return "/api/v1/tenants/" + tenant + "/ssf/streams";
    }

    static void delete(String token, String tenant, String streamId) {
        Api.as(token).delete(streams(tenant) + "/" + streamId).then().statusCode(204);
    }

    /** The SETs pushed to {@code path} about this invitation (txn), verified against the published JWKS. */
    static List<JwtClaims> received(String path, String invitationId) throws Exception {
        JsonWebKeySet keys = new JsonWebKeySet(given().get("/.well-known/ssf/jwks.json").then().statusCode(200)
                .extract().asString());
        JwtConsumer consumer = new JwtConsumerBuilder().setExpectedIssuer(ISSUER).setExpectedAudience(url(path))
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(keys.getJsonWebKeys()))
                .setExpectedType(true, "secevent+jwt").setRequireJwtId().setRequireIssuedAt().build();
        List<JwtClaims> out = new ArrayList<>();
        for (Pushed pushed : PUSHED) {
            if (!pushed.path().equals(path)) {
                continue;
            }
            assertEquals("application/secevent+jwt", pushed.contentType());
            assertEquals("Bearer receiver-secret", pushed.authorization());
            JwtClaims claims = consumer.processToClaims(pushed.body());
            if (invitationId.equals(claims.getStringClaimValue("txn"))) {
                out.add(claims);
            }
        }
        return out;
    }

    static int count(String path, String invitationId) {
        try {
            return received(path, invitationId).size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Exactly one SET for the invitation reaches {@code path}, and no second one follows. */
    static JwtClaims exactlyOne(String path, String invitationId) throws Exception {
        await().atMost(Duration.ofSeconds(15)).until(() -> count(path, invitationId) >= 1);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> count(path, invitationId) == 1);
        return received(path, invitationId).get(0);
    }

    /** A test body given the ids of contoso's and fabrikam's stream. */
    interface WithStreams {
        void run(String contosoStream, String fabrikamStream) throws Exception;
    }

    /**
     * Registers a stream of contoso's admin pushing to {@code contosoPath} and one of fabrikam's pushing to
     * {@code fabrikamPath}, runs {@code body}, and deletes both whatever happened.
     */
    static void withStreams(String contosoPath, String fabrikamPath, WithStreams body) throws Exception {
        String contoso = register(Tokens.contosoAdmin(), "contoso", contosoPath);
        String fabrikam = register(Tokens.fabrikamAdmin(), "fabrikam", fabrikamPath);
        try {
            body.run(contoso, fabrikam);
        } finally {
            delete(Tokens.contosoAdmin(), "contoso", contoso);
            delete(Tokens.fabrikamAdmin(), "fabrikam", fabrikam);
        }
    }

    /** Bob's grant, redeemed and then revoked by contoso's admin: its id. */
    static String revokedGrant() {
        String id = Api.grantForBob();
        Api.revoke(Tokens.contosoAdmin(), id).then().statusCode(200);
        return id;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> event(JwtClaims claims) {
        return (Map<String, Object>) ((Map<String, Object>) claims.getClaimValue("events")).get(SESSION_REVOKED);
    }

    @Test
    void anAdminRevocationReachesBothTenantsStreamsOnce() throws Exception {
        withStreams("/admin/contoso", "/admin/fabrikam", (resource, home) -> {
            String id = revokedGrant();
            for (String path : List.of("/admin/contoso", "/admin/fabrikam")) {
                JwtClaims set = exactlyOne(path, id);
                assertEquals(url(path), set.getAudience().get(0));
                @SuppressWarnings("unchecked")
                Map<String, Object> subject = (Map<String, Object>) set.getClaimValue("sub_id");
                assertEquals(Map.of("format", "iss_sub", "iss", "http://127.0.0.1/realms/fabrikam", "sub", "bob-sub"),
                        subject);
                Map<String, Object> event = event(set);
                assertEquals("admin", event.get("initiating_entity"));
                assertTrue(event.get("event_timestamp") instanceof Number, "event_timestamp in seconds");
                assertTrue(((Map<?, ?>) event.get("reason_admin")).get("en").toString()
                        .contains("revoked by an administrator of contoso"));
            }
        });
    }

    @Test
    void aPolicyWithdrawalReachesEachTenantWithItsOwnReasons() throws Exception {
        withStreams("/policy/contoso", "/policy/fabrikam", (resource, home) -> {
            String id = Api.grantForBob();
            ObjectNode withdrawal = Api.withdrawalNode(id, "accepted", "contoso");
            Api.withdraw(withdrawal);
            Api.awaitStatus(Tokens.contosoAdmin(), id, "revoked");
            Map<String, Object> resourceEvent = event(exactlyOne("/policy/contoso", id));
            Map<String, Object> homeEvent = event(exactlyOne("/policy/fabrikam", id));
            assertEquals("policy", resourceEvent.get("initiating_entity"));
            assertEquals("policy", homeEvent.get("initiating_entity"));
            assertEquals(Map.of("en", Api.RESOURCE_READS), resourceEvent.get("reason_admin"));
            assertEquals(Map.of("en", Api.HOME_READS), homeEvent.get("reason_admin"));
        });
    }

    /** A grant the tenant registry ends (its domain no longer registered) is signalled as a policy revocation too. */
    @Test
    void aGrantEndedByTheTenantRegistryReachesBothTenants() throws Exception {
        withStreams("/registry/contoso", "/registry/fabrikam", (resource, home) -> {
            String id = Api.grantForBob();
            TenantDomainRemovalTest.moveInvitee(id, "fabrikam",
                    "bob-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@gone.example");
            Api.awaitStatus(Tokens.contosoAdmin(), id, "revoked");
            Map<String, String> reason = Map.of("en",
                    "tenant-domains: gone.example is no longer a registered domain of tenant fabrikam");
            for (String path : List.of("/registry/contoso", "/registry/fabrikam")) {
                Map<String, Object> event = event(exactlyOne(path, id));
                assertEquals("policy", event.get("initiating_entity"), path);
                assertEquals(reason, event.get("reason_admin"), path);
            }
        });
    }

    @Test
    void anUnavailableReceiverGetsTheSameJtiAgain() throws Exception {
        UNAVAILABLE.put("/flaky", new AtomicInteger(1));
        String stream = register(Tokens.fabrikamAdmin(), "fabrikam", "/flaky");
        try {
            String id = revokedGrant();
            await().atMost(Duration.ofSeconds(15)).until(() -> count("/flaky", id) >= 2);
            // the 202 ends it: no third push
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                    .until(() -> count("/flaky", id) == 2);
            List<JwtClaims> sets = received("/flaky", id);
            assertEquals(sets.get(0).getJwtId(), sets.get(1).getJwtId());
        } finally {
            delete(Tokens.fabrikamAdmin(), "fabrikam", stream);
        }
    }

    @Test
    void aRefusingReceiverIsParkedWhileOthersAreServed() throws Exception {
        withStreams("/healthy", "/refuse", (healthy, refusing) -> {
            String id = revokedGrant();
            exactlyOne("/healthy", id);
            // refused once with 400: parked, never pushed again (retries would come every 200 ms here)
            exactlyOne("/refuse", id);
            given().get("/q/metrics").then().body(containsString("crosstenant_ssf_parked_total{cause=\"permanent\""));
        });
    }

    /**
     * A receiver can neither fill the service's memory with its answer nor forge log lines with it: at most 1 KiB of
     * the answer is read, control characters are escaped in the park reason; one that never finishes its answer is
     * cut off at the push's deadline (connect + read time-out) and settled as a transient failure, to be retried.
     */
    @Test
    void hostileReceiversAreBounded() throws Exception {
        withStreams("/huge", "/trickle", (huge, trickle) -> {
            String id = revokedGrant();
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveryColumn(huge, id, "park_reason") != null);
            String reason = deliveryColumn(huge, id, "park_reason");
            assertTrue(reason.startsWith("HTTP 400: nope\\u000a2026-12-01"), reason);
            assertTrue(reason.length() <= 1000 && reason.chars().noneMatch(c -> c < 0x20), reason);
            // the trickling answer ends at the deadline (before the claim's lease runs out): a transient failure,
            // settled and retried later
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveryColumn(trickle, id, "last_error") != null);
            assertTrue(deliveryColumn(trickle, id, "last_error").contains("push deadline"),
                    deliveryColumn(trickle, id, "last_error"));
        });
    }

    /**
     * A receiver whose answer's header section never ends: the push fails (transient) and the service closes the
     * connection — the receiver's writes then fail — instead of keeping it and its buffers open.
     */
    @Test
    void aReceiverWithEndlessHeadersLosesItsConnection() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 5,
                java.net.InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> {
                try (java.net.Socket socket = listener.accept()) {
                    var out = socket.getOutputStream();
                    out.write("HTTP/1.1 400 Bad\r\nX-A: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    byte[] more = "a".repeat(1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    // headers without end; once the service stops reading, the full socket buffer blocks the write
                    for (int i = 0; i < 100_000; i++) {
                        out.write(more);
                        out.flush();
                    }
                } catch (java.io.IOException e) {
                    closed.set(true); // the service closed the connection
                }
            }, "endless-headers");
            serving.setDaemon(true);
            serving.start();
            String stream = Api.as(Tokens.contosoAdmin()).contentType(ContentType.JSON)
                    .body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8935", "endpoint_url",
                            "http://127.0.0.1:" + listener.getLocalPort() + "/endless"),
                            "events_requested", List.of(SESSION_REVOKED)))
                    .post(streams("contoso")).then().statusCode(201).extract().path("stream_id");
            try {
                String id = revokedGrant();
                await().atMost(Duration.ofSeconds(30)).untilTrue(closed);
                await().atMost(Duration.ofSeconds(30)).until(() -> deliveryColumn(stream, id, "last_error") != null);
            } finally {
                delete(Tokens.contosoAdmin(), "contoso", stream);
            }
        }
    }

    /** A column of the delivery row of {@code streamId} for the invitation, or null (read from the database). */
    static String deliveryColumn(String streamId, String invitationId, String column) throws Exception {
        try (java.sql.Connection db = TestDatabase.connect();
                java.sql.PreparedStatement query = db.prepareStatement("select " + column
                        + " from ssf_delivery where stream_id = ? and invitation_id = ?")) {
            query.setObject(1, java.util.UUID.fromString(streamId));
            query.setObject(2, java.util.UUID.fromString(invitationId));
            try (java.sql.ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    @Test
    void aDeletedStreamReceivesNothingMore() throws Exception {
        String deleted = register(Tokens.fabrikamAdmin(), "fabrikam", "/deleted");
        String kept = register(Tokens.contosoAdmin(), "contoso", "/kept");
        try {
            delete(Tokens.fabrikamAdmin(), "fabrikam", deleted);
            Api.as(Tokens.fabrikamAdmin()).get(streams("fabrikam") + "/" + deleted).then().statusCode(404);
            String id = revokedGrant();
            exactlyOne("/kept", id);
            assertEquals(0, count("/deleted", id));
        } finally {
            delete(Tokens.contosoAdmin(), "contoso", kept);
        }
    }

    @Test
    void streamsAreListedReadAndKeptFromOtherTenants() {
        String stream = register(Tokens.contosoAdmin(), "contoso", "/listed");
        try {
            Api.as(Tokens.contosoAdmin()).get(streams("contoso")).then().statusCode(200)
                    .body("streams.stream_id", hasItem(stream));
            Api.as(Tokens.contosoAdmin()).get(streams("contoso") + "/" + stream).then().statusCode(200)
                    .body("iss", equalTo(ISSUER)).body("aud", equalTo(url("/listed")))
                    .body("delivery.method", equalTo("urn:ietf:rfc:8935"))
                    .body("delivery.endpoint_url", equalTo(url("/listed")))
                    .body("delivery.authorization_header", nullValue())
                    .body("events_supported", hasItem(SESSION_REVOKED));
            // another tenant's admin: not allowed on contoso's streams, and contoso's stream is not under fabrikam
            Api.as(Tokens.fabrikamAdmin()).get(streams("contoso")).then().statusCode(403);
            Api.as(Tokens.fabrikamAdmin()).get(streams("fabrikam") + "/" + stream).then().statusCode(404);
            Api.as(Tokens.fabrikamAdmin()).delete(streams("fabrikam") + "/" + stream).then().statusCode(404);
            Api.as(Tokens.contosoPartner()).get(streams("contoso")).then().statusCode(403);
            Api.as(Tokens.fabrikamAdmin()).contentType(ContentType.JSON)
                    .body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8935", "endpoint_url", url("/x"))))
                    .post(streams("contoso")).then().statusCode(403);
            // the caller is checked before the body: a refused body from someone who may not register is 403 too,
            // whether its members are refused or its JSON does not even have the right shape
            for (String bad : List.of("{\"delivery\":{\"method\":\"poll\",\"endpoint_url\":\"ftp://x\"}}",
                    "{\"delivery\": []}", "{\"events_requested\": \"x\"}", "{\"a\":1,\"a\":2}", "not json")) {
                for (String outsider : List.of(Tokens.contosoPartner(), Tokens.fabrikamAdmin())) {
                    Api.as(outsider).contentType(ContentType.JSON).body(bad).post(streams("contoso")).then()
                            .statusCode(403);
                }
            }
        } finally {
            delete(Tokens.contosoAdmin(), "contoso", stream);
        }
    }

    static void refused(String body, int status, String field) {
        Api.as(Tokens.contosoAdmin()).contentType(ContentType.JSON).body(body).post(streams("contoso")).then()
                .statusCode(status).contentType("application/problem+json").body("field", equalTo(field));
    }

    @Test
    void badRegistrationsAreRefusedNamingTheField() {
        String ok = "\"endpoint_url\":\"https://receiver.example/ssf\"";
        refused("{\"delivery\":{\"method\":\"urn:ietf:rfc:8936\"," + ok + "}}", 400, "/delivery/method");
        refused("{\"delivery\":{" + ok + "}}", 400, "/delivery/method");
        refused("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\"}}", 400, "/delivery/endpoint_url");
        refused("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\"/relative\"}}", 400,
                "/delivery/endpoint_url");
        refused("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\"ftp://receiver.example/x\"}}",
                400, "/delivery/endpoint_url");
        refused("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\"https://u:p@receiver.example/\"}}",
                400, "/delivery/endpoint_url");
        refused("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\"https://receiver.example/#f\"}}",
                400, "/delivery/endpoint_url");
        refused("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\"https://receiver.example/"
                + "a".repeat(2100) + "\"}}", 422, "/delivery/endpoint_url");
        refused("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\"," + ok + "},\"description\":\"" + "d".repeat(1100)
                + "\"}", 422, "/description");
        refused("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\"," + ok + ",\"authorization_header\":\"a\\nb\"}}",
                400, "/delivery/authorization_header");
        refused("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\"," + ok + "},\"events_requested\":["
                + "\"e\",".repeat(10) + "\"e\"]}", 422, "/events_requested");
        refused("{}", 400, "/delivery");
        // a member SSF defines but this transmitter does not let a receiver set: refused, not ignored
        Api.as(Tokens.contosoAdmin()).contentType(ContentType.JSON)
                .body("{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\"," + ok + "},\"aud\":\"x\"}")
                .post(streams("contoso")).then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aTenantHasAtMostTenStreams() {
        String admin = FederatedTokens.token("northwind", "nadia-sub", "nadia@northwind.example", "collab-admin");
        List<String> created = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                created.add(register(admin, "northwind", "/cap/" + i));
            }
            Api.as(admin).contentType(ContentType.JSON)
                    .body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8935", "endpoint_url", url("/cap/x"))))
                    .post(streams("northwind")).then().statusCode(422).body("field", equalTo("streams"))
                    .body("limit", equalTo(10));
        } finally {
            created.forEach(id -> delete(admin, "northwind", id));
        }
    }

    @Test
    void transmitterMetadataAndKeysArePublic() {
        given().get("/.well-known/ssf-configuration").then().statusCode(200)
                .body("issuer", equalTo(ISSUER)).body("spec_version", equalTo("1_0"))
                .body("jwks_uri", equalTo(ISSUER + "/.well-known/ssf/jwks.json"))
                .body("delivery_methods_supported", hasItem("urn:ietf:rfc:8935"));
        given().get("/.well-known/ssf/jwks.json").then().statusCode(200)
                .body("keys[0].kid", notNullValue()).body("keys[0].kty", equalTo("RSA"))
                .body("keys[0].d", nullValue());
    }
}
