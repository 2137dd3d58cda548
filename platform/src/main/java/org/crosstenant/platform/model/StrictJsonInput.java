package org.crosstenant.platform.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.CharArrayReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.InputDecorator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one reading of JSON text from outside (request bodies, Kafka records, and so stored documents alike), installed
 * on a Jackson {@link ObjectMapper} by {@link #apply}. Every text the mapper reads — byte array, stream, string or
 * reader — is checked as a whole before anything is bound, and refused with a {@link MalformedJsonException} naming
 * the offending value by JSON pointer (RFC 6901) when it
 * <ul>
 * <li>is not UTF-8 (RFC 8259 §8.1; overlong forms and encoded surrogates included — checked for byte input; text
 * input is already characters);</li>
 * <li>repeats a member name in one object, at any depth (RFC 8259 §4 leaves the meaning open: refused, never
 * "last wins");</li>
 * <li>holds NUL (U+0000) or an unpaired UTF-16 surrogate ({@code "\ud800"}, RFC 8259 §8.2) in any string or member
 * name — PostgreSQL cannot store the one and would store the other as {@code ?}. Other control characters are
 * refused by each field's own rule (ids, emails, codes, free texts), not here;</li>
 * <li>nests arrays and objects deeper than {@value #MAX_DEPTH}, writes a number with more than
 * {@value #MAX_NUMBER_CHARS} characters, a string longer than {@value #MAX_STRING_CHARS} characters or a member name
 * longer than {@value #MAX_NAME_CHARS};</li>
 * <li>has anything but white space after the value, or is not JSON at all.</li>
 * </ul>
 * Pure and thread-safe. The check parses the text once more (the mapper's own parse follows): it costs about as much
 * as reading it.
 */
public final class StrictJsonInput extends InputDecorator {

    private static final long serialVersionUID = 1L;

    /** Most levels of nested arrays and objects. */
    public static final int MAX_DEPTH = 32;
    /** Most digits of one number (Jackson counts the digits of an integer, the characters of a fraction). */
    public static final int MAX_NUMBER_CHARS = 100;
    /**
     * Most characters of one string value: Jackson's default. Request bodies are bounded by their byte limits (413)
     * and records by Kafka's record size before this; a lower cap would also apply to what the services read back
     * from their own databases (Vert.x JSON uses this mapper), where an outbox row the broker refuses as too large
     * must still be read to be parked, not block every row behind it.
     */
    public static final int MAX_STRING_CHARS = 20_000_000;
    /** Most characters of one member name. */
    public static final int MAX_NAME_CHARS = 1024;

    /** The limits, shared by the check and the mapper's own parser. */
    public static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxNumberLength(MAX_NUMBER_CHARS)
            .maxStringLength(MAX_STRING_CHARS)
            .maxNameLength(MAX_NAME_CHARS)
            .build();

    private static final StrictJsonInput INSTANCE = new StrictJsonInput();
    private static final JsonFactory CHECKER = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(CONSTRAINTS)
            .build();

    private StrictJsonInput() {
    }

    /**
     * Makes a mapper read strictly: this check on every input, the limits on its own parser, duplicate member
     * detection, no trailing tokens, and no number or boolean bound to a text field. Idempotent.
     *
     * @param mapper the mapper to change (not null)
     * @return the same mapper
     */
    @SuppressWarnings("deprecation") // the mapper exists already (Quarkus builds it): its factory cannot be rebuilt
    public static ObjectMapper apply(ObjectMapper mapper) {
        mapper.getFactory().setInputDecorator(INSTANCE);
        mapper.getFactory().setStreamReadConstraints(CONSTRAINTS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // a number or boolean is never read as text ({"reason": 5} is not the string "5"): the caller sent a type
        // the contract does not allow, and a stored "5" would hide that
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }

    /**
     * Checks one JSON text given as UTF-8 bytes.
     *
     * @param bytes  the text
     * @param offset where it starts
     * @param length its length in bytes
     * @throws MalformedJsonException when it breaks a rule of this class
     */
    public static void check(byte[] bytes, int offset, int length) throws MalformedJsonException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new MalformedJsonException("the text is not UTF-8: invalid byte sequence at byte "
                    + (in.position() - offset), "", null, null);
        }
        check(out.array(), 0, out.position());
    }

    /**
     * Checks one JSON text given as characters.
     *
     * @param chars  the text
     * @param offset where it starts
     * @param length its length in characters
     * @throws MalformedJsonException when it breaks a rule of this class
     */
    public static void check(char[] chars, int offset, int length) throws MalformedJsonException {
        int start = offset;
        int end = offset + length;
        if (start < end && chars[start] == '\uFEFF') {
            start++; // a byte order mark, which Jackson's byte reader skips as well (RFC 8259 §8.1 allows ignoring it)
        }
        JsonParser parser = null;
        try {
            parser = CHECKER.createParser(chars, start, end - start);
            boolean complete = false;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (complete) {
                    throw new MalformedJsonException("trailing content after the JSON value", "", null, null);
                }
                if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
                    int limit = token == JsonToken.FIELD_NAME ? MAX_NAME_CHARS : MAX_STRING_CHARS;
                    String fault = parser.getTextLength() > limit
                            ? "more than " + limit + " characters (" + parser.getTextLength() + ")"
                            : fault(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
                    if (fault != null) {
                        String pointer = pointer(parser);
                        throw new MalformedJsonException((token == JsonToken.FIELD_NAME ? "a member name" : "a string")
                                + " holds " + fault + " at " + pointer, pointer, parser.currentLocation(), null);
                    }
                }
                complete = parser.getParsingContext().inRoot();
            }
        } catch (MalformedJsonException e) {
            throw e;
        } catch (JsonProcessingException e) {
            String pointer = parser == null ? "" : pointer(parser);
            throw new MalformedJsonException(MalformedJsonException.describe(e) + " (at " + pointer + ")", pointer,
                    e.getLocation(), e);
        } catch (IOException e) {
            throw new MalformedJsonException("unreadable JSON text: " + MalformedJsonException.printable(
                    String.valueOf(e.getMessage())), "", null, e);
        } finally {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException ignored) {
                    // a parser over a char array has nothing to release
                }
            }
        }
    }

    /** What a string or name holds that is refused, or null: NUL or an unpaired surrogate. */
    private static String fault(char[] text, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            char c = text[i];
            if (c == 0) {
                return "NUL (U+0000)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("an unpaired surrogate (U+%04X)", (int) c);
            }
        }
        return null;
    }

    private static String pointer(JsonParser parser) {
        return MalformedJsonException.printable(parser.getParsingContext().pathAsPointer().toString());
    }

    @Override
    public InputStream decorate(IOContext context, InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        check(bytes, 0, bytes.length);
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public InputStream decorate(IOContext context, byte[] src, int offset, int length) throws IOException {
        check(src, offset, length);
        return null; // read the array as given
    }

    @Override
    public Reader decorate(IOContext context, Reader reader) throws IOException {
        char[] text = new char[1024]; // most payloads fit; a larger first array costs more to allocate than to grow
        int length = 0;
        for (int n = reader.read(text, 0, text.length); n >= 0; n = reader.read(text, length, text.length - length)) {
            length += n;
            if (length == text.length) {
                text = java.util.Arrays.copyOf(text, text.length * 2);
            }
        }
        check(text, 0, length);
        return new CharArrayReader(text, 0, length);
    }
}
