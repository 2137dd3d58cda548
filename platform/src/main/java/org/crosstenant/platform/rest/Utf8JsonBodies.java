package org.crosstenant.platform.rest;

import java.util.Locale;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

import org.crosstenant.platform.model.MalformedJsonException;

/**
 * Refuses a JSON request body declared in any charset but UTF-8 with 415 Unsupported Media Type: JSON exchanged
 * between systems is UTF-8 (RFC 8259 §8.1), and the services read every body as UTF-8 (platform
 * {@code StrictJsonInput}), so a body declared {@code charset=ISO-8859-1} or {@code utf-16} would be read as something
 * its sender did not mean. {@code application/json} and {@code application/…+json} without a charset, or with
 * {@code charset=utf-8} in any letter case (quoted or not), pass; any other charset, an unknown one or an empty one is
 * refused. Other media types are left to the endpoints' {@code @Consumes}.
 *
 * <p>
 * Abstract: a service that takes JSON bodies registers it with an empty {@code @Provider} subclass, so a service that
 * takes none is unaffected. The {@link NotSupportedException} it throws reaches the service's exception mapper, which
 * answers problem+json (RFC 9457) with this class's detail naming the accepted type.
 */
public abstract class Utf8JsonBodies implements ContainerRequestFilter {

    /** The one media type, with its one charset, a JSON body may be declared as. */
    public static final String ACCEPTED = "application/json; charset=utf-8";

    /**
     * @param request the request, before its body is read
     * @throws NotSupportedException (415) when {@link #violation} finds the declared charset unacceptable
     */
    @Override
    public void filter(ContainerRequestContext request) {
        String detail = violation(request.getHeaderString(HttpHeaders.CONTENT_TYPE));
        if (detail != null) {
            throw new NotSupportedException(detail);
        }
    }

    /**
     * Why a {@code Content-Type} (RFC 9110 §8.3: {@code type/subtype *(; name=value)}, names case-insensitive) is
     * refused for a JSON body, or null.
     *
     * @param contentType the header as sent (may be null: no body, or none declared)
     * @return null for a non-JSON type, a JSON type without charset or with {@code utf-8}; otherwise a detail naming
     *         the charset sent (made printable, at most 40 characters) and {@value #ACCEPTED}
     */
    public static String violation(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";", -1);
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals)).trim();
            if (!name.equalsIgnoreCase("charset")) {
                continue;
            }
            String value = equals < 0 ? "" : parameter.substring(equals + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (!value.equalsIgnoreCase("utf-8")) {
                String shown = MalformedJsonException.printable(value.length() <= 40 ? value
                        : value.substring(0, 37) + "...");
                return "a JSON body must be UTF-8 (RFC 8259 section 8.1), not charset '" + shown
                        + "': send Content-Type " + ACCEPTED + " (or application/json without a charset)";
            }
        }
        return null;
    }
}
