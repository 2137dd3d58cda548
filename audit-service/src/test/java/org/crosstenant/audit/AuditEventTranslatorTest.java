package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.messaging.PoisonEventException;
import org.crosstenant.audit.model.AuditDraft;
import org.junit.jupiter.api.Test;

class AuditEventTranslatorTest {

    private final AuditEventTranslator translator = new AuditEventTranslator(new ObjectMapper());

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
    void textPostgresqlCannotStoreIsReplacedNotDeadLettered() {
        AuditDraft draft = translator.translate(AuditEventTranslator.ACCESS_ALLOWED, """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "subject": "x\\u0000",
                 "email": "\\ud800@fabrikam.example", "session": "s\\udc00-\\ud83d\\ude00",
                 "k\\u0000": ["\\u0000"], "occurredAt": "2026-01-01T00:00:00Z"}""");
        assertThat(draft.actor().get("subject").asText()).isEqualTo("x\uFFFD");
        assertThat(draft.actor().get("email").asText()).isEqualTo("\uFFFD@fabrikam.example");
        // the details (hashed and stored) carry the same sanitised values; a valid pair stays as it is
        assertThat(draft.details().get("subject").asText()).isEqualTo("x\uFFFD");
        assertThat(draft.details().get("session").asText()).isEqualTo("s\uFFFD-\uD83D\uDE00");
        assertThat(draft.details().get("k\uFFFD").get(0).asText()).isEqualTo("\uFFFD");
        assertThat(draft.details().toString()).doesNotContain("\u0000").doesNotContain("\\u0000");
    }

    @Test
    void structurallyInvalidEventsStayPoison() {
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_ALLOWED, """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "occurredAt": "+20000-01-01T00:00:00Z"}"""))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("occurredAt");
    }
}
