package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.messaging.PoisonEventException;
import org.crosstenant.audit.model.AuditDraft;
import org.crosstenant.platform.model.StrictJsonInput;
import org.junit.jupiter.api.Test;

class AuditEventTranslatorTest {

    private final AuditEventTranslator translator = new AuditEventTranslator(StrictJsonInput.apply(new ObjectMapper()));

    @Test
    void unknownTypesAndBrokenPayloadsArePoison() {
        assertThatThrownBy(() -> translator.translate("org.crosstenant.invitation.teleported.v1", "{}"))
                .isInstanceOf(PoisonEventException.class);
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_ALLOWED, "{not json"))
                .isInstanceOf(PoisonEventException.class);
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_ALLOWED, "\"a string\""))
                .isInstanceOf(PoisonEventException.class);
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.SETTINGS_CHANGED,
                "{\"tenant\": \"contoso\", \"partner\": \"fabrikam\", \"occurredAt\": \"yesterday\"}"))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("occurredAt");
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.DECIDED, """
                {"invitationId": "i", "resourceTenant": "contoso", "homeTenant": "fabrikam", "outcome": "maybe",
                 "occurredAt": "2026-01-01T00:00:00Z"}"""))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("outcome");
    }

    @Test
    void aMembersOwnAccessConcernsOneTenantOnce() {
        AuditDraft draft = translator.translate(AuditEventTranslator.ACCESS_ALLOWED, """
                {"resourceTenant": "contoso", "homeTenant": "contoso", "application": "contoso-projects",
                 "subject": "alice", "email": null, "guest": false, "method": "GET", "path": "/apps/contoso/x",
                 "reason": "member", "occurredAt": "2026-01-01T00:00:00+01:00"}""");
        assertThat(draft.tenants()).containsExactly("contoso");
        assertThat(draft.outcome()).isEqualTo("allowed");
        assertThat(draft.occurredAt()).hasToString("2025-12-31T23:00:00Z");
    }

    @Test
    void aggregatedAccessFieldsAreCarriedIntoTheDetails() {
        AuditDraft allowed = translator.translate(AuditEventTranslator.ACCESS_ALLOWED, """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "application": "contoso-projects",
                 "subject": "bob", "email": null, "guest": true, "method": "GET", "path": "/apps/contoso/x",
                 "reason": "grant", "occurredAt": "2026-01-01T00:01:00Z", "requestCount": 412,
                 "firstAt": "2026-01-01T00:00:00Z", "lastAt": "2026-01-01T00:00:59.5Z", "session": "s-1"}""");
        assertThat(allowed.details().get("requestCount").intValue()).isEqualTo(412);
        assertThat(allowed.details().get("firstAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(allowed.details().get("lastAt").asText()).isEqualTo("2026-01-01T00:00:59.5Z");
        assertThat(allowed.details().get("session").asText()).isEqualTo("s-1");

        AuditDraft denied = translator.translate(AuditEventTranslator.ACCESS_DENIED, """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "application": "contoso-projects",
                 "subject": "bob", "reason": "no grant", "occurredAt": "2026-01-01T00:01:00Z", "suppressedCount": 37}""");
        assertThat(denied.details().get("suppressedCount").intValue()).isEqualTo(37);
    }

    @Test
    void todaysAccessEventsGetTheDefaults() {
        AuditDraft allowed = translator.translate(AuditEventTranslator.ACCESS_ALLOWED, """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "application": "contoso-projects",
                 "subject": "bob", "reason": "grant", "occurredAt": "2026-01-01T00:01:00Z"}""");
        assertThat(allowed.details().get("requestCount").intValue()).isEqualTo(1);
        assertThat(allowed.details().get("firstAt").asText()).isEqualTo("2026-01-01T00:01:00Z");
        assertThat(allowed.details().get("lastAt").asText()).isEqualTo("2026-01-01T00:01:00Z");
        assertThat(allowed.details().has("session")).isFalse();

        AuditDraft denied = translator.translate(AuditEventTranslator.ACCESS_DENIED, """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "subject": "bob", "reason": "no grant",
                 "occurredAt": "2026-01-01T00:01:00Z"}""");
        assertThat(denied.details().get("suppressedCount").intValue()).isZero();
    }

    @Test
    void malformedAggregationFieldsArePoison() {
        String allowed = """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "subject": "bob",
                 "occurredAt": "2026-01-01T00:01:00Z", %s}""";
        for (String bad : new String[] { "\"requestCount\": 0", "\"requestCount\": -2", "\"requestCount\": \"7\"",
                "\"requestCount\": 1.5", "\"requestCount\": 99999999999", "\"firstAt\": \"yesterday\"",
                "\"lastAt\": 5", "\"session\": 42" }) {
            assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_ALLOWED, allowed.formatted(bad)))
                    .as(bad).isInstanceOf(PoisonEventException.class);
        }
        String denied = """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "subject": "bob",
                 "occurredAt": "2026-01-01T00:01:00Z", "suppressedCount": %s}""";
        for (String bad : new String[] { "-1", "\"none\"", "2.5", "true" }) {
            assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_DENIED, denied.formatted(bad)))
                    .as(bad).isInstanceOf(PoisonEventException.class).hasMessageContaining("suppressedCount");
        }
    }

    @Test
    void hostileJsonTextIsPoisonNamingWhereItIs() {
        String event = """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "subject": %s,
                 "occurredAt": "2026-01-01T00:00:00Z"}""";
        for (String subject : new String[] { "\"x\\u0000\"", "\"\\ud800\"", "\"s\\udc00-\\ud83d\"" }) {
            assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_ALLOWED, event.formatted(subject)))
                    .as(subject).isInstanceOf(PoisonEventException.class).hasMessageContaining("/subject");
        }
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_ALLOWED,
                event.formatted("\"bob\", \"subject\": \"alice\"")))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("/subject");
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_ALLOWED,
                event.formatted("\"bob\"") + " {}")).isInstanceOf(PoisonEventException.class);
    }

    @Test
    void theCompleteSettingsModelIsRecordedForItsOwnerWithItsScope() {
        String v2 = """
                {"tenant": "contoso", "partner": %s, "version": 3, "defaultVersion": 2, "deleted": %s,
                 "settings": null, "effective": null,
                 "changedBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                 "occurredAt": "2026-01-01T00:00:00Z"}""";
        AuditDraft partner = translator.translate(AuditEventTranslator.SETTINGS_CHANGED_V2,
                v2.formatted("\"fabrikam\"", "true"));
        assertThat(partner.action()).isEqualTo("policy.access-settings-changed");
        assertThat(partner.tenants()).containsExactly("contoso");
        assertThat(partner.homeTenant()).isEqualTo("fabrikam");
        assertThat(partner.details().get("scope").asText()).isEqualTo("partner");
        assertThat(partner.details().get("deleted").asBoolean()).isTrue();
        assertThat(partner.actor().get("subject").asText()).isEqualTo("alice");
        AuditDraft defaults = translator.translate(AuditEventTranslator.SETTINGS_CHANGED_V2,
                v2.formatted("null", "false"));
        assertThat(defaults.homeTenant()).isNull();
        assertThat(defaults.details().get("scope").asText()).isEqualTo("default");
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.SETTINGS_CHANGED_V2,
                v2.formatted("null", "\"yes\""))).isInstanceOf(PoisonEventException.class)
                .hasMessageContaining("deleted");
    }

    @Test
    void approvalStepsNameTheAdminWhoActed() {
        AuditDraft declined = translator.translate(AuditEventTranslator.INVITATION_PREFIX + "declined.v1", """
                {"invitationId": "i-1", "resourceTenant": "contoso", "homeTenant": "fabrikam",
                 "application": "contoso-projects", "inviteeEmail": "bob@fabrikam.example",
                 "declinedBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                 "reason": "not now", "occurredAt": "2026-01-01T00:00:00Z"}""");
        assertThat(declined.action()).isEqualTo("invitation.declined");
        assertThat(declined.tenants()).containsExactly("contoso", "fabrikam");
        assertThat(declined.actor().get("subject").asText()).isEqualTo("alice");
        String invitation = """
                {"invitationId": "i-2", "resourceTenant": "contoso", "application": "contoso-projects",
                 "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"}%s,
                 "occurredAt": "2026-01-01T00:00:00Z"}""";
        AuditDraft approved = translator.translate(AuditEventTranslator.INVITATION_PREFIX + "approved.v1",
                invitation.formatted(", \"approvedBy\": {\"tenant\": \"contoso\", \"subject\": \"alice\"}"));
        assertThat(approved.actor().get("subject").asText()).isEqualTo("alice");
        assertThat(translator.translate(AuditEventTranslator.INVITATION_PREFIX + "approved.v1",
                invitation.formatted("")).actor()).isNull();
        AuditDraft waiting = translator.translate(AuditEventTranslator.INVITATION_PREFIX + "approval-requested.v1",
                invitation.formatted(""));
        assertThat(waiting.action()).isEqualTo("invitation.approval-requested");
        assertThat(waiting.tenants()).containsExactly("contoso", "fabrikam");
        String decided = """
                {"invitationId": "i-3", "resourceTenant": "contoso", "homeTenant": "fabrikam", "outcome": "allow",
                 "approvalRequired": %s, "occurredAt": "2026-01-01T00:00:00Z"}""";
        assertThat(translator.translate(AuditEventTranslator.DECIDED, decided.formatted("true")).details()
                .get("approvalRequired").asBoolean()).isTrue();
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.DECIDED, decided.formatted("\"yes\"")))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("approvalRequired");
    }

    /**
     * Issue #8: access-withdrawn.v1 and the new optional members of revoked.v1/denied.v1 are checked like every
     * other field: a malformed one makes the event poison, naming the member.
     */
    @Test
    void malformedWithdrawalsAndEndingsArePoison() {
        String withdrawal = """
                {"withdrawalId": "3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b", "invitationId": "i-1",
                 "resourceTenant": "contoso", "homeTenant": "fabrikam", "application": "contoso-projects",
                 "previousStatus": "accepted", "cause": "policy-changed", "changedTenant": "fabrikam",
                 "reasons": ["r"], "sharedReasons": ["s"], "homeReasons": ["h"], "occurredAt": "2026-12-01T09:00:00Z"}""";
        AuditDraft ok = translator.translate(AuditEventTranslator.ACCESS_WITHDRAWN, withdrawal);
        assertThat(ok.tenants()).containsExactly("contoso", "fabrikam");
        assertThat(ok.details().path("sharedReasons").get(0).asText()).isEqualTo("s");
        assertThat(ok.details().toString()).doesNotContain("\"r\"").doesNotContain("\"h\"");
        String[][] bad = {
            { "\"withdrawalId\": \"3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b\"", "\"withdrawalId\": \"w-1\"", "withdrawalId" },
            { "\"withdrawalId\": \"3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b\", ", "", "withdrawalId" },
            { "\"cause\": \"policy-changed\"", "\"cause\": 1", "cause" },
            { "\"changedTenant\": \"fabrikam\"", "\"changedTenant\": \"northwind\"", "changedTenant" },
            { "\"previousStatus\": \"accepted\"", "\"previousStatus\": \"revoked\"", "previousStatus" },
            { "\"previousStatus\": \"accepted\", ", "", "previousStatus" },
            { "\"sharedReasons\": [\"s\"]", "\"sharedReasons\": \"s\"", "sharedReasons" },
            { "\"reasons\": [\"r\"]", "\"reasons\": [1]", "reasons" },
            { "\"homeReasons\": [\"h\"]", "\"homeReasons\": {}", "homeReasons" },
            { "\"invitationId\": \"i-1\",", "", "invitationId" },
        };
        for (String[] c : bad) {
            assertThat(withdrawal).contains(c[0]);
            assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_WITHDRAWN,
                    withdrawal.replace(c[0], c[1]))).as(c[1]).isInstanceOf(PoisonEventException.class)
                    .hasMessageContaining(c[2]);
        }

        String revoked = """
                {"invitationId": "i-2", "resourceTenant": "contoso", "application": "contoso-projects",
                 "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"}, "guest": null,
                 "revokedBy": {"tenant": "fabrikam", "subject": "system:policy-changed", "email": null}%s,
                 "occurredAt": "2026-12-01T09:00:00Z"}""";
        assertThat(translator.translate(AuditEventTranslator.INVITATION_PREFIX + "revoked.v1", revoked.formatted(""))
                .details().has("reason")).isFalse();
        assertThat(translator.translate(AuditEventTranslator.INVITATION_PREFIX + "revoked.v1", revoked.formatted(
                ", \"reason\": \"policy-changed\", \"reasons\": [], \"withdrawalId\": \"3E2D1C0B-9A8F-4E7D-8C6B-5A4F3E2D1C0B\""))
                .details().path("reason").asText()).isEqualTo("policy-changed");
        for (String[] c : new String[][] { { ", \"reason\": 7", "reason" }, { ", \"reason\": \" \"", "reason" },
            { ", \"reasons\": \"blocked\"", "reasons" }, { ", \"reasons\": [null]", "reasons" },
            { ", \"withdrawalId\": \"1-1-1-1-1\"", "withdrawalId" }, { ", \"withdrawalId\": 5", "withdrawalId" } }) {
            assertThatThrownBy(() -> translator.translate(AuditEventTranslator.INVITATION_PREFIX + "revoked.v1",
                    revoked.formatted(c[0]))).as(c[0]).isInstanceOf(PoisonEventException.class)
                    .hasMessageContaining(c[1]);
        }
        String denied = """
                {"invitationId": "i-3", "resourceTenant": "contoso", "application": "contoso-projects",
                 "invitee": {"tenant": "fabrikam", "email": "carol@fabrikam.example"}, "decisionId": "d",
                 "reasons": ["contoso settings blocked it"]%s, "occurredAt": "2026-12-01T09:00:00Z"}""";
        assertThat(translator.translate(AuditEventTranslator.INVITATION_PREFIX + "denied.v1", denied.formatted(
                ", \"cause\": \"policy-changed\", \"previousStatus\": \"pending_approval\"")).details()
                .path("previousStatus").asText()).isEqualTo("pending_approval");
        for (String[] c : new String[][] { { ", \"cause\": \"\"", "cause" }, { ", \"cause\": [\"x\"]", "cause" },
            { ", \"previousStatus\": \"denied\"", "previousStatus" }, { ", \"previousStatus\": true", "previousStatus" } }) {
            assertThatThrownBy(() -> translator.translate(AuditEventTranslator.INVITATION_PREFIX + "denied.v1",
                    denied.formatted(c[0]))).as(c[0]).isInstanceOf(PoisonEventException.class)
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void structurallyInvalidEventsStayPoison() {
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_ALLOWED, """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "occurredAt": "+20000-01-01T00:00:00Z"}"""))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("occurredAt");
    }
}
