package org.crosstenant.platform.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A problem's {@code detail} for JSON a body reader refused ({@link MalformedJsonException#describe}) names the JSON
 * pointer and the JSON type expected there, never a Java type: Jackson's own messages name the class it could not
 * bind ({@code java.util.ArrayList<…>}, the service's request records), and those are the server's business.
 */
class MalformedJsonDetailTest {

    private static final ObjectMapper MAPPER = StrictJsonInput.apply(new ObjectMapper());

    enum Access { allowed, blocked }

    record Invitee(String tenant, String email) {
    }

    record Filing(String resourceTenant, Invitee invitee, List<String> targets, int count, boolean flag, UUID id,
            Access access) {
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of(Filing.class, "{\"invitee\":[]}", "/invitee: expected an object"),
                Arguments.of(Filing.class, "{\"invitee\":\"x\"}", "/invitee: expected an object"),
                Arguments.of(Filing.class, "{\"invitee\":{\"email\":{}}}", "/invitee/email: expected a string"),
                Arguments.of(Filing.class, "{\"resourceTenant\":5}", "/resourceTenant: expected a string"),
                Arguments.of(Filing.class, "{\"resourceTenant\":[\"a\"]}", "/resourceTenant: expected a string"),
                Arguments.of(Filing.class, "{\"targets\":{}}", "/targets: expected an array"),
                Arguments.of(Filing.class, "{\"targets\":[{}]}", "/targets/0: expected a string"),
                Arguments.of(Filing.class, "{\"count\":\"x\"}", "/count: not an acceptable value for a number"),
                Arguments.of(Filing.class, "{\"count\":{}}", "/count: expected a number"),
                Arguments.of(Filing.class, "{\"flag\":[]}", "/flag: expected a boolean"),
                Arguments.of(Filing.class, "{\"id\":\"not-a-uuid\"}", "/id: not an acceptable value for a string"),
                Arguments.of(Filing.class, "{\"access\":\"maybe\"}", "/access: not an acceptable value for a string"),
                Arguments.of(Filing.class, "{\"role\":\"admin\"}", "/role: not a member this body accepts"),
                Arguments.of(Filing.class, "{\"invitee\":{\"admin\":true}}", "/invitee/admin: not a member this body accepts"),
                Arguments.of(Filing.class, "[]", "the body: expected an object"),
                Arguments.of(ObjectNode.class, "[]", "the body: expected an object"),
                Arguments.of(ObjectNode.class, "\"x\"", "the body: expected an object"));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void aBindingFailureNamesThePointerAndTheExpectedJsonType(Class<?> type, String body, String detail) {
        JsonProcessingException failure = assertThrows(JsonProcessingException.class, () -> MAPPER.readValue(body, type));
        assertEquals(detail, MalformedJsonException.describe(failure), failure.getOriginalMessage());
        assertNoJavaName(MalformedJsonException.describe(failure));
    }

    static Stream<String> hostileTexts() {
        return Stream.of("[".repeat(40) + "]".repeat(40), "{\"n\":" + "9".repeat(101) + "}", "{\"a\":1,\"a\":2}",
                "{\"a\":tru}", "{\"a\":1}x", "{\"a\":\"\\u0000\"}", "");
    }

    @ParameterizedTest
    @MethodSource("hostileTexts")
    void aRefusedTextNamesNoJavaTypeNorJacksonSetting(String body) {
        JsonProcessingException failure = assertThrows(JsonProcessingException.class,
                () -> MAPPER.readValue(body, Filing.class));
        assertNoJavaName(MalformedJsonException.describe(failure));
    }

    static void assertNoJavaName(String detail) {
        for (String banned : List.of("java.", "org.", "com.fasterxml", "`", "Filing", "Invitee", "ObjectNode")) {
            assertFalse(detail.contains(banned), "'" + banned + "' in: " + detail);
        }
    }
}
