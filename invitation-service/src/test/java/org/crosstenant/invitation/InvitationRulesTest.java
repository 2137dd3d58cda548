package org.crosstenant.invitation;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.FederatedTokens;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Issue #7, invitation rules: the resource tenant's effective {@code invitations} for the invitee's tenant, from
 * policy.events {@code access-settings-changed.v2} (partner configuration, else the default, else built-in), enforced
 * at filing (whoMayInvite 403, domain allow/deny 422 {@code invitee.email}) and again at redemption (409
 * {@code invitation-not-redeemable}). Each test uses a resource tenant of its own ({@code rt-*}, registered for the
 * tests in application.properties: an unregistered resource tenant is refused at filing), so the rules it
 * publishes touch no other test; the database and broker are fresh in every test JVM.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class InvitationRulesTest {

    static final String TOPIC = "policy.events";
    static final String DLQ = "policy.events.dlq.invitation-service";
    static final String V2 = "org.crosstenant.policy.access-settings-changed.v2";

    @Test
    void whoMayInviteIsEnforcedFromTheDefaultAndThePartnerConfiguration() {
        String tenant = "rt-who";
        // built-in: admins and partner systems
        awaitStatus(() -> file(Tokens.fabrikamPartner(), tenant, fresh("a")), 202);

        publish(tenant, null, rules("adminsOnly", null));
        awaitStatus(() -> file(Tokens.fabrikamPartner(), tenant, fresh("b")), 403);
        assertHomeSideReads(file(Tokens.fabrikamPartner(), tenant, fresh("b")), 403, null,
                tenant + "'s invitation rules refuse this request");
        file(admin(tenant), tenant, fresh("c")).then().statusCode(202);

        // fabrikam's partner configuration says none: nobody may invite, not even the resource tenant's admin
        publish(tenant, "fabrikam", rules("none", null));
        awaitStatus(() -> file(admin(tenant), tenant, fresh("d")), 403);
        file(Tokens.fabrikamPartner(), tenant, fresh("d")).then().statusCode(403);

        // deleting the partner configuration falls back to the default (adminsOnly)
        publishDeleted(tenant, "fabrikam");
        awaitStatus(() -> file(admin(tenant), tenant, fresh("e")), 202);
        file(Tokens.fabrikamPartner(), tenant, fresh("f")).then().statusCode(403);

        // deleting the default falls back to the built-in
        publishDeleted(tenant, null);
        awaitStatus(() -> file(Tokens.fabrikamPartner(), tenant, fresh("g")), 202);
    }

    @Test
    void domainAllowAndDenyListsAreEnforcedOnTheCanonicalDomain() {
        String tenant = "rt-domains";
        publish(tenant, "fabrikam", rules("adminsAndPartnerSystems", domains("blocked", "fabrikam.example")));
        awaitStatus(() -> file(admin(tenant), tenant, fresh("a")), 422);
        assertHomeSideReads(file(Tokens.fabrikamPartner(), tenant, "MixedCase@FABRIKAM.example"), 403, null,
                tenant + "'s invitation rules refuse this request");
        file(admin(tenant), tenant, "MixedCase@FABRIKAM.example").then().statusCode(422)
                .body("field", equalTo("/invitee/email"))
                .body("detail", containsString("domain fabrikam.example not allowed by " + tenant));
        // the other domain of fabrikam is not on the deny list
        file(Tokens.fabrikamPartner(), tenant, "x-" + UUID.randomUUID() + "@xn--bcher-kva.example").then()
                .statusCode(202);

        // an allow list admits only its domains (a published domain in upper case is the same domain)
        publish(tenant, "fabrikam", rules("adminsAndPartnerSystems", domains("allowed", "XN--BCHER-KVA.example")));
        awaitStatus(() -> file(Tokens.fabrikamPartner(), tenant, fresh("b")), 403);
        file(admin(tenant), tenant, fresh("b")).then().statusCode(422).body("field", equalTo("/invitee/email"));
        file(admin(tenant), tenant, "y-" + UUID.randomUUID() + "@xn--bcher-kva.example").then().statusCode(202);
    }

    @Test
    void theRulesAreCheckedAgainAtRedemption() {
        String tenant = "rt-redeem";
        String email = "r-" + UUID.randomUUID().toString().substring(0, 8) + "@fabrikam.example";
        String id = file(Tokens.fabrikamPartner(), tenant, email).then().statusCode(202).extract().path("id");
        Api.decide(id, "allow");
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");
        String code = Api.get(Tokens.fabrikamPartner(), id).then().extract().path("redemptionCode");
        String invitee = FederatedTokens.token("fabrikam", "r-sub", email);

        // the resource tenant now denies fabrikam.example (a fresh filing shows the view has it): no longer redeems
        publish(tenant, null, rules("adminsAndPartnerSystems", domains("blocked", "fabrikam.example")));
        awaitStatus(() -> file(admin(tenant), tenant, fresh("probe")), 422);
        Api.redeem(invitee, id, code).then().body("type", equalTo("urn:crosstenant:problem:invitation-not-redeemable"));
        // the same words as for a refusal of who filed (below): the invitee cannot tell the rules apart
        assertHomeSideReads(Api.redeem(invitee, id, code), 409, null,
                tenant + "'s invitation rules refuse this request");
        // ... and once partner systems may no longer invite, a partner-filed invitation neither
        publish(tenant, null, rules("adminsOnly", null));
        awaitStatus(() -> file(admin(tenant), tenant, fresh("probe")), 202);
        file(Tokens.fabrikamPartner(), tenant, fresh("probe")).then().statusCode(403);
        Api.redeem(invitee, id, code).then().body("type", equalTo("urn:crosstenant:problem:invitation-not-redeemable"));
        assertHomeSideReads(Api.redeem(invitee, id, code), 409, null,
                tenant + "'s invitation rules refuse this request");
        // rules relaxed again: redeemable (the refusals did not burn the code)
        publish(tenant, null, rules("adminsAndPartnerSystems", null));
        awaitStatus(() -> file(Tokens.fabrikamPartner(), tenant, fresh("probe")), 202);
        Api.redeem(invitee, id, code).then().statusCode(200).body("status", equalTo("accepted"));
    }

    /**
     * Issue #7, "reasons name the deciding rule of the caller's own side and, for the other side, only that it
     * blocked", at filing, for each kind of refusal by the invitation rules: the home tenant's partner system reads
     * that the resource tenant's rules refuse, with the same status (403), no field and the same text whichever rule
     * it was; the resource tenant's admin, whose rules they are, reads the rule (403 for whoMayInvite, 422
     * {@code /invitee/email} for the domain lists). (Redemption, where the reader is always the home side's invitee: above.)
     */
    @Test
    void eachSideReadsWhatItMayOfARefusalByTheInvitationRules() {
        String tenant = "rt-sides";
        String request = tenant + "'s invitation rules refuse this request";

        // whoMayInvite none: both sides refused
        publish(tenant, "fabrikam", rules("none", null));
        awaitStatus(() -> file(admin(tenant), tenant, fresh("a")), 403);
        assertHomeSideReads(file(Tokens.fabrikamPartner(), tenant, fresh("a")), 403, null, request);
        file(admin(tenant), tenant, fresh("a")).then().statusCode(403)
                .body("detail", containsString("(whoMayInvite none)"));

        // whoMayInvite adminsOnly: only the partner system is refused (the admin's side has no refusal to read)
        publish(tenant, "fabrikam", rules("adminsOnly", null));
        awaitStatus(() -> file(admin(tenant), tenant, fresh("b")), 202);
        assertHomeSideReads(file(Tokens.fabrikamPartner(), tenant, fresh("b")), 403, null, request);

        // a deny list
        publish(tenant, "fabrikam", rules("adminsAndPartnerSystems", domains("blocked", "fabrikam.example")));
        awaitStatus(() -> file(admin(tenant), tenant, fresh("c")), 422);
        assertHomeSideReads(file(Tokens.fabrikamPartner(), tenant, fresh("c")), 403, null, request);
        file(admin(tenant), tenant, fresh("c")).then().statusCode(422).body("field", equalTo("/invitee/email"))
                .body("detail", containsString("(on its deny list)"));

        // an allow list without the invitee's domain
        publish(tenant, "fabrikam", rules("adminsAndPartnerSystems", domains("allowed", "xn--bcher-kva.example")));
        awaitStatus(() -> file(admin(tenant), tenant, fresh("d")).then().extract().<String>path("detail"),
                d -> d != null && d.contains("allow list"));
        assertHomeSideReads(file(Tokens.fabrikamPartner(), tenant, fresh("d")), 403, null, request);
        file(admin(tenant), tenant, fresh("d")).then().statusCode(422).body("field", equalTo("/invitee/email"))
                .body("detail", containsString("(not on its allow list)"));
    }

    /** Rule names and values a home-side reader must never see in a refusal by the resource tenant's rules. */
    private static final List<String> RULE_WORDS = List.of("whoMayInvite", "adminsOnly", "adminsAndPartnerSystems",
            "none", "allow list", "deny list", "domain fabrikam");

    /** A refusal as the home side reads it: the status, field and exact shared detail, naming no rule. */
    private static void assertHomeSideReads(Response answer, int status, String field, String detail) {
        answer.then().statusCode(status).body("detail", equalTo(detail)).body("field", equalTo(field));
        answer.then().body("type", equalTo(status == 403 ? "urn:crosstenant:problem:forbidden"
                : "urn:crosstenant:problem:invitation-not-redeemable"));
        String read = answer.asString();
        for (String word : RULE_WORDS) {
            assertTrue(!read.contains(word), "the home side reads no rule (" + word + "): " + read);
        }
    }

    /**
     * Unreadable v2 records go to the dead-letter topic with a reason and the consumer moves on; v1 and other types
     * are ignored. The kind: no key, a key naming another pair, not JSON, not an object, missing or unknown
     * whoMayInvite, bad domains (not a list, a non-canonical-acceptable domain, over 500), bad version, a tenant that
     * is no id.
     */
    @Test
    void malformedSettingsAreDeadLetteredAndTheConsumerMovesOn() {
        String tenant = "rt-poison";
        String run = UUID.randomUUID().toString();
        String key = tenant + "/default";
        ObjectNode good = event(tenant, null, rules("adminsOnly", null));
        Map<String, String> poison = new java.util.LinkedHashMap<>();
        poison.put("not-json", "{not json");
        poison.put("array", "[]");
        poison.put("no-who", with(good, "/effective/invitations", n -> n.remove("whoMayInvite")));
        poison.put("bad-who", with(good, "/effective/invitations", n -> n.put("whoMayInvite", "everyone")));
        poison.put("domains-not-object", with(good, "/effective/invitations", n -> n.put("domains", "x")));
        poison.put("domain-unicode", with(good, "/effective/invitations",
                n -> n.set("domains", domains("blocked", "fabr\u0131kam.example"))));
        poison.put("domain-trailing-dot", with(good, "/effective/invitations",
                n -> n.set("domains", domains("allowed", "fabrikam.example."))));
        poison.put("domain-access", with(good, "/effective/invitations",
                n -> n.set("domains", domains("maybe", "fabrikam.example"))));
        String[] many = new String[501];
        for (int i = 0; i < many.length; i++) {
            many[i] = "d" + i + ".example";
        }
        poison.put("too-many-domains", with(good, "/effective/invitations",
                n -> n.set("domains", domains("blocked", many))));
        poison.put("bad-version", with(good, "", n -> n.put("version", "one")));
        poison.put("negative-version", with(good, "", n -> n.put("version", -1)));
        poison.put("no-effective", with(good, "", n -> n.remove("effective")));
        poison.put("bad-tenant", with(good, "", n -> n.put("tenant", "Not A Tenant")));
        poison.put("other-pair", with(good, "", n -> n.put("partner", "northwind")));
        for (Map.Entry<String, String> p : poison.entrySet()) {
            KafkaSupport.produce(TOPIC, key, V2, run + "/" + p.getKey(), p.getValue(), UUID.randomUUID().toString());
        }
        // (a record without a key is refused by the compacted topic itself; the consumer would dead-letter it too)
        // v1 and unknown types are ignored, not dead-lettered, and change nothing
        KafkaSupport.produce(TOPIC, key, "org.crosstenant.policy.access-settings-changed.v1", run + "/v1",
                "{\"whatever\":true}", UUID.randomUUID().toString());
        KafkaSupport.produce(TOPIC, key, V2, run + "/good", good.toString(), UUID.randomUUID().toString());

        awaitStatus(() -> file(Tokens.fabrikamPartner(), tenant, fresh("a")), 403);
        List<ConsumerRecord<String, String>> dead = KafkaSupport.awaitRecords(DLQ,
                r -> String.valueOf(KafkaSupport.header(r, "ce_subject")).startsWith(run), poison.size());
        for (ConsumerRecord<String, String> d : dead) {
            String reason = KafkaSupport.header(d, "dead-letter-reason");
            assertTrue(reason != null && !reason.isBlank(), "a reason for " + KafkaSupport.header(d, "ce_subject"));
            assertTrue(!KafkaSupport.header(d, "ce_subject").endsWith("/v1")
                    && !KafkaSupport.header(d, "ce_subject").endsWith("/good"), "only poison is dead-lettered");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String fresh(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@fabrikam.example";
    }

    static String admin(String tenant) {
        return FederatedTokens.token(tenant, "admin-sub", "admin@" + tenant + ".example", "collab-admin");
    }

    static Response file(String token, String tenant, String email) {
        return Api.file(token, Api.body(tenant, Api.freshApplication(), "fabrikam", email));
    }

    private static <T> void awaitStatus(java.util.function.Supplier<T> call, java.util.function.Predicate<T> done) {
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).until(() -> done.test(call.get()));
    }

    private static void awaitStatus(java.util.function.Supplier<Response> call, int status) {
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100))
                .until(() -> call.get().statusCode() == status);
    }

    static ObjectNode rules(String who, ObjectNode domains) {
        ObjectNode invitations = JsonShape.JSON.createObjectNode();
        if (domains == null) {
            invitations.putNull("domains");
        } else {
            invitations.set("domains", domains);
        }
        invitations.put("whoMayInvite", who);
        invitations.put("approvalRequired", false);
        return invitations;
    }

    static ObjectNode domains(String access, String... targets) {
        ObjectNode d = JsonShape.JSON.createObjectNode();
        d.put("access", access);
        var array = d.putArray("targets");
        for (String t : targets) {
            array.add(t);
        }
        return d;
    }

    /** A v2 event as policy-service publishes it (only the invitation part of the configurations filled in). */
    static ObjectNode event(String tenant, String partner, ObjectNode invitations) {
        ObjectNode e = JsonShape.JSON.createObjectNode();
        e.put("tenant", tenant);
        if (partner == null) {
            e.putNull("partner");
        } else {
            e.put("partner", partner);
        }
        e.put("version", 3);
        e.put("defaultVersion", 2);
        e.put("deleted", false);
        e.putObject("settings").set("invitations", invitations.deepCopy());
        e.putObject("effective").set("invitations", invitations);
        e.putObject("changedBy").put("tenant", tenant).put("subject", "admin-sub").put("email", "a@b.example");
        e.put("occurredAt", java.time.Instant.now().toString());
        return e;
    }

    static void publish(String tenant, String partner, ObjectNode invitations) {
        KafkaSupport.produce(TOPIC, key(tenant, partner), V2, key(tenant, partner),
                event(tenant, partner, invitations).toString(), UUID.randomUUID().toString());
    }

    static void publishDeleted(String tenant, String partner) {
        ObjectNode e = event(tenant, partner, rules("none", null));
        e.put("deleted", true);
        e.putNull("settings");
        e.putNull("effective");
        KafkaSupport.produce(TOPIC, key(tenant, partner), V2, key(tenant, partner), e.toString(),
                UUID.randomUUID().toString());
    }

    static String key(String tenant, String partner) {
        return partner == null ? tenant + "/default" : tenant + "/partners/" + partner;
    }

    private static String with(ObjectNode good, String pointer, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode copy = good.deepCopy();
        change.accept(pointer.isEmpty() ? copy : (ObjectNode) copy.at(pointer));
        return copy.toString();
    }
}
