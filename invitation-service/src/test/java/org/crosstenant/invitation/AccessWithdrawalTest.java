package org.crosstenant.invitation;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.invitation.KafkaSupport.Raw;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue #8: policy-service's access-withdrawn.v1 (a settings change a live invitation no longer passes) ends the
 * invitation here, exactly once, through the outbox: a grant becomes {@code revoked} (revoked.v1 with
 * {@code reason: policy-changed}), an open request {@code denied} (denied.v1 with {@code cause: policy-changed}); an
 * invitation already ended is left alone; each reader sees its own reasons; malformed withdrawals are dead-lettered.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class AccessWithdrawalTest {

    static final String DECIDED = "org.crosstenant.policy.decided.v1";
    static final String REVOKED = "org.crosstenant.invitation.revoked.v1";
    static final String DENIED = "org.crosstenant.invitation.denied.v1";
    static final String APPROVED = "org.crosstenant.invitation.approved.v1";
    static final String CASE = "x-test-case";

    @Test
    void aWithdrawnGrantIsRevokedAndEachTenantReadsItsOwnReasons() throws Exception {
        String id = Api.grantForBob();
        String code = "any-code";
        ObjectNode withdrawal = Api.withdrawalNode(id, "accepted", "contoso");
        String withdrawalId = withdrawal.path("withdrawalId").asText();
        Api.withdraw(withdrawal);
        Api.awaitStatus(Tokens.contosoAdmin(), id, "revoked");

        Api.get(Tokens.contosoAdmin(), id).then().statusCode(200)
                .body("revokedBy.tenant", equalTo("contoso"))
                .body("revokedBy.subject", equalTo("system:policy-changed"))
                .body("revokedAt", notNullValue())
                .body("withdrawal.id", equalTo(withdrawalId))
                .body("withdrawal.cause", equalTo("policy-changed"))
                .body("withdrawal.changedTenant", equalTo("contoso"))
                .body("withdrawal.previousStatus", equalTo("accepted"))
                .body("withdrawal.withdrawnAt", notNullValue())
                .body("withdrawal.reasons", contains(Api.RESOURCE_READS))
                // the decision that admitted it stays as it was
                .body("decision.outcome", equalTo("allow"));
        for (String homeSide : List.of(Tokens.fabrikamAdmin(), Tokens.fabrikamPartner(), Tokens.bob())) {
            Api.get(homeSide, id).then().statusCode(200).body("withdrawal.reasons", contains(Api.HOME_READS));
        }

        ConsumerRecord<String, String> revoked = KafkaSupport.awaitEvents(id, REVOKED, 1).get(0);
        assertEquals(JsonShape.ofExample(REVOKED + ".policy-changed"), JsonShape.of(revoked.value()));
        JsonNode payload = JsonShape.JSON.readTree(revoked.value());
        assertEquals("policy-changed", payload.path("reason").asText());
        assertEquals(withdrawalId, payload.path("withdrawalId").asText());
        assertEquals(List.of(Api.EITHER_READS), List.of(payload.path("reasons").get(0).asText()));
        assertEquals(1, payload.path("reasons").size());
        assertEquals("contoso", payload.path("revokedBy").path("tenant").asText());
        assertEquals("system:policy-changed", payload.path("revokedBy").path("subject").asText());
        assertTrue(payload.path("revokedBy").get("email").isNull());
        assertEquals("bob-sub", payload.path("guest").path("subject").asText());
        assertFalse(revoked.value().contains("blocked list"), "the resource tenant's rule stays out of the event");
        assertFalse(revoked.value().contains(Api.HOME_READS), "the home tenant's words stay out of the event");

        // the grant is gone for good: neither a redemption nor an admin's revocation finds anything to end
        FilingTest.problem(Api.redeem(Tokens.bob(), id, code), 409);
        FilingTest.problem(Api.revoke(Tokens.contosoAdmin(), id), 409);
    }

    /**
     * Every open status ends as {@code denied} (denied.v1 with {@code cause}, this service's own
     * {@code previousStatus}, {@code decisionId} = the withdrawal's id); the code dies with it (redeeming is the
     * existing 409), the approval step is over, and the one-live-request slot is free again.
     */
    @Test
    void eachOpenStatusIsDenied() throws Exception {
        String requested = Api.fileForBob();
        String pendingApproval = Api.fileForBob();
        Api.decideWithApproval(pendingApproval);
        Api.awaitStatus(Tokens.fabrikamPartner(), pendingApproval, "pending_approval");
        String[] pending = Api.pendingForBob();
        String pendingAcceptance = pending[0];

        // previousStatus is what policy-service last saw: informative; this service acts on its own status
        Map<String, String> withdrawals = new LinkedHashMap<>();
        Map<String, String> expectedPrevious = Map.of(requested, "requested", pendingApproval, "pending_approval",
                pendingAcceptance, "pending_acceptance");
        for (String id : List.of(requested, pendingApproval, pendingAcceptance)) {
            ObjectNode w = Api.withdrawalNode(id, id.equals(requested) ? "pending_acceptance" : expectedPrevious.get(id),
                    "fabrikam");
            withdrawals.put(id, w.path("withdrawalId").asText());
            Api.withdraw(w);
        }
        for (String id : withdrawals.keySet()) {
            Api.awaitStatus(Tokens.contosoAdmin(), id, "denied");
            ConsumerRecord<String, String> denied = KafkaSupport.awaitEvents(id, DENIED, 1).get(0);
            assertEquals(JsonShape.ofExample(DENIED + ".policy-changed"), JsonShape.of(denied.value()), id);
            JsonNode payload = JsonShape.JSON.readTree(denied.value());
            assertEquals("policy-changed", payload.path("cause").asText());
            assertEquals(expectedPrevious.get(id), payload.path("previousStatus").asText(), id);
            assertEquals(withdrawals.get(id), payload.path("decisionId").asText());
            assertEquals(Api.EITHER_READS, payload.path("reasons").get(0).asText());
            assertEquals(1, payload.path("reasons").size());
            Api.get(Tokens.fabrikamPartner(), id).then().statusCode(200)
                    .body("withdrawal.previousStatus", equalTo(expectedPrevious.get(id)))
                    .body("withdrawal.changedTenant", equalTo("fabrikam"))
                    .body("withdrawal.reasons", contains(Api.HOME_READS))
                    .body("redemptionCode", nullValue())
                    .body("revokedBy", nullValue());
            Api.get(Tokens.contosoAdmin(), id).then().body("withdrawal.reasons", contains(Api.RESOURCE_READS));
        }
        Api.get(Tokens.contosoAdmin(), requested).then().body("decision", nullValue());

        // an invitation approved yesterday and withdrawn today cannot be redeemed: the existing 409
        FilingTest.problem(Api.redeem(Tokens.bob(), pendingAcceptance, pending[1]), 409)
                .body("type", equalTo("urn:crosstenant:problem:not-redeemable"));
        FilingTest.problem(ApprovalTest.review(Tokens.contosoAdmin(), pendingApproval, "approve", null), 409);
        // the slot is free: the same invitee may be asked for again
        String application = Api.get(Tokens.contosoAdmin(), requested).then().extract().path("application");
        Api.file(Tokens.fabrikamPartner(), Api.body("contoso", application, "fabrikam", "bob@fabrikam.example"))
                .then().statusCode(202);
    }

    /** A withdrawal of an invitation that has already ended changes nothing and publishes nothing. */
    @Test
    void anInvitationAlreadyEndedIsLeftAlone() {
        String denied = Api.fileForBob();
        Api.decide(denied, "deny", "denied before");
        Api.awaitStatus(Tokens.contosoAdmin(), denied, "denied");
        String revoked = Api.grantForBob();
        Api.revoke(Tokens.contosoAdmin(), revoked).then().statusCode(200);
        String live = Api.fileForBob();

        // one key, so one partition: the live invitation's withdrawal is consumed after the two others
        String key = "ended-" + UUID.randomUUID();
        List<String> ceIds = new ArrayList<>();
        for (String id : List.of(denied, revoked, live)) {
            ObjectNode w = Api.withdrawalNode(id, id.equals(revoked) ? "accepted" : "requested", "contoso");
            ceIds.add(KafkaSupport.produce(KafkaSupport.DECISIONS, key, Api.WITHDRAWN, id, w.toString(),
                    UUID.randomUUID().toString()));
        }
        Api.awaitStatus(Tokens.contosoAdmin(), live, "denied");
        KafkaSupport.awaitEvents(live, DENIED, 1);

        List<ConsumerRecord<String, String>> events = KafkaSupport.snapshot(KafkaSupport.INVITATIONS);
        assertEquals(1, count(events, denied, DENIED), "the earlier denial only");
        assertEquals(0, count(events, denied, REVOKED));
        assertEquals(1, count(events, revoked, REVOKED), "the admin's revocation only");
        assertEquals(0, count(events, revoked, DENIED));
        Api.get(Tokens.contosoAdmin(), denied).then().body("status", equalTo("denied")).body("withdrawal", nullValue())
                .body("decision.reasons", contains("denied before"));
        Api.get(Tokens.contosoAdmin(), revoked).then().body("status", equalTo("revoked")).body("withdrawal", nullValue())
                .body("revokedBy.subject", equalTo("alice-sub"));
        assertFalse(KafkaSupport.snapshot(KafkaSupport.DECISIONS_DLQ).stream()
                .anyMatch(r -> ceIds.contains(KafkaSupport.header(r, "ce_id"))), "applied, not dead-lettered");
    }

    /**
     * Exactly once: the same event twice (one ce_id) is applied once by the inbox; the same withdrawal under a second
     * ce_id finds the grant ended and publishes nothing.
     */
    @Test
    void theSameWithdrawalTwiceRevokesOnce() {
        String id = Api.grantForBob();
        ObjectNode w = Api.withdrawalNode(id, "accepted", "fabrikam");
        String ceId = UUID.randomUUID().toString();
        KafkaSupport.produce(KafkaSupport.DECISIONS, id, Api.WITHDRAWN, id, w.toString(), ceId);
        KafkaSupport.produce(KafkaSupport.DECISIONS, id, Api.WITHDRAWN, id, w.toString(), ceId);
        String secondCeId = KafkaSupport.produce(KafkaSupport.DECISIONS, id, Api.WITHDRAWN, id, w.toString(),
                UUID.randomUUID().toString());
        // a marker behind them on the same partition: once it applied, all three were handled
        String marker = Api.fileForBob();
        KafkaSupport.produce(KafkaSupport.DECISIONS, id, DECIDED, marker, Api.decision(marker, "deny", "marker"),
                UUID.randomUUID().toString());
        Api.awaitStatus(Tokens.contosoAdmin(), marker, "denied");
        KafkaSupport.awaitEvents(marker, DENIED, 1);

        Api.get(Tokens.contosoAdmin(), id).then().body("status", equalTo("revoked"))
                .body("withdrawal.id", equalTo(w.path("withdrawalId").asText()));
        List<ConsumerRecord<String, String>> events = KafkaSupport.snapshot(KafkaSupport.INVITATIONS);
        assertEquals(1, count(events, id, REVOKED), "revoked once");
        assertFalse(KafkaSupport.snapshot(KafkaSupport.DECISIONS_DLQ).stream()
                .anyMatch(r -> ceId.equals(KafkaSupport.header(r, "ce_id"))
                        || secondCeId.equals(KafkaSupport.header(r, "ce_id"))), "neither was dead-lettered");
    }

    /**
     * A decision and a withdrawal of the same invitation in one batch apply in offset order: allow then withdraw
     * ends it denied after an approval; withdraw then allow ends it denied and the late allow changes nothing.
     */
    @Test
    void aDecisionAndAWithdrawalInOneBatchApplyInOffsetOrder() throws Exception {
        String first = Api.fileForBob();
        String second = Api.fileForBob();
        ObjectNode afterAllow = Api.withdrawalNode(first, "pending_acceptance", "contoso");
        ObjectNode beforeAllow = Api.withdrawalNode(second, "requested", "contoso");
        String key = "order-" + UUID.randomUUID();
        KafkaSupport.produceTogether(KafkaSupport.DECISIONS, List.of(
                raw(key, DECIDED, Api.decision(first, "allow", "admitted")),
                raw(key, Api.WITHDRAWN, afterAllow.toString()),
                raw(key, Api.WITHDRAWN, beforeAllow.toString()),
                raw(key, DECIDED, Api.decision(second, "allow", "too late"))));
        Api.awaitStatus(Tokens.contosoAdmin(), second, "denied");
        Api.awaitStatus(Tokens.contosoAdmin(), first, "denied");

        KafkaSupport.awaitEvents(first, DENIED, 1);
        KafkaSupport.awaitEvents(second, DENIED, 1);
        List<ConsumerRecord<String, String>> events = KafkaSupport.snapshot(KafkaSupport.INVITATIONS);
        List<String> firstTypes = events.stream().filter(r -> first.equals(r.key()))
                .map(r -> KafkaSupport.header(r, "ce_type")).toList();
        assertEquals(List.of("org.crosstenant.invitation.requested.v1", APPROVED, DENIED), firstTypes);
        JsonNode firstDenied = JsonShape.JSON.readTree(KafkaSupport.awaitEvents(first, DENIED, 1).get(0).value());
        assertEquals("pending_acceptance", firstDenied.path("previousStatus").asText());
        Api.get(Tokens.contosoAdmin(), first).then().body("decision.outcome", equalTo("allow"));

        assertEquals(0, count(events, second, APPROVED), "the allow behind the withdrawal changed nothing");
        JsonNode secondDenied = JsonShape.JSON.readTree(KafkaSupport.awaitEvents(second, DENIED, 1).get(0).value());
        assertEquals("requested", secondDenied.path("previousStatus").asText());
        assertEquals(beforeAllow.path("withdrawalId").asText(), secondDenied.path("decisionId").asText());
        Api.get(Tokens.contosoAdmin(), second).then().body("decision", nullValue());
    }

    /** Every kind of malformed withdrawal is dead-lettered with its own reason, and the next one applies. */
    @Test
    void malformedWithdrawalsAreDeadLetteredEachWithItsReason() {
        String run = UUID.randomUUID().toString();
        String key = "withdrawal-poison-" + run;
        String known = Api.pendingForBob()[0];
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("not-json", new Object[] { "{\"withdrawalId\":", "not JSON" });
        cases.put("not-object", new Object[] { "[1]", "not a JSON object" });
        cases.put("null-value", new Object[] { null, "empty access-withdrawn.v1 payload" });
        cases.put("other-cause", spoiled(known, n -> n.put("cause", "admin-revoked"), "cause must be policy-changed"));
        cases.put("no-cause", spoiled(known, n -> n.remove("cause"), "lacks cause"));
        cases.put("ended-previous-status", spoiled(known, n -> n.put("previousStatus", "expired"),
                "previousStatus must be one of"));
        cases.put("third-changed-tenant", spoiled(known, n -> n.put("changedTenant", "northwind"),
                "neither its resourceTenant nor its homeTenant"));
        cases.put("no-withdrawal-id", spoiled(known, n -> n.remove("withdrawalId"), "lacks withdrawalId"));
        cases.put("withdrawal-id-not-uuid", spoiled(known, n -> n.put("withdrawalId", "w-1"), "is not a UUID"));
        cases.put("no-shared-reasons", spoiled(known, n -> n.remove("sharedReasons"), "lacks sharedReasons"));
        cases.put("too-many-reasons", spoiled(known, n -> {
            var reasons = n.putArray("reasons");
            for (int i = 0; i < 33; i++) {
                reasons.add("r" + i);
            }
        }, "33 reasons; the limit is 32"));
        cases.put("reason-too-long", spoiled(known, n -> n.putArray("homeReasons").add("r".repeat(1025)),
                "homeReasons entry"));
        cases.put("reason-control-char", spoiled(known, n -> n.putArray("sharedReasons").add("a\u0007b"),
                "sharedReasons entry"));
        cases.put("unknown-invitation", spoiled(UUID.randomUUID().toString(), n -> { }, "for unknown invitation"));
        cases.put("other-resource-tenant", spoiled(known, n -> {
            n.put("resourceTenant", "northwind");
            n.put("changedTenant", "northwind");
        }, "does not match invitation"));
        cases.put("other-home-tenant", spoiled(known, n -> n.put("homeTenant", "northwind"),
                "does not match invitation"));
        cases.put("other-application", spoiled(known, n -> n.put("application", "contoso-other"),
                "does not match invitation"));
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            List<Map.Entry<String, String>> headers = ce(UUID.randomUUID().toString(), Api.WITHDRAWN);
            headers.add(Map.entry(CASE, run + ":" + c.getKey()));
            KafkaSupport.produceRaw(KafkaSupport.DECISIONS, key, (String) c.getValue()[0], headers);
        }
        // a valid withdrawal behind them on the same partition: applied only if the consumer moved on
        String after = Api.fileForBob();
        ObjectNode valid = Api.withdrawalNode(after, "requested", "contoso");
        KafkaSupport.produce(KafkaSupport.DECISIONS, key, Api.WITHDRAWN, after, valid.toString(),
                UUID.randomUUID().toString());
        Api.awaitStatus(Tokens.contosoAdmin(), after, "denied");

        List<ConsumerRecord<String, String>> dead = KafkaSupport.awaitRecords(KafkaSupport.DECISIONS_DLQ,
                r -> String.valueOf(KafkaSupport.header(r, CASE)).startsWith(run + ":"), cases.size());
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            List<ConsumerRecord<String, String>> letters = dead.stream()
                    .filter(r -> (run + ":" + c.getKey()).equals(KafkaSupport.header(r, CASE))).toList();
            assertEquals(1, letters.size(), c.getKey() + " dead-lettered once");
            String reason = KafkaSupport.header(letters.get(0), "dead-letter-reason");
            assertNotNull(reason, c.getKey());
            assertTrue(reason.contains((String) c.getValue()[1]), c.getKey() + ": '" + reason + "'");
            assertEquals(c.getValue()[0], letters.get(0).value(), c.getKey() + " keeps its value");
        }
        assertEquals(cases.size(), dead.size());
        // none of them touched the live invitation
        Api.get(Tokens.contosoAdmin(), known).then().body("status", equalTo("pending_acceptance"))
                .body("withdrawal", nullValue());
    }

    private static Object[] spoiled(String invitationId, Consumer<ObjectNode> spoil, String reason) {
        ObjectNode node = Api.withdrawalNode(invitationId, "pending_acceptance", "contoso");
        spoil.accept(node);
        return new Object[] { node.toString(), reason };
    }

    private static long count(List<ConsumerRecord<String, String>> events, String invitation, String type) {
        return events.stream()
                .filter(r -> invitation.equals(r.key()) && type.equals(KafkaSupport.header(r, "ce_type"))).count();
    }

    private static Raw raw(String key, String type, String payload) {
        List<Map.Entry<String, String>> headers = ce(UUID.randomUUID().toString(), type);
        headers.add(Map.entry("content-type", "application/json"));
        return new Raw(key, payload, headers);
    }

    private static List<Map.Entry<String, String>> ce(String id, String type) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("ce_specversion", "1.0"));
        headers.add(Map.entry("ce_id", id));
        headers.add(Map.entry("ce_type", type));
        headers.add(Map.entry("ce_source", "/crosstenant/policy-service"));
        headers.add(Map.entry("ce_time", Instant.now().toString()));
        return headers;
    }
}
