package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.crosstenant.gateway.support.ViewTopicsResource.COLLABORATION_BOTH_WAYS;
import static org.crosstenant.gateway.support.ViewTopicsResource.REDEEMED;
import static org.crosstenant.gateway.support.ViewTopicsResource.REVOKED;
import static org.crosstenant.gateway.support.ViewTopicsResource.SETTINGS_CHANGED_V2;
import static org.crosstenant.gateway.support.ViewTopicsResource.SOURCE_INVITATION;
import static org.crosstenant.gateway.support.ViewTopicsResource.SOURCE_POLICY;
import static org.crosstenant.gateway.support.ViewTopicsResource.event;
import static org.crosstenant.gateway.support.ViewTopicsResource.produce;
import static org.crosstenant.gateway.support.ViewTopicsResource.registered;
import static org.crosstenant.gateway.support.ViewTopicsResource.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.gateway.support.ViewTopicsResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Read-your-writes through the real gateway and a real broker (issue #8): a stubbed service answers a change with
 * {@code Crosstenant-View-Events}; the gateway answers only once its own view consumers passed those events
 * ({@code Crosstenant-Enforced: true}), or at the bound ({@code false}); the list never reaches the caller, and no
 * upstream can set either header. The resource tenant's invitation domain list holds for redeemed guests at the next
 * request. The view topics are this class's own, so its settings changes reach no other test.
 */
@QuarkusTest
@TestProfile(ReadYourWritesFlowTest.OwnTopics.class)
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class ReadYourWritesFlowTest {

    static final String POLICY_TOPIC = "ryw.policy.events";
    static final String INVITATION_TOPIC = "ryw.invitations.events";
    /** The bound in this test: long enough for a loaded machine to produce an event after the answer waits. */
    static final Duration BOUND = Duration.ofSeconds(10);
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    public static class OwnTopics implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("crosstenant.gateway.read-your-writes.timeout", BOUND.toSeconds() + "S");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Topics.class));
        }
    }

    /** Creates this class's view topics (compacted, as the producers declare them) before the gateway starts. */
    public static class Topics extends ViewTopicsResource {
        @Override
        public Map<String, String> start() {
            for (String topic : List.of(POLICY_TOPIC, INVITATION_TOPIC)) {
                try (var admin = admin()) {
                    if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                        createTopic(topic, 3, Map.of("cleanup.policy", "compact"));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return channels(POLICY_TOPIC, INVITATION_TOPIC);
        }
    }

    @TestHTTPResource("/")
    URL gateway;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example", "collab-admin");

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
    void captureLogAndWaitForTheView() {
        java.util.logging.Logger.getLogger("").addHandler(capture);
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        // no answer of another test still waits: each test below counts its own
        await().atMost(BOUND.multipliedBy(2)).until(() -> waitingNow() == 0);
    }

    @AfterEach
    void releaseLog() {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void aRevocationAnswersOnlyOnceThisGatewayAlreadyRefusesTheGuest() throws Exception {
        String app = "board-" + UUID.randomUUID().toString().substring(0, 8);
        String subject = "bob-" + UUID.randomUUID();
        String invitation = UUID.randomUUID().toString();
        String bob = TenantTokens.token("fabrikam", subject, "bob@fabrikam.example");
        String path = "/apps/contoso/" + app + "/cards";
        collaborationBothWays("contoso");
        produce(POLICY_TOPIC, List.of(registered("contoso", app, upstream() + "/app", 1)));
        produce(INVITATION_TOPIC, List.of(invitationEvent(REDEEMED, invitation, "contoso", app, subject)));
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(bob).get(path).then().statusCode(200));

        // invitation-service answers the revoke listing the revoked.v1 it wrote; the event is not on the topic yet
        UUID revoked = UUID.randomUUID();
        double timeoutsBefore = waits("timeout");
        CompletableFuture<HttpResponse<String>> answer = client.sendAsync(post("/api/v1/invitations/" + invitation
                + "/revoke?viewEvents=" + revoked, alice), HttpResponse.BodyHandlers.ofString());
        await().atMost(PATIENCE).until(() -> waitingNow() == 1); // the gateway holds the answer
        assertTrue(!answer.isDone(), "held while the event has not passed");
        produce(INVITATION_TOPIC, List.of(withId(invitationEvent(REVOKED, invitation, "contoso", app, subject),
                revoked)));

        HttpResponse<String> response = answer.get(BOUND.toSeconds() + 30, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(List.of("true"), response.headers().allValues("Crosstenant-Enforced"));
        assertEquals(List.of(), response.headers().allValues("Crosstenant-View-Events"), "the list is the gateway's");
        assertTrue(response.body().contains("/revoke"), "the service's body is relayed as it was");
        // read-your-writes: the very next request is refused, no waiting, no retry
        given().auth().oauth2(bob).get(path).then().statusCode(403);
        assertEquals(timeoutsBefore, waits("timeout"));
        assertTrue(problems.isEmpty(), () -> "logged: " + problems);
    }

    @Test
    void anEventThatNeverReachesTheViewAnswersFalseAtTheBound() throws Exception {
        double timeoutsBefore = waits("timeout");
        Response response = given().auth().oauth2(alice).contentType("application/json").body("{}")
                .queryParam("viewEvents", UUID.randomUUID() + ", " + UUID.randomUUID())
                .put("/api/v1/tenants/contoso/access-settings/default");
        assertEquals(200, response.statusCode());
        assertEquals("false", response.header("Crosstenant-Enforced"));
        assertNull(response.header("Crosstenant-View-Events"));
        assertEquals(timeoutsBefore + 1, waits("timeout"));
    }

    /**
     * {@code *}, a malformed list (not UUIDs, more than 150, empty) is {@code false} at once and never a 500; a
     * non-2xx answer or one without a list gets no {@code Crosstenant-Enforced}; the list never reaches the caller.
     */
    @Test
    void aStarOrAMalformedListIsFalseAndOnlyA2xxAnswerListingEventsIsHeld() {
        double timeoutsBefore = waits("timeout");
        for (String listed : List.of("viewEvents=*", "viewEvents=not-a-uuid", "viewEvents=", "viewEvents=%20,%20",
                "viewEventsCount=151", "viewEvents=" + UUID.randomUUID() + ",*")) {
            Response response = given().auth().oauth2(alice).urlEncodingEnabled(false)
                    .post("/api/v1/tenants/contoso/applications/wiki?" + listed);
            assertEquals(200, response.statusCode(), listed);
            assertEquals("false", response.header("Crosstenant-Enforced"), listed);
            assertNull(response.header("Crosstenant-View-Events"), listed);
        }
        assertEquals(timeoutsBefore, waits("timeout"), "none of them waited");
        // 150 ids is the contract's most: a list that long is waited for (and here never passes)
        Response longest = given().auth().oauth2(alice).post("/api/v1/tenants/contoso/applications/wiki"
                + "?viewEventsCount=150");
        assertEquals("false", longest.header("Crosstenant-Enforced"));
        assertEquals(timeoutsBefore + 1, waits("timeout"));

        Response notFound = given().auth().oauth2(alice).queryParam("viewEvents", UUID.randomUUID())
                .queryParam("status", 404).delete("/api/v1/tenants/contoso/access-settings/partners/fabrikam");
        assertEquals(404, notFound.statusCode());
        assertNull(notFound.header("Crosstenant-Enforced"), "a change that failed enforces nothing");
        assertNull(notFound.header("Crosstenant-View-Events"));
        Response plain = given().auth().oauth2(alice).get("/api/v1/tenants/contoso/access-settings/default");
        assertEquals(200, plain.statusCode());
        assertNull(plain.header("Crosstenant-Enforced"), "nothing listed, nothing said");
    }

    @Test
    void anApplicationCanSetNeitherHeader() {
        String app = "forge-" + UUID.randomUUID().toString().substring(0, 8);
        produce(POLICY_TOPIC, List.of(registered("contoso", app, upstream() + "/app", 1)));
        String path = "/apps/contoso/" + app + "/x";
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(alice).get(path).then().statusCode(200));
        Response response = given().auth().oauth2(alice).queryParam("viewEvents", UUID.randomUUID()).get(path);
        assertEquals(200, response.statusCode());
        assertNull(response.header("Crosstenant-Enforced"), "only the gateway says what it enforces");
        assertNull(response.header("Crosstenant-View-Events"));
    }

    /**
     * Issue #8: northwind's invitation domain deny list comes to cover bob's domain: bob's next request is refused
     * (with a token that vouches for no email too: the grant's address counts), and an allow list naming his domain
     * lets him in again. Each settings change is read-your-writes: the answer lists its event, which has passed.
     */
    @Test
    void aGuestWhoseDomainTheResourceTenantBlocksIsRefusedAtTheNextRequest() throws Exception {
        String app = "ledger-" + UUID.randomUUID().toString().substring(0, 8);
        String subject = "bob-" + UUID.randomUUID();
        String bob = TenantTokens.token("fabrikam", subject, "bob@fabrikam.example");
        java.util.Map<String, Object> unvouchedClaims = TenantTokens.claims("fabrikam", subject, "bob@fabrikam.example");
        unvouchedClaims.put("email_verified", false);
        String unvouched = TenantTokens.signedBy("fabrikam", unvouchedClaims);
        String path = "/apps/northwind/" + app + "/entries";
        collaborationBothWays("northwind");
        produce(POLICY_TOPIC, List.of(registered("northwind", app, upstream() + "/app", 1)));
        produce(INVITATION_TOPIC, List.of(invitationEvent(REDEEMED, UUID.randomUUID().toString(), "northwind", app,
                subject)));
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(bob).get(path).then().statusCode(200));
        given().auth().oauth2(unvouched).get(path).then().statusCode(200);

        assertEquals("true", changeSettings("northwind", "fabrikam", 1, """
                {"inbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                               "applications": {"access": "allowed", "targets": ["all"]}}},
                 "invitations": {"domains": {"access": "blocked", "targets": ["fabrikam.example"]}}}"""));
        given().auth().oauth2(bob).get(path).then().statusCode(403);
        given().auth().oauth2(unvouched).get(path).then().statusCode(403);

        assertEquals("true", changeSettings("northwind", "fabrikam", 2, """
                {"inbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                               "applications": {"access": "allowed", "targets": ["all"]}}},
                 "invitations": {"domains": {"access": "allowed", "targets": ["fabrikam.example"]}}}"""));
        given().auth().oauth2(bob).get(path).then().statusCode(200);
    }

    /** The caller leaves while its answer is held: the connection closes cleanly, nothing is logged as an error. */
    @Test
    void aCallerThatLeavesWhileTheAnswerIsHeldIsNoError() throws Exception {
        double timeoutsBefore = waits("timeout");
        try (Socket caller = new Socket(InetAddress.getLoopbackAddress(), gateway.getPort())) {
            String request = "POST /api/v1/invitations/" + UUID.randomUUID() + "/revoke?viewEvents="
                    + UUID.randomUUID() + " HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.getPort()
                    + "\r\nAuthorization: Bearer " + alice + "\r\nContent-Length: 0\r\n\r\n";
            OutputStream out = caller.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            await().atMost(PATIENCE).until(() -> waitingNow() == 1);
        } // the caller leaves while the gateway waits
        await().atMost(BOUND.multipliedBy(3)).until(() -> waitingNow() == 0);
        assertEquals(timeoutsBefore + 1, waits("timeout"));
        // the gateway goes on serving
        given().auth().oauth2(alice).get("/api/v1/tenants/contoso/access-settings/default").then().statusCode(200);
        assertTrue(problems.isEmpty(), () -> "logged: " + problems.stream().map(r -> r.getLoggerName() + ": "
                + r.getMessage() + " " + r.getThrown()).toList());
    }

    /**
     * A settings change as policy-service makes it: its access-settings-changed.v2 event on the topic, then its answer
     * listing that event's id.
     *
     * @return the gateway's {@code Crosstenant-Enforced}
     */
    private String changeSettings(String tenant, String partner, int version, String effective) {
        UUID id = UUID.randomUUID();
        produce(POLICY_TOPIC, List.of(withId(event(tenant + "/partners/" + partner, SETTINGS_CHANGED_V2,
                SOURCE_POLICY, settings(tenant, partner, version, effective)), id)));
        Response response = given().auth().oauth2(alice).contentType("application/json").body(effective)
                .queryParam("viewEvents", id).put("/api/v1/tenants/" + tenant + "/access-settings/partners/" + partner);
        assertEquals(200, response.statusCode());
        return response.header("Crosstenant-Enforced");
    }

    private static void collaborationBothWays(String resourceTenant) {
        produce(POLICY_TOPIC, List.of(
                event(resourceTenant + "/default", SETTINGS_CHANGED_V2, SOURCE_POLICY,
                        settings(resourceTenant, null, 1, COLLABORATION_BOTH_WAYS)),
                event("fabrikam/default", SETTINGS_CHANGED_V2, SOURCE_POLICY,
                        settings("fabrikam", null, 1, COLLABORATION_BOTH_WAYS))));
    }

    /** redeemed.v1 / revoked.v1 of a fabrikam guest, invited as bob@fabrikam.example. */
    private static ProducerRecord<String, String> invitationEvent(String type, String invitation, String resource,
            String app, String subject) {
        Instant expires = Instant.now().plus(Duration.ofDays(30));
        return event(invitation, type, SOURCE_INVITATION, """
                {"invitationId": "%s", "resourceTenant": "%s", "application": "%s",
                 "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"},
                 "guest": {"tenant": "fabrikam", "issuer": "%s", "subject": "%s", "email": "bob@fabrikam.example"},
                 "revokedBy": {"tenant": "%s", "subject": "alice", "email": "alice@contoso.example"},
                 "grantExpiresAt": "%s", "occurredAt": "%s"}""".formatted(invitation, resource, app,
                TenantTokens.issuer("fabrikam"), subject, resource, expires, Instant.now()));
    }

    /** The event with the given CloudEvents id (what the service lists in its answer). */
    private static ProducerRecord<String, String> withId(ProducerRecord<String, String> record, UUID id) {
        record.headers().remove("ce_id");
        record.headers().add("ce_id", id.toString().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private HttpRequest post(String path, String token) throws Exception {
        return HttpRequest.newBuilder(gateway.toURI().resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private static String upstream() {
        return TenantTokens.value("test.upstream.url");
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The gauge of answers held now. */
    private static double waitingNow() {
        Matcher m = Pattern.compile("(?m)^crosstenant_gateway_view_waiting(\\{[^}]*})? ([0-9.E+-]+)$")
                .matcher(metrics());
        assertTrue(m.find(), "the waiting gauge is published");
        return Double.parseDouble(m.group(2));
    }

    /** How many held answers ended with that outcome so far. */
    private static double waits(String outcome) {
        Matcher m = Pattern.compile("(?m)^crosstenant_gateway_view_wait_seconds_count\\{[^}]*outcome=\"" + outcome
                + "\"[^}]*} ([0-9.E+-]+)$").matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
