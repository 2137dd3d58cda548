package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.crosstenant.policy.service.AccessEvaluator.Evaluation;
import org.crosstenant.policy.service.AccessEvaluator.Grant;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Re-evaluating an active grant (issue #8, {@link AccessEvaluator#explainGrant}): email and home subject are known,
 * groups are not (so a rule only a group could decide never ends a grant), who may invite and the registration are
 * never checked, the resource tenant's domain list is.
 */
class GrantEvaluationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Grant BOB = new Grant("contoso", "fabrikam", "projects", "bob@fabrikam.example",
            "fabrikam.example", "sub-bob");
    private static final String OPEN_OUT = """
            {"outbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                            "applications": {"access": "allowed", "targets": ["all"]}}}}""";

    private static CompiledSettings inbound(String users, String invitations) throws Exception {
        return CompiledSettings.compile(AccessSettingsParser.parse(JSON.readTree("{\"inbound\": {\"collaboration\": "
                + "{\"usersAndGroups\": " + users + ", \"applications\": {\"access\": \"allowed\", \"targets\": "
                + "[\"projects\"]}}}" + (invitations == null ? "" : ", \"invitations\": " + invitations) + "}")),
                AccessSettingsParser.parse(JSON.readTree("{}")), 0, 1);
    }

    private static CompiledSettings open() throws Exception {
        return CompiledSettings.compile(AccessSettingsParser.parse(JSON.readTree(OPEN_OUT)),
                AccessSettingsParser.parse(JSON.readTree("{}")), 0, 1);
    }

    private static Evaluation grant(String users, String invitations) throws Exception {
        return AccessEvaluator.explainGrant(BOB, inbound(users, invitations), open());
    }

    @Test
    void rulesOnlyAGroupCouldDecideNeverEndAGrant() throws Exception {
        assertEquals("allow", grant("{\"access\": \"allowed\", \"targets\": [{\"group\": \"engineering\"}]}", null)
                .outcome());
        assertEquals("allow", grant("{\"access\": \"blocked\", \"targets\": [{\"group\": \"contractors\"}]}", null)
                .outcome());
        // but a listed subject or email decides: not in an allowed list of people (and no group to hope for)
        assertEquals("deny", grant("{\"access\": \"allowed\", \"targets\": [{\"subject\": \"sub-alice\"}]}", null)
                .outcome());
        assertEquals("allow", grant("{\"access\": \"allowed\", \"targets\": [{\"subject\": \"sub-bob\"}]}", null)
                .outcome());
    }

    @Test
    void aBlockedSubjectOrEmailEndsTheGrantWithTheDecisionsWording() throws Exception {
        Evaluation bySubject = grant("{\"access\": \"blocked\", \"targets\": [{\"subject\": \"sub-bob\"}]}", null);
        assertEquals("deny", bySubject.outcome());
        assertEquals(List.of("contoso inbound collaboration from fabrikam does not admit bob@fabrikam.example "
                + "(/inbound/collaboration/usersAndGroups: blocked list, partner)"), bySubject.reasons());
        assertEquals(List.of("contoso settings blocked it"), bySubject.sharedReasons());
        assertEquals(List.of("contoso settings blocked it"), bySubject.homeReasons());
        assertEquals("deny", grant("{\"access\": \"blocked\", \"targets\": [{\"user\": \"bob@fabrikam.example\"}]}",
                null).outcome());
    }

    @Test
    void whoMayInviteNeverEndsAGrantButTheDomainListDoes() throws Exception {
        String all = "{\"access\": \"allowed\", \"targets\": [\"all\"]}";
        assertEquals("allow", grant(all, "{\"whoMayInvite\": \"none\"}").outcome());
        Evaluation domain = grant(all, "{\"domains\": {\"access\": \"blocked\", \"targets\": [\"fabrikam.example\"]}}");
        assertEquals("deny", domain.outcome());
        assertEquals(List.of("domain fabrikam.example is not allowed by contoso's invitation rules "
                + "(/invitations/domains: blocked list, partner)"), domain.reasons());
        assertEquals(false, domain.approvalRequired());
    }

    @Test
    void theHomeSidesOutboundRuleIsNamedOnlyToTheHomeTenant() throws Exception {
        CompiledSettings home = CompiledSettings.compile(AccessSettingsParser.parse(JSON.readTree("""
                {"outbound": {"collaboration": {"usersAndGroups": {"access": "blocked",
                                                                   "targets": [{"subject": "sub-bob"}]},
                                                "applications": {"access": "allowed", "targets": ["all"]}}}}""")),
                AccessSettingsParser.parse(JSON.readTree("{}")), 0, 3);
        Evaluation result = AccessEvaluator.explainGrant(BOB, inbound("{\"access\": \"allowed\", \"targets\": "
                + "[\"all\"]}", null), home);
        assertEquals(List.of("fabrikam outbound settings blocked it"), result.reasons());
        assertEquals(List.of("fabrikam outbound collaboration to contoso does not admit bob@fabrikam.example "
                + "(/outbound/collaboration/usersAndGroups: blocked list, partner)"), result.homeReasons());
    }
}
