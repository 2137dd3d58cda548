package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.crosstenant.policy.LiveInvitations.Invitation;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Continuous access evaluation (issue #8): a settings change re-evaluates, in its own transaction, every live
 * invitation it affects, and withdraws exactly those that fail, exactly once (one access-withdrawn.v1 outbox row,
 * committed with the change, so these tests read the outbox right after the response). Loosening never re-grants.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ReevaluationTest {

    private static final Logger LOG = Logger.getLogger(ReevaluationTest.class);

    @Test
    void aTighteningWithdrawsExactlyTheFailingOnesOnceAndALooseningReGrantsNothing() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation bob = live(pair, "bob", "accepted");
        Invitation carol = live(pair, "carol", "accepted");
        Invitation dave = live(pair, "dave", "pending_acceptance");
        Invitation erin = live(pair, "erin", "requested");

        outbound(pair, "blocked", carol, dave).statusCode(200);
        assertWithdrawnOnce(carol, "accepted");
        assertWithdrawnOnce(dave, "pending_acceptance");
        assertEquals(List.of(), LiveInvitations.withdrawals(bob.id()));
        assertEquals(List.of(), LiveInvitations.withdrawals(erin.id()));
        assertEquals("accepted", LiveInvitations.row(bob.id()).status());
        assertEquals("requested", LiveInvitations.row(erin.id()).status());

        JsonObject withdrawn = LiveInvitations.withdrawals(carol.id()).get(0);
        assertEquals(pair.home(), withdrawn.getString("changedTenant"));
        assertEquals("policy-changed", withdrawn.getString("cause"));
        assertEquals(pair.resource(), withdrawn.getString("resourceTenant"));
        assertEquals(carol.email(), withdrawn.getString("inviteeEmail"));
        assertEquals(List.of(pair.home() + " outbound settings blocked it"),
                withdrawn.getJsonArray("reasons").getList());
        assertEquals(List.of(pair.home() + " outbound settings blocked it"),
                withdrawn.getJsonArray("sharedReasons").getList());
        assertEquals(List.of(pair.home() + " outbound collaboration to " + pair.resource() + " does not admit "
                + carol.email() + " (/outbound/collaboration/usersAndGroups: blocked list, partner)"),
                withdrawn.getJsonArray("homeReasons").getList());
        assertEquals(Map.of(pair.resource(), 1, pair.home(), 2), withdrawn.getJsonObject("policyVersions").getMap());

        // published as the contract says: binary CloudEvent on policy.decisions, key and subject the invitation
        ConsumerRecord<String, String> record = KafkaSupport.awaitRecord(PolicyEvents.DECISIONS_TOPIC,
                r -> carol.id().toString().equals(r.key())
                        && PolicyEvents.ACCESS_WITHDRAWN.equals(KafkaSupport.header(r, "ce_type")));
        PolicyEventsPublishedTest.assertCloudEvent(record, PolicyEvents.ACCESS_WITHDRAWN, carol.id().toString());
        assertEquals(JsonShape.ofExample(PolicyEvents.ACCESS_WITHDRAWN), JsonShape.of(record.value()));
        assertEquals(withdrawn.getString("withdrawalId"), KafkaSupport.header(record, "ce_id"));

        // a second tightening: only erin is new; carol and dave are not withdrawn again
        outbound(pair, "blocked", carol, dave, erin).statusCode(200);
        assertWithdrawnOnce(erin, "requested");
        assertWithdrawnOnce(carol, "accepted");
        assertWithdrawnOnce(dave, "pending_acceptance");

        // loosening: nothing comes back, nothing is published
        outbound(pair, "allowed").statusCode(200);
        for (Invitation ended : List.of(carol, dave, erin)) {
            assertWithdrawnOnce(ended, null);
            assertEquals("withdrawn", LiveInvitations.row(ended.id()).status());
        }
        assertEquals(List.of(), LiveInvitations.withdrawals(bob.id()));
        assertEquals("accepted", LiveInvitations.row(bob.id()).status());
    }

    /**
     * A grant is judged by email and home subject: a rule only a group could decide never ends it (the gateway checks
     * groups per request), nor does who may invite; a pending invitation gets the full decision.
     */
    @Test
    void grantsAreJudgedByEmailAndSubjectNeverByGroupsOrWhoMayInvite() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation bob = live(pair, "bob", "accepted");
        Invitation carol = live(pair, "carol", "accepted");
        Invitation dave = live(pair, "dave", "pending_acceptance");

        inbound(pair, "{\"access\": \"allowed\", \"targets\": [{\"group\": \"engineering\"}]}", null).statusCode(200);
        inbound(pair, "{\"access\": \"blocked\", \"targets\": [{\"group\": \"contractors\"}]}", null).statusCode(200);
        for (Invitation invitation : List.of(bob, carol, dave)) {
            assertEquals(List.of(), LiveInvitations.withdrawals(invitation.id()), invitation.email());
        }

        inbound(pair, "{\"access\": \"blocked\", \"targets\": [{\"subject\": \"" + bob.subject() + "\"}]}", "none")
                .statusCode(200);
        assertWithdrawnOnce(bob, "accepted");
        assertEquals(List.of(), LiveInvitations.withdrawals(carol.id()), "who may invite never ends a grant");
        assertWithdrawnOnce(dave, "pending_acceptance");
        String scope = pair.resource() + " inbound collaboration from " + pair.home();
        assertEquals(List.of(scope + " does not admit " + bob.email()
                + " (/inbound/collaboration/usersAndGroups: blocked list, partner)"),
                LiveInvitations.withdrawals(bob.id()).get(0).getJsonArray("reasons").getList());
        assertEquals(List.of(pair.resource() + " settings blocked it"),
                LiveInvitations.withdrawals(bob.id()).get(0).getJsonArray("homeReasons").getList());
        assertEquals(List.of(pair.resource() + "'s invitation rules (/invitations/whoMayInvite: none, partner) do not "
                + "let a partner system invite"),
                LiveInvitations.withdrawals(dave.id()).get(0).getJsonArray("reasons").getList());
    }

    /**
     * A default change reaches every partner of the tenant that has no own rule for what changed, in both
     * directions; a partner configuration that sets its own value shields its pair. The domain list applies to
     * grants too.
     */
    @Test
    void aDefaultChangeReachesEveryPairWithoutItsOwnRule() {
        String resource = TestStack.tenant("res");
        DecisionFlowTest.Pair first = configure(resource, TestStack.tenant("home"));
        DecisionFlowTest.Pair second = configure(resource, TestStack.tenant("home"));
        DecisionFlowTest.Pair shielded = configure(resource, TestStack.tenant("home"));
        given().header("Authorization", TestStack.adminOf(resource)).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": "
                        + "[\"all\"]}, \"applications\": {\"access\": \"allowed\", \"targets\": [\"projects\"]}}}, "
                        + "\"invitations\": {\"domains\": {\"access\": \"allowed\", \"targets\": [\"all\"]}}}")
                .when().put(AccessSettingsResourceTest.PATH, resource, shielded.home()).then().statusCode(200);
        Invitation a = live(first, "ann", "accepted");
        Invitation b = live(second, "ben", "pending_acceptance");
        Invitation c = live(shielded, "cat", "accepted");

        given().header("Authorization", TestStack.adminOf(resource)).contentType(ContentType.JSON)
                .body("{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"" + first.home()
                        + ".example\", \"" + second.home() + ".example\", \"" + shielded.home() + ".example\"]}}}")
                .when().put(AccessSettingsResourceTest.DEFAULT_PATH, resource).then().statusCode(200);
        assertWithdrawnOnce(a, "accepted");
        assertWithdrawnOnce(b, "pending_acceptance");
        assertEquals(List.of(), LiveInvitations.withdrawals(c.id()));
        assertEquals("domain " + first.home() + ".example is not allowed by " + resource + "'s invitation rules "
                + "(/invitations/domains: blocked list, default)",
                LiveInvitations.withdrawals(a.id()).get(0).getJsonArray("reasons").getString(0));

        // the home side's default: a home tenant blocking everything outbound ends its people's grants everywhere
        Invitation d = live(shielded, "dan", "accepted");
        given().header("Authorization", TestStack.adminOf(shielded.home())).contentType(ContentType.JSON)
                .body("{\"outbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"blocked\", "
                        + "\"targets\": [\"all\"]}}}}")
                .when().put(AccessSettingsResourceTest.DEFAULT_PATH, shielded.home()).then().statusCode(200);
        // the home's partner configuration for the resource sets its own usersAndGroups (allowed all): shielded
        assertEquals(List.of(), LiveInvitations.withdrawals(d.id()));
        given().header("Authorization", TestStack.adminOf(shielded.home()))
                .when().delete(AccessSettingsResourceTest.PATH, shielded.home(), resource).then().statusCode(204);
        assertWithdrawnOnce(d, "accepted");
        assertWithdrawnOnce(c, "accepted");
        assertEquals(shielded.home(), LiveInvitations.withdrawals(d.id()).get(0).getString("changedTenant"));
    }

    /** One change that withdraws 1 001 live grants: timed (a log line, not an assertion), all withdrawn once. */
    @Test
    void aChangeWithdrawingAThousandGrantsIsTimed() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        int n = 1001;
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        List<Invitation> invitations = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Invitation invitation = Invitation.of(pair, "guest" + i);
            invitations.add(invitation);
            records.add(invitation.requested());
            records.add(invitation.redeemed());
        }
        LiveInvitations.produce(records);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> LiveInvitations.liveCount(pair.resource()) == n
                        && LiveInvitations.decisionCount(pair.resource()) == n);

        // the impact first: counts complete, at most 1 000 items
        JsonObject impact = new JsonObject(given().header("Authorization", TestStack.adminOf(pair.home()))
                .contentType(ContentType.JSON).body(new JsonObject().put("partner", pair.resource())
                        .put("settings", new JsonObject(outboundBody("blocked"))).encode())
                .when().post("/api/v1/tenants/{tenant}/access-settings/impact", pair.home())
                .then().statusCode(200).extract().asString());
        assertEquals(n, impact.getJsonObject("counts").getInteger("grants"));
        assertEquals(0, impact.getJsonObject("counts").getInteger("pending"));
        assertEquals(1000, impact.getJsonArray("items").size());
        assertEquals(true, impact.getBoolean("truncated"));

        long started = System.nanoTime();
        outbound(pair, "blocked").statusCode(200);
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.infof("MEASURED: one settings change withdrew %d live grants in %d ms (HTTP round trip, one transaction)",
                n, millis);
        List<UUID> withdrawn = LiveInvitations.withdrawnOf(pair.resource());
        assertEquals(n, withdrawn.size());
        assertEquals(n, new HashSet<>(withdrawn).size(), "each once");
        assertEquals(invitations.stream().map(Invitation::id).collect(java.util.stream.Collectors.toSet()),
                new HashSet<>(withdrawn));
        assertEquals(0, LiveInvitations.liveCount(pair.resource()));
    }

    /** Makes an invitation live in the given status through invitation-service's events, and waits for it. */
    static Invitation live(DecisionFlowTest.Pair pair, String name, String status) {
        return live(Invitation.of(pair, name), status);
    }

    /** Makes the invitation live in the given status through invitation-service's events, and waits for it. */
    static Invitation live(Invitation invitation, String status) {
        LiveInvitations.produce(List.of(invitation.requested()));
        assertEquals("allow", new JsonObject(DecisionFlowTest.awaitDecision(invitation.id()).value())
                .getString("outcome"));
        List<ProducerRecord<String, String>> steps = switch (status) {
            case "requested" -> List.of();
            case "pending_approval" -> List.of(invitation.approvalRequested());
            case "pending_acceptance" -> List.of(invitation.approved());
            case "accepted" -> List.of(invitation.approved(), invitation.redeemed());
            default -> throw new IllegalArgumentException(status);
        };
        if (!steps.isEmpty()) {
            LiveInvitations.produce(steps);
        }
        LiveInvitations.awaitStatus(invitation.id(), status);
        return invitation;
    }

    /** A resource tenant and a home tenant admitting each other as {@link DecisionFlowTest.Pair#configured} does. */
    static DecisionFlowTest.Pair configure(String resource, String home) {
        given().header("Authorization", TestStack.adminOf(resource)).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put("/api/v1/tenants/{tenant}/applications/{app}", resource, "projects")
                .then().statusCode(200);
        given().header("Authorization", TestStack.adminOf(resource)).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": "
                        + "[\"all\"]}, \"applications\": {\"access\": \"allowed\", \"targets\": [\"projects\"]}}}}")
                .when().put(AccessSettingsResourceTest.PATH, resource, home).then().statusCode(200);
        given().header("Authorization", TestStack.adminOf(home)).contentType(ContentType.JSON)
                .body(outboundBody("allowed"))
                .when().put(AccessSettingsResourceTest.PATH, home, resource).then().statusCode(200);
        return new DecisionFlowTest.Pair(resource, home);
    }

    /** The home tenant's partner configuration for the resource: outbound users {@code access} the invitees. */
    static ValidatableResponse outbound(DecisionFlowTest.Pair pair, String access, Invitation... listed) {
        return given().header("Authorization", TestStack.adminOf(pair.home())).contentType(ContentType.JSON)
                .body(outboundBody(access, listed))
                .when().put(AccessSettingsResourceTest.PATH, pair.home(), pair.resource()).then();
    }

    static String outboundBody(String access, Invitation... listed) {
        String targets = listed.length == 0 ? "[\"all\"]" : "[" + String.join(", ", java.util.Arrays.stream(listed)
                .map(i -> "{\"user\": \"" + i.email() + "\"}").toList()) + "]";
        return "{\"outbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"" + access + "\", \"targets\": "
                + targets + "}, \"applications\": {\"access\": \"allowed\", \"targets\": [\"projects\"]}}}}";
    }

    /** The resource tenant's partner configuration for the home tenant with this inbound users rule. */
    private static ValidatableResponse inbound(DecisionFlowTest.Pair pair, String usersRule, String whoMayInvite) {
        String invitations = whoMayInvite == null ? "" : ", \"invitations\": {\"whoMayInvite\": \"" + whoMayInvite
                + "\"}";
        return given().header("Authorization", TestStack.adminOf(pair.resource())).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": {\"usersAndGroups\": " + usersRule + ", \"applications\": "
                        + "{\"access\": \"allowed\", \"targets\": [\"projects\"]}}}" + invitations + "}")
                .when().put(AccessSettingsResourceTest.PATH, pair.resource(), pair.home()).then()
                .body("tenant", equalTo(pair.resource()));
    }

    /** Exactly one access-withdrawn.v1 for the invitation (from {@code previousStatus}, when given), withdrawn. */
    static void assertWithdrawnOnce(Invitation invitation, String previousStatus) {
        List<JsonObject> withdrawals = LiveInvitations.withdrawals(invitation.id());
        assertEquals(1, withdrawals.size(), invitation.email() + ": " + withdrawals);
        if (previousStatus != null) {
            assertEquals(previousStatus, withdrawals.get(0).getString("previousStatus"));
        }
        assertEquals(invitation.id().toString(), withdrawals.get(0).getString("invitationId"));
        assertEquals("withdrawn", LiveInvitations.row(invitation.id()).status());
        Set<String> lists = Set.of("reasons", "sharedReasons", "homeReasons");
        lists.forEach(l -> assertTrue(!withdrawals.get(0).getJsonArray(l).isEmpty(), l));
    }
}
