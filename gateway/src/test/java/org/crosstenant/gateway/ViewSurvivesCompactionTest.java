package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.crosstenant.gateway.support.ViewTopicsResource.REDEEMED;
import static org.crosstenant.gateway.support.ViewTopicsResource.REQUESTED;
import static org.crosstenant.gateway.support.ViewTopicsResource.REVOKED;
import static org.crosstenant.gateway.support.ViewTopicsResource.COLLABORATION_BOTH_WAYS;
import static org.crosstenant.gateway.support.ViewTopicsResource.SETTINGS_CHANGED_V2;
import static org.crosstenant.gateway.support.ViewTopicsResource.defaultSettingsEvent;
import static org.crosstenant.gateway.support.ViewTopicsResource.settings;
import static org.crosstenant.gateway.support.ViewTopicsResource.SOURCE_POLICY;
import static org.crosstenant.gateway.support.ViewTopicsResource.event;
import static org.crosstenant.gateway.support.ViewTopicsResource.invitation;
import static org.crosstenant.gateway.support.ViewTopicsResource.keyAndTypes;
import static org.crosstenant.gateway.support.ViewTopicsResource.produce;
import static org.crosstenant.gateway.support.ViewTopicsResource.registered;
import static org.crosstenant.gateway.support.ViewTopicsResource.roll;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.gateway.support.ViewTopicsResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The view survives a restart after the log was cleaned: before this gateway starts, the view topics (compact, with
 * the cleaner made eager: tiny segments, dirty ratio and compaction lag) get a history of registrations and
 * invitations, and the test waits until the broker has really removed every superseded event. The gateway then starts
 * fresh, replays what is left from offset 0, and must let in every guest with a valid grant, route every application
 * to its latest upstream, and refuse the revoked guest: the last event per key carries the aggregate's whole state.
 */
