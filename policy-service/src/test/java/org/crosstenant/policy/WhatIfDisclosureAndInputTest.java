package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.crosstenant.platform.model.HostileJson;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.crosstenant.policy.WhatIfCalls.access;
import static org.crosstenant.policy.WhatIfCalls.invitation;
import static org.crosstenant.policy.WhatIfCalls.openInbound;
import static org.crosstenant.policy.WhatIfCalls.openOutbound;
import static org.crosstenant.policy.WhatIfCalls.putDefault;
import static org.crosstenant.policy.WhatIfCalls.putPartner;
import static org.crosstenant.policy.WhatIfCalls.register;
import static org.crosstenant.policy.WhatIfCalls.rule;
import static org.crosstenant.policy.WhatIfCalls.side;
import static org.crosstenant.policy.WhatIfCalls.whatIf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What what-if must not tell and must not take (issue #7 and #8): of the other tenant only allowed or blocked — the
 * answer is the same, byte for byte, whichever of the other tenant's rules blocks (its registration, trust and
 * invitation rules included when the asker is the home tenant) — and every hostile body is a 4xx problem, a proposed
 * configuration refused exactly as its PUT refuses it.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class WhatIfDisclosureAndInputTest {

    private static final JsonObject BOB = new JsonObject().put("email", "bob@fabrikam.example").put("subject", "f-bob")
            .put("groups", new JsonArray().add("engineering"));

    @TestHTTPResource("/")
    URL base;

    /** The resource tenant asks; the home tenant's outbound side blocks in every way it can. */
    @Test
    void theResourceTenantNeverReadsWhichHomeRuleBlocks() {
        String resource = TestStack.tenant("contoso");
        register(resource, "projects", false);
        Map<String, Consumer<String>> homeVariants = new LinkedHashMap<>();
        homeVariants.put("nothing configured (built-in)", home -> { });
        homeVariants.put("users blocked list naming bob", home -> putPartner(home, resource, outbound(
                rule("blocked", new JsonObject().put("user", "bob@fabrikam.example")), rule("allowed", "all"))));
        homeVariants.put("users allowed list naming carol", home -> putPartner(home, resource, outbound(
                rule("allowed", new JsonObject().put("user", "carol@fabrikam.example")), rule("allowed", "all"))));
        homeVariants.put("applications blocked by id", home -> putPartner(home, resource, outbound(
                rule("allowed", "all"), rule("blocked", "projects"))));
        homeVariants.put("applications allowed list of another", home -> putPartner(home, resource, outbound(
                rule("allowed", "all"), rule("allowed", "wiki"))));
        homeVariants.put("the default blocks, no partner configuration", home -> putDefault(home, outbound(
                rule("blocked", "all"), rule("allowed", "all"))));
        Map<String, Consumer<String>> accessOnly = new LinkedHashMap<>(homeVariants);
        accessOnly.put("group blocked (decided at access)", home -> putPartner(home, resource, outbound(
                rule("blocked", new JsonObject().put("group", "engineering")), rule("allowed", "all"))));

        List<String> atAccess = answers(accessOnly, "fabrikam", home -> {
            putPartner(resource, home, openInbound("collaboration"));
            return whatIf(resource, access("inbound", home, "collaboration", BOB, "projects"));
        });
        List<String> atInvitation = answers(homeVariants, "fabrikam", home -> {
            putPartner(resource, home, openInbound("collaboration"));
            return whatIf(resource, invitation("inbound", home, "bob@fabrikam.example", "projects", "partnerSystem"));
        });
        for (List<String> answers : List.of(atAccess, atInvitation)) {
            assertTrue(answers.get(0).contains("\"decision\":\"deny\""), answers.get(0));
            assertTrue(answers.get(0).contains("\"otherSide\":\"blocked\""), answers.get(0));
            assertTrue(answers.get(0).contains("\"callerSide\":{\"decision\":\"allowed\""), answers.get(0));
            for (String answer : answers) {
                assertEquals(answers.get(0), answer, "the answer depends on which home rule blocks");
                for (String secret : List.of("/outbound", "carol", "wiki", "engineering", "built-in")) {
                    assertFalse(answer.contains(secret), secret + " in " + answer);
                }
            }
        }
    }

    /**
     * The home tenant asks; the resource tenant blocks by a rule, its domain list, its invitation rules, or by not
     * having registered the application (the gateway's 403 does not tell which either); its MFA trust is never told.
     */
    @Test
    void theHomeTenantNeverReadsWhichResourceRuleBlocksNorItsTrust() {
        String home = TestStack.tenant("fabrikam");
        Map<String, Consumer<String>> variants = new LinkedHashMap<>();
        variants.put("nothing configured (built-in)", r -> register(r, "projects", false));
        variants.put("users blocked list naming bob", r -> {
            register(r, "projects", false);
            putPartner(r, home, inbound(rule("blocked", new JsonObject().put("user", "bob@fabrikam.example")),
                    rule("allowed", "all")));
        });
        variants.put("applications allowed list of another", r -> {
            register(r, "projects", false);
            putPartner(r, home, inbound(rule("allowed", "all"), rule("allowed", "wiki")));
        });
        variants.put("application not registered", r -> putPartner(r, home, openInbound("collaboration")));
        variants.put("domain list blocks the invitee's domain", r -> {
            register(r, "projects", false);
            JsonObject settings = openInbound("collaboration").put("invitations", new JsonObject()
                    .put("domains", rule("blocked", "fabrikam.example")));
            putPartner(r, home, settings);
        });
        variants.put("requires MFA, and blocks bob", r -> {
            register(r, "projects", true);
            putPartner(r, home, inbound(rule("blocked", new JsonObject().put("user", "bob@fabrikam.example")),
                    rule("allowed", "all")));
        });
        Map<String, Consumer<String>> atInvitationVariants = new LinkedHashMap<>(variants);
        atInvitationVariants.put("whoMayInvite none", r -> {
            register(r, "projects", false);
            putPartner(r, home, openInbound("collaboration").put("invitations",
                    new JsonObject().put("whoMayInvite", "none")));
        });
        Map<String, Consumer<String>> atAccessVariants = new LinkedHashMap<>(variants);
        atAccessVariants.put("group blocked (decided at access)", r -> {
            register(r, "projects", false);
            putPartner(r, home, inbound(rule("blocked", new JsonObject().put("group", "engineering")),
                    rule("allowed", "all")));
        });

        List<String> atAccess = answers(atAccessVariants, "contoso", r -> {
            putPartner(home, r, openOutbound("collaboration"));
            return whatIf(home, access("outbound", r, "collaboration", BOB, "projects").put("mfa", true));
        });
        List<String> atInvitation = answers(atInvitationVariants, "contoso", r -> {
            putPartner(home, r, openOutbound("collaboration"));
            return whatIf(home, invitation("outbound", r, "bob@fabrikam.example", "projects", "partnerSystem"));
        });
        // trusted or not: the same answer to a request without MFA
        Map<String, Consumer<String>> trust = new LinkedHashMap<>();
        for (boolean accepted : List.of(true, false)) {
            trust.put("mfaAccepted " + accepted, r -> {
                register(r, "projects", true);
                JsonObject settings = openInbound("directConnect");
                settings.getJsonObject("inbound").put("trust", new JsonObject().put("mfaAccepted", accepted)
                        .put("compliantDeviceAccepted", accepted));
                putPartner(r, home, settings);
            });
        }
        List<String> trustAnswers = answers(trust, "contoso", r -> {
            putPartner(home, r, openOutbound("directConnect"));
            return whatIf(home, access("outbound", r, "directConnect", BOB, "projects").put("compliantDevice", true));
        });
        assertTrue(trustAnswers.get(0).contains("\"decision\":\"mfa-required\""), trustAnswers.get(0));
        assertTrue(atAccess.get(0).contains("\"mfa\":{\"required\":null,\"satisfied\":true,\"trusted\":null}"),
                atAccess.get(0));
        for (List<String> answers : List.of(atAccess, atInvitation, trustAnswers)) {
            for (String answer : answers) {
                assertEquals(answers.get(0), answer, "the answer depends on which resource rule blocks");
                for (String secret : List.of("/inbound", "/invitations", "registered", "wiki", "engineering",
                        "built-in", "\"trusted\":true", "\"trusted\":false", "asserted\":true", "asserted\":false")) {
                    assertFalse(answer.contains(secret), secret + " in " + answer);
                }
            }
        }
        assertTrue(atAccess.get(0).contains("\"otherSide\":\"blocked\""), atAccess.get(0));
        assertTrue(atInvitation.get(0).contains("\"otherSide\":\"blocked\""), atInvitation.get(0));
    }

    /** Bodies what-if must refuse: 4xx problem+json naming the field, never a 500, nothing stored. */
    @Test
    void hostileBodiesAreRefusedNamingTheField() {
        String tenant = TestStack.tenant("contoso");
        JsonObject valid = access("inbound", "fabrikam", "collaboration", BOB.copy(), "projects");
        whatIf(tenant, valid).statusCode(200);
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {valid.copy().put("role", "admin"), 422, "/role"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("admin", true)), 422, "/user/admin"});
        cases.add(new Object[] {valid.copy().put("direction", 5), 422, "/direction"});
        cases.add(new Object[] {valid.copy().put("direction", "sideways"), 422, "/direction"});
        cases.add(new Object[] {without(valid, "direction"), 422, "/direction"});
        cases.add(new Object[] {valid.copy().put("partner", "Fabrikam!"), 422, "/partner"});
        cases.add(new Object[] {valid.copy().put("partner", 7), 422, "/partner"});
        cases.add(new Object[] {valid.copy().put("partner", tenant), 422, "/partner"});
        cases.add(new Object[] {valid.copy().put("partner", "*"), 422, "/partner"});
        cases.add(new Object[] {without(valid, "mode"), 422, "/mode"});
        cases.add(new Object[] {valid.copy().put("mode", "b2b"), 422, "/mode"});
        cases.add(new Object[] {valid.copy().put("mode", "directConnect").put("stage", "invitation"), 422, "/stage"});
        cases.add(new Object[] {valid.copy().put("stage", "decision"), 422, "/stage"});
        cases.add(new Object[] {valid.copy().put("application", "Projects"), 422, "/application"});
        cases.add(new Object[] {without(valid, "application"), 422, "/application"});
        cases.add(new Object[] {without(valid, "user"), 422, "/user"});
        cases.add(new Object[] {valid.copy().put("user", "bob@fabrikam.example"), 422, "/user"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("email", 5)), 422, "/user/email"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("email", "bob@fabr\u0131kam.example")), 400,
                "/user/email"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("email", "bob@fabrikam.example\u200b")), 400,
                "/user/email"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("email", "bob")), 400, "/user/email"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("email", "b".repeat(300) + "@fabrikam.example")),
                422, "/user/email"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("subject", "\u202ebob")), 422, "/user/subject"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("subject", " f-bob")), 422, "/user/subject"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("subject", "s\u0001")), 422, "/user/subject"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("subject", "s".repeat(256))), 422, "/user/subject"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("groups", "engineering")), 422, "/user/groups"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("groups", new JsonArray().add(5))), 422,
                "/user/groups/0"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("groups", new JsonArray().add("ok").add("eng\u200d"))),
                422, "/user/groups/1"});
        cases.add(new Object[] {with(valid, "/user", u -> u.put("groups", new JsonArray().add("g".repeat(256)))),
                422, "/user/groups/0"});
        JsonArray many = new JsonArray();
        for (int i = 0; i <= 200; i++) {
            many.add("group-" + i);
        }
        cases.add(new Object[] {with(valid, "/user", u -> u.put("groups", many)), 422, "/user/groups"});
        cases.add(new Object[] {valid.copy().put("mfa", "yes"), 422, "/mfa"});
        cases.add(new Object[] {valid.copy().put("compliantDevice", 1), 422, "/compliantDevice"});
        cases.add(new Object[] {valid.copy().put("filedBy", "partnerSystem"), 422, "/filedBy"});
        JsonObject invite = invitation("inbound", "fabrikam", "bob@fabrikam.example", "projects", "partnerSystem");
        cases.add(new Object[] {without(invite, "filedBy"), 422, "/filedBy"});
        cases.add(new Object[] {invite.copy().put("filedBy", "anyone"), 422, "/filedBy"});
        cases.add(new Object[] {invite.copy().put("mfa", true), 422, "/mfa"});
        cases.add(new Object[] {with(invite, "/user", u -> u.put("subject", "f-bob")), 422, "/user/subject"});
        cases.add(new Object[] {with(invite, "/user", u -> u.remove("email")), 422, "/user/email"});
        cases.add(new Object[] {valid.copy().put("proposed", "yes"), 422, "/proposed"});
        cases.add(new Object[] {valid.copy().put("proposed", new JsonObject().put("partner", "fabrikam")), 422,
                "/proposed/settings"});
        cases.add(new Object[] {valid.copy().put("proposed", new JsonObject().put("settings", new JsonObject())), 422,
                "/proposed/partner"});
        cases.add(new Object[] {valid.copy().put("proposed", new JsonObject().put("partner", "globex")
                .put("settings", new JsonObject())), 422, "/proposed/partner"});
        cases.add(new Object[] {valid.copy().put("proposed", new JsonObject().putNull("partner").putNull("settings")),
                422, "/proposed/settings"});
        cases.add(new Object[] {valid.copy().put("proposed", new JsonObject().put("partner", "fabrikam")
                .put("settings", new JsonObject()).put("dryRun", true)), 422, "/proposed/dryRun"});
        for (Object[] c : cases) {
            ExtractableResponse<Response> answer = whatIf(tenant, c[0]).extract();
            assertEquals(c[1], answer.statusCode(), c[0] + " -> " + answer.asString());
            assertEquals("application/problem+json", answer.contentType(), c[0].toString());
            assertEquals(c[2], answer.path("field"), c[0] + " -> " + answer.asString());
            if ((int) c[1] == 400) {
                assertEquals("urn:crosstenant:problem:not-canonical", answer.path("type"), answer.asString());
            }
            String detail = answer.path("detail");
            assertTrue(detail.chars().noneMatch(ch -> ch < 0x20 || Character.isSurrogate((char) ch)), detail);
        }
        // limits say which limit
        assertEquals(254, (int) whatIf(tenant, with(valid, "/user", u -> u.put("email", "b".repeat(300)
                + "@fabrikam.example"))).extract().path("limit"));
        assertEquals(200, (int) whatIf(tenant, with(valid, "/user", u -> u.put("groups", many))).extract().path("limit"));
        assertEquals(255, (int) whatIf(tenant, with(valid, "/user", u -> u.put("groups",
                new JsonArray().add("g".repeat(256))))).extract().path("limit"));
        // no body, not an object
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON)
                .when().post(WhatIfCalls.WHAT_IF, tenant).then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON).body("[]")
                .when().post(WhatIfCalls.WHAT_IF, tenant).then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.TEXT).body("{}")
                .when().post(WhatIfCalls.WHAT_IF, tenant).then().statusCode(415).contentType("application/problem+json");
        given().header("Authorization", TestStack.adminOf(tenant)).when().get(WhatIfCalls.PARTNER, tenant, "fabrikam")
                .then().statusCode(404);
    }

    /**
     * A proposed configuration the PUT would refuse is refused with the PUT's status, its {@code field} under
     * {@code /proposed/settings}; one the PUT accepts is evaluated.
     */
    @Test
    void aProposedConfigurationIsRefusedExactlyAsItsPutRefusesIt() {
        String tenant = TestStack.tenant("contoso");
        JsonArray manyUsers = new JsonArray();
        for (int i = 0; i <= 500; i++) {
            manyUsers.add(new JsonObject().put("user", "u" + i + "@fabrikam.example"));
        }
        List<String> documents = List.of(
                "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"sometimes\", \"targets\": [\"all\"]}}}}",
                "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"user\": \"bob@fabr\\u0131kam.example\"}]}}}}",
                "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"group\": \"eng\\u202e\"}]}}}}",
                "{\"outbound\": {\"sideways\": {}}}",
                "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"all\"]}}}",
                "{\"invitations\": {\"domains\": {\"access\": \"allowed\", \"targets\": [\"Fabr\\u0131kam.example\"]}}}",
                "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": []}}}}",
                new JsonObject().put("outbound", new JsonObject().put("collaboration", new JsonObject()
                        .put("usersAndGroups", new JsonObject().put("access", "allowed").put("targets", manyUsers))))
                        .encode(),
                "[]",
                "\"settings\"");
        for (String document : documents) {
            ExtractableResponse<Response> put = given().header("Authorization", TestStack.adminOf(tenant))
                    .contentType(ContentType.JSON).body(document).when().put(WhatIfCalls.PARTNER, tenant, "fabrikam")
                    .then().extract();
            assertTrue(put.statusCode() == 400 || put.statusCode() == 422, document + " -> " + put.asString());
            String body = "{\"direction\": \"inbound\", \"partner\": \"fabrikam\", \"mode\": \"collaboration\", "
                    + "\"user\": {\"email\": \"bob@fabrikam.example\"}, \"application\": \"projects\", "
                    + "\"proposed\": {\"partner\": \"fabrikam\", \"settings\": " + document + "}}";
            ExtractableResponse<Response> whatIf = given().header("Authorization", TestStack.adminOf(tenant))
                    .contentType(ContentType.JSON).body(body).when().post(WhatIfCalls.WHAT_IF, tenant).then()
                    .extract();
            assertEquals(put.statusCode(), whatIf.statusCode(), document + " -> " + whatIf.asString());
            assertEquals("application/problem+json", whatIf.contentType());
            String putField = put.path("field");
            if (putField != null && !document.startsWith("[") && !document.startsWith("\"")) {
                assertEquals("/proposed/settings" + putField, whatIf.path("field"), whatIf.asString());
                assertEquals((Object) put.path("type"), whatIf.path("type"));
                assertEquals((Object) put.path("limit"), whatIf.path("limit"));
            }
        }
        given().header("Authorization", TestStack.adminOf(tenant)).when().get(WhatIfCalls.PARTNER, tenant, "fabrikam")
                .then().statusCode(404);
    }

    /** Every family of hostile JSON text is 400 malformed-json naming the pointer, as on every other endpoint. */
    @Test
    void hostileJsonTextIsMalformedJson() throws Exception {
        String tenant = TestStack.tenant("contoso");
        String valid = access("inbound", "fabrikam", "collaboration", BOB.copy(), "projects").encode();
        String path = WhatIfCalls.WHAT_IF.replace("{tenant}", tenant);
        RawUpload.Response accepted = RawUpload.send(base.toURI(), "POST", path, TestStack.adminOf(tenant),
                valid.getBytes(StandardCharsets.UTF_8), false);
        assertEquals(200, accepted.status(), accepted.body());
        List<String> failures = new ArrayList<>();
        List<HostileJson.Sample> samples = HostileJson.variants(valid);
        for (HostileJson.Sample sample : samples) {
            RawUpload.Response response = RawUpload.send(base.toURI(), "POST", path, TestStack.adminOf(tenant),
                    sample.body(), false);
            String fault = HostileJson.fault(sample, response.status(), response.headers().get("content-type"),
                    response.body());
            if (fault != null) {
                failures.add(sample.name() + ": " + fault);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + samples.size() + " hostile bodies were not refused "
                + "as malformed-json:\n" + String.join("\n", failures));
    }

    /** Asks once per variant, each against a fresh other tenant; the answers with that tenant's id replaced. */
    private static List<String> answers(Map<String, Consumer<String>> variants, String prefix,
                                        Function<String, ValidatableResponse> ask) {
        List<String> answers = new ArrayList<>();
        for (Map.Entry<String, Consumer<String>> variant : variants.entrySet()) {
            String other = TestStack.tenant(prefix);
            variant.getValue().accept(other);
            String answer = ask.apply(other).statusCode(200).extract().asString();
            answers.add(answer.replace(other, "OTHER"));
        }
        return answers;
    }

    private static JsonObject outbound(JsonObject users, JsonObject applications) {
        return new JsonObject().put("outbound", new JsonObject().put("collaboration", side(users, applications)));
    }

    private static JsonObject inbound(JsonObject users, JsonObject applications) {
        return new JsonObject().put("inbound", new JsonObject().put("collaboration", side(users, applications)));
    }

    private static JsonObject with(JsonObject body, String member, Consumer<JsonObject> change) {
        JsonObject copy = body.copy();
        change.accept(copy.getJsonObject(member.substring(1)));
        return copy;
    }

    private static JsonObject without(JsonObject body, String member) {
        JsonObject copy = body.copy();
        copy.remove(member);
        return copy;
    }
}
