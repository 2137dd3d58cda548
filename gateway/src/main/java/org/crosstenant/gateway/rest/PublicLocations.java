package org.crosstenant.gateway.rest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.config.EdgeConfig;
import org.crosstenant.gateway.config.GatewayConfig;

import io.vertx.ext.web.RoutingContext;

/**
 * Makes the URLs that upstreams return point at the gateway: a caller must never learn, or be sent to, a service's
 * or application's internal address. Used for the {@code Location} and {@code Content-Location} response headers
 * (RFC 9110 sections 10.2.2 and 8.7).
 * <ul>
 * <li>Public base URL: {@code crosstenant.gateway.public-url} if set, otherwise the scheme and Host
 * (authority) of the request as the gateway received it.</li>
 * <li>/api: an absolute URL on any platform service's host:port (whatever its scheme) becomes the public base URL
 * plus its path (the service base URL's own path, if any, removed), query and fragment. A relative reference is
 * left alone: it already resolves against the gateway's URL.</li>
 * <li>/apps: an absolute URL under the application's registered upstream URL, or an absolute path under the
 * upstream's path, becomes public base + {@code /apps/{tenant}/{app}} + the rest.</li>
 * </ul>
 * Anything else (another site, unparseable values) passes unchanged.
 */
@ApplicationScoped
public class PublicLocations {

    private final Optional<String> configured;
    private final List<URI> services;

    public PublicLocations(EdgeConfig edge, GatewayConfig gateway) {
        this.configured = edge.publicUrl().map(String::trim).filter(u -> !u.isEmpty()).map(PublicLocations::strip);
        this.services = List.of(gateway.services().invitationUrl(), gateway.services().policyUrl(),
                gateway.services().auditUrl()).stream().map(URI::create).toList();
    }

    /** @return the gateway's public base URL for this request, without a trailing slash */
    public String publicBase(RoutingContext ctx) {
        if (configured.isPresent()) {
            return configured.get();
        }
        var authority = ctx.request().authority();
        String host = authority != null ? authority.toString()
                : ctx.request().localAddress() == null ? "localhost" : ctx.request().localAddress().toString();
        return ctx.request().scheme() + "://" + host;
    }

    /**
     * @param location a Location/Content-Location value a platform service returned
     * @param publicBase {@link #publicBase(RoutingContext)}
     * @return the value the caller sees
     */
    public String forService(String location, String publicBase) {
        URI uri = parse(location);
        if (uri == null || !uri.isAbsolute() || uri.getHost() == null) {
            return location;
        }
        for (URI service : services) {
            if (sameHostAndPort(uri, service)) {
                String basePath = strip(service.getRawPath() == null ? "" : service.getRawPath());
                String path = uri.getRawPath() == null ? "" : uri.getRawPath();
                if (!basePath.isEmpty() && (path.equals(basePath) || path.startsWith(basePath + "/"))) {
                    path = path.substring(basePath.length());
                }
                return publicBase + path + tail(uri);
            }
        }
        return location;
    }

    /**
     * @param location a Location/Content-Location value an application returned
     * @param upstreamBase the application's registered upstream URL, no trailing slash
     * @param publicPrefix public base + {@code /apps/{tenant}/{app}}
     * @return the value the caller sees
     */
    public String forApplication(String location, String upstreamBase, String publicPrefix) {
        URI uri = parse(location);
        URI upstream = parse(upstreamBase);
        if (uri == null || upstream == null) {
            return location;
        }
        String basePath = strip(upstream.getRawPath() == null ? "" : upstream.getRawPath());
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        boolean underBase = basePath.isEmpty() || path.equals(basePath) || path.startsWith(basePath + "/");
        if (uri.isAbsolute() ? sameHostAndPort(uri, upstream) && underBase
                : uri.getRawAuthority() == null && path.startsWith("/") && underBase) {
            return publicPrefix + path.substring(basePath.length()) + tail(uri);
        }
        return location;
    }

    private static String tail(URI uri) {
        return (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
    }

    private static boolean sameHostAndPort(URI a, URI b) {
        return a.getHost() != null && b.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
    }

    private static URI parse(String value) {
        try {
            return new URI(value.trim());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
