package org.crosstenant.gateway.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Cookies of one application behind the gateway's shared origin, kept apart from every other application's (RFC 6265).
 * An application's cookie {@code sid} is stored in the browser as {@code <tenant>.<app>.sid} with
 * {@code Path=/apps/<tenant>/<app>/} and no {@code Domain}, and only cookies carrying the application's own prefix
 * reach it, prefix stripped: an application never receives another application's cookies, and whatever name, path or
 * domain it sets, it cannot set one for another (its names always get its own prefix).
 * <p>
 * Cookie name prefixes (RFC 6265bis §4.1.3): {@code __Secure-sid} becomes {@code __Secure-<tenant>.<app>.sid} and is
 * kept only with {@code Secure} (the browser then enforces it too); {@code __Host-} cookies are dropped, since their
 * promise ({@code Path=/}, this host only) cannot be kept for one application on a shared origin. A request cookie
 * whose name after the prefix claims {@code __Secure-}/{@code __Host-} without having been set as such (e.g. by
 * script) is not forwarded.
 * <p>
 * Same-origin script is no boundary: JavaScript of any application on the gateway's origin can read and write
 * {@code document.cookie} of every path. Only an origin per application would stop it (not done; docs/api.md).
 */
final class AppCookies {

    /** Tenant and application ids as the gateway accepts them in a cookie prefix: never a '.', so prefixes are unique. */
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
    /** RFC 9110 token characters: what a cookie name may consist of (RFC 6265 §4.1.1). */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final String SECURE = "__Secure-";
    /** Attributes passed on as {@code Name=value}; Domain and Path are replaced, unknown ones dropped. */
    private static final List<String> VALUED = List.of("Expires", "Max-Age", "SameSite", "Priority");
    private static final List<String> FLAGS = List.of("Secure", "HttpOnly", "Partitioned");

    private final String prefix;
    private final String path;

    private AppCookies(String prefix, String path) {
        this.prefix = prefix;
        this.path = path;
    }

    /**
     * @param tenant the resource tenant (path segment of /apps/{tenant}/{app})
     * @param application the application id
     * @return the application's cookie jar, or null if either id has characters outside {@code [a-z0-9-]} (then no
     *         cookie passes either way: a prefix must never be ambiguous)
     */
    static AppCookies of(String tenant, String application) {
        if (!ID.matcher(tenant).matches() || !ID.matcher(application).matches()) {
            return null;
        }
        return new AppCookies(tenant + "." + application + ".", "/apps/" + tenant + "/" + application + "/");
    }

    /**
     * The Cookie header an application receives.
     *
     * @param cookieHeaders every Cookie header the caller sent ({@code name=value} pairs separated by {@code ;})
     * @param token the caller's bearer token, or null: a cookie whose value contains it is never forwarded
     * @return the application's own cookies, prefix stripped, or null if there are none
     */
    String request(List<String> cookieHeaders, String token) {
        List<String> kept = new ArrayList<>();
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                String cookie = pair.trim();
                int eq = cookie.indexOf('=');
                String inner = eq > 0 ? inner(cookie.substring(0, eq)) : null;
                if (inner != null && (token == null || !cookie.contains(token))) {
                    kept.add(inner + cookie.substring(eq));
                }
            }
        }
        return kept.isEmpty() ? null : String.join("; ", kept);
    }

    /** The application's name for a browser cookie name, or null if the cookie is not the application's. */
    private String inner(String name) {
        if (name.startsWith(SECURE + prefix)) {
            String rest = name.substring(SECURE.length() + prefix.length());
            return rest.isEmpty() || claimsPrefix(rest) ? null : SECURE + rest;
        }
        if (name.startsWith(prefix)) {
            String rest = name.substring(prefix.length());
            return rest.isEmpty() || claimsPrefix(rest) ? null : rest;
        }
        return null;
    }

    /**
     * The Set-Cookie header the caller receives for one the application sent.
     *
     * @param setCookie one upstream Set-Cookie value
     * @return the rewritten value (prefixed name, the application's path, no Domain, known attributes only), or null
     *         to drop it: no {@code name=value}, a name that is not a token, a {@code __Host-} cookie, or a
     *         {@code __Secure-} cookie without {@code Secure}
     */
    String response(String setCookie) {
        String[] parts = setCookie.split(";");
        int eq = parts[0].indexOf('=');
        String name = eq > 0 ? parts[0].substring(0, eq).trim() : "";
        if (!TOKEN.matcher(name).matches() || name.regionMatches(true, 0, "__Host-", 0, 7)) {
            return null;
        }
        StringBuilder attributes = new StringBuilder("; Path=").append(path);
        boolean secure = false;
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim();
            int aeq = attribute.indexOf('=');
            String attributeName = (aeq < 0 ? attribute : attribute.substring(0, aeq)).trim();
            String known = known(attributeName, aeq < 0 ? FLAGS : VALUED);
            if (known != null) {
                secure |= "Secure".equals(known);
                attributes.append("; ").append(known).append(aeq < 0 ? "" : "=" + attribute.substring(aeq + 1).trim());
            }
        }
        boolean securePrefix = name.regionMatches(true, 0, SECURE, 0, SECURE.length());
        if (securePrefix && !secure) {
            return null;
        }
        String outside = securePrefix ? SECURE + prefix + name.substring(SECURE.length()) : prefix + name;
        return outside + "=" + parts[0].substring(eq + 1).trim() + attributes;
    }

    private static String known(String attributeName, List<String> names) {
        return names.stream().filter(n -> n.equalsIgnoreCase(attributeName)).findFirst().orElse(null);
    }

    private static boolean claimsPrefix(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("__secure-") || lower.startsWith("__host-");
    }
}
