package org.crosstenant.invitation.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** decided.v1 reasons are stored and republished: beyond their limits a decision is poison, never a database error. */
class PolicyDecisionParserLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PolicyDecisionParser parser = new PolicyDecisionParser(JSON);

    @Test
    void reasonsAtTheirLimitsAreRead() {
        List<String> reasons = Collections.nCopies(PolicyDecisionParser.MAX_REASONS,
                "\u00e9".repeat(PolicyDecisionParser.MAX_REASON_CHARS));
        assertEquals(reasons, parser.parse(payload(reasons)).reasons());
    }

    @Test
    void oneReasonTooManyIsPoison() {
        List<String> reasons = Collections.nCopies(PolicyDecisionParser.MAX_REASONS + 1, "r");
        PoisonMessageException e = assertThrows(PoisonMessageException.class, () -> parser.parse(payload(reasons)));
        assertTrue(e.getMessage().contains("33 reasons; the limit is 32"), e.getMessage());
    }

    @Test
    void aReasonTooLongOrUnstorableIsPoison() {
        for (String bad : List.of("r".repeat(PolicyDecisionParser.MAX_REASON_CHARS + 1), "a\u0000b", "a\ud800b", " ")) {
            assertThrows(PoisonMessageException.class, () -> parser.parse(payload(List.of(bad))), bad);
        }
    }

    private static String payload(List<String> reasons) {
        ObjectNode node = JSON.createObjectNode();
        node.put("decisionId", UUID.randomUUID().toString());
        node.put("invitationId", UUID.randomUUID().toString());
        node.put("resourceTenant", "contoso");
        node.put("homeTenant", "fabrikam");
        node.put("application", "contoso-projects");
        node.put("outcome", "deny");
        reasons.forEach(node.putArray("reasons")::add);
        return node.toString();
    }
}
