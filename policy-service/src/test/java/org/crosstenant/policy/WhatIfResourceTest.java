package org.crosstenant.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.service.AccessEvaluator;
import org.crosstenant.policy.service.AccessEvaluator.Mode;
import org.crosstenant.policy.service.AccessEvaluator.Refusal;
import org.crosstenant.policy.service.AccessEvaluator.Stage;
import org.crosstenant.policy.service.AccessSettingsParser;
import org.crosstenant.policy.service.CompiledSettings;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

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
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/v1/tenants/{tenant}/access-settings/what-if} (issue #8): it answers what policy-service and the
 * gateway decide — every row of docs/conformance/access-evaluation.json, asked from either tenant, over settings
 * stored through the real API —, weighs MFA and device claims as the gateway does, and a proposed configuration
 * changes the answer without changing anything.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class WhatIfResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Each row's rules stored as the two tenants' partner configurations, the application registered; what-if asked
     * by the resource tenant (inbound) and by the home tenant (outbound) answers the row's expected decision, and
     * each side's verdict is the evaluator's for that side. Direct-connect rows of stage "decision" have no what-if
     * question (direct connect is decided at access only, without an invitation) and are skipped.
     */
    @Test
    void everyConformanceRowIsAnsweredAsExpectedFromEitherTenant() throws Exception {
        JsonNode table = JSON.readTree(new File(System.getProperty("crosstenant.conformance.table")));
        int asked = 0;
        for (JsonNode row : table.get("rows")) {
            String mode = row.get("mode").asText();
            boolean decisionStage = "decision".equals(row.get("stage").asText());
            if (decisionStage && "directConnect".equals(mode)) {
                continue;
            }
            String name = row.get("name").asText();
            String resource = TestStack.tenant("contoso");
            String home = TestStack.tenant("fabrikam");
            String app = row.get("application").asText();
            JsonObject inbound = new JsonObject().put("inbound", new JsonObject().put(mode,
                    new JsonObject(row.get("resourceInbound").toString())));
            JsonObject outbound = new JsonObject().put("outbound", new JsonObject().put(mode,
                    new JsonObject(row.get("homeOutbound").toString())));
            putPartner(resource, home, inbound);
            putPartner(home, resource, outbound);
            register(resource, app, false);

            JsonNode person = row.get("person");
            JsonObject user = new JsonObject();
            if (person.path("email").isTextual()) {
                user.put("email", person.get("email").asText());
            }
            if (!decisionStage && person.path("subject").isTextual()) {
                user.put("subject", person.get("subject").asText());
            }
            if (!decisionStage && person.path("groups").isArray()) {
                user.put("groups", new JsonArray(person.get("groups").toString()));
            }
            // the evaluator's own per-side verdicts for the row
            Stage stage = decisionStage ? Stage.DECISION : Stage.ACCESS;
            Mode evaluatorMode = "collaboration".equals(mode) ? Mode.COLLABORATION : Mode.DIRECT_CONNECT;
            String email = user.getString("email");
            List<String> groups = user.containsKey("groups") ? user.getJsonArray("groups").stream()
                    .map(String::valueOf).toList() : null;
            boolean resourceAdmits = AccessEvaluator.inbound(compile(inbound), evaluatorMode, stage, email,
                    user.getString("subject"), groups, app) == Refusal.NONE;
            boolean homeAdmits = AccessEvaluator.outbound(compile(outbound), evaluatorMode, stage, email,
                    user.getString("subject"), groups, app) == Refusal.NONE;
            String expected = row.get("expected").asText();
            assertEquals(expected, resourceAdmits && homeAdmits ? "allow" : "deny", name);

            JsonObject fromResource = decisionStage ? invitation("inbound", home, email, app, "resourceAdmin")
                    : access("inbound", home, mode, user, app);
            JsonObject fromHome = decisionStage ? invitation("outbound", resource, email, app, "resourceAdmin")
                    : access("outbound", resource, mode, user, app);
            whatIf(resource, fromResource).statusCode(200).contentType(ContentType.JSON)
                    .body("decision", equalTo(expected))
                    .body("callerSide.decision", equalTo(resourceAdmits ? "allowed" : "blocked"))
                    .body("otherSide", equalTo(homeAdmits ? "allowed" : "blocked"))
                    .body("proposed", equalTo(false));
            whatIf(home, fromHome).statusCode(200)
                    .body("decision", equalTo(expected))
                    .body("callerSide.decision", equalTo(homeAdmits ? "allowed" : "blocked"))
                    .body("otherSide", equalTo(resourceAdmits ? "allowed" : "blocked"));
            asked++;
        }
        assertTrue(asked >= 50, asked + " rows asked");
    }

    /** The deciding rule is the asking tenant's leaf, with its kind and where the effective value comes from. */
    @Test
    void theCallersDecidingRuleIsNamedWithKindAndSource() {
        String resource = TestStack.tenant("contoso");
        String home = TestStack.tenant("fabrikam");
        register(resource, "projects", false);
        putDefault(resource, new JsonObject().put("inbound", new JsonObject().put("collaboration",
                side(rule("allowed", "all"), rule("allowed", "all")))));
        putPartner(resource, home, new JsonObject().put("inbound", new JsonObject().put("collaboration",
                new JsonObject().put("usersAndGroups", rule("blocked", new JsonObject().put("user", "carol@fabrikam.example"))))));
        putPartner(home, resource, openOutbound("collaboration"));
        JsonObject carol = new JsonObject().put("email", "Carol@Fabrikam.example").put("subject", "f-carol");

        whatIf(resource, access("inbound", home, "collaboration", carol, "projects")).statusCode(200)
                .body("decision", equalTo("deny"))
                .body("callerSide.decision", equalTo("blocked"))
                .body("callerSide.decidingRule.pointer", equalTo("/inbound/collaboration/usersAndGroups"))
                .body("callerSide.decidingRule.kind", equalTo("blocked list"))
                .body("callerSide.decidingRule.source", equalTo("partner"))
                .body("callerSide.reasons", contains(resource + " inbound collaboration from " + home
                        + " does not admit carol@fabrikam.example (/inbound/collaboration/usersAndGroups: blocked "
                        + "list, partner)"))
                .body("otherSide", equalTo("allowed"))
                .body("policyVersions.default", equalTo(1))
                .body("policyVersions.partner", equalTo(1));
        // the applications leaf is inherited from the default
        whatIf(resource, access("inbound", home, "collaboration", new JsonObject().put("email", "bob@fabrikam.example"),
                "projects")).statusCode(200)
                .body("decision", equalTo("allow"))
                .body("callerSide.decidingRule", nullValue())
                .body("callerSide.reasons", contains(resource + " inbound collaboration from " + home
                        + " admits bob@fabrikam.example and application projects"));
        // an unregistered application is refused by the resource tenant's registry, not by a rule
        whatIf(resource, access("inbound", home, "collaboration", carol, "wiki")).statusCode(200)
                .body("decision", equalTo("deny"))
                .body("callerSide.decision", equalTo("blocked"))
                .body("callerSide.decidingRule", nullValue())
                .body("callerSide.reasons", contains("application wiki is not registered by " + resource));
        // at the invitation stage the invitation rules come first: whoMayInvite names its value
        putPartner(resource, home, new JsonObject().put("invitations", new JsonObject().put("whoMayInvite", "adminsOnly")));
        whatIf(resource, invitation("inbound", home, "bob@fabrikam.example", "projects", "partnerSystem")).statusCode(200)
                .body("decision", equalTo("deny"))
                .body("callerSide.decidingRule.pointer", equalTo("/invitations/whoMayInvite"))
                .body("callerSide.decidingRule.kind", equalTo("adminsOnly"))
                .body("callerSide.decidingRule.source", equalTo("partner"))
                .body("mfa", nullValue())
                .body("compliantDevice", nullValue());
        whatIf(resource, invitation("inbound", home, "bob@fabrikam.example", "projects", "resourceAdmin")).statusCode(200)
                .body("decision", equalTo("allow"))
                .body("callerSide.reasons", contains(resource + "'s invitation rules admit the request",
                        resource + " inbound collaboration from " + home
                                + " admits bob@fabrikam.example and application projects"));
        putPartner(resource, home, new JsonObject().put("invitations", new JsonObject().put("approvalRequired", true)));
        whatIf(resource, invitation("inbound", home, "bob@fabrikam.example", "projects", "partnerSystem")).statusCode(200)
                .body("decision", equalTo("allow"))
                .body("callerSide.reasons", hasItem(resource + " requires an admin's approval "
                        + "(/invitations/approvalRequired: true, partner)"));
        // the home tenant reads its own outbound rule
        putPartner(home, resource, new JsonObject().put("outbound", new JsonObject().put("collaboration",
                side(rule("allowed", "all"), rule("blocked", "projects")))));
        whatIf(home, access("outbound", resource, "collaboration", carol, "projects")).statusCode(200)
                .body("decision", equalTo("deny"))
                .body("callerSide.decidingRule.pointer", equalTo("/outbound/collaboration/applications"))
                .body("callerSide.decidingRule.kind", equalTo("blocked list"))
                .body("callerSide.reasons", contains(home + " outbound collaboration to " + resource
                        + " does not admit application projects (/outbound/collaboration/applications: blocked list, "
                        + "partner)"))
                .body("otherSide", equalTo("allowed"));
    }

    /**
     * As the gateway weighs them: an application that requires MFA admits only with MFA the resource tenant trusts
     * ("mfa-required" otherwise, the 401 step-up), the device claim only shapes the federated token; the home tenant
     * never reads the resource tenant's trust.
     */
    @Test
    void mfaAndDeviceClaimsAreWeighedAsTheGatewayDoes() {
        String resource = TestStack.tenant("contoso");
        String home = TestStack.tenant("fabrikam");
        register(resource, "secure", true);
        register(resource, "plain", false);
        JsonObject trusting = openInbound("directConnect");
        trusting.getJsonObject("inbound").put("trust", new JsonObject().put("mfaAccepted", true)
                .put("compliantDeviceAccepted", true));
        putPartner(resource, home, trusting);
        putPartner(home, resource, openOutbound("directConnect"));
        JsonObject bob = new JsonObject().put("email", "bob@fabrikam.example").put("subject", "f-bob");

        whatIf(resource, access("inbound", home, "directConnect", bob, "secure")).statusCode(200)
                .body("decision", equalTo("mfa-required"))
                .body("callerSide.decision", equalTo("allowed"))
                .body("mfa.required", equalTo(true)).body("mfa.satisfied", equalTo(false))
                .body("mfa.trusted", equalTo(true))
                .body("callerSide.reasons", hasItem("secure requires MFA and the home token brings none"));
        whatIf(resource, access("inbound", home, "directConnect", bob, "secure").put("mfa", true)
                .put("compliantDevice", true)).statusCode(200)
                .body("decision", equalTo("allow"))
                .body("compliantDevice.claimed", equalTo(true)).body("compliantDevice.trusted", equalTo(true))
                .body("compliantDevice.asserted", equalTo(true));
        whatIf(resource, access("inbound", home, "directConnect", bob, "plain")).statusCode(200)
                .body("decision", equalTo("allow")).body("mfa.required", equalTo(false));
        // the same with the trust withdrawn, as proposed
        JsonObject distrusting = openInbound("directConnect");
        distrusting.getJsonObject("inbound").put("trust", new JsonObject().put("mfaAccepted", false));
        JsonObject proposal = new JsonObject().put("partner", home).put("settings", distrusting);
        whatIf(resource, access("inbound", home, "directConnect", bob, "secure").put("mfa", true)
                .put("compliantDevice", true).put("proposed", proposal)).statusCode(200)
                .body("decision", equalTo("mfa-required"))
                .body("proposed", equalTo(true))
                .body("mfa.trusted", equalTo(false))
                .body("compliantDevice.trusted", equalTo(false)).body("compliantDevice.asserted", equalTo(false))
                .body("callerSide.reasons", hasItem("secure requires MFA and " + resource + " does not accept " + home
                        + "'s MFA (/inbound/trust/mfaAccepted: false, partner)"));

        // the home tenant: the decision as its user would meet it, never the resource tenant's trust
        whatIf(home, access("outbound", resource, "directConnect", bob, "secure").put("mfa", true)
                .put("compliantDevice", true)).statusCode(200)
                .body("decision", equalTo("allow"))
                .body("mfa.required", equalTo(true)).body("mfa.satisfied", equalTo(true))
                .body("mfa.trusted", nullValue())
                .body("compliantDevice.claimed", equalTo(true))
                .body("compliantDevice.trusted", nullValue()).body("compliantDevice.asserted", nullValue());
        whatIf(home, access("outbound", resource, "directConnect", bob, "secure")).statusCode(200)
                .body("decision", equalTo("mfa-required")).body("mfa.trusted", nullValue())
                .body("callerSide.reasons", contains(home + " outbound direct connect to " + resource
                        + " admits bob@fabrikam.example and application secure"));
    }

    /**
     * A proposed partner configuration, a deleted one and a proposed default each change the answer; nothing is
     * stored (GET, ETag and history unchanged), published (no outbox row) or cached (the current answer is unchanged
     * afterwards).
     */
    @Test
    void aProposalChangesTheAnswerAndNothingElse() throws Exception {
        String resource = TestStack.tenant("contoso");
        String home = TestStack.tenant("fabrikam");
        register(resource, "projects", false);
        putPartner(resource, home, openInbound("collaboration"));
        putPartner(home, resource, openOutbound("collaboration"));
        JsonObject bob = new JsonObject().put("email", "bob@fabrikam.example").put("subject", "f-bob")
                .put("groups", new JsonArray().add("engineering"));
        JsonObject question = access("inbound", home, "collaboration", bob, "projects");
        String before = whatIf(resource, question).statusCode(200).body("decision", equalTo("allow"))
                .extract().asString();
        String stored = given().header("Authorization", TestStack.adminOf(resource))
                .when().get(WhatIfCalls.PARTNER, resource, home).then().statusCode(200).header("ETag", "\"1\"")
                .extract().asString();
        String history = given().header("Authorization", TestStack.adminOf(resource))
                .when().get(WhatIfCalls.PARTNER + "/history", resource, home).then().statusCode(200)
                .extract().asString();
        long outboxRows = count("select count(*) from outbox where aggregate_id like ?", resource + "/%");
        long historyRows = count("select count(*) from access_settings_history where tenant = ?", resource);
        assertTrue(outboxRows >= 2 && historyRows == 1, outboxRows + " outbox rows, " + historyRows + " history rows");

        JsonObject blockEngineering = openInbound("collaboration");
        blockEngineering.getJsonObject("inbound").getJsonObject("collaboration")
                .put("usersAndGroups", rule("blocked", new JsonObject().put("group", "engineering")));
        whatIf(resource, question.copy().put("proposed", new JsonObject().put("partner", home)
                .put("settings", blockEngineering))).statusCode(200)
                .body("decision", equalTo("deny")).body("proposed", equalTo(true))
                .body("callerSide.decidingRule.pointer", equalTo("/inbound/collaboration/usersAndGroups"))
                .body("callerSide.decidingRule.kind", equalTo("blocked list"))
                .body("callerSide.decidingRule.source", equalTo("partner"))
                .body("policyVersions.partner", equalTo(1));
        // deleted: the partner falls back to the (never set) default, i.e. the built-in one
        whatIf(resource, question.copy().put("proposed", new JsonObject().put("partner", home).putNull("settings")))
                .statusCode(200).body("decision", equalTo("deny"))
                .body("callerSide.decidingRule.source", equalTo("built-in"))
                .body("callerSide.decidingRule.kind", equalTo("blocked all"));
        // a default whose domain list the partner configuration does not override
        JsonObject noFabrikam = new JsonObject().put("invitations", new JsonObject().put("domains",
                rule("blocked", "fabrikam.example")));
        whatIf(resource, question.copy().put("proposed", new JsonObject().putNull("partner")
                .put("settings", noFabrikam))).statusCode(200)
                .body("decision", equalTo("deny"))
                .body("callerSide.decidingRule.pointer", equalTo("/invitations/domains"))
                .body("callerSide.decidingRule.source", equalTo("default"))
                .body("callerSide.reasons", contains("domain fabrikam.example is not allowed by " + resource
                        + "'s invitation rules (/invitations/domains: blocked list, default)"));
        // a home tenant proposing its own outbound block
        JsonObject closed = new JsonObject().put("outbound", new JsonObject().put("collaboration",
                side(rule("blocked", "all"), rule("allowed", "all"))));
        whatIf(home, access("outbound", resource, "collaboration", bob, "projects").put("proposed",
                new JsonObject().put("partner", resource).put("settings", closed))).statusCode(200)
                .body("decision", equalTo("deny")).body("callerSide.decision", equalTo("blocked"))
                .body("otherSide", equalTo("allowed"));

        assertEquals(before, whatIf(resource, question).statusCode(200).extract().asString(),
                "the current answer after the proposals");
        whatIf(home, access("outbound", resource, "collaboration", bob, "projects")).statusCode(200)
                .body("decision", equalTo("allow"));
        given().header("Authorization", TestStack.adminOf(resource)).when().get(WhatIfCalls.PARTNER, resource, home)
                .then().statusCode(200).header("ETag", "\"1\"").body(equalTo(stored));
        given().header("Authorization", TestStack.adminOf(resource))
                .when().get(WhatIfCalls.PARTNER + "/history", resource, home).then().statusCode(200)
                .body(equalTo(history));
        given().header("Authorization", TestStack.adminOf(resource)).when().get(WhatIfCalls.DEFAULT, resource)
                .then().statusCode(200).body("version", equalTo(0));
        assertEquals(outboxRows, count("select count(*) from outbox where aggregate_id like ?", resource + "/%"));
        assertEquals(historyRows, count("select count(*) from access_settings_history where tenant = ?", resource));
        assertEquals(1, count("select count(*) from access_settings_history where tenant = ?", home));
    }

    @Test
    void onlyTheTenantsOwnAdminsMayAsk() {
        String tenant = TestStack.tenant("contoso");
        String body = access("inbound", "fabrikam", "collaboration", new JsonObject().put("email", "bob@fabrikam.example"),
                "projects").encode();
        given().header("Authorization", TestStack.adminOf("fabrikam")).contentType(ContentType.JSON).body(body)
                .when().post(WhatIfCalls.WHAT_IF, tenant)
                .then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", TestStack.memberOf(tenant, "collab-auditor")).contentType(ContentType.JSON)
                .body(body).when().post(WhatIfCalls.WHAT_IF, tenant)
                .then().statusCode(403).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(body).when().post(WhatIfCalls.WHAT_IF, tenant)
                .then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON).body(body)
                .when().post(WhatIfCalls.WHAT_IF, tenant)
                .then().statusCode(200).header("Cache-Control", "no-store")
                .body("decision", equalTo("deny")).body("callerSide.decidingRule", nullValue())
                .body("callerSide.reasons", contains("application projects is not registered by " + tenant));
    }

    private static CompiledSettings compile(JsonObject settings) throws Exception {
        ObjectNode tree = (ObjectNode) JSON.readTree(settings.encode());
        return CompiledSettings.compile(AccessSettingsParser.parse(tree), AccessSettings.EMPTY, 0, 1);
    }

    private static long count(String sql, String parameter) throws Exception {
        var config = ConfigProvider.getConfig();
        try (Connection db = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
             PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                assertTrue(rows.next());
                return rows.getLong(1);
            }
        }
    }
}
