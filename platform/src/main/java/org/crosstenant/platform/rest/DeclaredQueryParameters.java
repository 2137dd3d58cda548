package org.crosstenant.platform.rest;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;

/**
 * Refuses (400) a query parameter the matched endpoint does not read, and one it reads that is given more than once,
 * before the endpoint runs. Names are compared exactly, on the raw query as sent: the HTTP server folds parameter
 * names that differ only in letter case into one (the first spelling wins), so without this check
 * {@code ?DryRun=true} on a settings PUT would be ignored and the change saved for real, and {@code ?Side=home} would
 * answer for {@code side}. A parameter an endpoint does not read is therefore never silently ignored: a dry run asked of
 * an endpoint without one is refused rather than carried out.
 * <p>
 * What an endpoint reads is the set of its {@code @QueryParam} names. Abstract: a service registers it with an empty
 * {@code @Provider} subclass; the {@link QueryParameterException} (400) reaches its exception mapper, which answers
 * problem+json (RFC 9457) with its detail.
 */
public abstract class DeclaredQueryParameters implements ContainerRequestFilter {

    private static final Map<Method, Set<String>> DECLARED = new ConcurrentHashMap<>();

    @Context
    ResourceInfo resource;

    /**
     * @param request the matched request
     * @throws QueryParameterException with {@link #violation}'s detail
     */
    @Override
    public void filter(ContainerRequestContext request) {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return; // not matched to a resource method: nothing reads parameters
        }
        Refusal refusal = refusal(request.getUriInfo().getRequestUri().getRawQuery(),
                DECLARED.computeIfAbsent(method, DeclaredQueryParameters::declared));
        if (refusal != null) {
            throw new QueryParameterException(refusal.parameter(), refusal.detail());
        }
    }

    /**
     * {@link #refusal}'s detail, or null.
     *
     * @param rawQuery the query as sent, still percent-encoded (null or empty: none)
     * @param declared the parameter names the endpoint reads, exactly as spelled
     * @return null when the query is acceptable
     */
    public static String violation(String rawQuery, Set<String> declared) {
        Refusal refusal = refusal(rawQuery, declared);
        return refusal == null ? null : refusal.detail();
    }

    /** A refused query: the parameter's decoded name (null: the query as a whole) and why, in words. */
    record Refusal(String parameter, String detail) {
    }

    /**
     * Why a query is refused by an endpoint that reads {@code declared}, or null when it is not.
     *
     * @param rawQuery the query as sent, still percent-encoded (null or empty: none)
     * @param declared the parameter names the endpoint reads, exactly as spelled
     * @return null, or the refusal with its detail: a name that is not read (echoed as printable ASCII, at most 40
     *         characters, with the names that are), a name given more than once (which of its values counts would
     *         depend on the server, so it is ambiguous), or a malformed percent-encoding
     */
    static Refusal refusal(String rawQuery, Set<String> declared) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Set<String> seen = new HashSet<>();
        for (String pair : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            if (rawName.isEmpty()) {
                continue; // "?&a=1", "?=x": no parameter named
            }
            String name;
            try {
                name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return new Refusal(null,
                        "the query is not percent-encoded correctly (RFC 3986 section 2.1)");
            }
            if (!declared.contains(name)) {
                return new Refusal(name, "unknown query parameter '" + shown(name) + "': "
                        + (declared.isEmpty() ? "this endpoint reads none"
                                : "this endpoint reads " + String.join(", ", new TreeSet<>(declared)))
                        + " (names are case-sensitive)");
            }
            if (!seen.add(name)) {
                return new Refusal(name, "query parameter " + name + " is given more than once");
            }
        }
        return null;
    }

    /** At most 40 characters of a name, everything but printable ASCII written as {@code \\uXXXX} (no bidi tricks). */
    private static String shown(String name) {
        String clipped = name.length() <= 40 ? name : name.substring(0, 37) + "...";
        StringBuilder out = new StringBuilder(clipped.length());
        for (int i = 0; i < clipped.length(); i++) {
            char c = clipped.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static Set<String> declared(Method method) {
        Set<String> names = new HashSet<>();
        for (Annotation[] annotations : method.getParameterAnnotations()) {
            for (Annotation annotation : annotations) {
                if (annotation instanceof QueryParam query) {
                    names.add(query.value());
                }
            }
        }
        return Set.copyOf(names);
    }
}
