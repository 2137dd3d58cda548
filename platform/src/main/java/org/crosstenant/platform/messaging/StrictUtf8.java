package org.crosstenant.platform.messaging;

import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding (RFC 3629) of Kafka record keys, values and header values: the JDK's UTF-8
 * {@link CharsetDecoder} with {@link CodingErrorAction#REPORT}, so that malformed input is refused with the byte offset
 * of the first bad sequence instead of being replaced by U+FFFD. The replacement is what {@code new String(bytes,
 * UTF_8)} and Kafka's {@code StringDeserializer} do, and it corrupts silently: two different {@code ce_id}s can decode
 * to the same string (the inbox then drops one event as a duplicate) and a payload is applied with characters it never
 * had. The CloudEvents Kafka protocol binding 1.0 (section 3.2.3) maps each context attribute to a header whose value
 * is the attribute's UTF-8 encoding, so a header that is not UTF-8 is not a CloudEvents attribute at all.
 */
public final class StrictUtf8 {

    private StrictUtf8() {
    }

    /**
     * @param bytes UTF-8 bytes; null gives null
     * @return the decoded string
     * @throws MalformedUtf8Exception if {@code bytes} is not well-formed UTF-8 (the message names the byte offset)
     */
    public static String decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        // a fresh decoder per call: CharsetDecoder is stateful, and consumers decode on several threads
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never gives more chars than bytes (a 4-byte sequence is 2 chars), so one buffer is enough
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            throw new MalformedUtf8Exception("not valid UTF-8: malformed sequence of " + result.length()
                    + " byte(s) at byte offset " + offset + " (" + hex(bytes, offset, result.length()) + ")", offset);
        }
        return out.flip().toString();
    }

    /**
     * The value of a record header, decoded strictly.
     *
     * @param headers the record's headers (null is treated as none)
     * @param name    the header name, e.g. {@code ce_id}
     * @return the last header of that name, decoded; null if there is none or its value is null
     * @throws MalformedUtf8Exception if the value is not UTF-8; the message names the header and the byte offset
     */
    public static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return null;
        }
        try {
            return decode(header.value());
        } catch (MalformedUtf8Exception e) {
            throw new MalformedUtf8Exception("header " + name + " is " + e.getMessage(), e.offset());
        }
    }

    /**
     * Why the key or value of a record that arrived null could not be deserialized, as SmallRye's
     * {@link StrictUtf8FailureHandler} path recorded it in the {@code deserialization-failure-*} headers.
     *
     * @param headers the record's headers
     * @return e.g. {@code record value could not be deserialized: not valid UTF-8: ... at byte offset 3 ...}; null if
     *         the record carries no deserialization failure (its key or value was null on the topic)
     */
    public static String deserializationFailure(Headers headers) {
        if (headers == null || headers.lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON) == null) {
            return null;
        }
        // SmallRye writes the exception message with getBytes(UTF_8); a producer could forge the header, so it is
        // decoded leniently here: it only words the dead-letter reason, it is never applied
        Header reason = headers.lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON);
        String text = reason.value() == null ? "" : new String(reason.value(), StandardCharsets.UTF_8);
        boolean key = headers.lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_IS_KEY) != null;
        if (text.length() > 300) {
            text = text.substring(0, 300) + "...";
        }
        return "record " + (key ? "key" : "value") + " could not be deserialized: " + text;
    }

    private static String hex(byte[] bytes, int from, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < Math.min(bytes.length, from + Math.max(length, 1)); i++) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(String.format("%02X", bytes[i] & 0xFF));
        }
        return out.toString();
    }
}
