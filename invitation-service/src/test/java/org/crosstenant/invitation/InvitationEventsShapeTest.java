package org.crosstenant.invitation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.crosstenant.invitation.messaging.InvitationEvents;
import org.crosstenant.invitation.model.Invitation;
import org.crosstenant.invitation.model.InvitationStatus;
import org.crosstenant.invitation.model.OutboxEvent;
import org.crosstenant.invitation.model.Party;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Unit-level contract check: every builder produces the field names of its example file. The Kafka flow tests
 * repeat the check on what is really published.
 */
class InvitationEventsShapeTest {

    private final InvitationEvents events = new InvitationEvents(new ObjectMapper(), "invitations.events");
    private final Instant now = Instant.parse("2026-11-27T10:15:30Z");

    @Test
    void everyTypeHasAnExample() {
        for (String type : InvitationEvents.ALL_TYPES) {
            assertTrue(Files.exists(Path.of("src/main/resources/events/" + type + ".json")), type);
        }
    }

    @Test
    void buildersMatchTheExamples() {
        Invitation inv = accepted();
        check(events.requested(inv, now));
        check(events.approved(inv, now));
        check(events.denied(inv, List.of("because"), now));
        check(events.redeemed(inv, now));
        check(events.revoked(inv, new Party("contoso", "alice", "alice@contoso.example"), now));
        check(events.expired(inv, InvitationStatus.PENDING_ACCEPTANCE, now));
        check(events.approvalRequested(inv, now));
        inv.declinedByTenant = "contoso";
        inv.declinedBySubject = "alice";
        inv.declinedByEmail = "alice@contoso.example";
        inv.approvalReason = "no external access";
        check(events.declined(inv, now));
    }

    @Test
    void adminApprovalNamesTheAdminAndReason() {
        Invitation inv = accepted();
        inv.approvedByTenant = "contoso";
        inv.approvedBySubject = "alice";
        inv.approvedByEmail = "alice@contoso.example";
        inv.approvalReason = "kick-off";
        assertEquals(JsonShape.ofExample(InvitationEvents.APPROVED + ".by-admin"),
                JsonShape.of(events.approved(inv, now).payload));
    }

    /** Issue #8: what a settings change's withdrawal publishes has the shape of the policy-changed examples. */
    @Test
    void endingsByASettingsChangeMatchTheirExamples() throws Exception {
        Invitation inv = accepted();
        inv.withdrawalId = UUID.randomUUID();
        inv.withdrawalCause = "policy-changed";
        inv.revokedByTenant = "fabrikam";
        inv.revokedBySubject = "system:policy-changed";
        OutboxEvent revoked = events.revokedByPolicyChange(inv, List.of("fabrikam outbound settings blocked it"), now);
        assertEquals(JsonShape.ofExample(InvitationEvents.REVOKED + ".policy-changed"), JsonShape.of(revoked.payload));
        var payload = JsonShape.JSON.readTree(revoked.payload);
        assertEquals("policy-changed", payload.path("reason").asText());
        assertEquals(inv.withdrawalId.toString(), payload.path("withdrawalId").asText());
        assertTrue(payload.path("revokedBy").has("email") && payload.path("revokedBy").get("email").isNull());

        OutboxEvent denied = events.deniedByPolicyChange(inv, List.of("contoso settings blocked it"),
                InvitationStatus.PENDING_ACCEPTANCE, now);
        assertEquals(JsonShape.ofExample(InvitationEvents.DENIED + ".policy-changed"), JsonShape.of(denied.payload));
        payload = JsonShape.JSON.readTree(denied.payload);
        assertEquals(inv.withdrawalId.toString(), payload.path("decisionId").asText());
        assertEquals("pending_acceptance", payload.path("previousStatus").asText());
        assertEquals("policy-changed", payload.path("cause").asText());
    }

    @Test
    void approvedNeverCarriesTheCode() {
        Invitation inv = accepted();
        inv.redemptionCode = "secret-code-value";
        OutboxEvent approved = events.approved(inv, now);
        assertFalse(approved.payload.contains("secret-code-value"));
        assertEquals(inv.id.toString(), approved.aggregateId);
    }

    private void check(OutboxEvent event) {
        assertEquals(JsonShape.ofExample(event.type), JsonShape.of(event.payload), event.type);
    }

    private static Invitation accepted() {
        Invitation inv = new Invitation();
        inv.id = UUID.randomUUID();
        inv.resourceTenant = "contoso";
        inv.application = "contoso-projects";
        inv.inviteeTenant = "fabrikam";
        inv.inviteeEmail = "bob@fabrikam.example";
        inv.requestedByTenant = "fabrikam";
        inv.requestedBySubject = "svc";
        inv.requestedByRole = "collab-partner";
        inv.status = InvitationStatus.ACCEPTED;
        inv.expiresAt = Instant.parse("2026-12-11T10:15:30Z");
        inv.decisionId = UUID.randomUUID();
        inv.guestTenant = "fabrikam";
        inv.guestIssuer = "http://127.0.0.1:8180/realms/fabrikam";
        inv.guestSubject = "bob-sub";
        inv.guestEmail = "bob@fabrikam.example";
        inv.grantExpiresAt = Instant.parse("2027-02-25T10:20:00Z");
        return inv;
    }
}
