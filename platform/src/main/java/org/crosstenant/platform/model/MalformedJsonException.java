package org.crosstenant.platform.model;

import java.net.URI;
import java.time.ZoneId;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * JSON text refused before any of it is bound or stored ({@link StrictJsonInput}): not UTF-8, a duplicate member,
 * NUL or an unpaired surrogate in a string or member name, nesting, a number or a string beyond the limits, trailing
 * content after the value. A {@link JsonProcessingException}, so every caller of Jackson already handles it: the REST
 * mappers answer 400 problem+json {@code malformed-json} with {@link #pointer()} as {@code field}, the Kafka consumers
 * dead-letter the record.
 */
public final class MalformedJsonException extends JsonProcessingException {

    private static final long serialVersionUID = 1L;

    /** A qualified Java name, as Jackson writes the types it could not bind ({@code java.util.ArrayList<…>}). */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b(?:java|javax|jakarta|org|com|io|sun)\\.[A-Za-z_]");

    private final String pointer;

    /**
     * @param message what is wrong, free of hostile characters (see {@link #printable})
     * @param pointer the RFC 6901 JSON pointer of the offending value or member ({@code ""} for the whole text),
     *                already {@link #printable}; null when not known
     * @param location where in the text, or null
     * @param cause   Jackson's own failure, or null
     */
    public MalformedJsonException(String message, String pointer, JsonLocation location, Throwable cause) {
        super(message, location, cause);
        this.pointer = pointer;
    }

    /** The RFC 6901 JSON pointer of the offending value or member; {@code ""} is the whole text; null if unknown. */
    public String pointer() {
        return pointer;
    }

    /**
     * The JSON pointer of the value a Jackson failure is about, for a problem's {@code field}: this exception's own
     * pointer, or the path a binding failure ({@link JsonMappingException}) records, or null.
     *
     * @param failure any Jackson failure (may be null)
     * @return an RFC 6901 pointer made {@link #printable}, {@code ""} for the root, or null when unknown
     */
    public static String pointerOf(Throwable failure) {
        if (failure instanceof MalformedJsonException malformed) {
            return malformed.pointer();
        }
        if (failure instanceof JsonMappingException mapping) {
            List<JsonMappingException.Reference> path = mapping.getPath();
            StringBuilder pointer = new StringBuilder();
            for (JsonMappingException.Reference step : path) {
                pointer.append('/');
                if (step.getFieldName() != null) {
                    pointer.append(step.getFieldName().replace("~", "~0").replace("/", "~1"));
                } else if (step.getIndex() >= 0) {
                    pointer.append(step.getIndex());
                } else {
                    return null;
                }
            }
            return printable(pointer.toString());
        }
        return null;
    }

    /**
     * A safe description of a Jackson failure for a problem's {@code detail}, naming no Java type: a binding failure
     * ({@link JsonMappingException}: a value of the wrong JSON type, an unknown member, a value its type refuses)
     * says where by JSON pointer and what JSON the contract expects there ({@code /invitee: expected an object});
     * any other failure (the text itself) keeps Jackson's message without location, with the names of its own
     * settings removed and made {@link #printable} (Jackson quotes the offending token, which may hold a NUL or a lone
     * surrogate that a JSON writer cannot write as UTF-8).
     *
     * @param failure a Jackson failure (not null)
     * @return the description, at most 300 characters, free of Java class names and backquotes
     */
    public static String describe(JsonProcessingException failure) {
        if (failure instanceof JsonMappingException mapping) {
            return binding(mapping);
        }
        String message = failure.getOriginalMessage() == null ? "not acceptable JSON text"
                : failure.getOriginalMessage();
        // StreamReadConstraints' messages end in "(32, from `StreamReadConstraints.getMaxNestingDepth()`)"
        String printable = printable(message.replaceAll(", from `[^`]*`", ""));
        if (printable.indexOf('`') >= 0 || JAVA_NAME.matcher(printable).find()) {
            printable = "not acceptable JSON text";
        }
        return printable.length() <= 300 ? printable : printable.substring(0, 297) + "...";
    }

    /** A binding failure in JSON terms: where (JSON pointer, {@code the body} for the root) and what was expected. */
    private static String binding(JsonMappingException failure) {
        String pointer = pointerOf(failure);
        if (failure instanceof PropertyBindingException unknown && unknown.getPropertyName() != null) {
            // Jackson records the object holding the member, not the member
            String member = printable(unknown.getPropertyName().replace("~", "~0").replace("/", "~1"));
            String at = pointer == null ? "/" + member
                    : pointer.endsWith("/" + member) ? pointer : pointer + "/" + member;
            return clip(at + ": not a member this body accepts");
        }
        String at = pointer == null ? "a value" : pointer.isEmpty() ? "the body" : pointer;
        if (failure instanceof InvalidFormatException format && format.getValue() instanceof String) {
            // the right JSON type, a value its type refuses (not a UUID, not one of an enumeration's names); a number
            // or boolean refused as text (StrictJsonInput's coercion rule) is a wrong type, below
            return clip(at + ": not an acceptable value for " + jsonType(format.getTargetType()));
        }
        if (failure instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return clip(at + ": expected " + jsonType(mismatch.getTargetType()));
        }
        return clip(at + ": not an acceptable value");
    }

    /**
     * The JSON type a Java target type is read from, as a problem detail names it.
     *
     * @param type the type Jackson was binding (may be null)
     * @return {@code a string}, {@code a number}, {@code a boolean}, {@code an array}, {@code an object} or
     *         {@code a JSON value}
     */
    static String jsonType(Class<?> type) {
        if (type == null || type == Object.class || type == JsonNode.class) {
            return "a JSON value";
        }
        if (ArrayNode.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)
                || (type.isArray() && type != byte[].class && type != char[].class)) {
            return "an array";
        }
        if (type == boolean.class || type == Boolean.class || BooleanNode.class.isAssignableFrom(type)) {
            return "a boolean";
        }
        if ((type.isPrimitive() && type != char.class) || Number.class.isAssignableFrom(type)
                || NumericNode.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class
                || type.isEnum() || type == UUID.class || TextNode.class.isAssignableFrom(type)
                || TemporalAccessor.class.isAssignableFrom(type) || TemporalAmount.class.isAssignableFrom(type)
                || type == URI.class || type == byte[].class || type == char[].class
                || ZoneId.class.isAssignableFrom(type)) {
            return "a string";
        }
        return "an object";
    }

    private static String clip(String text) {
        return text.length() <= 300 ? text : text.substring(0, 297) + "...";
    }

    /**
     * Text that can be written anywhere (JSON output as UTF-8, logs): C0 controls, DEL, C1 controls and unpaired
     * surrogates become {@code \\uXXXX}; everything else, valid surrogate pairs included, is kept.
     *
     * @param text any text (may be null)
     * @return the same text when it needed nothing, else the escaped copy; null for null
     */
    public static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            boolean escape = c < 0x20 || (c >= 0x7f && c <= 0x9f) || (!pair && Character.isSurrogate(c));
            if (escape && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escape) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                    if (pair) {
                        out.append(text.charAt(i + 1));
                    }
                }
            }
            if (pair) {
                i++;
            }
        }
        return out == null ? text : out.toString();
    }
}
