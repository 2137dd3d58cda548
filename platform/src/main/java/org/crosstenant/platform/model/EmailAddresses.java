package org.crosstenant.platform.model;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for email addresses, applied alike wherever an address is accepted, stored, compared or vouched for
 * (an invitee at filing, a policy target, a caller's token claim at redemption, the gateway's vouched claim), so that
 * every address one side accepts the other side can match (docs/api.md, "Limits"):
 * <ul>
 * <li>canonical form ({@link #canonical}): surrounding ASCII white space (space, tab, CR, LF) stripped, ASCII
 * letters lower-cased; every limit
 * is checked on this form, never on the input;</li>
 * <li>acceptable ({@link #violation}): at most {@value #MAX_BYTES} bytes (RFC 5321 §4.5.3.1.3), one {@code @} with 1
 * to {@value #MAX_LOCAL_BYTES} bytes before it (RFC 5321 §4.5.3.1.1), only printable ASCII without {@code "} and
 * {@code \} (no white space, controls or non-ASCII characters: an address with a non-ASCII local part (RFC 6531) is
 * not accepted, an internationalised domain is written in its ASCII {@code xn--} form (RFC 5891)), and a domain of
 * two or more labels of letters, digits and inner hyphens, each 1 to 63 characters (RFC 1035 §2.3.1).</li>
 * </ul>
 * Pure functions; thread-safe.
 */
public final class EmailAddresses {

    /** Most bytes of a canonical address (RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its brackets). */
    public static final int MAX_BYTES = 254;
    /** Most bytes before the {@code @} (RFC 5321 §4.5.3.1.1). */
    public static final int MAX_LOCAL_BYTES = 64;
    /** Most characters of a domain name on its own (RFC 1035 §2.3.4: 255 octets on the wire, 253 as text). */
    public static final int MAX_DOMAIN_CHARS = 253;
    /** The rule in words, for refusals. */
    public static final String RULE = "printable ASCII without spaces, quotes or backslashes, one @, a domain of "
            + "dot-separated labels of letters, digits and hyphens (an internationalised domain in its xn-- form)";

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private EmailAddresses() {
    }

    /**
     * Why an address is refused: {@code reason} completes a sentence that starts with the field's name; {@code limit}
     * is the byte limit exceeded, null for any other fault.
     */
    public record Refusal(String reason, Long limit) {
    }

    /**
     * The canonical form of an address, for storing and comparing alike: surrounding ASCII white space (space, tab,
     * CR, LF) stripped, ASCII letters lower-cased, nothing else changed. Other characters Java counts as white space
     * (the separators U+001C to U+001F, U+2000 to U+200A, U+3000 and the like) are kept, so they are refused rather
     * than silently dropped. Only ASCII is folded, so a non-ASCII character never turns into an
     * acceptable one (the Kelvin sign U+212A stays, and is refused, rather than becoming {@code k}); for an
     * acceptable address this is the same as lower-casing with {@link Locale#ROOT}.
     *
     * @param raw an address as a caller, a token or an event gave it (not null)
     * @return its canonical form (may still be refused: see {@link #violation})
     */
    public static String canonical(String raw) {
        int start = 0;
        int end = raw.length();
        while (start < end && isAsciiSpace(raw.charAt(start))) {
            start++;
        }
        while (end > start && isAsciiSpace(raw.charAt(end - 1))) {
            end--;
        }
        String stripped = raw.substring(start, end);
        StringBuilder out = null;
        for (int i = 0; i < stripped.length(); i++) {
            char c = stripped.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = new StringBuilder(stripped);
                }
                out.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return out == null ? stripped : out.toString();
    }

    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /**
     * The canonical form of a domain name on its own (a tenant's domain, an invitation rule's domain list), so that
     * it compares exactly with the domain of a canonical address: {@link #canonical} applied (ASCII white space
     * stripped, ASCII letters lower-cased), then at most {@value #MAX_DOMAIN_CHARS} characters of two or more labels
     * as in an address (letters, digits and inner hyphens, 1 to 63 each; an internationalised domain in its
     * {@code xn--} form, RFC 5891). A domain longer than an address can hold (252 characters) is still a domain: it
     * simply matches no address.
     *
     * @param raw a domain as configured, given or published, or null
     * @return its canonical form, or null when it is not acceptable (non-ASCII, a trailing dot, an empty label, too long)
     */
    public static String canonicalDomain(String raw) {
        if (raw == null) {
            return null;
        }
        String domain = canonical(raw);
        if (domain.isEmpty() || domain.length() > MAX_DOMAIN_CHARS) {
            return null;
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return null;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return null;
            }
        }
        return domain;
    }

    /**
     * @param raw an address in any form, or null
     * @return its canonical form if that is acceptable, else null
     */
    public static String canonicalOrNull(String raw) {
        if (raw == null) {
            return null;
        }
        String canonical = canonical(raw);
        return violation(canonical) == null ? canonical : null;
    }

    /**
     * Why a canonical address is not acceptable under the rule above, or null when it is. Limits are reported first
     * (with {@link Refusal#limit()}), then the first character or label outside the rule.
     *
     * @param canonical an address already passed through {@link #canonical}
     * @return the refusal, or null
     */
    public static Refusal violation(String canonical) {
        int bytes = canonical.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return new Refusal("is " + bytes + " bytes (UTF-8, after normalisation); the limit is " + MAX_BYTES
                    + " bytes", (long) MAX_BYTES);
        }
        int at = canonical.indexOf('@');
        if (at <= 0 || at != canonical.lastIndexOf('@')) {
            return new Refusal("is not an email address (one @ with text before it)", null);
        }
        int local = canonical.substring(0, at).getBytes(StandardCharsets.UTF_8).length;
        if (local > MAX_LOCAL_BYTES) {
            return new Refusal("has " + local + " bytes before the @ (UTF-8, after normalisation); the limit is "
                    + MAX_LOCAL_BYTES + " bytes", (long) MAX_LOCAL_BYTES);
        }
        for (int i = 0; i < canonical.length(); ) {
            int cp = canonical.codePointAt(i);
            if (cp < 0x21 || cp > 0x7e || cp == '"' || cp == '\\') {
                return new Refusal(String.format("contains the character U+%04X at index %d; an address is %s",
                        cp, i, RULE), null);
            }
            i += Character.charCount(cp);
        }
        String[] labels = canonical.substring(at + 1).split("\\.", -1);
        if (labels.length < 2) {
            return new Refusal("is not an email address (the domain needs dot-separated labels)", null);
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return new Refusal("has the domain label \"" + label + "\"; an address is " + RULE
                        + ", each label 1 to 63 characters", null);
            }
        }
        return null;
    }
}
