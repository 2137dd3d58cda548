package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.crosstenant.policy.LiveInvitations.Invitation;
import org.crosstenant.policy.rest.ViewEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Change impact and dry runs (issue #8): {@code POST …/access-settings/impact} and {@code ?dryRun=true} answer what
 * the real change then withdraws, validate as the real call does, and save nothing; hostile bodies are 4xx
 * problem+json.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class ImpactTest {

    static final String IMPACT = "/api/v1/tenants/{tenant}/access-settings/impact";

    @Test
    void theImpactIsWhatTheRealChangeThenWithdrawsAndADryRunSavesNothing() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation bob = ReevaluationTest.live(pair, "bob", "accepted");
        Invitation carol = ReevaluationTest.live(pair, "carol", "accepted");
        Invitation dave = ReevaluationTest.live(pair, "dave", "pending_acceptance");
        Invitation erin = ReevaluationTest.live(pair, "erin", "requested");
        String proposed = ReevaluationTest.outboundBody("blocked", carol, dave);

        JsonObject impact = new JsonObject(impact(pair.home(), new JsonObject().put("partner", pair.resource())
                .put("settings", new JsonObject(proposed))).statusCode(200).contentType(ContentType.JSON)
                .header("Cache-Control", "no-store")
                .extract().asString());
        assertEquals(new JsonObject().put("grants", 1).put("pending", 1), impact.getJsonObject("counts"));
        assertEquals(true, impact.getBoolean("dryRun"));
        assertEquals(false, impact.getBoolean("truncated"));
        JsonObject carolItem = item(impact, carol);
        assertEquals(new JsonObject().put("invitationId", carol.id().toString()).put("status", "accepted")
                .put("resourceTenant", pair.resource()).put("homeTenant", pair.home()).put("application", "projects")
                .put("invitee", carol.email()).put("ends", "revoked")
                .put("reasons", new JsonArray().add(pair.home() + " outbound collaboration to " + pair.resource()
                        + " does not admit " + carol.email() + " (/outbound/collaboration/usersAndGroups: blocked "
                        + "list, partner)")), carolItem);
        assertEquals("denied", item(impact, dave).getString("ends"));
        assertEquals("pending_acceptance", item(impact, dave).getString("status"));

        // the same as a dry run of the PUT, which saves and publishes nothing
        JsonObject dryRun = new JsonObject(given().header("Authorization", TestStack.adminOf(pair.home()))
                .contentType(ContentType.JSON).queryParam("dryRun", "true").body(proposed)
                .when().put(AccessSettingsResourceTest.PATH, pair.home(), pair.resource())
                .then().statusCode(200).header(ViewEvents.HEADER, nullValue()).header("ETag", nullValue())
                .extract().asString());
        assertEquals(impact, dryRun);
        given().header("Authorization", TestStack.adminOf(pair.home()))
                .when().get(AccessSettingsResourceTest.PATH + "/history", pair.home(), pair.resource())
                .then().statusCode(200).body("entries.size()", equalTo(1));
        for (Invitation invitation : List.of(bob, carol, dave, erin)) {
            assertEquals(List.of(), LiveInvitations.withdrawals(invitation.id()));
        }

        // the resource side reads its own rules: deleting its partner configuration falls back to the built-in
        // default, which blocks everyone
        JsonObject asResource = new JsonObject(given().header("Authorization", TestStack.adminOf(pair.resource()))
                .queryParam("dryRun", "true")
                .when().delete(AccessSettingsResourceTest.PATH, pair.resource(), pair.home())
                .then().statusCode(200).extract().asString());
        assertEquals(new JsonObject().put("grants", 2).put("pending", 2), asResource.getJsonObject("counts"));
        assertEquals(List.of(pair.resource() + " inbound collaboration from " + pair.home() + " does not admit "
                + bob.email() + " (/inbound/collaboration/usersAndGroups: blocked all, built-in)"),
                item(asResource, bob).getJsonArray("reasons").getList());
        assertEquals(asResource, new JsonObject(impact(pair.resource(), new JsonObject().put("partner", pair.home())
                .putNull("settings")).statusCode(200).extract().asString()));
        given().header("Authorization", TestStack.adminOf(pair.resource()))
                .when().get(AccessSettingsResourceTest.PATH, pair.resource(), pair.home()).then().statusCode(200);

        ReevaluationTest.outbound(pair, "blocked", carol, dave).statusCode(200);
        Set<UUID> predicted = new HashSet<>();
        impact.getJsonArray("items").forEach(i -> predicted.add(UUID.fromString(((JsonObject) i)
                .getString("invitationId"))));
        assertEquals(predicted, new HashSet<>(LiveInvitations.withdrawnOf(pair.resource())));

        // a change identical to what is stored ends nothing, as its real PUT would
        assertEquals(new JsonObject().put("grants", 0).put("pending", 0), new JsonObject(impact(pair.home(),
                new JsonObject().put("partner", pair.resource()).put("settings", new JsonObject(proposed)))
                .statusCode(200).extract().asString()).getJsonObject("counts"));
    }

    @Test
    void aDryRunIsValidatedAsTheRealCall() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        String admin = TestStack.adminOf(pair.home());
        String body = ReevaluationTest.outboundBody("blocked");
        // the name in other letter case is refused too: the HTTP server folds such names, and ignoring one would make
        // a dry run asked as ?DryRun=true a real change
        for (String query : List.of("dryRun=yes", "dryRun=TRUE", "dryRun=", "dryRun", "dryRun=true&dryRun=true",
                "dryRun=true&dryRun=false", "DryRun=true", "dryrun=true", "DRYRUN=true", "dryRun=true&DryRun=false",
                "dryRun=false&dryrun=true", "dryRun=true&sideways=1", "%zz=1", "dryRun=false;DryRun=true",
                "=;dryRun=true", "dryRun=true;dryRun=false")) {
            given().header("Authorization", admin).contentType(ContentType.JSON).body(body)
                    .when().put(AccessSettingsResourceTest.PATH + "?" + query, pair.home(), pair.resource())
                    .then().statusCode(400).contentType("application/problem+json");
            given().header("Authorization", admin)
                    .when().delete(AccessSettingsResourceTest.PATH + "?" + query, pair.home(), pair.resource())
                    .then().statusCode(400).contentType("application/problem+json");
            given().header("Authorization", admin).contentType(ContentType.JSON).body(body)
                    .when().put(AccessSettingsResourceTest.DEFAULT_PATH + "?" + query, pair.home())
                    .then().statusCode(400).contentType("application/problem+json");
        }
        dryRunPut(pair, admin, "{\"outbound\": {\"sideways\": 1}}", null).statusCode(422)
                .contentType("application/problem+json").body("field", equalTo("/outbound/sideways"));
        dryRunPut(pair, admin, body, "\"7\"").statusCode(412).contentType("application/problem+json");
        dryRunPut(pair, admin, body, "1").statusCode(400).contentType("application/problem+json");
        given().header("Authorization", admin).contentType(ContentType.JSON).queryParam("dryRun", "true").body(body)
                .when().put(AccessSettingsResourceTest.PATH, pair.home(), pair.home())
                .then().statusCode(422).contentType("application/problem+json");
        given().header("Authorization", admin).queryParam("dryRun", "true")
                .when().delete(AccessSettingsResourceTest.PATH, pair.home(), TestStack.tenant("nobody"))
                .then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", admin).queryParam("dryRun", "true").header("If-Match", "\"9\"")
                .when().delete(AccessSettingsResourceTest.PATH, pair.home(), pair.resource())
                .then().statusCode(412).contentType("application/problem+json");
        given().header("Authorization", TestStack.adminOf(pair.resource())).queryParam("dryRun", "true")
                .contentType(ContentType.JSON).body(body)
                .when().put(AccessSettingsResourceTest.PATH, pair.home(), pair.resource())
                .then().statusCode(403).contentType("application/problem+json");
        // nothing of it changed anything; dryRun=false is the real call
        dryRunPut(pair, admin, body, "\"1\"").statusCode(200).body("dryRun", equalTo(true));
        given().header("Authorization", admin).contentType(ContentType.JSON).queryParam("dryRun", "false").body(body)
                .when().put(AccessSettingsResourceTest.PATH, pair.home(), pair.resource())
                .then().statusCode(200).header("ETag", "\"2\"").body("version", equalTo(2));
    }

    /** What-if and impact are POST only: any other method is 405 problem+json, as for every other settings path. */
    @Test
    void aWrongMethodOnWhatIfOrImpactIs405() {
        String tenant = TestStack.tenant("method");
        for (String path : List.of(WhatIfCalls.WHAT_IF, IMPACT)) {
            for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
                given().header("Authorization", TestStack.adminOf(tenant)).when().request(method, path, tenant)
                        .then().statusCode(405).contentType("application/problem+json");
            }
        }
    }

    @Test
    void anEndpointWithoutADryRunRefusesOneRatherThanCarryingItOut() {
        String tenant = TestStack.tenant("nodry");
        String app = "/api/v1/tenants/{tenant}/applications/{app}";
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body("{\"upstreamUrl\": \"http://127.0.0.1:9/x\", \"displayName\": \"X\"}")
                .when().put(app + "?dryRun=true", tenant, "xapp")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("unknown query parameter 'dryRun': this endpoint reads none (names are "
                        + "case-sensitive)")).body("field", equalTo("dryRun"));
        given().header("Authorization", TestStack.adminOf(tenant)).when().get(app, tenant, "xapp")
                .then().statusCode(404);
    }

    @Test
    void hostileImpactBodiesAreRefusedWithProblems() {
        String tenant = TestStack.tenant("contoso");
        String admin = TestStack.adminOf(tenant);
        String[][] cases = {
                {"[]", "400", null},
                {"\"x\"", "400", null},
                {"null", "400", null},
                {"42", "400", null},
                {"{}", "422", "/partner"},
                {"{\"settings\": {}}", "422", "/partner"},
                {"{\"partner\": null}", "422", "/settings"},
                {"{\"partner\": null, \"settings\": {}, \"extra\": 1}", "422", "/extra"},
                {"{\"partner\": 5, \"settings\": {}}", "422", "/partner"},
                {"{\"partner\": [\"fabrikam\"], \"settings\": {}}", "422", "/partner"},
                {"{\"partner\": \"Not An Id\", \"settings\": {}}", "422", "/partner"},
                {"{\"partner\": \"" + "a".repeat(64) + "\", \"settings\": {}}", "422", "/partner"},
                {"{\"partner\": \"" + tenant + "\", \"settings\": {}}", "422", "/partner"},
                {"{\"partner\": null, \"settings\": \"x\"}", "422", "/settings"},
                {"{\"partner\": null, \"settings\": []}", "422", "/settings"},
                {"{\"partner\": null, \"settings\": null}", "422", "/settings"},
                {"{\"partner\": null, \"settings\": {\"outbound\": {\"sideways\": 1}}}", "422",
                        "/settings/outbound/sideways"},
                {"{\"partner\": null, \"settings\": {\"invitations\": {\"domains\": {\"access\": \"blocked\", "
                        + "\"targets\": [\"fabr\\u0131kam.example\"]}}}}", "400", "/settings/invitations/domains/targets/0"},
                {"{\"partner\": null, \"partner\": \"x\", \"settings\": {}}", "400", null},
                {"{\"partner\": \"nobody-here\", \"settings\": null}", "404", null},
        };
        for (String[] c : cases) {
            ValidatableResponse response = given().header("Authorization", admin).contentType(ContentType.JSON)
                    .body(c[0]).when().post(IMPACT, tenant).then();
            response.statusCode(Integer.parseInt(c[1])).contentType("application/problem+json");
            if (c[2] != null) {
                response.body("field", equalTo(c[2]));
            }
        }
        String huge = "{\"partner\": null, \"settings\": {\"pad\": \"" + "x".repeat(600 * 1024) + "\"}}";
        given().header("Authorization", admin).contentType(ContentType.JSON).body(huge).when().post(IMPACT, tenant)
                .then().statusCode(413).contentType("application/problem+json");
        given().header("Authorization", admin).contentType("text/plain").body("{}").when().post(IMPACT, tenant)
                .then().statusCode(415).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"partner\": null, \"settings\": {}}").when().post(IMPACT, tenant)
                .then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", TestStack.adminOf(TestStack.tenant("other"))).contentType(ContentType.JSON)
                .body("{\"partner\": null, \"settings\": {}}").when().post(IMPACT, tenant)
                .then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", TestStack.memberOf(tenant, "collab-partner")).contentType(ContentType.JSON)
                .body("{\"partner\": null, \"settings\": {}}").when().post(IMPACT, tenant)
                .then().statusCode(403).contentType("application/problem+json");
        // and a well-formed one for a tenant with nothing live
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"partner\": null, \"settings\": {}}").when().post(IMPACT, tenant)
                .then().statusCode(200).body("counts.grants", equalTo(0)).body("counts.pending", equalTo(0))
                .body("items.size()", equalTo(0)).body("truncated", equalTo(false));
    }

    private static ValidatableResponse dryRunPut(DecisionFlowTest.Pair pair, String admin, String body,
                                                 String ifMatch) {
        var request = given().header("Authorization", admin).contentType(ContentType.JSON)
                .queryParam("dryRun", "true").body(body);
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return request.when().put(AccessSettingsResourceTest.PATH, pair.home(), pair.resource()).then();
    }

    private static ValidatableResponse impact(String tenant, JsonObject body) {
        return given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .body(body.encode()).when().post(IMPACT, tenant).then();
    }

    private static JsonObject item(JsonObject impact, Invitation invitation) {
        for (Object item : impact.getJsonArray("items")) {
            if (invitation.id().toString().equals(((JsonObject) item).getString("invitationId"))) {
                return (JsonObject) item;
            }
        }
        throw new AssertionError(invitation.email() + " not in " + impact.encodePrettily());
    }
}
