package org.crosstenant.invitation.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Header values that would stall the consumer (column overflow, huge dead letter) or collide in the inbox. */
class HeaderBoundsTest {

    @Test
    void overlongTypeSourceOrSubjectArePoison() {
        for (String attribute : new String[] { "ce_type", "ce_source", "ce_subject" }) {
            RecordHeaders headers = valid();
            headers.remove(attribute);
            headers.add(attribute, "x".repeat(129).getBytes(StandardCharsets.UTF_8));
            PoisonMessageException e = assertThrows(PoisonMessageException.class, () -> CloudEventHeaders.read(headers));
            assertTrue(e.getMessage().contains(attribute), e.getMessage());
        }
        assertEquals(PolicyDecisionParser.TYPE, CloudEventHeaders.read(valid()).type());
    }

    @Test
    void aReasonEchoingAHugeHeaderStaysSmall() {
        RecordHeaders headers = valid();
        headers.remove("ce_specversion");
        headers.add("ce_specversion", "9".repeat(600_000).getBytes(StandardCharsets.UTF_8));
        PoisonMessageException e = assertThrows(PoisonMessageException.class, () -> CloudEventHeaders.read(headers));
        assertTrue(e.getMessage().length() <= 400, "reason of " + e.getMessage().length() + " chars");
        assertTrue(e.getMessage().contains("(600000 chars)"), e.getMessage());
    }

    @Test
    void onlyTheCanonicalUuidFormIsAnId() {
        RecordHeaders headers = valid();
        headers.remove("ce_id");
        headers.add("ce_id", "1-1-1-1-1".getBytes(StandardCharsets.UTF_8));
        PoisonMessageException e = assertThrows(PoisonMessageException.class, () -> CloudEventHeaders.read(headers));
        assertTrue(e.getMessage().contains("ce_id"), e.getMessage());
        RecordHeaders upper = valid();
        upper.remove("ce_id");
        upper.add("ce_id", "0000000A-0001-0001-0001-000000000001".getBytes(StandardCharsets.UTF_8));
        assertEquals(UUID.fromString("0000000a-0001-0001-0001-000000000001"), CloudEventHeaders.read(upper).id());
    }

    @Test
    void aLenientUuidInTheDecisionIsPoison() throws Exception {
        String example = Files.readString(
                Path.of("../policy-service/src/main/resources/events/org.crosstenant.policy.decided.v1.json"));
        PolicyDecisionParser parser = new PolicyDecisionParser(new ObjectMapper());
        assertNotNull(parser.parse(example).decisionId());
        String decisionId = new ObjectMapper().readTree(example).get("decisionId").asText();
        PoisonMessageException e = assertThrows(PoisonMessageException.class,
                () -> parser.parse(example.replace(decisionId, "1-1-1-1-1")));
        assertTrue(e.getMessage().contains("decisionId"), e.getMessage());
    }

    private static RecordHeaders valid() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "/crosstenant/policy-service".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", PolicyDecisionParser.TYPE.getBytes(StandardCharsets.UTF_8));
        headers.add("ce_subject", "inv-1".getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
