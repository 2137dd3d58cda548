package org.crosstenant.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.crosstenant.policy.service.PartnerSettingsParser;
import org.crosstenant.policy.service.PolicyEvaluator;
import org.crosstenant.policy.service.PolicyEvaluator.Evaluation;
import org.crosstenant.policy.service.PolicyEvaluator.Request;
import org.crosstenant.policy.service.PolicyEvaluator.VersionedSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decision rules of docs/api.md, without Quarkus. */
class PolicyEvaluatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Request BOB = new Request("contoso", "fabrikam", "contoso-projects", "bob@fabrikam.example");
    private static final Request CAROL = new Request("contoso", "fabrikam", "contoso-projects", "carol@fabrikam.example");

    private static final String OPEN = """
            {"inbound":  {"collaboration": {"users": {"access": "allowed", "targets": ["all"]},
                                            "applications": {"access": "allowed", "targets": ["all"]}}},
             "outbound": {"collaboration": {"users": {"access": "allowed", "targets": ["all"]},
                                            "applications": {"access": "allowed", "targets": ["all"]}}}}
            """;

    @Test
    void allowWhenBothSidesAdmitAndTheApplicationIsRegistered() {
        Evaluation result = PolicyEvaluator.evaluate(BOB, true, settings(OPEN, 3), settings(OPEN, 1));
        assertEquals("allow", result.outcome());
        assertEquals(Map.of("contoso", 3L, "fabrikam", 1L), result.policyVersions());
        assertTrue(result.reasons().contains(
                "contoso inbound collaboration from fabrikam admits bob@fabrikam.example (users: allowed all)"),
                result.reasons().toString());
        assertTrue(result.reasons().contains(
                "fabrikam outbound collaboration to contoso admits application contoso-projects (applications: allowed all)"),
                result.reasons().toString());
        assertTrue(result.reasons().contains("contoso has registered application contoso-projects"));
    }

    @Test
    void unregisteredApplicationIsDenied() {
        Evaluation result = PolicyEvaluator.evaluate(BOB, false, settings(OPEN, 1), settings(OPEN, 1));
        assertEquals("deny", result.outcome());
        assertEquals(java.util.List.of("application contoso-projects is not registered by contoso"), result.reasons());
    }

    @Test
    void missingConfigurationsAreBlockedOnBothSides() {
        Evaluation result = PolicyEvaluator.evaluate(BOB, true, Optional.empty(), Optional.empty());
        assertEquals("deny", result.outcome());
        assertEquals(Map.of("contoso", 0L, "fabrikam", 0L), result.policyVersions());
        assertTrue(result.reasons().contains("contoso has no partner configuration for fabrikam, so inbound "
                + "collaboration from fabrikam is blocked by default"), result.reasons().toString());
        assertTrue(result.reasons().contains("fabrikam has no partner configuration for contoso, so outbound "
                + "collaboration to contoso is blocked by default"), result.reasons().toString());
    }

    @Test
    void missingDirectionIsBlocked() {
        String onlyOutbound = """
                {"outbound": {"collaboration": {"users": {"access": "allowed", "targets": ["all"]},
                                                "applications": {"access": "allowed", "targets": ["all"]}}}}
                """;
        Evaluation result = PolicyEvaluator.evaluate(BOB, true, settings(onlyOutbound, 1), settings(OPEN, 1));
        assertEquals("deny", result.outcome());
        assertEquals(1, result.reasons().size(), result.reasons().toString());
        assertTrue(result.reasons().get(0).contains("contoso partner configuration for fabrikam has no inbound"));
    }

    @Test
    void allowedListAdmitsOnlyTheListed() {
        String outbound = """
                {"outbound": {"collaboration": {"users": {"access": "allowed", "targets": ["Bob@Fabrikam.example"]},
                                                "applications": {"access": "allowed", "targets": ["all"]}}}}
                """;
        assertEquals("allow", PolicyEvaluator.evaluate(BOB, true, settings(OPEN, 1), settings(outbound, 2)).outcome());
        Evaluation carol = PolicyEvaluator.evaluate(CAROL, true, settings(OPEN, 1), settings(outbound, 2));
        assertEquals("deny", carol.outcome());
        assertEquals(java.util.List.of("fabrikam outbound collaboration to contoso does not admit "
                + "carol@fabrikam.example (users: allowed list)"), carol.reasons());
    }

    @Test
    void reasonsNeverRevealAPartnerConfigurationsTargets() {
        // reasons reach the other tenant, the invitee and auditors: they name the rule kind, never its list
        String outbound = """
                {"outbound": {"collaboration": {"users": {"access": "allowed", "targets": ["bob@fabrikam.example", "dave@fabrikam.example"]},
                                                "applications": {"access": "allowed", "targets": ["contoso-projects", "contoso-hr"]}}}}
                """;
        Evaluation bob = PolicyEvaluator.evaluate(BOB, true, settings(OPEN, 1), settings(outbound, 2));
        Evaluation carol = PolicyEvaluator.evaluate(CAROL, true, settings(OPEN, 1), settings(outbound, 2));
        assertEquals("allow", bob.outcome(), bob.reasons().toString());
        assertEquals("deny", carol.outcome(), carol.reasons().toString());
        for (Evaluation evaluation : java.util.List.of(bob, carol)) {
            for (String reason : evaluation.reasons()) {
                assertFalse(reason.contains("contoso-hr"), reason);
                assertFalse(reason.contains("dave@"), reason);
            }
        }
        assertTrue(bob.reasons().contains("fabrikam outbound collaboration to contoso admits application "
                + BOB.application() + " (applications: allowed list)"), bob.reasons().toString());
    }

    @Test
    void blockedListAdmitsEveryoneButTheListed() {
        String inbound = """
                {"inbound": {"collaboration": {"users": {"access": "blocked", "targets": ["carol@fabrikam.example"]},
                                               "applications": {"access": "blocked", "targets": ["contoso-secret"]}}}}
                """;
        assertEquals("allow", PolicyEvaluator.evaluate(BOB, true, settings(inbound, 1), settings(OPEN, 1)).outcome());
        Evaluation carol = PolicyEvaluator.evaluate(CAROL, true, settings(inbound, 1), settings(OPEN, 1));
        assertEquals("deny", carol.outcome());
        assertEquals(java.util.List.of("contoso inbound collaboration from fabrikam does not admit "
                + "carol@fabrikam.example (users: blocked list)"), carol.reasons());
        Request secret = new Request("contoso", "fabrikam", "contoso-secret", "bob@fabrikam.example");
        Evaluation app = PolicyEvaluator.evaluate(secret, true, settings(inbound, 1), settings(OPEN, 1));
        assertEquals("deny", app.outcome());
        assertTrue(app.reasons().get(0).contains("does not admit application contoso-secret"), app.reasons().toString());
    }

    @Test
    void blockedAllAdmitsNoOne() {
        String outbound = """
                {"outbound": {"collaboration": {"users": {"access": "blocked", "targets": ["all"]},
                                                "applications": {"access": "allowed", "targets": ["all"]}}}}
                """;
        Evaluation result = PolicyEvaluator.evaluate(BOB, true, settings(OPEN, 1), settings(outbound, 1));
        assertEquals("deny", result.outcome());
        assertEquals(java.util.List.of("fabrikam outbound collaboration to contoso does not admit "
                + "bob@fabrikam.example (users: blocked all)"), result.reasons());
    }

    @Test
    void missingRuleInADirectionIsBlocked() {
        String noApplications = """
                {"inbound": {"collaboration": {"users": {"access": "allowed", "targets": ["all"]}}}}
                """;
        Evaluation result = PolicyEvaluator.evaluate(BOB, true, settings(noApplications, 1), settings(OPEN, 1));
        assertEquals("deny", result.outcome());
        assertTrue(result.reasons().get(0).startsWith("contoso inbound collaboration from fabrikam has no applications rule"),
                result.reasons().toString());
    }

    @Test
    void sameTenantIsNotCrossTenantCollaboration() {
        Request self = new Request("contoso", "contoso", "contoso-projects", "alice@contoso.example");
        Evaluation result = PolicyEvaluator.evaluate(self, true, settings(OPEN, 1), settings(OPEN, 1));
        assertEquals("deny", result.outcome());
    }

    private static Optional<VersionedSettings> settings(String json, long version) {
        try {
            return Optional.of(new VersionedSettings(PartnerSettingsParser.parse(JSON.readTree(json)), version));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
