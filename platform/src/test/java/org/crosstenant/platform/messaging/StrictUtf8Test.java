package org.crosstenant.platform.messaging;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 3629 well-formedness as {@link StrictUtf8} and the Kafka (de)serializers apply it. */
class StrictUtf8Test {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void decodesEveryLengthOfSequence() {
        // 1, 2, 3 and 4 bytes: A, é, €, 😀 (a surrogate pair in Java)
        byte[] utf8 = bytes(0x41, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80);
        assertEquals("Aé€\uD83D\uDE00", StrictUtf8.decode(utf8));
        assertEquals("", StrictUtf8.decode(new byte[0]));
        assertNull(StrictUtf8.decode(null));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("C3 28: a lead byte without its continuation", bytes(0x61, 0x62, 0xC3, 0x28), 2),
                Arguments.of("a lone FF, never in UTF-8", bytes(0x61, 0xFF), 1),
                Arguments.of("C0 AF: overlong encoding of '/'", bytes(0xC0, 0xAF), 0),
                Arguments.of("ED A0 80: an encoded surrogate U+D800", bytes(0x7B, 0xED, 0xA0, 0x80, 0x7D), 1),
                Arguments.of("a lone continuation byte", bytes(0x80), 0),
                Arguments.of("a truncated 3-byte sequence at the end", bytes(0x61, 0xE2, 0x82), 1),
                Arguments.of("F4 90 80 80: above U+10FFFF", bytes(0xF4, 0x90, 0x80, 0x80), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformedInputNamingTheOffset(String kind, byte[] input, int offset) {
        MalformedUtf8Exception e = assertThrows(MalformedUtf8Exception.class, () -> StrictUtf8.decode(input));
        assertEquals(offset, e.offset(), kind);
        assertTrue(e.getMessage().startsWith("not valid UTF-8") && e.getMessage().contains("byte offset " + offset),
                e.getMessage());
    }

    @Test
    void deserializerThrowsKafkasSerializationExceptionAndKeepsNull() {
        StrictUtf8Deserializer deserializer = new StrictUtf8Deserializer();
        assertEquals("é", deserializer.deserialize("t", bytes(0xC3, 0xA9)));
        assertNull(deserializer.deserialize("t", (byte[]) null));
        SerializationException e = assertThrows(SerializationException.class,
                () -> deserializer.deserialize("invitations.events", bytes(0x61, 0xFF)));
        assertTrue(e.getMessage().contains("byte offset 1") && e.getMessage().contains("invitations.events"),
                e.getMessage());
        assertInstanceOf(MalformedUtf8Exception.class, e.getCause());
        // the headers variant Kafka's consumer calls goes through the same check
        assertThrows(SerializationException.class,
                () -> deserializer.deserialize("t", new RecordHeaders(), bytes(0xC0, 0xAF)));
    }

    @Test
    void headerIsDecodedStrictlyAndNamedInTheReason() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_id", bytes(0x61, 0xED, 0xA0, 0x80));
        headers.add("ce_type", "invitation.requested".getBytes(StandardCharsets.UTF_8));
        assertEquals("invitation.requested", StrictUtf8.header(headers, "ce_type"));
        assertNull(StrictUtf8.header(headers, "ce_source"));
        assertNull(StrictUtf8.header(null, "ce_id"));
        MalformedUtf8Exception e = assertThrows(MalformedUtf8Exception.class, () -> StrictUtf8.header(headers, "ce_id"));
        assertTrue(e.getMessage().startsWith("header ce_id is not valid UTF-8") && e.getMessage().contains("offset 1"),
                e.getMessage());
    }

    @Test
    void deserializationFailureReadsSmallRyesHeaders() {
        RecordHeaders headers = new RecordHeaders();
        assertNull(StrictUtf8.deserializationFailure(headers));
        headers.add("deserialization-failure-reason", "not valid UTF-8: x".getBytes(StandardCharsets.UTF_8));
        assertEquals("record value could not be deserialized: not valid UTF-8: x",
                StrictUtf8.deserializationFailure(headers));
        headers.add("deserialization-failure-key", "true".getBytes(StandardCharsets.UTF_8));
        assertTrue(StrictUtf8.deserializationFailure(headers).startsWith("record key "));
    }

    @Test
    void serializerEncodesAndRefusesAnUnpairedSurrogate() {
        StrictUtf8Serializer serializer = new StrictUtf8Serializer();
        assertArrayEquals(bytes(0xC3, 0xA9), serializer.serialize("t", "é"));
        assertNull(serializer.serialize("t", null));
        assertThrows(SerializationException.class, () -> serializer.serialize("t", "x\uD800y"));
    }
}
