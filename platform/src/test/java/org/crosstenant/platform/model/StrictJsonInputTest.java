package org.crosstenant.platform.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Every family of hostile JSON text is refused with a pointer, through every kind of input a mapper reads. */
class StrictJsonInputTest {

    private static final ObjectMapper MAPPER = StrictJsonInput.apply(new ObjectMapper());

    record Body(String code, Inner inner) {
        record Inner(String name) {
        }
    }

    static Stream<Arguments> hostileTexts() {
        return Stream.of(
                // duplicate members at any depth, also when only the escapes differ
                Arguments.of("{\"code\":\"a\",\"code\":\"b\"}", "/code"),
                Arguments.of("{\"a\":1,\"inner\":{\"name\":\"x\",\"name\":\"y\"}}", "/inner/name"),
                Arguments.of("{\"list\":[{},{\"k\":1,\"k\":1}]}", "/list/1/k"),
                Arguments.of("{\"resourceTenant\":\"a\",\"x\":{},\"resourceTenant\":\"b\"}", "/resourceTenant"),
                Arguments.of("{\"code\":\"a\",\"\\u0063ode\":\"b\"}", "/code"),
                // NUL in values and names, escaped, at any depth
                Arguments.of("{\"email\":\"a\\u0000@b.cd\"}", "/email"),
                Arguments.of("{\"inner\":{\"name\":\"\\u0000\"}}", "/inner/name"),
                Arguments.of("{\"a\\u0000\":1}", "/a\\u0000"),
                Arguments.of("[\"ok\",\"x\\u0000\"]", "/1"),
                // unpaired surrogates anywhere in a string or name
                Arguments.of("{\"displayName\":\"x\\ud800y\"}", "/displayName"),
                Arguments.of("{\"displayName\":\"\\udc00\"}", "/displayName"),
                Arguments.of("{\"displayName\":\"end\\ud83d\"}", "/displayName"),
                Arguments.of("{\"displayName\":\"\\ude00\\ud83d\"}", "/displayName"),
                Arguments.of("{\"\\ud800\":1}", "/\\ud800"),
                Arguments.of("{\"a\":[[\"\\udfff\"]]}", "/a/0/0"),
                // nesting beyond 32
                Arguments.of("[".repeat(33) + "]".repeat(33), null),
                Arguments.of("{\"a\":".repeat(33) + "1" + "}".repeat(33), null),
                // numbers beyond 100 characters
                Arguments.of("{\"n\":" + "9".repeat(101) + "}", "/n"),
                Arguments.of("{\"n\":1." + "5".repeat(100) + "}", "/n"),
                Arguments.of("{\"n\":-" + "1".repeat(101) + "}", "/n"),
                // trailing content
                Arguments.of("{} {}", ""),
                Arguments.of("{\"a\":1}x", null),
                Arguments.of("{\"a\":1}]", null),
                Arguments.of("1 2", ""),
                Arguments.of("\"a\" \"b\"", ""),
                // not JSON
                Arguments.of("{\"a\":1", null),
                Arguments.of("{'a':1}", null),
                Arguments.of("{\"a\":\"raw\u0000nul\"}", null),
                Arguments.of("{\"a\":\"raw\ttab\"}", null),
                Arguments.of("{\"a\":NaN}", null));
    }

    @ParameterizedTest
    @MethodSource("hostileTexts")
    void refusesHostileTextReadAsBytes(String text, String pointer) {
        MalformedJsonException e = assertThrows(MalformedJsonException.class,
                () -> MAPPER.readTree(text.getBytes(StandardCharsets.UTF_8)));
        if (pointer != null) {
            assertEquals(pointer, e.pointer(), e.getMessage());
        }
        assertPrintable(e.getOriginalMessage());
    }

