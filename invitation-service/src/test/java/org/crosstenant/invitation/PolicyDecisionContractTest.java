package org.crosstenant.invitation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.crosstenant.invitation.messaging.PoisonMessageException;
import org.crosstenant.invitation.messaging.PolicyDecision;
import org.crosstenant.invitation.messaging.PolicyDecisionParser;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Consumer side of the decided.v1 contract: the producer's example must parse with this service's own parser, so a
 * policy-service change that breaks this consumer fails this build.
 */
class PolicyDecisionContractTest {

    static final Path PRODUCER_EXAMPLE =
            Path.of("../policy-service/src/main/resources/events/org.crosstenant.policy.decided.v1.json");

    private final ObjectMapper json = new ObjectMapper();
    private final PolicyDecisionParser parser = new PolicyDecisionParser(json);

    @Test
    void producerExampleParses() throws Exception {
        assertTrue(Files.exists(PRODUCER_EXAMPLE), "policy-service must publish its decided.v1 example at "
                + PRODUCER_EXAMPLE);
        String example = Files.readString(PRODUCER_EXAMPLE);
        PolicyDecision decision = parser.parse(example);
        var raw = json.readTree(example);
        assertEquals(raw.path("decisionId").asText(), decision.decisionId().toString());
        assertEquals(raw.path("invitationId").asText(), decision.invitationId().toString());
        assertEquals(raw.path("resourceTenant").asText(), decision.resourceTenant());
        assertEquals(raw.path("homeTenant").asText(), decision.homeTenant());
        assertEquals(raw.path("application").asText(), decision.application());
        assertEquals("allow".equals(raw.path("outcome").asText()), decision.allowed());
        assertEquals(raw.path("reasons").size(), decision.reasons().size());
        assertNotNull(decision.inviteeEmail());
    }

    /** The field list in docs/topics.md (the written contract) carries everything the parser needs. */
    @Test
    void documentedFieldsParse() throws Exception {
        String topics = Files.readString(Path.of("../docs/topics.md"));
        Matcher line = Pattern.compile("`decided\\.v1`: `\\{(.*?)\\}`", Pattern.DOTALL).matcher(topics);
        assertTrue(line.find(), "docs/topics.md documents decided.v1");
        ObjectNode sample = json.createObjectNode();
        Matcher field = Pattern.compile("\"(\\w+)\"").matcher(line.group(1));
        while (field.find()) {
            String name = field.group(1);
            switch (name) {
                case "decisionId", "invitationId" -> sample.put(name, java.util.UUID.randomUUID().toString());
                case "outcome" -> sample.put(name, "deny");
                case "reasons" -> sample.putArray(name).add("contoso inbound: blocked");
                case "sharedReasons" -> sample.putArray(name).add("contoso settings blocked it");
                case "homeReasons" -> sample.putArray(name).add("contoso settings blocked it");
                case "policyVersions" -> sample.putObject(name).put("contoso", 3);
                case "inviteeEmail" -> sample.put(name, "bob@fabrikam.example");
                case "approvalRequired" -> sample.put(name, false);
                default -> sample.put(name, "value-of-" + name.toLowerCase());
            }
        }
        PolicyDecision decision = parser.parse(sample.toString());
        assertEquals("value-of-resourcetenant", decision.resourceTenant());
        assertEquals("value-of-hometenant", decision.homeTenant());
        assertEquals(1, decision.reasons().size());
        assertTrue(sample.has("approvalRequired"), "docs/topics.md lists approvalRequired in decided.v1");
        assertEquals(List.of("contoso settings blocked it"), decision.sharedReasons());
    }

    @Test
    void poisonIsRecognised() {
        assertThrows(PoisonMessageException.class, () -> parser.parse("not json"));
        assertThrows(PoisonMessageException.class, () -> parser.parse("[]"));
        assertThrows(PoisonMessageException.class, () -> parser.parse("{\"outcome\": \"maybe\"}"));
        assertThrows(PoisonMessageException.class, () -> parser.parse(
                "{\"decisionId\": \"x\", \"invitationId\": \"y\", \"resourceTenant\": \"a\", \"homeTenant\": \"b\","
                        + " \"application\": \"c\", \"outcome\": \"allow\"}"));
    }
}
