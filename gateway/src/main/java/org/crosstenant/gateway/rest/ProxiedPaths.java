package org.crosstenant.gateway.rest;

import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a raw request path (as received, still percent-encoded, without the query) may be forwarded to
 * an upstream unchanged. The gateway forwards exactly the bytes it checked, so an upstream that decodes or normalises
 * paths (nginx, Tomcat, Spring, a file server) must not be able to see a different resource than the one the gateway
 * authorised and audited.
 * <p>
 * Refused, at ANY percent-encoding depth (the path is decoded repeatedly until it no longer changes, and every layer
 * is checked; {@code %252F} is caught as well as {@code %2F}):
 * <ul>
 * <li>encoded separators {@code %2F} and {@code %5C} (any case): an upstream that decodes them sees a different
 * segment structure than the gateway;</li>
 * <li>backslashes (some servers treat {@code \} as {@code /});</li>
 * <li>a raw {@code #} (checked on the path as sent only; {@code %23} is a plain character): a fragment is no part of a
 * request target (RFC 9112 section 3.2), and an upstream's URL parser would cut the path and the query there;</li>
 * <li>encoded dots {@code %2E} (dots never need encoding, RFC 3986 section 2.3: only an evasion encodes them);</li>
 * <li>dot segments {@code .} and {@code ..} (RFC 3986 section 5.2.4), also as path-parameter segments such as
 * {@code ..;x} or {@code .;} that Servlet containers strip to {@code ..};</li>
 * <li>NUL, other C0 control characters and DEL;</li>
 * <li>malformed percent escapes ({@code %zz}, a trailing {@code %}), and encodings nested deeper than
 * {@link #MAX_DEPTH}.</li>
 * </ul>
 * Allowed: {@code ;} in a segment whose part before it is not a dot segment (some applications carry
 * {@code ;jsessionid=} or matrix parameters), any other percent-encoded character such as {@code %20}, and repeated
 * slashes.
 */
public final class ProxiedPaths {

    /** Encodings nested deeper than this are refused: no legitimate client encodes a path ten times. */
    public static final int MAX_DEPTH = 10;

    private ProxiedPaths() {
    }

    /**
     * The request target as received: {@link #refusal(String)} of the path, and a query without a raw {@code #} (a
     * fragment is no part of a request target, RFC 9112 section 3.2; forwarded, an upstream's URL parser would cut
     * the query off there).
     *
     * @param rawPath  the path exactly as received
     * @param rawQuery the query exactly as received, or null
     * @return empty if the target is safe to forward as it is, otherwise why it is refused
     */
    public static Optional<String> refusal(String rawPath, String rawQuery) {
        if (rawQuery != null && rawQuery.indexOf('#') >= 0) {
            return Optional.of("the query contains '#'");
        }
        return refusal(rawPath);
    }

    /**
     * @param rawPath the path exactly as received (percent-encoded, no query), e.g. {@code ctx.request().path()}
     * @return empty if the path is safe to forward as it is, otherwise why it is refused (for a 400 problem detail)
     */
    public static Optional<String> refusal(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return Optional.of("the path must be an absolute path");
        }
        if (rawPath.indexOf('#') >= 0) {
            return Optional.of("the path contains '#'");
        }
        String layer = rawPath;
        for (int depth = 0; depth <= MAX_DEPTH; depth++) {
            String problem = problemIn(layer);
            if (problem != null) {
                return Optional.of(depth == 0 ? problem : problem + " after " + depth + " level(s) of percent-decoding");
            }
            String decoded;
            try {
                // the path as sent must be well-formed; in deeper layers a lone '%' is a literal (e.g. "100%25")
                decoded = percentDecode(layer, depth == 0);
            } catch (IllegalArgumentException e) {
                return Optional.of("the path contains a malformed percent-encoding");
            }
            if (decoded.equals(layer)) {
                return Optional.empty();
            }
            layer = decoded;
        }
        return Optional.of("the path is percent-encoded more than " + MAX_DEPTH + " times");
    }

    private static String problemIn(String layer) {
        for (int i = 0; i < layer.length(); i++) {
            char c = layer.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return "the path contains a control character";
            }
            if (c == '\\') {
                return "the path contains a backslash";
            }
            if (c == '%' && i + 2 < layer.length()) {
                String hex = layer.substring(i + 1, i + 3).toUpperCase(Locale.ROOT);
                if (hex.equals("2F") || hex.equals("5C")) {
                    return "the path contains an encoded separator (%" + hex + ")";
                }
                if (hex.equals("2E")) {
                    return "the path contains an encoded dot (%2E)";
                }
            }
        }
        for (String segment : layer.split("/", -1)) {
            int parameters = segment.indexOf(';');
            String name = parameters < 0 ? segment : segment.substring(0, parameters);
            if (name.equals(".") || name.equals("..")) {
                return "the path contains a dot segment";
            }
        }
        return null;
    }

    /**
     * One level of RFC 3986 percent-decoding, bytes read as UTF-8.
     *
     * @param strict whether a {@code %} not followed by two hex digits is an error ({@link IllegalArgumentException})
     *        rather than a literal that passes unchanged
     */
    static String percentDecode(String s, boolean strict) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = c == '%' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (c == '%' && lo >= 0) {
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '%' && strict) {
                throw new IllegalArgumentException("malformed escape");
            } else {
                byte[] bytes = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    bytes = s.substring(i, i + 2).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    i++;
                }
                out.writeBytes(bytes);
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
