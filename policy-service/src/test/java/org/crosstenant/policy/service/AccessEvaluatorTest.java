package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.service.AccessEvaluator.Evaluation;
import org.crosstenant.policy.service.AccessEvaluator.Invitation;
import org.crosstenant.policy.service.AccessEvaluator.Mode;
import org.crosstenant.policy.service.AccessEvaluator.Stage;
import org.crosstenant.policy.service.AccessEvaluator.Verdict;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The invitation decision of docs/api.md from the whole model, without Quarkus. */
class AccessEvaluatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPEN_IN = """
            {"inbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                           "applications": {"access": "allowed", "targets": ["all"]}}}}""";
    private static final String OPEN_OUT = """
            {"outbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                            "applications": {"access": "allowed", "targets": ["all"]}}}}""";

    private static Invitation bob(boolean byAdmin) {
        return invitation("bob@fabrikam.example", byAdmin);
    }

    private static Invitation invitation(String email, boolean byAdmin) {
        return new Invitation("contoso", "fabrikam", "projects", email, email.substring(email.indexOf('@') + 1),
                byAdmin, true);
    }

    private static AccessSettings parse(String json) throws Exception {
        return AccessSettingsParser.parse(JSON.readTree(json));
    }

    private static CompiledSettings compiled(String partner, String tenantDefault) throws Exception {
        return CompiledSettings.compile(parse(partner), parse(tenantDefault), 2, 5);
    }

    @Test
    void nothingConfiguredIsBlockedOnBothSides() throws Exception {
        CompiledSettings none = compiled("{}", "{}");
        Evaluation result = AccessEvaluator.explain(bob(true), none, none);
        assertEquals("deny", result.outcome());
        assertEquals(List.of("contoso inbound collaboration from fabrikam does not admit bob@fabrikam.example "
                + "(/inbound/collaboration/usersAndGroups: blocked all, built-in)"), result.reasons());
    }

    @Test
    void thePartnerConfigurationInheritsTheDefaultMemberByMember() throws Exception {
        CompiledSettings resource = compiled("""
                {"inbound": {"collaboration": {"applications": {"access": "allowed", "targets": ["projects"]}}}}""",
                """
                {"inbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                               "applications": {"access": "blocked", "targets": ["all"]}}},
                 "invitations": {"approvalRequired": true}}""");
        Evaluation result = AccessEvaluator.explain(bob(false), resource, compiled(OPEN_OUT, "{}"));
        assertEquals("allow", result.outcome(), result.reasons().toString());
        assertTrue(result.approvalRequired());
        assertTrue(result.reasons().contains("contoso requires an admin's approval (/invitations/approvalRequired, "
                + "default)"), result.reasons().toString());
        assertEquals(AccessSettings.Source.PARTNER, resource.source(AccessSettings.IN_COLLAB_APPS));
        assertEquals(AccessSettings.Source.DEFAULT, resource.source(AccessSettings.IN_COLLAB_USERS));
        assertEquals(AccessSettings.Source.BUILT_IN, resource.source(AccessSettings.IN_DC_USERS));
    }

    @Test
    void theHomeSidesRuleIsNeverNamed() throws Exception {
        CompiledSettings home = compiled("""
                {"outbound": {"collaboration": {"usersAndGroups": {"access": "blocked", "targets": [{"user": "bob@fabrikam.example"}]},
                                                "applications": {"access": "allowed", "targets": ["all"]}}}}""", "{}");
        Evaluation result = AccessEvaluator.explain(bob(true), compiled(OPEN_IN, "{}"), home);
        assertEquals(List.of("fabrikam outbound settings blocked it"), result.reasons());
        assertFalse(result.approvalRequired());
        // ... to the resource tenant; the home tenant reads its own rule
        assertEquals(List.of("fabrikam outbound collaboration to contoso does not admit bob@fabrikam.example "
                + "(/outbound/collaboration/usersAndGroups: " + home.outboundCollaborationUsers.describe()
                + ", partner)"), result.homeReasons());
        CompiledSettings homeBlocksApp = compiled("""
                {"outbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                                "applications": {"access": "blocked", "targets": ["projects"]}}}}""",
                "{}");
        assertTrue(AccessEvaluator.explain(bob(true), compiled(OPEN_IN, "{}"), homeBlocksApp).homeReasons().get(0)
                .contains("does not admit application projects (/outbound/collaboration/applications"));
    }

    @Test
    void whoMayInviteDecidesByWhoFiled() throws Exception {
        CompiledSettings home = compiled(OPEN_OUT, "{}");
        for (String who : List.of("adminsOnly", "adminsAndPartnerSystems", "none")) {
            CompiledSettings resource = compiled(OPEN_IN, "{\"invitations\": {\"whoMayInvite\": \"" + who + "\"}}");
            assertEquals(!who.equals("none"), AccessEvaluator.decide(bob(true), resource, home) == Verdict.ALLOW, who);
            assertEquals(who.equals("adminsAndPartnerSystems"),
                    AccessEvaluator.decide(bob(false), resource, home) == Verdict.ALLOW, who);
        }
    }

    /** Allow list admits only its domains, deny list all others; exact domain match, no subdomain wildcard. */
    @Test
    void invitationDomainRulesMatchExactCanonicalDomains() throws Exception {
        CompiledSettings home = compiled(OPEN_OUT, "{}");
        CompiledSettings allowList = compiled(OPEN_IN,
                "{\"invitations\": {\"domains\": {\"access\": \"allowed\", \"targets\": [\"Fabrikam.EXAMPLE\"]}}}");
        CompiledSettings denyList = compiled(OPEN_IN,
                "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"fabrikam.example\"]}}}");
        for (String email : List.of("bob@fabrikam.example", "bob@eu.fabrikam.example", "bob@fabrikam.example.org",
                "bob@globex.example")) {
            boolean listed = email.endsWith("@fabrikam.example");
            Invitation invitation = invitation(email, false);
            assertEquals(listed, AccessEvaluator.decide(invitation, allowList, home) == Verdict.ALLOW, email);
            assertEquals(!listed, AccessEvaluator.decide(invitation, denyList, home) == Verdict.ALLOW, email);
        }
        assertEquals(Verdict.DOMAIN, AccessEvaluator.decide(invitation("x@globex.example", true), allowList, home));
    }

    @Test
    void everyRefusalIsListedAndTheFirstIsTheVerdict() throws Exception {
        CompiledSettings resource = compiled("""
                {"inbound": {"collaboration": {"usersAndGroups": {"access": "blocked", "targets": ["all"]}}},
                 "invitations": {"whoMayInvite": "none", "domains": {"access": "allowed", "targets": ["other.example"]}}}""",
                "{}");
        Invitation unregistered = new Invitation("contoso", "contoso", "projects", "bob@fabrikam.example",
                "fabrikam.example", true, false);
        Evaluation result = AccessEvaluator.explain(unregistered, resource, compiled("{}", "{}"));
        assertEquals(5, result.reasons().size(), result.reasons().toString());
        assertEquals(Verdict.SAME_TENANT, AccessEvaluator.decide(unregistered, resource, compiled("{}", "{}")));
    }

    /**
     * Shared reasons (what the home tenant and both audits read) say of each side only that it blocked or admitted:
     * for every kind of refusal, and for an allow, no rule pointer, kind, source, email or domain appears in them.
     */
    @Test
    void sharedReasonsNeverNameARule() throws Exception {
        CompiledSettings open = compiled(OPEN_IN, "{}");
        CompiledSettings openHome = compiled(OPEN_OUT, "{}");
        Invitation unregistered = new Invitation("contoso", "fabrikam", "projects", "bob@fabrikam.example",
                "fabrikam.example", true, false);
        java.util.Map<String, Evaluation> cases = new java.util.LinkedHashMap<>();
        cases.put("not registered", AccessEvaluator.explain(unregistered, open, openHome));
        cases.put("who may invite", AccessEvaluator.explain(bob(false),
                compiled(OPEN_IN, "{\"invitations\": {\"whoMayInvite\": \"adminsOnly\"}}"), openHome));
        cases.put("domain", AccessEvaluator.explain(bob(true), compiled(OPEN_IN,
                "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"fabrikam.example\"]}}}"),
                openHome));
        cases.put("resource users", AccessEvaluator.explain(bob(true), compiled("{}", "{}"), openHome));
        cases.put("resource applications", AccessEvaluator.explain(bob(true), compiled("""
                {"inbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                               "applications": {"access": "blocked", "targets": ["projects"]}}}}""",
                "{}"), openHome));
        cases.put("home", AccessEvaluator.explain(bob(true), open, compiled("{}", "{}")));
        cases.put("allowed with approval", AccessEvaluator.explain(bob(true),
                compiled(OPEN_IN, "{\"invitations\": {\"approvalRequired\": true}}"), openHome));
        for (var c : cases.entrySet()) {
            List<String> shared = c.getValue().sharedReasons();
            assertFalse(shared.isEmpty(), c.getKey());
            for (String reason : shared) {
                for (String secret : List.of("/", "(", "@", "fabrikam.example", "projects", "built-in", "default",
                        "partner", "blocked list", "allowed list")) {
                    assertFalse(reason.contains(secret), c.getKey() + ": " + reason + " names " + secret);
                }
            }
            // the home tenant reads the shared reasons too, but for its own side's rule
            if (!c.getKey().equals("home") && !c.getKey().startsWith("allowed")) {
                assertEquals(shared, c.getValue().homeReasons(), c.getKey());
            }
            // the detailed reasons (the resource tenant's) still name its rule when it decided
            if (!c.getKey().equals("home") && c.getValue().outcome().equals("deny")) {
                assertTrue(c.getValue().reasons().stream().anyMatch(r -> r.contains("contoso")), c.getKey());
            }
        }
        assertEquals(List.of("contoso settings blocked it"), cases.get("resource users").sharedReasons());
        assertEquals(List.of("fabrikam outbound settings blocked it"), cases.get("home").sharedReasons());
        assertEquals(List.of("contoso settings admit it", "fabrikam outbound settings admit it",
                "contoso requires an admin's approval"), cases.get("allowed with approval").sharedReasons());
    }

    /** A deciding call allocates nothing (ThreadMXBean counts this thread's allocated bytes). */
    @Test
    void aDecisionAllocatesNothing() throws Exception {
        CompiledSettings resource = compiled("""
                {"inbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": [{"user": "bob@fabrikam.example"}, {"group": "eng"}]},
                                               "applications": {"access": "allowed", "targets": ["projects", "wiki"]}}},
                 "invitations": {"domains": {"access": "blocked", "targets": ["globex.example"]}}}""", "{}");
        CompiledSettings home = compiled(OPEN_OUT, "{}");
        Invitation invitation = bob(false);
        List<String> groups = List.of("sales", "eng");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        int allowed = 0;
        for (int i = 0; i < 20_000; i++) { // warm up (class loading and the like allocate once)
            allowed += AccessEvaluator.decide(invitation, resource, home) == Verdict.ALLOW ? 1 : 0;
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            allowed += AccessEvaluator.decide(invitation, resource, home) == Verdict.ALLOW ? 1 : 0;
            allowed += AccessEvaluator.evaluate(resource, home, Mode.COLLABORATION, Stage.ACCESS, null, "s",
                    groups, "projects") == Verdict.ALLOW ? 1 : 0;
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(220_000, allowed);
        // the measuring calls themselves may allocate a few bytes; 200,000 decisions allocating even 1 byte each
        // would show as 200,000
        assertTrue(allocated < 10_000, allocated + " bytes for 200,000 decisions");
    }
}
