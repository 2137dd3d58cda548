package org.crosstenant.invitation.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.crosstenant.invitation.model.InvitationStatus;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * access-withdrawn.v1 (issue #8) is read as strictly as decided.v1: the same limits for its reason lists, the fields
 * this service acts on present and well-formed, else poison naming what is wrong.
 */
class AccessWithdrawalParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PolicyDecisionParser parser = new PolicyDecisionParser(JSON);

    @Test
    void aWellFormedWithdrawalIsRead() {
        ObjectNode node = valid();
        AccessWithdrawal w = parser.parseWithdrawal(node.toString());
        assertEquals(node.path("withdrawalId").asText(), w.withdrawalId().toString());
        assertEquals(InvitationStatus.ACCEPTED, w.previousStatus());
        assertEquals("contoso", w.changedTenant());
        assertEquals(List.of("contoso inbound: bob blocked"), w.reasons());
        assertEquals(List.of("contoso settings blocked it"), w.sharedReasons());
        assertEquals(List.of("contoso settings blocked it"), w.homeReasons());
        node.remove("homeReasons");
        assertNull(parser.parseWithdrawal(node.toString()).homeReasons(), "homeReasons may be absent");
        for (String status : List.of("requested", "pending_approval", "pending_acceptance")) {
            node.put("previousStatus", status);
            assertEquals(status, parser.parseWithdrawal(node.toString()).previousStatus().wire());
        }
        node.put("changedTenant", "fabrikam");
        assertEquals("fabrikam", parser.parseWithdrawal(node.toString()).changedTenant());
    }

    @Test
    void reasonsAtTheirLimitsAreRead() {
        List<String> reasons = Collections.nCopies(PolicyDecisionParser.MAX_REASONS,
                "\u00e9".repeat(PolicyDecisionParser.MAX_REASON_CHARS));
        ObjectNode node = valid();
        for (String list : List.of("reasons", "sharedReasons", "homeReasons")) {
            reasons.forEach(node.putArray(list)::add);
        }
        AccessWithdrawal w = parser.parseWithdrawal(node.toString());
        assertEquals(reasons, w.reasons());
        assertEquals(reasons, w.sharedReasons());
        assertEquals(reasons, w.homeReasons());
    }

    /** Every kind of malformed withdrawal is poison, and the reason says what is wrong. */
    @Test
    void eachMalformedWithdrawalIsPoisonNamingTheFault() {
        Map<String, Consumer<ObjectNode>> spoil = new LinkedHashMap<>();
        spoil.put("lacks withdrawalId", n -> n.remove("withdrawalId"));
        spoil.put("withdrawalId is not a UUID", n -> n.put("withdrawalId", "1-1-1-1-1"));
        spoil.put("lacks invitationId", n -> n.putNull("invitationId"));
        spoil.put("invitationId is not a UUID", n -> n.put("invitationId", "inv-1"));
        spoil.put("lacks resourceTenant", n -> n.remove("resourceTenant"));
        spoil.put("lacks homeTenant", n -> n.put("homeTenant", " "));
        spoil.put("lacks application", n -> n.put("application", 7));
        spoil.put("lacks cause", n -> n.remove("cause"));
        spoil.put("cause must be policy-changed", n -> n.put("cause", "admin-revoked"));
        spoil.put("lacks previousStatus", n -> n.remove("previousStatus"));
        spoil.put("previousStatus must be one of", n -> n.put("previousStatus", "revoked"));
        spoil.put("previousStatus must be one of ", n -> n.put("previousStatus", "ACCEPTED"));
        spoil.put("lacks changedTenant", n -> n.remove("changedTenant"));
        spoil.put("is neither its resourceTenant nor its homeTenant", n -> n.put("changedTenant", "northwind"));
        spoil.put("lacks reasons", n -> n.remove("reasons"));
        spoil.put("lacks sharedReasons", n -> n.putNull("sharedReasons"));
        spoil.put("sharedReasons must be an array", n -> n.put("sharedReasons", "blocked"));
        spoil.put("homeReasons must be strings", n -> n.putArray("homeReasons").add(1));
        spoil.put("33 reasons; the limit is 32", n -> Collections.nCopies(33, "r").forEach(n.putArray("reasons")::add));
        spoil.put("sharedReasons entry", n -> n.putArray("sharedReasons")
                .add("r".repeat(PolicyDecisionParser.MAX_REASON_CHARS + 1)));
        spoil.put("homeReasons entry", n -> n.putArray("homeReasons").add("a\u0000b"));
        spoil.put("reasons entry", n -> n.putArray("reasons").add("a\ud800b"));
        for (Map.Entry<String, Consumer<ObjectNode>> c : spoil.entrySet()) {
            ObjectNode node = valid();
            c.getValue().accept(node);
            PoisonMessageException e = assertThrows(PoisonMessageException.class,
                    () -> parser.parseWithdrawal(node.toString()), c.getKey());
            assertTrue(e.getMessage().contains(c.getKey().strip()), c.getKey() + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("access-withdrawn.v1"), e.getMessage());
        }
        for (String bad : new String[] { null, "", "not json", "[1]", "\"text\"" }) {
            assertThrows(PoisonMessageException.class, () -> parser.parseWithdrawal(bad), String.valueOf(bad));
        }
    }

    static ObjectNode valid() {
        ObjectNode node = JSON.createObjectNode();
        node.put("withdrawalId", UUID.randomUUID().toString());
        node.put("invitationId", UUID.randomUUID().toString());
        node.put("resourceTenant", "contoso");
        node.put("homeTenant", "fabrikam");
        node.put("application", "contoso-projects");
        node.put("inviteeEmail", "bob@fabrikam.example");
        node.put("previousStatus", "accepted");
        node.put("cause", "policy-changed");
        node.put("changedTenant", "contoso");
        node.putArray("reasons").add("contoso inbound: bob blocked");
        node.putArray("sharedReasons").add("contoso settings blocked it");
        node.putArray("homeReasons").add("contoso settings blocked it");
        node.putObject("policyVersions").put("contoso", 4).put("fabrikam", 1);
        node.put("occurredAt", "2026-12-01T09:00:00Z");
        return node;
    }
}
