package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.policy.LiveInvitations.Invitation;
import org.crosstenant.policy.LiveInvitations.OutboxRow;
import org.crosstenant.policy.rest.ViewEvents;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Application removal (issue #8): {@code DELETE /api/v1/tenants/{tenant}/applications/{app}} deletes the registration,
 * writes one {@code application-removed.v1} and ends every live invitation of that application — and of no other —
 * with one {@code access-withdrawn.v1} each, in one transaction (so these tests read the outbox right after the
 * answer). Registering the id again is a new registration that re-grants nothing.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ApplicationRemovalTest {

    static final String PATH = "/api/v1/tenants/{tenant}/applications/{app}";

    @Test
    void removingAnApplicationEndsItsLiveInvitationsAndNoOthersOnce() {
        DecisionFlowTest.Pair pair = configure(TestStack.tenant("res"), TestStack.tenant("home"), "projects", "wiki");
        Invitation bob = ReevaluationTest.live(Invitation.of(pair, "bob", "projects"), "accepted");
        Invitation carol = ReevaluationTest.live(Invitation.of(pair, "carol", "projects"), "pending_acceptance");
        Invitation dave = ReevaluationTest.live(Invitation.of(pair, "dave", "projects"), "pending_approval");
        Invitation erin = ReevaluationTest.live(Invitation.of(pair, "erin", "projects"), "requested");
        // another application of the same tenant, and the same application id of another tenant: untouched
        Invitation frank = ReevaluationTest.live(Invitation.of(pair, "frank", "wiki"), "accepted");
        DecisionFlowTest.Pair other = configure(TestStack.tenant("res"), pair.home(), "projects");
        Invitation gina = ReevaluationTest.live(Invitation.of(other, "gina", "projects"), "accepted");
        int before = LiveInvitations.outboxCountOf(pair.resource());

        Response removed = given().header("Authorization", TestStack.adminOf(pair.resource()))
                .when().delete(PATH, pair.resource(), "projects");
        removed.then().statusCode(204);

        // one application-removed.v1, version after the registration's, named in the read-your-writes header
        String key = PolicyEvents.applicationKey(pair.resource(), "projects");
        List<OutboxRow> removals = LiveInvitations.outbox(key, PolicyEvents.APPLICATION_REMOVED);
        assertEquals(1, removals.size());
        JsonObject event = removals.get(0).payload();
        assertEquals(pair.resource(), event.getString("tenant"));
        assertEquals("projects", event.getString("application"));
        assertEquals(2L, event.getLong("version"), "registered as version 1, removed as 2");
        assertEquals(pair.resource(), event.getJsonObject("removedBy").getString("tenant"));
        assertEquals(removals.get(0).id().toString(), removed.getHeader(ViewEvents.HEADER));

        // one withdrawal per live invitation of that application, from where each stood
        ReevaluationTest.assertWithdrawnOnce(bob, "accepted");
        ReevaluationTest.assertWithdrawnOnce(carol, "pending_acceptance");
        ReevaluationTest.assertWithdrawnOnce(dave, "pending_approval");
        ReevaluationTest.assertWithdrawnOnce(erin, "requested");
        assertEquals(List.of(), LiveInvitations.withdrawals(frank.id()));
        assertEquals("accepted", LiveInvitations.row(frank.id()).status());
        assertEquals(List.of(), LiveInvitations.withdrawals(gina.id()));
        assertEquals("accepted", LiveInvitations.row(gina.id()).status());
        assertEquals(before + 1 + 4, LiveInvitations.outboxCountOf(pair.resource()), "nothing else written");

        // the reason vocabulary invitation-service and audit-service take: cause policy-changed, the rule in reasons
        JsonObject withdrawn = LiveInvitations.withdrawals(bob.id()).get(0);
        assertEquals("policy-changed", withdrawn.getString("cause"));
        assertEquals(pair.resource(), withdrawn.getString("changedTenant"));
        assertEquals(List.of("application projects was removed by " + pair.resource()),
                withdrawn.getJsonArray("reasons").getList());
        assertEquals(List.of(pair.resource() + " settings blocked it"),
                withdrawn.getJsonArray("sharedReasons").getList());
        assertEquals(List.of(pair.resource() + " settings blocked it"),
                withdrawn.getJsonArray("homeReasons").getList());
        assertEquals(Map.of(), withdrawn.getJsonObject("policyVersions").getMap());

        // published as the contract says: binary CloudEvent on policy.events, key and subject the application
        ConsumerRecord<String, String> record = KafkaSupport.awaitRecord(PolicyEvents.POLICY_EVENTS_TOPIC,
                r -> key.equals(r.key()) && PolicyEvents.APPLICATION_REMOVED.equals(KafkaSupport.header(r, "ce_type")));
        PolicyEventsPublishedTest.assertCloudEvent(record, PolicyEvents.APPLICATION_REMOVED, key);
        assertEquals(JsonShape.ofExample(PolicyEvents.APPLICATION_REMOVED), JsonShape.of(record.value()));
        assertEquals(removals.get(0).id().toString(), KafkaSupport.header(record, "ce_id"));
        ConsumerRecord<String, String> withdrawal = KafkaSupport.awaitRecord(PolicyEvents.DECISIONS_TOPIC,
                r -> bob.id().toString().equals(r.key())
                        && PolicyEvents.ACCESS_WITHDRAWN.equals(KafkaSupport.header(r, "ce_type")));
        assertEquals(JsonShape.ofExample(PolicyEvents.ACCESS_WITHDRAWN), JsonShape.of(withdrawal.value()));

        // gone: GET and a repeated DELETE are 404, and the repeat writes nothing
        given().header("Authorization", TestStack.adminOf(pair.resource()))
                .when().get(PATH, pair.resource(), "projects")
                .then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", TestStack.adminOf(pair.resource()))
                .when().delete(PATH, pair.resource(), "projects")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:crosstenant:problem:not-found"))
                .body("detail", equalTo("application projects is not registered by " + pair.resource()))
                .header(ViewEvents.HEADER, nullValue());
        assertEquals(before + 1 + 4, LiveInvitations.outboxCountOf(pair.resource()));
        assertEquals(1, LiveInvitations.outbox(key, PolicyEvents.APPLICATION_REMOVED).size());

        // a new request for the removed application is denied as for one never registered
        Invitation late = Invitation.of(pair, "hank", "projects");
        LiveInvitations.produce(List.of(late.requested()));
        JsonObject decision = new JsonObject(DecisionFlowTest.awaitDecision(late.id()).value());
        assertEquals("deny", decision.getString("outcome"));
        assertEquals(List.of("application projects is not registered by " + pair.resource()),
                decision.getJsonArray("reasons").getList());
        assertNull(LiveInvitations.row(late.id()));
    }

    @Test
    void registeringTheIdAgainIsANewRegistrationThatReGrantsNothing() {
        DecisionFlowTest.Pair pair = configure(TestStack.tenant("res"), TestStack.tenant("home"), "projects");
        register(pair.resource(), "projects", "http://127.0.0.1:8091").statusCode(200).body("version", equalTo(2));
        Invitation bob = ReevaluationTest.live(Invitation.of(pair, "bob", "projects"), "accepted");
        given().header("Authorization", TestStack.adminOf(pair.resource()))
                .when().delete(PATH, pair.resource(), "projects").then().statusCode(204);
        ReevaluationTest.assertWithdrawnOnce(bob, "accepted");
        String key = PolicyEvents.applicationKey(pair.resource(), "projects");
        assertEquals(3L, LiveInvitations.outbox(key, PolicyEvents.APPLICATION_REMOVED).get(0).payload()
                .getLong("version"));

        // created anew: a version after the removal's (the gateway orders by it), nothing of the old one kept
        register(pair.resource(), "projects", "http://127.0.0.1:8090").statusCode(200)
                .body("version", equalTo(4)).body("upstreamUrl", equalTo("http://127.0.0.1:8090"))
                .body("displayName", nullValue());
        List<OutboxRow> registrations = LiveInvitations.outbox(key, PolicyEvents.APPLICATION_REGISTERED);
        assertEquals(List.of(1L, 2L, 4L), registrations.stream().map(r -> r.payload().getLong("version")).toList());
        given().header("Authorization", TestStack.adminOf(pair.resource()))
                .when().get(PATH, pair.resource(), "projects").then().statusCode(200).body("version", equalTo(4));

        // what the removal ended stays ended; new requests are decided as usual
        ReevaluationTest.assertWithdrawnOnce(bob, "accepted");
        Invitation carol = ReevaluationTest.live(Invitation.of(pair, "carol", "projects"), "accepted");
        assertEquals(List.of(), LiveInvitations.withdrawals(carol.id()));

        // removed a second time: the next version again, and only the new grant ends
        given().header("Authorization", TestStack.adminOf(pair.resource()))
                .when().delete(PATH, pair.resource(), "projects").then().statusCode(204);
        assertEquals(List.of(3L, 5L), LiveInvitations.outbox(key, PolicyEvents.APPLICATION_REMOVED).stream()
                .map(r -> r.payload().getLong("version")).toList());
        ReevaluationTest.assertWithdrawnOnce(bob, "accepted");
        ReevaluationTest.assertWithdrawnOnce(carol, "accepted");
    }

    /** {@code ?dryRun=true}: the impact, worded for the resource tenant; nothing removed, nothing written. */
    @Test
    void aDryRunAnswersTheImpactAndChangesNothing() {
        DecisionFlowTest.Pair pair = configure(TestStack.tenant("res"), TestStack.tenant("home"), "projects", "wiki");
        Invitation bob = ReevaluationTest.live(Invitation.of(pair, "bob", "projects"), "accepted");
        Invitation carol = ReevaluationTest.live(Invitation.of(pair, "carol", "projects"), "pending_acceptance");
        ReevaluationTest.live(Invitation.of(pair, "frank", "wiki"), "accepted");
        int before = LiveInvitations.outboxCountOf(pair.resource());

        JsonObject impact = new JsonObject(given().header("Authorization", TestStack.adminOf(pair.resource()))
                .queryParam("dryRun", "true")
                .when().delete(PATH, pair.resource(), "projects")
                .then().statusCode(200).contentType(ContentType.JSON).header(ViewEvents.HEADER, nullValue())
                .extract().asString());
        assertEquals(true, impact.getBoolean("dryRun"));
        assertEquals(new JsonObject().put("grants", 1).put("pending", 1), impact.getJsonObject("counts"));
        assertEquals(false, impact.getBoolean("truncated"));
        JsonArray items = impact.getJsonArray("items");
        assertEquals(Set.of(bob.id().toString() + " accepted revoked", carol.id().toString()
                        + " pending_acceptance denied"),
                items.stream().map(JsonObject.class::cast).map(i -> i.getString("invitationId") + " "
                        + i.getString("status") + " " + i.getString("ends")).collect(Collectors.toSet()));
        for (Object item : items) {
            JsonObject i = (JsonObject) item;
            assertEquals("projects", i.getString("application"));
            assertEquals(pair.home(), i.getString("homeTenant"));
            assertEquals(List.of("application projects was removed by " + pair.resource()),
                    i.getJsonArray("reasons").getList());
        }

        assertEquals(before, LiveInvitations.outboxCountOf(pair.resource()));
        assertEquals("accepted", LiveInvitations.row(bob.id()).status());
        given().header("Authorization", TestStack.adminOf(pair.resource()))
                .when().get(PATH, pair.resource(), "projects").then().statusCode(200);
        // dryRun=false is the real call
        given().header("Authorization", TestStack.adminOf(pair.resource())).queryParam("dryRun", "false")
                .when().delete(PATH, pair.resource(), "projects").then().statusCode(204);
        ReevaluationTest.assertWithdrawnOnce(bob, "accepted");
        // the dry run of what is not registered is a 404 like the real call
        given().header("Authorization", TestStack.adminOf(pair.resource())).queryParam("dryRun", "true")
                .when().delete(PATH, pair.resource(), "projects")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void onlyTheTenantsAdminsRemoveAndBadInputIsAProblem() {
        String tenant = TestStack.tenant("contoso");
        register(tenant, "projects", "http://127.0.0.1:8090").statusCode(200);
        int before = LiveInvitations.outboxCountOf(tenant);

        given().header("Authorization", TestStack.adminOf("fabrikam"))
                .when().delete(PATH, tenant, "projects")
                .then().statusCode(403).contentType("application/problem+json")
                .body("instance", equalTo("/api/v1/tenants/" + tenant + "/applications/projects"));
        given().header("Authorization", TestStack.memberOf(tenant, "collab-partner", "collab-auditor"))
                .when().delete(PATH, tenant, "projects")
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("collab-admin"));
        given().when().delete(PATH, tenant, "projects")
                .then().statusCode(401).contentType("application/problem+json");
        // another tenant's admin learns nothing from 404 vs 403: the guard comes first
        given().header("Authorization", TestStack.adminOf("fabrikam"))
                .when().delete(PATH, tenant, "never-registered")
                .then().statusCode(403);
        given().header("Authorization", TestStack.adminOf(tenant))
                .when().delete(PATH, tenant, "never-registered")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:crosstenant:problem:not-found"));
        given().header("Authorization", TestStack.adminOf(tenant))
                .when().delete(PATH, tenant, "Not_An_Id")
                .then().statusCode(400).contentType("application/problem+json");
        for (String dryRun : List.of("maybe", "")) {
            given().header("Authorization", TestStack.adminOf(tenant)).queryParam("dryRun", dryRun)
                    .when().delete(PATH, tenant, "projects")
                    .then().statusCode(400).contentType("application/problem+json");
        }
        given().header("Authorization", TestStack.adminOf(tenant)).queryParam("dryRun", "true", "true")
                .when().delete(PATH, tenant, "projects")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("more than once"));

        // none of them removed or wrote anything
        assertEquals(before, LiveInvitations.outboxCountOf(tenant));
        given().header("Authorization", TestStack.adminOf(tenant))
                .when().get(PATH, tenant, "projects").then().statusCode(200).body("version", equalTo(1));
    }

    /**
     * A resource tenant and a home tenant admitting each other for every application (so invitations of any of the
     * given applications are allowed), with those applications registered.
     */
    /**
     * An If-Match that does not hold stops a PUT, a DELETE and a dry run (412, RFC 9110 section 13.1.1) and changes
     * nothing; the ETag of every answer is the registration's version, and the current one lets the change through.
     */
    @Test
    void aStaleIfMatchChangesNothing() {
        String tenant = TestStack.tenant("ifmatch");
        String admin = TestStack.adminOf(tenant);
        register(tenant, "projects", "http://127.0.0.1:8090").statusCode(200).header("ETag", "\"1\"");
        given().header("Authorization", admin).contentType(ContentType.JSON).header("If-Match", "\"9\"")
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8091")).when().put(PATH, tenant, "projects")
                .then().statusCode(412).contentType("application/problem+json");
        given().header("Authorization", admin).header("If-Match", "\"9\"").when().delete(PATH, tenant, "projects")
                .then().statusCode(412).contentType("application/problem+json");
        given().header("Authorization", admin).header("If-Match", "\"9\"").queryParam("dryRun", "true")
                .when().delete(PATH, tenant, "projects").then().statusCode(412);
        given().header("Authorization", admin).header("If-Match", "not-a-tag").when().delete(PATH, tenant, "projects")
                .then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", admin).when().get(PATH, tenant, "projects").then().statusCode(200)
                .header("ETag", "\"1\"").body("upstreamUrl", equalTo("http://127.0.0.1:8090"));
        given().header("Authorization", admin).contentType(ContentType.JSON).header("If-Match", "\"1\"")
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8091")).when().put(PATH, tenant, "projects")
                .then().statusCode(200).header("ETag", "\"2\"");
        given().header("Authorization", admin).header("If-Match", "\"2\"").when().delete(PATH, tenant, "projects")
                .then().statusCode(204);
    }

    static DecisionFlowTest.Pair configure(String resource, String home, String... applications) {
        for (String application : applications) {
            register(resource, application, "http://127.0.0.1:8090").statusCode(200);
        }
        String all = "{\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [\"all\"]}, "
                + "\"applications\": {\"access\": \"allowed\", \"targets\": [\"all\"]}}";
        given().header("Authorization", TestStack.adminOf(resource)).contentType(ContentType.JSON)
                .body("{\"inbound\": {\"collaboration\": " + all + "}}")
                .when().put(AccessSettingsResourceTest.PATH, resource, home).then().statusCode(200);
        given().header("Authorization", TestStack.adminOf(home)).contentType(ContentType.JSON)
                .body("{\"outbound\": {\"collaboration\": " + all + "}}")
                .when().put(AccessSettingsResourceTest.PATH, home, resource).then().statusCode(200);
        return new DecisionFlowTest.Pair(resource, home);
    }

    static io.restassured.response.ValidatableResponse register(String tenant, String application,
                                                                String upstreamUrl) {
        return given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", upstreamUrl))
                .when().put(PATH, tenant, application).then();
    }
}
