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

import org.crosstenant.invitation.messaging.AccessWithdrawal;
import org.crosstenant.invitation.messaging.PoisonMessageException;
import org.crosstenant.invitation.messaging.PolicyDecision;
import org.crosstenant.invitation.messaging.PolicyDecisionParser;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Consumer side of the policy.decisions contract (decided.v1 and, issue #8, access-withdrawn.v1): the producer's
 * examples must parse with this service's own parser, so a policy-service change that breaks this consumer fails this
 * build.
 */
class PolicyDecisionContractTest {

    static final Path PRODUCER_EXAMPLE =
            Path.of("../policy-service/src/main/resources/events/org.crosstenant.policy.decided.v1.json");

    static final Path WITHDRAWAL_EXAMPLE =
            Path.of("../policy-service/src/main/resources/events/org.crosstenant.policy.access-withdrawn.v1.json");

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
    void producerWithdrawalExampleParses() throws Exception {
        assertTrue(Files.exists(WITHDRAWAL_EXAMPLE), "policy-service must publish its access-withdrawn.v1 example at "
                + WITHDRAWAL_EXAMPLE);
        String example = Files.readString(WITHDRAWAL_EXAMPLE);
        AccessWithdrawal withdrawal = parser.parseWithdrawal(example);
        var raw = json.readTree(example);
        assertEquals(raw.path("withdrawalId").asText(), withdrawal.withdrawalId().toString());
        assertEquals(raw.path("invitationId").asText(), withdrawal.invitationId().toString());
        assertEquals(raw.path("resourceTenant").asText(), withdrawal.resourceTenant());
        assertEquals(raw.path("homeTenant").asText(), withdrawal.homeTenant());
        assertEquals(raw.path("application").asText(), withdrawal.application());
        assertEquals(raw.path("previousStatus").asText(), withdrawal.previousStatus().wire());
        assertEquals(raw.path("changedTenant").asText(), withdrawal.changedTenant());
        assertEquals(AccessWithdrawal.POLICY_CHANGED, withdrawal.cause());
        assertEquals(raw.path("reasons").size(), withdrawal.reasons().size());
        assertEquals(raw.path("sharedReasons").get(0).asText(), withdrawal.sharedReasons().get(0));
        assertEquals(raw.path("homeReasons").get(0).asText(), withdrawal.homeReasons().get(0));
    }

    /**
     * Issue #8: the withdrawal an application removal publishes is an access-withdrawn.v1 this service takes (cause
     * policy-changed, the resource tenant as changedTenant: the revocation names it), the removal only in the resource
     * tenant's reasons.
     */
    @Test
    void producerRemovalWithdrawalExampleParses() throws Exception {
        Path example = WITHDRAWAL_EXAMPLE.resolveSibling(
                "org.crosstenant.policy.access-withdrawn.v1.application-removed.json");
        assertTrue(Files.exists(example), "policy-service must publish the example of an application removal's "
                + "withdrawal at " + example);
        AccessWithdrawal withdrawal = parser.parseWithdrawal(Files.readString(example));
        assertEquals(AccessWithdrawal.POLICY_CHANGED, withdrawal.cause());
        assertEquals(withdrawal.resourceTenant(), withdrawal.changedTenant());
        assertEquals(List.of("application contoso-projects was removed by contoso"), withdrawal.reasons());
        assertEquals(List.of("contoso settings blocked it"), withdrawal.sharedReasons());
        assertEquals(List.of("contoso settings blocked it"), withdrawal.homeReasons());
    }

    /** The access-withdrawn.v1 field list in docs/topics.md carries everything the parser needs. */
    @Test
    void documentedWithdrawalFieldsParse() throws Exception {
        String topics = Files.readString(Path.of("../docs/topics.md"));
        Matcher line = Pattern.compile("`access-withdrawn\\.v1`[^`]*`\\{(.*?)\\}`", Pattern.DOTALL).matcher(topics);
        assertTrue(line.find(), "docs/topics.md documents access-withdrawn.v1");
        ObjectNode sample = json.createObjectNode();
        Matcher field = Pattern.compile("\"(\\w+)\"(?=[,:}])").matcher(line.group(1));
        while (field.find()) {
            String name = field.group(1);
            switch (name) {
                case "withdrawalId", "invitationId" -> sample.put(name, java.util.UUID.randomUUID().toString());
                case "resourceTenant" -> sample.put(name, "contoso");
                case "homeTenant", "changedTenant" -> sample.put(name, "fabrikam");
                case "previousStatus" -> sample.put(name, "pending_approval");
                case "cause" -> sample.put(name, "policy-changed");
                case "reasons", "sharedReasons" -> sample.putArray(name).add("fabrikam outbound settings blocked it");
                case "homeReasons" -> sample.putArray(name).add("fabrikam outbound: bob not admitted");
                case "policyVersions" -> sample.putObject(name).put("contoso", 3);
                case "inviteeEmail" -> sample.put(name, "bob@fabrikam.example");
                default -> sample.put(name, "value-of-" + name.toLowerCase());
            }
        }
        AccessWithdrawal withdrawal = parser.parseWithdrawal(sample.toString());
        assertEquals("contoso", withdrawal.resourceTenant());
        assertEquals("fabrikam", withdrawal.changedTenant());
        assertEquals("pending_approval", withdrawal.previousStatus().wire());
        assertEquals(List.of("fabrikam outbound: bob not admitted"), withdrawal.homeReasons());
        assertTrue(sample.has("application") && sample.has("sharedReasons"), sample.toString());
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