    @ParameterizedTest
    @MethodSource("hostileTexts")
    void refusesHostileTextReadAsString(String text, String pointer) {
        MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> MAPPER.readTree(text));
        if (pointer != null) {
            assertEquals(pointer, e.pointer(), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("hostileTexts")
    void refusesHostileTextBoundFromStreamAndReader(String text, String pointer) {
        assertThrows(MalformedJsonException.class, () -> MAPPER.readValue(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Body.class));
        assertThrows(MalformedJsonException.class, () -> MAPPER.readValue(new StringReader(text), Body.class));
    }

    static Stream<byte[]> invalidUtf8() {
        return Stream.of(
                bytes("{\"a\":\"", 0x80, "\"}"),                   // lone continuation byte
                bytes("{\"a\":\"", 0xC3, "\"}"),                   // truncated two-byte sequence
                bytes("{\"a\":\"", 0xC0, 0xAF, "\"}"),             // overlong '/'
                bytes("{\"a\":\"", 0xC0, 0x80, "\"}"),             // overlong NUL
                bytes("{\"a\":\"", 0xE0, 0x80, 0xAF, "\"}"),       // overlong three-byte
                bytes("{\"a\":\"", 0xED, 0xA0, 0x80, "\"}"),       // encoded high surrogate (CESU-8)
                bytes("{\"a\":\"", 0xED, 0xBF, 0xBF, "\"}"),       // encoded low surrogate
                bytes("{\"a\":\"", 0xF4, 0x90, 0x80, 0x80, "\"}"), // above U+10FFFF
                bytes("{\"a\":\"", 0xFF, "\"}"),                   // never valid
                bytes("{\"a\":\"", 0xE2, 0x82, "\"}"),             // truncated three-byte sequence
                bytes("{\"", 0xC3, 0x28, "\":1}"));                // invalid continuation in a name
    }

    @ParameterizedTest
    @MethodSource("invalidUtf8")
    void refusesInvalidUtf8(byte[] text) {
        MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> MAPPER.readTree(text));
        assertTrue(e.getOriginalMessage().contains("not UTF-8"), e.getOriginalMessage());
        assertThrows(MalformedJsonException.class, () -> MAPPER.readValue(new ByteArrayInputStream(text), Body.class));
    }

    @Test
    void acceptsTheLimitsThemselvesAndOrdinaryText() throws Exception {
        assertEquals(32, depth(MAPPER.readTree("[".repeat(32) + "]".repeat(32))));
        assertEquals(100, MAPPER.readTree("{\"n\":" + "9".repeat(100) + "}").get("n").asText().length());
        JsonNode text = MAPPER.readTree("{\"pair\":\"\\ud83d\\ude00 \uD83D\uDE00\",\"tab\":\"a\\tb\\n\",\"bom\":1}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("\uD83D\uDE00 \uD83D\uDE00", text.get("pair").asText());
        assertEquals("a\tb\n", text.get("tab").asText());
        assertEquals("contoso", MAPPER.readValue("\uFEFF{\"code\":\"contoso\"}".getBytes(StandardCharsets.UTF_8),
                Body.class).code());
        assertEquals("é", MAPPER.readTree("\"é\"".getBytes(StandardCharsets.UTF_8)).asText());
    }

    @Test
    void refusesStringsBeyondTheReadersCap() {
        String big = "{\"s\":\"" + "a".repeat(StrictJsonInput.MAX_STRING_CHARS + 1) + "\"}";
        MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> MAPPER.readTree(big));
        assertEquals("/s", e.pointer());
    }

    @Test
    void pointersEscapeRfc6901Characters() {
        MalformedJsonException e = assertThrows(MalformedJsonException.class,
                () -> MAPPER.readTree("{\"a/b\":{\"c~d\":\"\\u0000\"}}"));
        assertEquals("/a~1b/c~0d", e.pointer());
    }

    @Test
    void printableEscapesControlsAndLoneSurrogatesOnly() {
        assertEquals("a\\u0000b\\u007f\\u0085\\ud800 \uD83D\uDE00 é",
                MalformedJsonException.printable("a\u0000b\u007f\u0085\ud800 \uD83D\uDE00 é"));
        assertEquals("plain", MalformedJsonException.printable("plain"));
    }

    static Stream<HostileJson.Sample> hostileVariantsOfAFilingBody() {
        return HostileJson.variants("{\"resourceTenant\":\"contoso\",\"application\":\"projects\","
                + "\"invitee\":{\"tenant\":\"fabrikam\",\"email\":\"bob@fabrikam.example\"},\"tags\":[\"a\"]}").stream();
    }

    @ParameterizedTest
    @MethodSource("hostileVariantsOfAFilingBody")
    void everyGeneratedVariantIsRefusedWithItsPointer(HostileJson.Sample sample) {
        com.fasterxml.jackson.core.JsonProcessingException e = assertThrows(
                com.fasterxml.jackson.core.JsonProcessingException.class, () -> MAPPER.readValue(
                        new ByteArrayInputStream(sample.body()), com.fasterxml.jackson.databind.node.ObjectNode.class));
        if (sample.pointer() != null) {
            assertEquals(sample.pointer(), MalformedJsonException.pointerOf(e), e.getMessage());
        }
    }

    private static int depth(JsonNode node) {
        int depth = 0;
        for (JsonNode n = node; n != null && n.isContainerNode(); n = n.size() == 0 ? null : n.get(0)) {
            depth++;
        }
        return depth;
    }

    private static void assertPrintable(String text) {
        assertEquals(MalformedJsonException.printable(text), text);
    }

    private static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }
}
