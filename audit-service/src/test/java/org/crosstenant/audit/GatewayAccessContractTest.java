package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.crosstenant.audit.messaging.AuditEventTranslator;
import org.crosstenant.audit.model.AuditDraft;
import org.junit.jupiter.api.Test;

/**
 * Consumer side of the gateway's access events: the gateway's own examples (producer-owned) must become records
 * that carry the aggregation fields — as given when the example has them (requestCount, firstAt, lastAt, session;
 * suppressedCount), the documented defaults when it predates them (requestCount 1, firstAt = lastAt = occurredAt;
 * suppressedCount 0). So it holds before and after the gateway adds them, and fails when the gateway breaks us.
 */
class GatewayAccessContractTest {

    static final Path ALLOWED_EXAMPLE =
            Path.of("../gateway/src/main/resources/events/org.crosstenant.gateway.access-allowed.v1.json");
    static final Path DENIED_EXAMPLE =
            Path.of("../gateway/src/main/resources/events/org.crosstenant.gateway.access-denied.v1.json");

    private final ObjectMapper json = new ObjectMapper();
    private final AuditEventTranslator translator = new AuditEventTranslator(json);

    @Test
    void theGatewaysAllowedExampleBecomesARecordWithItsRequestCount() throws Exception {
        assertThat(ALLOWED_EXAMPLE).as("the gateway publishes its access-allowed.v1 example").exists();
        String example = Files.readString(ALLOWED_EXAMPLE);
        JsonNode raw = json.readTree(example);

        AuditDraft draft = translator.translate(AuditEventTranslator.ACCESS_ALLOWED, example);

        assertThat(draft.action()).isEqualTo("gateway.access-allowed");
        assertThat(draft.outcome()).isEqualTo("allowed");
        assertThat(draft.resourceTenant()).isEqualTo(raw.get("resourceTenant").asText());
        assertThat(draft.homeTenant()).isEqualTo(raw.get("homeTenant").asText());
        assertThat(draft.actor().get("subject").asText()).isEqualTo(raw.get("subject").asText());
        JsonNode details = draft.details();
        assertThat(details.get("requestCount").intValue())
                .isEqualTo(raw.has("requestCount") ? raw.get("requestCount").intValue() : 1)
                .isPositive();
        String occurredAt = raw.get("occurredAt").asText();
        assertThat(details.get("firstAt").asText()).isEqualTo(raw.has("firstAt") ? raw.get("firstAt").asText() : occurredAt);
        assertThat(details.get("lastAt").asText()).isEqualTo(raw.has("lastAt") ? raw.get("lastAt").asText() : occurredAt);
        if (raw.has("session")) {
            assertThat(details.get("session").asText()).isEqualTo(raw.get("session").asText());
        }
    }

    @Test
    void theGatewaysDeniedExampleBecomesARecordWithItsSuppressedCount() throws Exception {
        assertThat(DENIED_EXAMPLE).as("the gateway publishes its access-denied.v1 example").exists();
        String example = Files.readString(DENIED_EXAMPLE);
        JsonNode raw = json.readTree(example);

        AuditDraft draft = translator.translate(AuditEventTranslator.ACCESS_DENIED, example);

        assertThat(draft.outcome()).isEqualTo("denied");
        assertThat(draft.details().get("suppressedCount").intValue())
                .isEqualTo(raw.has("suppressedCount") ? raw.get("suppressedCount").intValue() : 0)
                .isNotNegative();
    }
}
