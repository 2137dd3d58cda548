package org.crosstenant.platform.rest;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

    /**
     * A refused query: the parameter's name as it may be repeated in a problem's {@code field} (a name the endpoint
     * reads exactly; any other printable and clipped; empty for a value without a name; null for the query as a
     * whole) and why, in words.
     */
    record Refusal(String parameter, String detail) {
    }

    /**
     * Why a query is refused by an endpoint that reads {@code declared}, or null when it is not. The query is split as
     * the HTTP server splits it — at {@code &} and at {@code ;} — so that no parameter the server reads escapes this
     * check; an empty piece ({@code ?&a=1}) names nothing and passes, a piece with a value but no name ({@code ?=x})
     * is refused, as the server would read it in ways that cannot be checked.
     *
     * @param rawQuery the query as sent, still percent-encoded (null or empty: none)
     * @param declared the parameter names the endpoint reads, exactly as spelled
     * @return null, or the refusal with its detail: a name that is not read (echoed as printable ASCII, at most 40
     *         characters, with the names that are), a name given more than once (which of its values counts would
     *         depend on the server, so it is ambiguous), a value without a name, or a percent-encoding that is
     *         malformed or not UTF-8
     */
    static Refusal refusal(String rawQuery, Set<String> declared) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Set<String> seen = new HashSet<>();
        for (String pair : rawQuery.split("[&;]", -1)) {
            if (pair.isEmpty()) {
                continue; // "?&a=1": nothing named, nothing read
            }
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            if (rawName.isEmpty()) {
                return new Refusal("", "a query parameter has a value but no name (" + shown(pair) + ")");
            }
            String name = decoded(rawName);
            if (name == null) {
                return new Refusal(null, "the query is not percent-encoded UTF-8 (RFC 3986 section 2.1)");
            }
            if (!declared.contains(name)) {
                return new Refusal(shown(name), "unknown query parameter '" + shown(name) + "': "
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

    /**
     * A query component percent-decoded ({@code +} is a space, as in HTML forms), its bytes read strictly as UTF-8.
     *
     * @return the text, or null when a {@code %} is not followed by two hex digits or the bytes are not UTF-8
     */
    private static String decoded(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (low < 0) {
                    return null;
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return null; // a raw non-ASCII character: the server's decoding of it is not ours to guess
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
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
