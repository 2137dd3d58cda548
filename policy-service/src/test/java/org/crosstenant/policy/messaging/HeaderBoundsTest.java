package org.crosstenant.policy.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Header values that would stall the consumer (column overflow, huge dead letter) or collide in the inbox. */
class HeaderBoundsTest {

    private final InvitationEventParser parser = new InvitationEventParser(new ObjectMapper());
    private final String id = UUID.randomUUID().toString();

    @Test
    void anOverlongTypeIsPoisonNotAColumnOverflow() {
        String type = "org.crosstenant.invitation." + "a".repeat(300) + ".v1";
        PoisonMessageException e = assertThrows(PoisonMessageException.class, () -> parser.parse(id, type, "{}"));
        assertTrue(e.getMessage().length() <= 400, e.getMessage());
        assertThrows(PoisonMessageException.class,
                () -> parser.parse(id, "org.crosstenant.invitation.revoked.v12345", "{}"));
        assertEquals("org.crosstenant.invitation.revoked.v1",
                parser.parse(id, "org.crosstenant.invitation.revoked.v1", "{}").type());
    }

    @Test
    void overlongSourceTypeOrSubjectHeadersArePoison() {
        for (String attribute : new String[] { "ce_source", "ce_type", "ce_subject" }) {
            RecordHeaders headers = valid();
            headers.remove(attribute);
            headers.add(attribute, "x".repeat(256).getBytes(StandardCharsets.UTF_8));
            PoisonMessageException e = assertThrows(PoisonMessageException.class, () -> BinaryCloudEvent.read(headers));
            assertTrue(e.getMessage().contains(attribute), e.getMessage());
        }
        assertEquals("/crosstenant/invitation-service", BinaryCloudEvent.read(valid()).source());
    }

    @Test
    void aReasonEchoingAHugeHeaderStaysSmall() {
        RecordHeaders headers = valid();
        headers.remove("ce_specversion");
        headers.add("ce_specversion", "9".repeat(600_000).getBytes(StandardCharsets.UTF_8));
        PoisonMessageException e = assertThrows(PoisonMessageException.class, () -> BinaryCloudEvent.read(headers));
        assertTrue(e.getMessage().length() <= 400, "reason of " + e.getMessage().length() + " chars");
        assertTrue(e.getMessage().contains("(600000 chars)"), e.getMessage());
    }

    @Test
    void onlyTheCanonicalUuidFormIsAnId() {
        PoisonMessageException e = assertThrows(PoisonMessageException.class,
                () -> parser.parse("1-1-1-1-1", "org.crosstenant.invitation.revoked.v1", "{}"));
        assertTrue(e.getMessage().contains("ce_id"), e.getMessage());
        String upper = "0000000A-0001-0001-0001-000000000001";
        assertEquals(UUID.fromString(upper), parser.parse(upper, "org.crosstenant.invitation.revoked.v1", "{}").id());
    }

    private static RecordHeaders valid() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "/crosstenant/invitation-service".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", "org.crosstenant.invitation.revoked.v1".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_subject", "inv-1".getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
