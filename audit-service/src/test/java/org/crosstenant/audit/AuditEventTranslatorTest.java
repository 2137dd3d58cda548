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
}
