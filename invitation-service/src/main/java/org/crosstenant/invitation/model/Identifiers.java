package org.crosstenant.invitation.model;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.crosstenant.platform.model.EmailAddresses;

/**
 * Shapes, canonical forms and size limits of what this service stores or publishes (docs/api.md, "Limits"); every
 * limit is checked on the value as stored, i.e. after canonicalisation. The email and id rules are policy-service's
 * ({@code org.crosstenant.policy.model.Identifiers}), so nothing accepted here is dead-lettered there.
 */
public final class Identifiers {

    /** Tenant and application ids: lower-case DNS-label-like, 2 to 63 characters (ASCII). */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    /** Most UTF-8 bytes of a canonical email address (RFC 5321 section 4.5.3.1.3). */
    public static final int MAX_EMAIL_BYTES = EmailAddresses.MAX_BYTES;
    /** Most UTF-8 bytes before the {@code @} (RFC 5321 section 4.5.3.1.1). */
    public static final int MAX_EMAIL_LOCAL_BYTES = EmailAddresses.MAX_LOCAL_BYTES;
    /** Most characters of a subject ({@code sub}), as the {@code *_subject} columns hold it. */
    public static final int MAX_SUBJECT_CHARS = 255;
    /** Most characters of a home issuer URL ({@code guest_issuer}). */
    public static final int MAX_ISSUER_CHARS = 512;

    private Identifiers() {
    }

    /**
     * Why a value is refused: {@code reason} completes a sentence that starts with the field's name; {@code limit}
     * is set when a size limit is exceeded (in the unit the reason names), null for any other fault.
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
     * Why a free text (a subject, an issuer, a reason) cannot be stored as it is, or null: it must be 1 to
     * {@code maxChars} UTF-16 characters, not blank, and hold no control characters (Unicode category Cc), no unpaired
     * surrogates (PostgreSQL refuses NUL; a lone surrogate would not read back as written), and no invisible format
     * characters (Cf, e.g. U+202E RIGHT-TO-LEFT OVERRIDE, U+200B, U+FEFF) or line/paragraph separators (Zl, Zp):
     * those make two different texts look alike to an administrator reading them (Unicode Technical Report 36,
     * section 2, "bidirectional text spoofing"). The same rule as policy-service's
     * {@code org.crosstenant.policy.model.Identifiers#textViolation}.
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

    /**
     * The canonical form of a domain name, as a tenant registry entry or an invitation rule holds it: the one rule of
     * {@link EmailAddresses#canonicalDomain}, so it compares exactly with the domain of a canonical email address and
     * accepts what policy-service and the gateway accept.
     *
     * @param raw a domain as configured or published (may be null)
     * @return the canonical domain, or null when it is not acceptable (non-ASCII, a trailing dot, an empty label)
     */
    public static String canonicalDomain(String raw) {
        return EmailAddresses.canonicalDomain(raw);
    }

    /** The domain of a canonical email address: everything after its one {@code @}. */
    public static String domainOf(String canonicalEmail) {
        return canonicalEmail.substring(canonicalEmail.indexOf('@') + 1);
    }

    /** UTF-8 length in bytes. */
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
