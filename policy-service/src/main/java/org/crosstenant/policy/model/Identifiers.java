package org.crosstenant.policy.model;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Shapes, canonical forms and size limits of the identifiers and texts this service stores or publishes
 * (docs/api.md, "Limits"). Every limit is checked on the value as it is stored, i.e. after canonicalisation.
 */
public final class Identifiers {

    /** Tenant and application ids: lower-case DNS-label-like, 2 to 63 characters (ASCII, so also 63 bytes). */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    /** Most UTF-8 bytes of a canonical email address (RFC 5321 section 4.5.3.1.3: a path is at most 256 octets). */
    public static final int MAX_EMAIL_BYTES = 254;
    /** Most UTF-8 bytes of the part before the {@code @} (RFC 5321 section 4.5.3.1.1). */
    public static final int MAX_EMAIL_LOCAL_BYTES = 64;
    /** Most characters of a caller's subject ({@code sub} claim), as stored in {@code updated_by}. */
    public static final int MAX_SUBJECT_CHARS = 255;

    private Identifiers() {
    }

    /**
     * Why a value is refused: {@code reason} completes a sentence that starts with the field's name; {@code limit}
     * is set when the value exceeds a size limit (in the unit the reason names), null for any other fault.
     */
    public record Refusal(String reason, Long limit) {
    }

    public static boolean isId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /**
     * The one canonical form of an email address, used for everything stored and everything compared: surrounding
     * white space stripped, lower-cased with {@link Locale#ROOT}, then Unicode NFC (the order of RFC 8265's
     * case-mapped profiles). Lower-casing may lengthen the text (U+0130 becomes {@code i} + U+0307), which is why
     * limits are checked on this form, never on the input.
     *
     * @param raw an address as a caller, a token or an event gave it (not null)
     * @return its canonical form (may still be invalid: see {@link #emailViolation})
     */
    public static String canonicalEmail(String raw) {
        return Normalizer.normalize(raw.strip().toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
    }

    /** Whether {@code value} is an acceptable email once canonical. */
    public static boolean isEmail(String value) {
        return value != null && emailViolation(canonicalEmail(value)) == null;
    }

    /**
     * Why a canonical email address is not acceptable, or null when it is: one {@code @}; 1 to
     * {@value #MAX_EMAIL_LOCAL_BYTES} bytes before it; a domain of at least two non-empty dot-separated labels; at
     * most {@value #MAX_EMAIL_BYTES} UTF-8 bytes in all; no white space, control or format characters, unpaired
     * surrogates, {@code "} or {@code \}; and stable under {@link #canonicalEmail} (so that reading a stored address
     * back gives the same address).
     *
     * @param canonical an address already passed through {@link #canonicalEmail}
     * @return the refusal, or null
     */
    public static Refusal emailViolation(String canonical) {
        int bytes = utf8Length(canonical);
        if (bytes > MAX_EMAIL_BYTES) {
            return new Refusal("is " + bytes + " bytes (UTF-8, after normalisation); the limit is "
                    + MAX_EMAIL_BYTES + " bytes", (long) MAX_EMAIL_BYTES);
        }
        int at = canonical.indexOf('@');
        if (at <= 0 || at != canonical.lastIndexOf('@')) {
            return new Refusal("is not an email address (one @ with text before it)", null);
        }
        int local = utf8Length(canonical.substring(0, at));
        if (local > MAX_EMAIL_LOCAL_BYTES) {
            return new Refusal("has " + local + " bytes before the @ (UTF-8, after normalisation); the limit is "
                    + MAX_EMAIL_LOCAL_BYTES + " bytes", (long) MAX_EMAIL_LOCAL_BYTES);
        }
        String domain = canonical.substring(at + 1);
        if (domain.startsWith(".") || domain.endsWith(".") || domain.indexOf('.') < 0 || domain.contains("..")) {
            return new Refusal("is not an email address (the domain needs dot-separated labels)", null);
        }
        String bad = forbiddenCharacter(canonical, true);
        if (bad != null) {
            return new Refusal("contains " + bad, null);
        }
        if (!canonicalEmail(canonical).equals(canonical)) {
            return new Refusal("changes when normalised again", null);
        }
        return null;
    }

    /**
     * Why a free text (a display name, a subject) cannot be stored as it is, or null: it must be 1 to
     * {@code maxChars} UTF-16 characters (so at most as many PostgreSQL characters), not blank, and hold no control
     * characters or unpaired surrogates (PostgreSQL refuses NUL; a lone surrogate would not read back as written).
     *
     * @param value    the text as it will be stored (not null)
     * @param maxChars the limit
     * @return the refusal, or null
     */
    public static Refusal textViolation(String value, int maxChars) {
        if (value.length() > maxChars) {
            return new Refusal("is " + value.length() + " characters; the limit is " + maxChars + " characters",
                    (long) maxChars);
        }
        if (value.isBlank()) {
            return new Refusal("must not be blank", null);
        }
        String bad = forbiddenCharacter(value, false);
        return bad == null ? null : new Refusal("contains " + bad, null);
    }

    /** A value for a message: quoted, at most 64 characters of it (a refused value may be huge). */
    public static String echo(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 64 ? "\"" + value + "\""
                : "\"" + value.substring(0, 64) + "\"…(" + value.length() + " chars)";
    }

    /** UTF-8 length in bytes (what Kafka records and the JSON payloads are made of). */
    public static int utf8Length(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String forbiddenCharacter(String value, boolean email) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int type = Character.getType(cp);
            boolean forbidden = type == Character.CONTROL || type == Character.SURROGATE
                    || email && (type == Character.FORMAT || Character.isWhitespace(cp) || Character.isSpaceChar(cp)
                            || cp == '"' || cp == '\\');
            if (forbidden) {
                return String.format("the character U+%04X at index %d", cp, i);
            }
            i += Character.charCount(cp);
        }
        return null;
    }
}
