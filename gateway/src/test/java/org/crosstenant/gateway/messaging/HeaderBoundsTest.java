package org.crosstenant.gateway.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Header values that would make a dead letter too big to send, or that other consumers refuse as over-long. */
class HeaderBoundsTest {

    private static final String TYPE = "org.crosstenant.policy.access-settings-changed.v1";

    @Test
    void overlongSourceTypeOrSubjectAreRefused() {
        for (String attribute : new String[] { "ce_source", "ce_type", "ce_subject" }) {
            RecordHeaders headers = valid();
            headers.remove(attribute);
            headers.add(attribute, "x".repeat(256).getBytes(StandardCharsets.UTF_8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CloudEventHeaders.read(headers, "contoso"));
            assertTrue(e.getMessage().contains(attribute), e.getMessage());
            assertTrue(e.getMessage().length() <= 400, "reason of " + e.getMessage().length() + " chars");
        }
        assertEquals(TYPE, CloudEventHeaders.read(valid(), "contoso").type());
    }

    @Test
    void aReasonEchoingAHugeHeaderStaysSmall() {
        RecordHeaders headers = valid();
        headers.remove("ce_specversion");
        headers.add("ce_specversion", "9".repeat(600_000).getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CloudEventHeaders.read(headers, "contoso"));
        assertTrue(e.getMessage().length() <= 400, "reason of " + e.getMessage().length() + " chars");
        assertTrue(e.getMessage().contains("(600000 chars)"), e.getMessage());
        // never cut between the two halves of a surrogate pair
        String echoed = Echo.of("a" + "\uD83D\uDE00".repeat(300_000));
        assertTrue(echoed.length() <= 400 && echoed.endsWith("\uDE00…(600001 chars)"), echoed);
    }

    private static RecordHeaders valid() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "/crosstenant/policy-service".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", TYPE.getBytes(StandardCharsets.UTF_8));
        headers.add("ce_subject", "contoso".getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
