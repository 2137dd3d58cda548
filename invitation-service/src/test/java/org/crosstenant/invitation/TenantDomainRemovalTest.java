package org.crosstenant.invitation;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.invitation.service.FreshContext;
import org.crosstenant.invitation.service.InvitationService;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue #8, "tenant domains": a live invitation whose invitee's domain the tenant registry no longer holds ends, as a
 * settings withdrawal would: a grant is revoked (revoked.v1, reason {@code policy-changed}, the rule
 * {@code tenant-domains} named), an open one denied (denied.v1, cause {@code policy-changed}), each exactly once; an
 * invitation of a still-registered domain is left alone. The registry is configuration fixed for the test run, so
 * a removal is staged the other way round: the stored invitation is moved to a domain the registry does not hold
 * (what the database looks like after a redeployment dropped that domain).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class TenantDomainRemovalTest {

    static final String REVOKED = "org.crosstenant.invitation.revoked.v1";
    static final String DENIED = "org.crosstenant.invitation.denied.v1";

    @Inject
    InvitationService invitations;

    @Inject
    FreshContext freshContext;

    @Test
    void grantsAndOpenInvitationsOfARemovedDomainEndOnceAndOthersStay() throws Exception {
        String grant = Api.grantForBob();
        String pending = Api.pendingForBob()[0];
        String requested = Api.fileForBob();
        String untouched = Api.grantForBob();
        String unregisteredTenant = Api.grantForBob();

        String unique = UUID.randomUUID().toString().substring(0, 8);
        moveInvitee(grant, "fabrikam", "bob-" + unique + "@gone.example");
        moveInvitee(pending, "fabrikam", "bob-p-" + unique + "@gone.example");
        moveInvitee(requested, "fabrikam", "bob-r-" + unique + "@gone.example");
        // a tenant the registry no longer holds at all: none of its domains is registered
        moveInvitee(unregisteredTenant, "gone-tenant", "bob-" + unique + "@fabrikam.example");

        Api.awaitStatus(Tokens.contosoAdmin(), grant, "revoked");
        Api.awaitStatus(Tokens.contosoAdmin(), pending, "denied");
        Api.awaitStatus(Tokens.contosoAdmin(), requested, "denied");
        Api.awaitStatus(Tokens.contosoAdmin(), unregisteredTenant, "revoked");

        String reason = "tenant-domains: gone.example is no longer a registered domain of tenant fabrikam";
        Api.get(Tokens.contosoAdmin(), grant).then().statusCode(200)
                .body("revokedBy.tenant", equalTo("fabrikam"))
                .body("revokedBy.subject", equalTo("system:policy-changed"))
                .body("withdrawal.cause", equalTo("policy-changed"))
                .body("withdrawal.changedTenant", equalTo("fabrikam"))
                .body("withdrawal.previousStatus", equalTo("accepted"))
                .body("withdrawal.reasons", equalTo(List.of(reason)));

        ConsumerRecord<String, String> revoked = KafkaSupport.awaitEvents(grant, REVOKED, 1).get(0);
        assertEquals(JsonShape.ofExample(REVOKED + ".policy-changed"), JsonShape.of(revoked.value()));
        JsonNode payload = JsonShape.JSON.readTree(revoked.value());
        assertEquals("policy-changed", payload.path("reason").asText());
        assertEquals(List.of(reason), List.of(payload.path("reasons").get(0).asText()));
        assertEquals("bob-sub", payload.path("guest").path("subject").asText());
        for (String open : List.of(pending, requested)) {
            JsonNode denied = JsonShape.JSON.readTree(KafkaSupport.awaitEvents(open, DENIED, 1).get(0).value());
            assertEquals("policy-changed", denied.path("cause").asText(), open);
            assertEquals(reason, denied.path("reasons").get(0).asText(), open);
        }
        JsonNode gone = JsonShape.JSON.readTree(KafkaSupport.awaitEvents(unregisteredTenant, REVOKED, 1).get(0).value());
        assertEquals("tenant-domains: fabrikam.example is no longer a registered domain of tenant gone-tenant",
                gone.path("reasons").get(0).asText());

        // another pass (the job's, on its own context) finds nothing left to end: each ended once
        Integer again = freshContext.run(invitations::endOutsideRegisteredDomains).await()
                .atMost(Duration.ofSeconds(30));
        assertEquals(0, again);
        for (String id : List.of(grant, pending, requested, unregisteredTenant)) {
            assertEquals(1, endings(id), id);
        }
        Api.get(Tokens.contosoAdmin(), untouched).then().statusCode(200).body("status", equalTo("accepted"));
        assertEquals(0, endings(untouched));
    }

    /** Moves a stored invitation's invitee, as the registry would see it after a domain was dropped. */
    /**
     * Only the registry started last is in force: an instance whose registry is not (it still runs the previous one
     * during a rolling update) ends nothing by it; once its registry is in force again, the invitation ends.
     */
    @Test
    void anInstanceWhoseRegistryIsNotInForceEndsNothing() throws Exception {
        String grant = Api.grantForBob();
        execute("update registry_epoch set registry_hash = '" + "f".repeat(64) + "' where id = 1");
        try {
            moveInvitee(grant, "fabrikam", "bob-" + UUID.randomUUID().toString().substring(0, 8) + "@gone.example");
            Integer ended = freshContext.run(invitations::endOutsideRegisteredDomains).await()
                    .atMost(Duration.ofSeconds(30));
            assertEquals(0, ended);
            Api.get(Tokens.contosoAdmin(), grant).then().statusCode(200).body("status", equalTo("accepted"));
        } finally {
            freshContext.run(invitations::claimRegistryEpoch).await().atMost(Duration.ofSeconds(30));
        }
        Api.awaitStatus(Tokens.contosoAdmin(), grant, "revoked");
        assertEquals(1, endings(grant));
    }

    private static void execute(String sql) throws Exception {
        try (Connection db = TestDatabase.connect(); PreparedStatement statement = db.prepareStatement(sql)) {
            assertEquals(1, statement.executeUpdate());
        }
    }

    static void moveInvitee(String id, String tenant, String email) throws Exception {
        try (Connection db = TestDatabase.connect(); PreparedStatement update = db.prepareStatement(
                "update invitation set invitee_tenant = ?, invitee_email = ? where id = ?")) {
            update.setString(1, tenant);
            update.setString(2, email);
            update.setObject(3, UUID.fromString(id));
            assertEquals(1, update.executeUpdate());
        }
    }

    /** Outbox rows that ended the invitation (revoked.v1 or denied.v1). */
    private static int endings(String id) throws Exception {
        try (Connection db = TestDatabase.connect(); PreparedStatement query = db.prepareStatement(
                "select count(*) from outbox where aggregate_id = ? and type in (?, ?)")) {
            query.setString(1, id);
            query.setString(2, REVOKED);
            query.setString(3, DENIED);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