@QuarkusTest
@TestProfile(ViewSurvivesCompactionTest.CompactedTopics.class)
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class ViewSurvivesCompactionTest {

    static final String POLICY_TOPIC = "compacted.policy.events";
    static final String INVITATION_TOPIC = "compacted.invitations.events";
    static final String BOB_INVITATION = UUID.randomUUID().toString();
    static final String CAROL_INVITATION = UUID.randomUUID().toString();
    static final String DAVE_INVITATION = UUID.randomUUID().toString();
    static final int PARTITIONS = 3;
    static final Instant IN_90_DAYS = Instant.now().plus(Duration.ofDays(90));

    /** The gateway reads the compacted topics the resource prepared. */
    public static class CompactedTopics implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Compacted.class));
        }
    }

    /** Writes the history and waits for the cleaner, before the gateway starts. */
    public static class Compacted extends ViewTopicsResource {

        /** A cleaner that compacts as soon as it can: closed segments every 100 ms, any dirt, no lag. */
        static final Map<String, String> EAGER = Map.of("cleanup.policy", "compact", "segment.ms", "100",
                "min.cleanable.dirty.ratio", "0.001", "min.compaction.lag.ms", "0");

        private HttpServer upstreamServer;

        @Override
        public Map<String, String> start() {
            createTopic(POLICY_TOPIC, PARTITIONS, EAGER);
            createTopic(INVITATION_TOPIC, PARTITIONS, EAGER);
            // the applications' upstream must be known before the gateway starts: a small one of our own that
            // answers with the path it got
            try {
                upstreamServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            upstreamServer.createContext("/", ex -> {
                byte[] body = ("{\"upstreamPath\": \"" + ex.getRequestURI().getPath() + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            upstreamServer.start();
            String upstream = "http://127.0.0.1:" + upstreamServer.getAddress().getPort() + "/app";
            produce(POLICY_TOPIC, List.of(
                    registered("contoso", "wiki", "http://127.0.0.1:9/gone", 1),
                    registered("contoso", "board", upstream, 1),
                    // contoso's settings for fabrikam: first blocking, then allowing collaboration (compaction
                    // leaves the second); fabrikam's default lets its people out
                    event("contoso/partners/fabrikam", SETTINGS_CHANGED_V2, SOURCE_POLICY,
                            settings("contoso", "fabrikam", 1, "{}")),
                    event("contoso/partners/fabrikam", SETTINGS_CHANGED_V2, SOURCE_POLICY,
                            settings("contoso", "fabrikam", 2, COLLABORATION_BOTH_WAYS)),
                    defaultSettingsEvent("fabrikam", COLLABORATION_BOTH_WAYS),
                    registered("contoso", "wiki", upstream, 2)));
            produce(INVITATION_TOPIC, List.of(
                    invitation(REQUESTED, BOB_INVITATION, "wiki", "bob", IN_90_DAYS),
                    invitation(REDEEMED, BOB_INVITATION, "wiki", "bob", IN_90_DAYS),
                    invitation(REQUESTED, CAROL_INVITATION, "wiki", "carol", IN_90_DAYS),
                    invitation(REDEEMED, CAROL_INVITATION, "wiki", "carol", IN_90_DAYS),
                    invitation(REQUESTED, DAVE_INVITATION, "board", "dave", IN_90_DAYS),
                    invitation(REVOKED, CAROL_INVITATION, "wiki", "carol", IN_90_DAYS),
                    invitation(REDEEMED, DAVE_INVITATION, "board", "dave", IN_90_DAYS)));
            // the active segment is never cleaned: keep rolling every partition's segment until the superseded
            // events are gone from the log
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
                roll(POLICY_TOPIC, PARTITIONS);
                roll(INVITATION_TOPIC, PARTITIONS);
                return compacted(keyAndTypes(POLICY_TOPIC), "contoso/applications/wiki", 1)
                        && compacted(keyAndTypes(POLICY_TOPIC), "contoso/partners/fabrikam", 1)
                        && compacted(keyAndTypes(INVITATION_TOPIC), CAROL_INVITATION, 1)
                        && compacted(keyAndTypes(INVITATION_TOPIC), BOB_INVITATION, 1)
                        && compacted(keyAndTypes(INVITATION_TOPIC), DAVE_INVITATION, 1);
            });
            return channels(POLICY_TOPIC, INVITATION_TOPIC);
        }

        @Override
        public void stop() {
            if (upstreamServer != null) {
                upstreamServer.stop(0);
            }
        }

        private static boolean compacted(List<String> log, String key, int expected) {
            return log.stream().filter(e -> e.startsWith(key + " ")).count() == expected;
        }
    }

    @Test
    void afterCompactionAFreshGatewayFindsEveryValidGrantAndRouteAndNoRevokedOne() {
        // what compaction left: the last event per key, nothing older
        List<String> invitations = keyAndTypes(INVITATION_TOPIC).stream().filter(e -> !e.startsWith("roll ")).sorted()
                .toList();
        assertEquals(List.of(BOB_INVITATION + " " + REDEEMED, CAROL_INVITATION + " " + REVOKED,
                DAVE_INVITATION + " " + REDEEMED).stream().sorted().toList(), invitations);
        assertEquals(List.of("contoso/applications/board " + ViewTopicsResource.REGISTERED,
                "contoso/applications/wiki " + ViewTopicsResource.REGISTERED,
                "contoso/partners/fabrikam " + SETTINGS_CHANGED_V2, "fabrikam/default " + SETTINGS_CHANGED_V2),
                keyAndTypes(POLICY_TOPIC).stream().filter(e -> !e.startsWith("roll ")).sorted().toList());

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200).body("checks.find { it.name == 'gateway-local-view' }.data.viewComplete",
                        equalTo(true)));
        String bob = TenantTokens.token("fabrikam", "bob", "bob@fabrikam.example");
        String carol = TenantTokens.token("fabrikam", "carol", "carol@fabrikam.example");
        String dave = TenantTokens.token("fabrikam", "dave", "dave@fabrikam.example");
        // wiki routes to its second registration's upstream (the first one's port answers nothing)
        given().auth().oauth2(bob).get("/apps/contoso/wiki/page").then().statusCode(200)
                .body("upstreamPath", equalTo("/app/page"));
        given().auth().oauth2(dave).get("/apps/contoso/board/1").then().statusCode(200)
                .body("upstreamPath", equalTo("/app/1"));
        given().auth().oauth2(carol).get("/apps/contoso/wiki/page").then().statusCode(403);
        // grants are per application: dave's is for board only
        given().auth().oauth2(dave).get("/apps/contoso/wiki/page").then().statusCode(403);
    }
}
