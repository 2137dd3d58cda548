package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.crosstenant.gateway.model.AccessDecision;
import org.crosstenant.gateway.model.AccessEvent;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.crosstenant.gateway.model.GuestGrant;
import org.crosstenant.gateway.repository.LocalView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue #7: a refusal tells the home side only that the resource tenant blocked, never which of its rules. For every
 * kind of refusal of a non-member (fabrikam's bob at contoso's application) the reason — the 401 detail and the
 * {@code gateway.access} event's reason, which both tenants' security teams read — names no setting of contoso's,
 * and the event carries exactly that text. fabrikam's own outbound rule may be named.
 */
class RefusalReasonsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALL = """
            {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
             "applications": {"access": "allowed", "targets": ["all"]}}""";
    /** Words and names of the resource side's settings a non-member must never read (compared in lower case). */
    private static final List<String> RESOURCE_SIDE = List.of("inbound", "directconnect", "direct connect",
            "collaboration", "mfaaccepted", "does not accept", "trust", "target", "usersandgroups", "applications",
            "engineering", "group", "bob@fabrikam.example", "contoso's", "settings for", "allowed", "blocked", "domain",
            "invitation", "globex.example", "fabrikam.example");

    /** A scenario: contoso's settings for fabrikam, fabrikam's outbound, whether bob holds a grant, his token. */
    record Scenario(String contosoInbound, String fabrikamOutbound, boolean grant, boolean mfaToken,
            boolean requireMfa) {
    }

    static Stream<Arguments> refusals() {
        String blockEngineering = """
                {"usersAndGroups": {"access": "blocked", "targets": [{"group": "engineering"}]},
                 "applications": {"access": "allowed", "targets": ["all"]}}""";
        String otherAppOnly = """
                {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                 "applications": {"access": "allowed", "targets": ["wiki"]}}""";
        String blockBob = """
                {"usersAndGroups": {"access": "blocked", "targets": [{"user": "bob@fabrikam.example"}]},
                 "applications": {"access": "allowed", "targets": ["all"]}}""";
        String dcOut = "{\"outbound\": {\"directConnect\": " + ALL + "}}";
        String collabOut = "{\"outbound\": {\"collaboration\": " + ALL + "}}";
        return Stream.of(
                Arguments.of("built-in default: direct connect blocked", new Scenario(null, dcOut, false, false, false)),
                Arguments.of("inbound direct connect blocks bob's group",
                        new Scenario("{\"inbound\": {\"directConnect\": " + blockEngineering + "}}", dcOut, false,
                                false, false)),
                Arguments.of("inbound direct connect blocks bob by email",
                        new Scenario("{\"inbound\": {\"directConnect\": " + blockBob + "}}", dcOut, false, false,
                                false)),
                Arguments.of("inbound direct connect admits another application only",
                        new Scenario("{\"inbound\": {\"directConnect\": " + otherAppOnly + "}}", dcOut, false, false,
                                false)),
                Arguments.of("grant, inbound collaboration blocks bob's group",
                        new Scenario("{\"inbound\": {\"collaboration\": " + blockEngineering + "}}", collabOut, true,
                                false, false)),
                Arguments.of("grant, inbound collaboration admits another application only",
                        new Scenario("{\"inbound\": {\"collaboration\": " + otherAppOnly + "}}", collabOut, true,
                                false, false)),
                Arguments.of("MFA required, trust off, token with MFA",
                        new Scenario("{\"inbound\": {\"directConnect\": " + ALL + "}}", dcOut, false, true, true)),
                Arguments.of("MFA required, trust off, token without MFA",
                        new Scenario("{\"inbound\": {\"directConnect\": " + ALL + "}}", dcOut, false, false, true)),
                Arguments.of("MFA required, trust on, token without MFA",
                        new Scenario("{\"inbound\": {\"directConnect\": " + ALL
                                + ", \"trust\": {\"mfaAccepted\": true, \"compliantDeviceAccepted\": true}}}", dcOut,
                                false, false, true)),
                Arguments.of("home outbound blocks (fabrikam's own rule)",
                        new Scenario("{\"inbound\": {\"directConnect\": " + ALL + "}}", null, false, false, false)),
                Arguments.of("grant, home outbound blocks (fabrikam's own rule)",
                        new Scenario("{\"inbound\": {\"collaboration\": " + ALL + "}}", null, true, false, false)),
                Arguments.of("grant, invitation domain deny list covers bob's domain",
                        new Scenario("{\"inbound\": {\"collaboration\": " + ALL + "}, \"invitations\": {\"domains\": "
                                + "{\"access\": \"blocked\", \"targets\": [\"fabrikam.example\"]}}}", collabOut, true,
                                false, false)),
                Arguments.of("grant, invitation domain allow list without bob's domain",
                        new Scenario("{\"inbound\": {\"collaboration\": " + ALL + "}, \"invitations\": {\"domains\": "
                                + "{\"access\": \"allowed\", \"targets\": [\"globex.example\"]}}}", collabOut, true,
                                false, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void noNonMemberRefusalNamesAResourceSideSetting(String name, Scenario scenario) throws Exception {
        LocalView view = new LocalView();
        if (scenario.contosoInbound() != null) {
            view.putSettings("contoso", "fabrikam", AccessSettingsReader.read(JSON.readTree(scenario.contosoInbound())));
        }
        if (scenario.fabrikamOutbound() != null) {
            view.putSettings("fabrikam", "contoso",
                    AccessSettingsReader.read(JSON.readTree(scenario.fabrikamOutbound())));
        }
        if (scenario.grant()) {
            view.putGrant(new GuestGrant("inv-1", "contoso", "projects", "fabrikam", "https://idp/fabrikam", "f-bob",
                    null, Instant.now().plusSeconds(3600), "bob@fabrikam.example"));
        }
        FederatedIdentity bob = new FederatedIdentity("fabrikam", "https://idp/fabrikam", "f-bob",
                "bob@fabrikam.example", List.of(), "s-1", null, List.of("engineering"),
                scenario.mfaToken() ? "mfa" : "password", List.of(), false);
        AccessDecision decision = AccessPolicy.forTests(view, Map.of("fabrikam", List.of("mfa")))
                .decide(bob, "contoso", "projects", scenario.requireMfa());

        assertFalse(decision.allowed(), name);
        String reason = decision.reason();
        // the home tenant's own rule may be named: only the rest is searched
        String lower = reason.toLowerCase(Locale.ROOT).replace("fabrikam outbound settings blocked it", "");
        for (String word : RESOURCE_SIDE) {
            assertFalse(lower.contains(word), "'" + reason + "' names '" + word + "'");
        }
        if (scenario.requireMfa()) {
            assertTrue(decision.isStepUp(), reason);
            assertEquals("projects requires MFA that contoso accepts", reason, "one text for every MFA refusal");
            assertEquals("mfa", decision.stepUpAcr(), "the RFC 9470 challenge still asks for fabrikam's MFA");
        } else if (scenario.fabrikamOutbound() == null) {
            assertTrue(reason.contains("fabrikam outbound settings blocked it"), reason);
        } else {
            assertEquals("contoso refused access to projects", reason, "only that contoso refused");
        }

        // the gateway.access event both security teams read carries that text and no other
        List<AccessEvent> events = new ArrayList<>();
        AccessAuditor auditor = new AccessAuditor(Duration.ofSeconds(60), 5, 50, Set.of("contoso", "fabrikam")::contains,
                100, events::add, Clock.systemUTC(), new AccessAuditor.Counters() {
                    @Override
                    public void suppressed() {
                    }

                    @Override
                    public void dropped(long requests) {
                    }
                });
        auditor.record(bob, "contoso", "projects", decision, "GET", "/apps/contoso/projects/x");
        assertEquals(1, events.size());
        assertEquals(reason, events.get(0).payload().get("reason"));
    }
    /**
     * The home side can send requests at will and change its own rule: while its own outbound rule blocks, the reason
     * must read the same whether contoso's inbound rule admits bob or not (else each probe reads one bit of contoso's
     * settings), with a grant (collaboration) and without (direct connect).
     */
    @ParameterizedTest(name = "grant {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void whileTheHomeRuleBlocksTheReasonSaysNothingOfTheResourceRule(boolean grant) throws Exception {
        String mode = grant ? "collaboration" : "directConnect";
        String blockAll = """
                {"usersAndGroups": {"access": "blocked", "targets": ["all"]},
                 "applications": {"access": "allowed", "targets": ["all"]}}""";
        List<String> reasons = new ArrayList<>();
        for (String contosoRule : List.of(ALL, blockAll)) {
            LocalView view = new LocalView();
            view.putSettings("contoso", "fabrikam", AccessSettingsReader.read(
                    JSON.readTree("{\"inbound\": {\"" + mode + "\": " + contosoRule + "}}")));
            view.putSettings("fabrikam", "contoso", AccessSettingsReader.read(
                    JSON.readTree("{\"outbound\": {\"" + mode + "\": " + blockAll + "}}")));
            if (grant) {
                view.putGrant(new GuestGrant("inv-1", "contoso", "projects", "fabrikam", "https://idp/fabrikam",
                        "f-bob", null, Instant.now().plusSeconds(3600), "bob@fabrikam.example"));
            }
            FederatedIdentity bob = new FederatedIdentity("fabrikam", "https://idp/fabrikam", "f-bob",
                    "bob@fabrikam.example", List.of(), "s-1", null, List.of("engineering"), "password", List.of(),
                    false);
            AccessDecision decision = AccessPolicy.forTests(view, Map.of("fabrikam", List.of("mfa")))
                    .decide(bob, "contoso", "projects", false);
            assertFalse(decision.allowed());
            reasons.add(decision.reason());
        }
        assertEquals(reasons.get(0), reasons.get(1), "contoso admitting or refusing must not change the reason");
        assertTrue(reasons.get(0).contains("fabrikam outbound settings blocked it"), reasons.get(0));
    }
}
