package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.crosstenant.gateway.model.AccessSettings;
import org.crosstenant.gateway.model.AccessSettings.DomainRule;
import org.crosstenant.gateway.model.AccessSettings.PeopleRule;
import org.crosstenant.gateway.model.Person;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class AccessSettingsReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCompleteConfigurationCompilesEveryMember() throws Exception {
        AccessSettings s = AccessSettingsReader.read(JSON.readTree("""
                {"inbound": {
                   "collaboration": {"usersAndGroups": {"access": "allowed", "targets": [{"user": "bob@fabrikam.example"},
                                       {"subject": "f-carol"}, {"group": "engineering"}]},
                                     "applications": {"access": "blocked", "targets": ["contoso-wiki"]}},
                   "directConnect": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                     "applications": {"access": "allowed", "targets": ["all"]}},
                   "trust": {"mfaAccepted": true, "compliantDeviceAccepted": false}},
                 "outbound": {
                   "collaboration": {"usersAndGroups": {"access": "blocked", "targets": ["all"]},
                                     "applications": {"access": "blocked", "targets": ["all"]}},
                   "directConnect": {"usersAndGroups": {"access": "blocked", "targets": [{"group": "sales"}]},
                                     "applications": {"access": "allowed", "targets": ["all"]}}},
                 "invitations": {"domains": null, "whoMayInvite": "adminsOnly", "approvalRequired": true}}"""));
        PeopleRule in = s.inboundCollaboration().usersAndGroups();
        assertEquals(new PeopleRule(true, false, Set.of("bob@fabrikam.example"), Set.of("f-carol"),
                Set.of("engineering")), in);
        assertEquals(Set.of("contoso-wiki"), s.inboundCollaboration().applications().applications());
        assertTrue(s.mfaAccepted());
        assertFalse(s.compliantDeviceAccepted());
        assertEquals(AccessSettings.Side.BLOCKED, s.outboundCollaboration());
        Person bobInSales = new Person("bob@fabrikam.example", "f-bob", List.of("sales"));
        assertFalse(AccessEvaluator.admits(s.outboundDirectConnect(), bobInSales, "x"));
        assertTrue(AccessEvaluator.admits(s.inboundCollaboration(), bobInSales, "contoso-projects"));
        assertFalse(AccessEvaluator.admits(s.inboundCollaboration(), bobInSales, "contoso-wiki"));
    }

    @Test
    void missingMembersAndNullTakeTheBuiltInDefault() throws Exception {
        assertEquals(AccessSettings.BUILT_IN, AccessSettingsReader.read(null));
        assertEquals(AccessSettings.BUILT_IN, AccessSettingsReader.read(JSON.readTree("null")));
        assertEquals(AccessSettings.BUILT_IN, AccessSettingsReader.read(JSON.readTree("{}")));
        assertEquals(AccessSettings.BUILT_IN, AccessSettingsReader.read(JSON.readTree(
                "{\"inbound\": {\"collaboration\": {}, \"trust\": {}}, \"outbound\": null}")));
    }

    @Test
    void aV1ConfigurationReadsUsersAsEmailTargetsAndLeavesTheRestBlocked() throws Exception {
        AccessSettings s = AccessSettingsReader.readV1(JSON.readTree("""
                {"inbound": {"collaboration": {"users": {"access": "allowed", "targets": ["bob@fabrikam.example"]},
                                               "applications": {"access": "allowed", "targets": ["all"]}}}}"""));
        assertEquals(Set.of("bob@fabrikam.example"), s.inboundCollaboration().usersAndGroups().users());
        assertEquals(AccessSettings.Side.BLOCKED, s.inboundDirectConnect());
        assertEquals(AccessSettings.Side.BLOCKED, s.outboundCollaboration());
        assertFalse(s.mfaAccepted());
    }

    /**
     * Every way a published member can be malformed is refused (the event is dead-lettered) with the member's JSON
     * pointer — never read as something else. Targets must already be canonical: the gateway folds nothing, so a
     * look-alike address (dotless i U+0131, Kelvin sign, upper case, spaces, NUL) can never match differently here
     * than in policy-service.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "[]", "\"x\"",
            "{\"inbound\": []}",
            "{\"inbound\": {\"collaboration\": \"allowed\"}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": []}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"Allowed\", \"targets\": [\"all\"]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"\", \"targets\": [\"all\"]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": true, \"targets\": [\"all\"]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"targets\": [\"all\"]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\"}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": []}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": \"all\"}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [\"all\", {\"group\": \"g\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [\"ALL\"]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"user\": \"a@b.cd\", \"group\": \"g\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"role\": \"admin\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"user\": \"Bob@fabrikam.example\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"user\": \"carol@fabr\\u0131kam.example\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"user\": \"\\u212aate@fabrikam.example\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"user\": \" bob@fabrikam.example\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"user\": \"a\\u0000@b.cd\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"user\": \"no-at-sign\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"user\": 7}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"group\": \"\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"group\": \"g\\u0000\"}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"group\": [\"g\"]}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"allowed\", \"targets\": [{\"subject\": null}]}}}}",
            "{\"inbound\": {\"collaboration\": {\"applications\": {\"access\": \"allowed\", \"targets\": [\"Contoso-Wiki\"]}}}}",
            "{\"inbound\": {\"collaboration\": {\"applications\": {\"access\": \"allowed\", \"targets\": [\"x\"]}}}}",
            "{\"inbound\": {\"collaboration\": {\"applications\": {\"access\": \"allowed\", \"targets\": [\"-wiki\"]}}}}",
            "{\"inbound\": {\"collaboration\": {\"applications\": {\"access\": \"allowed\", \"targets\": [42]}}}}",
            "{\"inbound\": {\"trust\": {\"mfaAccepted\": \"true\"}}}",
            "{\"inbound\": {\"trust\": {\"compliantDeviceAccepted\": 1}}}",
            "{\"inbound\": {\"trust\": true}}",
            "{\"invitations\": []}",
            "{\"invitations\": {\"domains\": \"fabrikam.example\"}}",
            "{\"invitations\": {\"domains\": {\"access\": \"Blocked\", \"targets\": [\"fabrikam.example\"]}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": []}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\"}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"all\", \"fabrikam.example\"]}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"fabr\\u0131kam.example\"]}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"fabri\\u212aam.example\"]}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"example\"]}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"fabrikam.example.\"]}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"-fabrikam.example\"]}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"\\u00a0fabrikam.example\"]}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"bob@fabrikam.example\"]}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"*.fabrikam.example\"]}}}",
            "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [42]}}}"
    })
    void malformedMembersAreRefusedByPointer(String configuration) throws Exception {
        JsonNode node = JSON.readTree(configuration);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessSettingsReader.read(node));
        assertFalse(e.getMessage().isBlank());
    }

    /**
     * {@code invitations.domains} (issue #8: it holds for guests at access time too): null or absent = no restriction,
     * allowed ["all"] = none either (policy-service's effective form of it is null), blocked ["all"] = no domain, else
     * exact canonical domains (ASCII capitals of a configuration stored before the canonical rule are folded,
     * nothing else). {@code whoMayInvite} and {@code approvalRequired} are not the gateway's concern.
     */
    @Test
    void theInvitationDomainListIsReadForGuests() throws Exception {
        assertNull(AccessSettingsReader.read(JSON.readTree("{}")).invitationDomains());
        assertNull(AccessSettingsReader.read(JSON.readTree(
                "{\"invitations\": {\"domains\": null, \"whoMayInvite\": \"none\"}}")).invitationDomains());
        assertNull(AccessSettingsReader.read(JSON.readTree(
                "{\"invitations\": {\"domains\": {\"access\": \"allowed\", \"targets\": [\"all\"]}}}"))
                .invitationDomains());
        DomainRule none = AccessSettingsReader.read(JSON.readTree(
                "{\"invitations\": {\"domains\": {\"access\": \"blocked\", \"targets\": [\"all\"]}}}"))
                .invitationDomains();
        assertFalse(none.admits("fabrikam.example"));
        DomainRule deny = AccessSettingsReader.read(JSON.readTree("""
                {"invitations": {"domains": {"access": "blocked", "targets": ["globex.example", "Xn--Bcher-Kva.Example"]},
                                 "whoMayInvite": "adminsOnly", "approvalRequired": true}}""")).invitationDomains();
        assertEquals(new DomainRule(false, false, Set.of("globex.example", "xn--bcher-kva.example")), deny);
        assertTrue(deny.admits("fabrikam.example"));
        assertFalse(deny.admits("globex.example"));
        assertFalse(deny.admits("xn--bcher-kva.example"));
        assertTrue(deny.admits("sub.globex.example"), "exact domains: no subdomain wildcard");
        assertFalse(deny.admits(null), "an unknown address passes no deny list");
        DomainRule allow = AccessSettingsReader.read(JSON.readTree(
                "{\"invitations\": {\"domains\": {\"access\": \"allowed\", \"targets\": [\"fabrikam.example\"]}}}"))
                .invitationDomains();
        assertTrue(allow.admits("fabrikam.example"));
        assertFalse(allow.admits("globex.example"));
        assertFalse(allow.admits(null));
    }

    @Test
    void theReasonNamesTheMemberByJsonPointer() throws Exception {
        JsonNode node = JSON.readTree("""
                {"inbound": {"directConnect": {"usersAndGroups": {"access": "allowed",
                  "targets": [{"group": "a"}, {"group": "b"}, {"user": "NOT@canonical.example"}]}}}}""");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessSettingsReader.read(node));
        assertTrue(e.getMessage().startsWith("/inbound/directConnect/usersAndGroups/targets/2/user"), e.getMessage());
    }

    @Test
    void aListOverTheLimitIsRefused() throws Exception {
        StringBuilder targets = new StringBuilder();
        for (int i = 0; i <= AccessSettingsReader.MAX_TARGETS; i++) {
            targets.append(i == 0 ? "" : ",").append("{\"group\": \"g").append(i).append("\"}");
        }
        JsonNode node = JSON.readTree("{\"outbound\": {\"collaboration\": {\"usersAndGroups\": {\"access\": \"blocked\","
                + " \"targets\": [" + targets + "]}}}}");
        assertThrows(IllegalArgumentException.class, () -> AccessSettingsReader.read(node));
    }
}
