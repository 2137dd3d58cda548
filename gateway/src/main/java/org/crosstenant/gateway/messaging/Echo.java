package org.crosstenant.gateway.messaging;

import java.util.regex.Pattern;

/**
 * Bounds for what a consumer takes from a record's headers: how much of a bad value a dead-letter reason repeats,
 * and which {@code ce_id} text is a UUID.
 */
public final class Echo {

    /** The most characters of a record's own value that a dead-letter reason repeats. */
    public static final int MAX_ECHO = 200;

    /** Only the canonical 8-4-4-4-12 hex form (RFC 9562 §4); {@code UUID.fromString} alone also takes "1-1-1-1-1". */
    private static final Pattern CANONICAL_UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Echo() {
    }

    /**
     * @param value a value taken from a record (may be null)
     * @return the value itself when it has at most {@value #MAX_ECHO} characters, else its first {@value #MAX_ECHO}
     *         followed by {@code …(N chars)}, N being its full length; {@code null} for null
     */
    public static String of(String value) {
        if (value == null || value.length() <= MAX_ECHO) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(MAX_ECHO - 1)) ? MAX_ECHO - 1 : MAX_ECHO;
        return value.substring(0, end) + "…(" + value.length() + " chars)";
    }

    /**
     * @param value a {@code ce_id} or other id text (may be null)
     * @return whether it is a UUID in the canonical 36-character hex form (either case), the only form two
     *         different strings cannot name the same UUID in except by case
     */
    public static boolean isCanonicalUuid(String value) {
        return value != null && CANONICAL_UUID.matcher(value).matches();
    }
}
