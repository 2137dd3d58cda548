package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.service.AccessEvaluator.Invitation;
import org.crosstenant.policy.service.AccessEvaluator.Mode;
import org.crosstenant.policy.service.AccessEvaluator.Refusal;
import org.crosstenant.policy.service.AccessEvaluator.Stage;
import org.crosstenant.policy.service.AccessEvaluator.Verdict;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-side verdicts what-if reads ({@link AccessEvaluator#inbound}, {@link AccessEvaluator#outbound},
 * {@link AccessEvaluator#invitationRules}) are the very steps of {@link AccessEvaluator#evaluate} and
 * {@link AccessEvaluator#decide}: on every conformance row and every invitation-rule case they give the same outcome,
 * and they allocate nothing either.
 */
class AccessEvaluatorSidesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSidesComposeToTheEvaluatorOnEveryConformanceRow() throws Exception {
        int rows = 0;
        for (JsonNode row : AccessEvaluationConformanceTest.table().get("rows")) {
            Mode mode = "collaboration".equals(row.get("mode").asText()) ? Mode.COLLABORATION : Mode.DIRECT_CONNECT;
            Stage stage = "decision".equals(row.get("stage").asText()) ? Stage.DECISION : Stage.ACCESS;
            CompiledSettings resource = side(row, "inbound", "resourceInbound", mode);
            CompiledSettings home = side(row, "outbound", "homeOutbound", mode);
            JsonNode person = row.get("person");
            String email = person.path("email").isTextual() ? person.get("email").asText() : null;
            String subject = stage == Stage.ACCESS && person.path("subject").isTextual()
                    ? person.get("subject").asText() : null;
            List<String> groups = null;
            if (stage == Stage.ACCESS && person.path("groups").isArray()) {
                groups = new ArrayList<>();
                for (JsonNode group : person.get("groups")) {
                    groups.add(group.asText());
                }
            }
            String app = row.get("application").asText();
            Refusal in = AccessEvaluator.inbound(resource, mode, stage, email, subject, groups, app);
            Refusal out = AccessEvaluator.outbound(home, mode, stage, email, subject, groups, app);
            Verdict verdict = AccessEvaluator.evaluate(resource, home, mode, stage, email, subject, groups, app);
            Verdict composed = in == Refusal.USERS ? Verdict.RESOURCE_USERS
                    : in == Refusal.APPLICATIONS ? Verdict.RESOURCE_APPLICATIONS
                    : out == Refusal.NONE ? Verdict.ALLOW : Verdict.HOME_BLOCKED;
            assertEquals(verdict, composed, row.get("name").asText());
            assertEquals(row.get("expected").asText(), in == Refusal.NONE && out == Refusal.NONE ? "allow" : "deny",
                    row.get("name").asText());
            rows++;
        }
        assertTrue(rows >= 70, rows + " rows");
    }

    @Test
    void invitationRulesThenBothSidesAreTheDecision() throws Exception {
        List<String> resourceConfigs = List.of("{}",
                "{\"invitations\": {\"whoMayInvite\": \"adminsOnly\"}}",
                "{\"invitations\": {\"whoMayInvite\": \"none\"}}",
                "{\"invitations\": {\"domains\": {\"access\": \"allowed\", \"targets\": [\"fabrikam.example\"]}}}",
                "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"fabrikam.example\"]}}}",
                "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [\"all\"]}}}}",
                "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [\"all\"]},"
                        + " \"applications\": {\"access\": \"allowed\", \"targets\": [\"projects\"]}}}}");
        List<String> homeConfigs = List.of("{}",
                "{\"outbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [\"all\"]},"
                        + " \"applications\": {\"access\": \"allowed\", \"targets\": [\"all\"]}}}}");
        int cases = 0;
        int allowed = 0;
        for (String r : resourceConfigs) {
            for (String h : homeConfigs) {
                CompiledSettings resource = compile(r);
                CompiledSettings home = compile(h);
                for (String email : List.of("bob@fabrikam.example", "eve@globex.example")) {
                    for (boolean byAdmin : List.of(true, false)) {
                        for (boolean registered : List.of(true, false)) {
                            Invitation invitation = new Invitation("contoso", "fabrikam", "projects", email,
                                    email.substring(email.indexOf('@') + 1), byAdmin, registered);
                            Verdict decided = AccessEvaluator.decide(invitation, resource, home);
                            Refusal rules = AccessEvaluator.invitationRules(invitation, resource);
                            Refusal in = AccessEvaluator.inbound(resource, Mode.COLLABORATION, Stage.DECISION, email,
                                    null, null, "projects");
                            Refusal out = AccessEvaluator.outbound(home, Mode.COLLABORATION, Stage.DECISION, email,
                                    null, null, "projects");
                            Verdict composed = switch (rules) {
                                case NOT_REGISTERED -> Verdict.NOT_REGISTERED;
                                case WHO_MAY_INVITE -> Verdict.WHO_MAY_INVITE;
                                case DOMAIN -> Verdict.DOMAIN;
                                default -> in == Refusal.USERS ? Verdict.RESOURCE_USERS
                                        : in == Refusal.APPLICATIONS ? Verdict.RESOURCE_APPLICATIONS
                                        : out == Refusal.NONE ? Verdict.ALLOW : Verdict.HOME_BLOCKED;
                            };
                            assertEquals(decided, composed, r + " / " + h + " / " + invitation);
                            cases++;
                            allowed += decided == Verdict.ALLOW ? 1 : 0;
                        }
                    }
                }
            }
        }
        assertEquals(112, cases);
        assertTrue(allowed > 0 && allowed < cases, allowed + " allowed of " + cases);
    }

    /** The per-side calls allocate nothing (ThreadMXBean counts this thread's allocated bytes). */
    @Test
    void theSidesAllocateNothing() throws Exception {
        CompiledSettings resource = compile("""
                {"inbound": {"directConnect": {"usersAndGroups": {"access": "allowed", "targets": [{"user": "bob@fabrikam.example"}, {"group": "eng"}]},
                                               "applications": {"access": "allowed", "targets": ["projects", "wiki"]}}},
                 "invitations": {"domains": {"access": "blocked", "targets": ["globex.example"]}}}""");
        CompiledSettings home = compile("""
                {"outbound": {"directConnect": {"usersAndGroups": {"access": "blocked", "targets": [{"subject": "s-9"}]},
                                                "applications": {"access": "allowed", "targets": ["all"]}}}}""");
        Invitation invitation = new Invitation("contoso", "fabrikam", "projects", "bob@fabrikam.example",
                "fabrikam.example", false, true);
        List<String> groups = List.of("sales", "eng");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        int admitted = 0;
        for (int i = 0; i < 20_000; i++) { // warm up
            admitted += round(resource, home, invitation, groups);
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            admitted += round(resource, home, invitation, groups);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(120_000 * 4, admitted);
        assertTrue(allocated < 10_000, allocated + " bytes for 400,000 per-side verdicts");
    }

    private static int round(CompiledSettings resource, CompiledSettings home, Invitation invitation,
                             List<String> groups) {
        int admitted = 0;
        admitted += AccessEvaluator.inbound(resource, Mode.DIRECT_CONNECT, Stage.ACCESS, null, "s-1", groups,
                "projects") == Refusal.NONE ? 1 : 0;
        admitted += AccessEvaluator.outbound(home, Mode.DIRECT_CONNECT, Stage.ACCESS, null, "s-1", groups,
                "projects") == Refusal.NONE ? 1 : 0;
        admitted += AccessEvaluator.invitationRules(invitation, resource) == Refusal.NONE ? 1 : 0;
        admitted += AccessEvaluator.domainAdmits(resource, "fabrikam.example") ? 1 : 0;
        return admitted;
    }

    private static CompiledSettings side(JsonNode row, String direction, String member, Mode mode) {
        ObjectNode config = JSON.createObjectNode();
        config.putObject(direction).set(mode.wire(), row.get(member));
        return CompiledSettings.compile(AccessSettingsParser.parse(config), AccessSettings.EMPTY, 0, 1);
    }

    private static CompiledSettings compile(String json) throws Exception {
        return CompiledSettings.compile(AccessSettingsParser.parse(JSON.readTree(json)), AccessSettings.EMPTY, 0, 1);
    }
}
