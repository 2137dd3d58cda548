package org.crosstenant.policy.model;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.crosstenant.platform.model.EmailAddresses;

/**
 * Shapes, canonical forms and size limits of the identifiers and texts this service stores or publishes
 * (docs/api.md, "Limits"). Every limit is checked on the value as it is stored, i.e. after canonicalisation.
 */
public final class Identifiers {

    /** Tenant and application ids: lower-case DNS-label-like, 2 to 63 characters (ASCII, so also 63 bytes). */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    /** Most UTF-8 bytes of a canonical email address (RFC 5321 section 4.5.3.1.3: a path is at most 256 octets). */
    public static final int MAX_EMAIL_BYTES = EmailAddresses.MAX_BYTES;
    /** Most UTF-8 bytes of the part before the {@code @} (RFC 5321 section 4.5.3.1.1). */
    public static final int MAX_EMAIL_LOCAL_BYTES = EmailAddresses.MAX_LOCAL_BYTES;
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
     * The one canonical form of an email address, for storing and comparing alike: {@link EmailAddresses#canonical}
     * (stripped, ASCII letters lower-cased), the form the gateway vouches in.
     *
     * @param raw an address as a caller, a token or an event gave it (not null)
     * @return its canonical form (may still be invalid: see {@link #emailViolation})
     */
    public static String canonicalEmail(String raw) {
        return EmailAddresses.canonical(raw);
    }

    /** Whether {@code value} is an acceptable email once canonical. */
    public static boolean isEmail(String value) {
        return value != null && emailViolation(canonicalEmail(value)) == null;
    }

    /**
     * Why a canonical email address is not acceptable, or null: the one rule of {@link EmailAddresses#violation}
     * (printable ASCII, one {@code @}, at most {@value #MAX_EMAIL_LOCAL_BYTES} bytes before it and
     * {@value #MAX_EMAIL_BYTES} in all, a domain of LDH labels), shared with the gateway's vouching and the other
     * service so that every address accepted here can be matched there.
     *
     * @param canonical an address already passed through {@link #canonicalEmail}
     * @return the refusal, or null
     */
    public static Refusal emailViolation(String canonical) {
        EmailAddresses.Refusal refusal = EmailAddresses.violation(canonical);
        return refusal == null ? null : new Refusal(refusal.reason(), refusal.limit());
    }

    /**
     * Why a free text (a display name, a subject) cannot be stored as it is, or null: it must be 1 to
     * {@code maxChars} UTF-16 characters (so at most as many PostgreSQL characters), not blank, and hold no control
     * characters (Unicode category Cc), no unpaired surrogates (PostgreSQL refuses NUL; a lone surrogate would not read
     * back as written), and no invisible format characters (Cf, e.g. U+202E RIGHT-TO-LEFT OVERRIDE, U+200B, U+FEFF)
     * or line/paragraph separators (Zl, Zp): those make two different names look alike to an administrator reading
     * them (Unicode Technical Report 36, section 2, "bidirectional text spoofing").
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
        String bad = forbiddenCharacter(value);
        return bad == null ? null : new Refusal("contains " + bad, null);
    }

    /** A value for a message: quoted, at most 64 characters of it (a refused value may be huge). */
    public static String echo(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 64 ? "\"" + escaped(value) + "\""
                : "\"" + escaped(value.substring(0, 64)) + "\"…(" + value.length() + " chars)";
    }

    /**
     * {@code value} with every control character and every surrogate written as {@code \\uXXXX}, so that a refused
     * value can be repeated in a message that is always storable and encodable (no NUL, no lone surrogate).
     */
    public static String escaped(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean bad = Character.isISOControl(c) || Character.isSurrogate(c);
            if (bad && out == null) {
                out = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (out != null) {
                if (bad) {
                    out.append(String.format("\\u%04X", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? value : out.toString();
    }

    /** UTF-8 length in bytes (what Kafka records and the JSON payloads are made of). */
    public static int utf8Length(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String forbiddenCharacter(String value) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.SURROGATE || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                return String.format("the character U+%04X at index %d", cp, i);
            }
            i += Character.charCount(cp);
        }
        return null;
    }
}
