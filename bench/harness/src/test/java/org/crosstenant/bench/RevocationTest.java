package org.crosstenant.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class RevocationTest {

    private static final String REVOKED = RevocationEvents.REVOKED_TYPE;

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheAllowedApplicationsAndChangesOnlyThatRule() {
        JsonNode settings = Api.read("""
                {"inbound":{"collaboration":{"usersAndGroups":{"access":"allowed","targets":["all"]},
                "applications":{"access":"allowed","targets":["contoso-projects","bench-static"]}},
                "trust":{"mfaAccepted":true}},"invitations":{"approvalRequired":false}}""");
        assertEquals(List.of("contoso-projects", "bench-static"), RevocationSettings.allowedApplications(settings));

        ObjectNode changed = RevocationSettings.withAllowedApplications(settings, List.of("bench-static", "bench-rev-x-1-001"));
        assertEquals(Api.read("""
                {"inbound":{"collaboration":{"usersAndGroups":{"access":"allowed","targets":["all"]},
                "applications":{"access":"allowed","targets":["bench-static","bench-rev-x-1-001"]}},
                "trust":{"mfaAccepted":true}},"invitations":{"approvalRequired":false}}"""), changed);
        // the document read is left as it was (it is restored at the end of a round)
        assertEquals(List.of("contoso-projects", "bench-static"), RevocationSettings.allowedApplications(settings));
    }

    @Test
    void addsTheRuleToSettingsWithoutOne() {
        ObjectNode changed = RevocationSettings.withAllowedApplications(Api.read("{\"outbound\":{}}"), List.of("a1"));
        assertEquals(List.of("a1"), RevocationSettings.allowedApplications(changed));
        assertTrue(changed.has("outbound"));
        assertThrows(IllegalArgumentException.class,
                () -> RevocationSettings.withAllowedApplications(Api.read("{}"), List.of()));
    }

    @Test
    void refusesARuleFromWhichRemovingOneEntryWouldNotEndExactlyOneGrant() {
        for (String rule : List.of("{\"access\":\"blocked\",\"targets\":[\"x1\"]}",
                "{\"access\":\"allowed\",\"targets\":[\"all\"]}", "{\"access\":\"allowed\"}", "null")) {
            JsonNode settings = Api.read("{\"inbound\":{\"collaboration\":{\"applications\":" + rule + "}}}");
            assertThrows(IllegalStateException.class, () -> RevocationSettings.allowedApplications(settings), rule);
        }
        assertThrows(IllegalStateException.class, () -> RevocationSettings.allowedApplications(Api.read("{}")));
    }

    @Test
    void classifiesEachGrantByItsFirstRevocation() {
        RevocationEvents events = new RevocationEvents(Set.of("g1", "g2", "g3", "g4", "g5"));
        events.record("g1", REVOKED, json("{\"invitationId\":\"g1\",\"reason\":\"policy-changed\"}"), 10);
        events.record("g1", REVOKED, json("{\"invitationId\":\"g1\",\"reason\":\"policy-changed\"}"), 11);
        events.record("g2", REVOKED, json("{\"invitationId\":\"g2\",\"reason\":\"policy-changed\"}"), 12);
        events.record("g3", REVOKED, json("{\"invitationId\":\"g3\"}"), 13);
        events.record("g4", REVOKED, json("{\"reason\":\"something-else\"}"), 14);
        // not a grant of the round, not a revocation, no key: ignored
        events.record("other", REVOKED, json("{\"reason\":\"policy-changed\"}"), 15);
        events.record("g5", "org.crosstenant.invitation.redeemed.v1", json("{}"), 16);
        events.record(null, REVOKED, json("{}"), 17);
        events.record("g5", null, json("{}"), 18);

        RevocationEvents.Tally tally = events.tally();
        assertEquals(new RevocationEvents.Tally(5, 4, 2, 1, 1, 1), tally);
        assertEquals(1, tally.notRevoked());
        assertTrue(tally.reasonAvailable());
        assertEquals(14, events.lastRevokedAt());
    }

    @Test
    void aReasonThatIsNeverPresentIsNotYetAvailable() {
        RevocationEvents events = new RevocationEvents(Set.of("g1", "g2"));
        assertFalse(events.tally().reasonAvailable());
        assertEquals(-1, events.lastRevokedAt());
        events.record("g1", REVOKED, json("{\"invitationId\":\"g1\",\"reason\":null}"), 1);
        RevocationEvents.Tally tally = events.tally();
        assertEquals(1, tally.withoutReason());
        assertFalse(tally.reasonAvailable());
    }

    @Test
    void anUnreadablePayloadCountsAsAnotherReason() {
        RevocationEvents events = new RevocationEvents(Set.of("g1", "g2", "g3"));
        events.record("g1", REVOKED, json("not json"), 1);
        events.record("g2", REVOKED, json("[1]"), 2);
        events.record("g3", REVOKED, null, 3);
        assertEquals(new RevocationEvents.Tally(3, 3, 0, 3, 0, 0), events.tally());
    }

    @Test
    void tallySumsOverRounds() {
        assertEquals(new RevocationEvents.Tally(400, 390, 380, 4, 6, 2), RevocationEvents.Tally.sum(List.of(
                new RevocationEvents.Tally(200, 200, 199, 1, 0, 2), new RevocationEvents.Tally(200, 190, 181, 3, 6, 0))));
    }

    @Test
    void enforcedHeaderCategories() {
        assertEquals("absent", Revocation.enforcedCategory(Optional.empty()));
        assertEquals("true", Revocation.enforcedCategory(Optional.of("true")));
        assertEquals("true", Revocation.enforcedCategory(Optional.of(" TRUE ")));
        assertEquals("false", Revocation.enforcedCategory(Optional.of("false")));
        assertEquals("other", Revocation.enforcedCategory(Optional.of("1")));
        assertEquals("3 / 1 / 0", Bench.enforced(Map.of("true", 3L, "false", 1L)));
        assertEquals("0 / 0 / 200 (other value: 2)", Bench.enforced(Map.of("absent", 200L, "other", 2L)));
    }

    @Test
    void verdictAgainstTheTargets() {
        assertEquals("met", Revocation.verdict(100, 1000));
        assertEquals("missed", Revocation.verdict(100.1, 900));
        assertEquals("missed", Revocation.verdict(40, 1000.5));
        assertEquals("not measured", Revocation.verdict(Double.NaN, 10));
    }

    @Test
    void revocationOptions() {
        assertEquals(200, Options.parse(new String[0]).revocationGrants());
        assertEquals(20, Options.parse(new String[] {"--quick"}).revocationGrants());
        Options set = Options.parse(new String[] {"--revocation-grants", "250", "--skip", "saga,revocation"});
        assertEquals(250, set.revocationGrants());
        assertFalse(set.runs("revocation"));
        assertTrue(Options.parse(new String[0]).runs("revocation"));
        for (String bad : List.of("0", "491", "many", "")) {
            assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--revocation-grants", bad}), bad);
        }
    }
}
