package org.crosstenant.platform.model;

import java.util.List;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * JSON text refused before any of it is bound or stored ({@link StrictJsonInput}): not UTF-8, a duplicate member,
 * NUL or an unpaired surrogate in a string or member name, nesting, a number or a string beyond the limits, trailing
 * content after the value. A {@link JsonProcessingException}, so every caller of Jackson already handles it: the REST
 * mappers answer 400 problem+json {@code malformed-json} with {@link #pointer()} as {@code field}, the Kafka consumers
 * dead-letter the record.
 */
public final class MalformedJsonException extends JsonProcessingException {

    private static final long serialVersionUID = 1L;

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
     * A safe description of a Jackson failure for a problem's {@code detail}: its message without location, made
     * {@link #printable} (Jackson quotes the offending token, which may hold a NUL or a lone surrogate that a JSON
     * writer cannot write as UTF-8).
     *
     * @param failure a Jackson failure (not null)
     * @return the message, at most 300 characters
     */
    public static String describe(JsonProcessingException failure) {
        String message = failure.getOriginalMessage() == null ? failure.getClass().getSimpleName()
                : failure.getOriginalMessage();
        String printable = printable(message);
        return printable.length() <= 300 ? printable : printable.substring(0, 297) + "...";
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
