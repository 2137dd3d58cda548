package org.crosstenant.invitation.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.crosstenant.invitation.model.Caller;
import org.crosstenant.invitation.model.InvitationRules;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The v2 reader and the rules it yields, without a broker: what is read, what is poison, what each rule answers. */
class AccessSettingsParserTest {

    private final AccessSettingsParser parser = new AccessSettingsParser(new ObjectMapper());

    private static String event(String partner, String invitations) {
        return "{\"tenant\":\"contoso\",\"partner\":" + (partner == null ? "null" : "\"" + partner + "\"")
                + ",\"version\":4,\"defaultVersion\":2,\"deleted\":false,\"settings\":{},\"effective\":{\"invitations\":"
                + invitations + "},\"extra\":[1,2]}";
    }

    @Test
    void readsThePairAndCanonicalisesDomains() {
        AccessSettingsParser.Change c = parser.parse("contoso/partners/fabrikam", event("fabrikam",
                "{\"domains\":{\"access\":\"blocked\",\"targets\":[\" Fabrikam.EXAMPLE\",\"fabrikam.example\"]},"
                        + "\"whoMayInvite\":\"adminsOnly\",\"approvalRequired\":true}"));
        assertEquals("fabrikam", c.partner());
        assertEquals(4, c.version());
        assertEquals(2, c.defaultVersion());
        assertEquals(new InvitationRules("adminsOnly", "blocked", Set.of("fabrikam.example")), c.rules());
        AccessSettingsParser.Change d = parser.parse("contoso/default",
                event(null, "{\"domains\":null,\"whoMayInvite\":\"none\"}"));
        assertNull(d.partner());
        assertNull(d.rules().domainsAccess());
        AccessSettingsParser.Change deleted = parser.parse("contoso/default", "{\"tenant\":\"contoso\",\"partner\":null,"
                + "\"version\":5,\"defaultVersion\":5,\"deleted\":true,\"settings\":null,\"effective\":null}");
        assertTrue(deleted.deleted());
        assertNull(deleted.rules());
    }

    @Test
    void everyUnreadableShapeIsPoison() {
        String who = "\"whoMayInvite\":\"adminsOnly\"";
        String[][] cases = {
            { "contoso/default", null }, { "contoso/default", " " }, { "contoso/default", "nope" },
            { "contoso/default", "42" }, { "contoso/default", "[]" },
            { "contoso/partners/fabrikam", event(null, "{" + who + "}") },
            { "contoso/default", event("fabrikam", "{" + who + "}") },
            { "contoso/default", event(null, "{}") },
            { "contoso/default", event(null, "{\"whoMayInvite\":\"AdminsOnly\"}") },
            { "contoso/default", event(null, "{\"whoMayInvite\":1}") },
            { "contoso/default", event(null, "{" + who + ",\"domains\":[]}") },
            { "contoso/default", event(null, "{" + who + ",\"domains\":{\"access\":\"allowed\"}}") },
            { "contoso/default", event(null, "{" + who + ",\"domains\":{\"access\":true,\"targets\":[]}}") },
            { "contoso/default", event(null, "{" + who + ",\"domains\":{\"access\":\"allowed\",\"targets\":[1]}}") },
            { "contoso/default", event(null, "{" + who
                    + ",\"domains\":{\"access\":\"allowed\",\"targets\":[\"b\u00fccher.example\"]}}") },
            { "contoso/default", event(null, "{" + who
                    + ",\"domains\":{\"access\":\"allowed\",\"targets\":[\"a@b.example\"]}}") },
            { "contoso/default", event(null, "{" + who
                    + ",\"domains\":{\"access\":\"allowed\",\"targets\":[\"example\"]}}") },
            { "contoso/default", event(null, "{" + who
                    + ",\"domains\":{\"access\":\"allowed\",\"targets\":[\"x\\u0000.example\"]}}") },
            { "contoso/default", event(null, "{" + who + "}").replace("\"version\":4", "\"version\":4.5") },
            { "contoso/default", event(null, "{" + who + "}").replace("\"version\":4", "\"version\":\"4\"") },
            { "contoso/default", event(null, "{" + who + "}").replace("\"deleted\":false", "\"deleted\":\"no\"") },
            { "Contoso/default", event(null, "{" + who + "}").replace("\"contoso\"", "\"Contoso\"") },
        };
        for (String[] c : cases) {
            assertThrows(PoisonMessageException.class, () -> parser.parse(c[0], c[1]), c[0] + " " + c[1]);
        }
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= AccessSettingsParser.MAX_DOMAINS; i++) {
            many.append(i == 0 ? "" : ",").append("\"d").append(i).append(".example\"");
        }
        String tooMany = event(null, "{" + who + ",\"domains\":{\"access\":\"blocked\",\"targets\":" + many + "]}}");
        assertThrows(PoisonMessageException.class, () -> parser.parse("contoso/default", tooMany));
    }

    @Test
    void rulesAnswerByRoleAndExactDomain() {
        InvitationRules deny = new InvitationRules("adminsOnly", "blocked", Set.of("fabrikam.example"));
        assertNull(deny.filerViolation("contoso", Caller.ADMIN));
        assertTrue(deny.filerViolation("contoso", Caller.PARTNER).contains("adminsOnly"));
        assertTrue(deny.domainViolation("contoso", "bob@fabrikam.example").contains("deny list"));
        assertNull(deny.domainViolation("contoso", "bob@eu.fabrikam.example"), "no subdomain wildcard");
        InvitationRules allow = new InvitationRules("none", "allowed", Set.of("fabrikam.example"));
        assertTrue(allow.filerViolation("contoso", Caller.ADMIN).contains("none"));
        assertNull(allow.domainViolation("contoso", "bob@fabrikam.example"));
        assertTrue(allow.domainViolation("contoso", "bob@eu.fabrikam.example").contains("allow list"));
        assertNull(InvitationRules.BUILT_IN.filerViolation("contoso", Caller.PARTNER));
        assertNull(InvitationRules.BUILT_IN.domainViolation("contoso", "x@anything.example"));
    }
}
