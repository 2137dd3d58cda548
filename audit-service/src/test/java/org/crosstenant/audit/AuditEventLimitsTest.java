package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.messaging.PoisonEventException;
import org.junit.jupiter.api.Test;

/**
 * What audit-service stores and republishes is bounded: a payload or a stored field beyond its limit is poison
 * (dead-lettered with the reason), never a record too large to publish.
 */
class AuditEventLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AuditEventTranslator translator = new AuditEventTranslator(JSON);

    @Test
    void eachStoredFieldAtItsLimitIsAuditedAndOneMoreIsPoison() {
        for (String field : List.of("resourceTenant", "homeTenant", "application", "subject", "email", "session")) {
            ObjectNode atLimit = access();
            atLimit.put(field, "x".repeat(AuditEventTranslator.MAX_FIELD_CHARS));
            assertThat(translator.translate(AuditEventTranslator.ACCESS_ALLOWED, atLimit.toString())).isNotNull();

            ObjectNode overLimit = access();
            overLimit.put(field, "x".repeat(AuditEventTranslator.MAX_FIELD_CHARS + 1));
            assertThatThrownBy(() -> translator.translate(AuditEventTranslator.ACCESS_ALLOWED, overLimit.toString()))
                    .as(field).isInstanceOf(PoisonEventException.class)
                    .hasMessageContaining(field + " is 321 characters; the limit is 320");
        }
        ObjectNode requested = requested();
        requested.put("invitationId", "i".repeat(AuditEventTranslator.MAX_FIELD_CHARS + 1));
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.INVITATION_PREFIX + "requested.v1",
                requested.toString())).isInstanceOf(PoisonEventException.class).hasMessageContaining("invitationId");
        ObjectNode party = requested();
        ((ObjectNode) party.get("requestedBy")).put("subject", "s".repeat(AuditEventTranslator.MAX_FIELD_CHARS + 1));
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.INVITATION_PREFIX + "requested.v1",
                party.toString())).isInstanceOf(PoisonEventException.class).hasMessageContaining("subject");
    }

    @Test
    void aPayloadAtTheByteLimitIsAuditedAndOneByteMoreIsPoison() {
        ObjectNode event = settingsChanged();
        String base = event.toString();
        // pad with a 3-byte character, then with ASCII, to exactly the limit
        int room = AuditEventTranslator.MAX_PAYLOAD_BYTES - bytes(base) - ",\"pad\":\"\"".length();
        String pad = "\u4e2d".repeat(room / 3) + "p".repeat(room % 3);
        event.put("pad", pad);
        assertThat(bytes(event.toString())).isEqualTo(AuditEventTranslator.MAX_PAYLOAD_BYTES);
        assertThat(translator.translate(AuditEventTranslator.SETTINGS_CHANGED, event.toString())).isNotNull();

        event.put("pad", pad + "p");
        assertThatThrownBy(() -> translator.translate(AuditEventTranslator.SETTINGS_CHANGED, event.toString()))
                .isInstanceOf(PoisonEventException.class)
                .hasMessageContaining("is " + (AuditEventTranslator.MAX_PAYLOAD_BYTES + 1) + " bytes; the limit is "
                        + AuditEventTranslator.MAX_PAYLOAD_BYTES);
    }

    /** The largest settings-changed event policy-service can publish (docs/api.md, "Limits") is audited. */
    @Test
    void theMaximalSettingsChangedEventIsAudited() {
        ObjectNode event = settingsChanged();
        ObjectNode rules = JSON.createObjectNode();
        ArrayNode users = rules.putObject("users").put("access", "allowed").putArray("targets");
        IntStream.range(0, 500).forEach(i -> users.add(String.format("%04d", i) + "\u4e2d".repeat(20) + "@"
                + "\u6587".repeat(62) + ".cn"));
        ArrayNode apps = rules.putObject("applications").put("access", "allowed").putArray("targets");
        IntStream.range(0, 500).forEach(i -> apps.add(String.format("%03d", i) + "a".repeat(60)));
        event.putObject("settings").set("inbound", JSON.createObjectNode().set("collaboration", rules));
        ((ObjectNode) event.get("settings")).set("outbound", JSON.createObjectNode().set("collaboration", rules));
        assertThat(bytes(event.toString())).isBetween(300_000, 340_000);
        assertThat(translator.translate(AuditEventTranslator.SETTINGS_CHANGED, event.toString()).tenants())
                .containsExactly("contoso");
    }

    private static ObjectNode access() {
        ObjectNode p = JSON.createObjectNode();
        p.put("resourceTenant", "contoso").put("homeTenant", "fabrikam").put("application", "contoso-projects")
                .put("subject", "bob").put("email", "bob@fabrikam.example").put("guest", true).put("method", "GET")
                .put("path", "/apps/contoso/contoso-projects/").put("reason", "grant")
                .put("occurredAt", "2026-01-01T00:00:00Z").put("session", "s-1");
        return p;
    }

    private static ObjectNode requested() {
        ObjectNode p = JSON.createObjectNode();
        p.put("invitationId", "6f1c1d2e-0000-4000-8000-000000000001").put("resourceTenant", "contoso")
                .put("application", "contoso-projects").put("occurredAt", "2026-01-01T00:00:00Z");
        p.putObject("invitee").put("tenant", "fabrikam").put("email", "bob@fabrikam.example");
        p.putObject("requestedBy").put("tenant", "fabrikam").put("subject", "svc").putNull("email");
        return p;
    }

    private static ObjectNode settingsChanged() {
        ObjectNode p = JSON.createObjectNode();
        p.put("tenant", "contoso").put("partner", "fabrikam").put("version", 1)
                .put("occurredAt", "2026-01-01T00:00:00Z");
        p.putObject("changedBy").put("tenant", "contoso").put("subject", "alice").put("email", "alice@contoso.example");
        return p;
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
