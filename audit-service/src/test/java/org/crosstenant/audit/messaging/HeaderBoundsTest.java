package org.crosstenant.audit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Header values that would make a huge dead letter, overflow what other consumers accept, or collide in the inbox. */
class HeaderBoundsTest {

    private static final String TYPE = AuditEventTranslator.ACCESS_DENIED;

    @Test
    void overlongSourceTypeOrSubjectArePoison() {
        for (String attribute : new String[] { "ce_source", "ce_type", "ce_subject" }) {
            RecordHeaders headers = valid();
            headers.remove(attribute);
            headers.add(attribute, "x".repeat(256).getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> CloudEventEnvelope.read("t", "k", "{}", headers)).as(attribute)
                    .isInstanceOf(PoisonEventException.class).hasMessageContaining(attribute);
        }
        assertThat(CloudEventEnvelope.read("t", "k", "{}", valid()).type()).isEqualTo(TYPE);
    }

    @Test
    void aReasonEchoingAHugeValueStaysSmall() {
        // (a field of 400,000 characters: a whole payload over 512 KiB is refused before any field is read)
        RecordHeaders headers = valid();
        headers.remove("ce_specversion");
        headers.add("ce_specversion", "9".repeat(600_000).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> CloudEventEnvelope.read("t", "k", "{}", headers))
                .isInstanceOf(PoisonEventException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(400).contains("(600000 chars)"));
        AuditEventTranslator translator = new AuditEventTranslator(new ObjectMapper());
        assertThatThrownBy(() -> translator.translate("y".repeat(600_000), "{}"))
                .isInstanceOf(PoisonEventException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(400));
        assertThatThrownBy(() -> translator.translate(TYPE, """
                {"resourceTenant": "contoso", "homeTenant": "fabrikam", "occurredAt": "%s"}"""
                .formatted("z".repeat(400_000)))).isInstanceOf(PoisonEventException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(400).contains("occurredAt"));
    }

    @Test
    void onlyTheCanonicalUuidFormIsAnId() {
        RecordHeaders headers = valid();
        headers.remove("ce_id");
        headers.add("ce_id", "1-1-1-1-1".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> CloudEventEnvelope.read("t", "k", "{}", headers))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("ce_id");
        RecordHeaders upper = valid();
        upper.remove("ce_id");
        upper.add("ce_id", "0000000A-0001-0001-0001-000000000001".getBytes(StandardCharsets.UTF_8));
        assertThat(CloudEventEnvelope.read("t", "k", "{}", upper).id())
                .isEqualTo(UUID.fromString("0000000a-0001-0001-0001-000000000001"));
    }

    /** What SmallRye's Kafka connector writes in binary mode (ce_datacontenttype beside content-type) is valid. */
    @Test
    void theConnectorsOwnHeadersAndValidExtensionsAreAccepted() {
        RecordHeaders headers = valid();
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_datacontenttype", "application/json".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_time", "2026-11-30T06:39:40.892Z".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_partitionkey", "contoso".getBytes(StandardCharsets.UTF_8));
        assertThat(CloudEventEnvelope.read("t", "k", "{}", headers).type()).isEqualTo(TYPE);

        for (String[] bad : new String[][] { { "ce_tele-port", "yes" }, { "ce_Upper", "x" },
                { "ce_" + "a".repeat(21), "x" }, { "ce_datacontenttype", "text/plain" } }) {
            RecordHeaders poisoned = valid();
            poisoned.add(bad[0], bad[1].getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> CloudEventEnvelope.read("t", "k", "{}", poisoned)).as(bad[0])
                    .isInstanceOf(PoisonEventException.class);
        }
    }

    private static RecordHeaders valid() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "/crosstenant/gateway".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", TYPE.getBytes(StandardCharsets.UTF_8));
        headers.add("ce_subject", "contoso:fabrikam".getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
