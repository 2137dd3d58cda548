package org.crosstenant.invitation.service;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.SsfConfig;

/**
 * Where a Shared Signals receiver may be (SSRF guard): an absolute {@code https} URL with a host, no user info and no
 * fragment, whose address is not loopback, private (RFC 1918, IPv6 unique local), link-local, any-local, multicast or
 * carrier-grade NAT — checked on the literal at registration and on every resolved address before each push (a name
 * may resolve elsewhere later). {@code crosstenant.ssf.allow-insecure-receivers} lifts the scheme and address rules
 * (tests, local stack). Residual risk: the HTTP client resolves the name once more after the check (DNS rebinding in
 * between is not prevented; TLS certificate checking still binds the host name).
 */
@ApplicationScoped
public class ReceiverAddresses {

    private final boolean insecureAllowed;

    public ReceiverAddresses(SsfConfig config) {
        this.insecureAllowed = config.allowInsecureReceivers();
    }

    /**
     * Checks a registration's {@code endpoint_url}.
     *
     * @param field the JSON pointer named in a refusal
     * @return the parsed URL
     * @throws ProblemException 400 naming {@code field} when malformed, relative, not https (unless allowed), with
     *                          user info or fragment, or at a refused literal address
     */
    public URI checkRegistration(String field, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ProblemException.badField(field, field + " is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawAuthority() == null) {
            throw ProblemException.badField(field, field + " must be an absolute URL with a host");
        }
        if (!"https".equals(scheme) && !("http".equals(scheme) && insecureAllowed)) {
            throw ProblemException.badField(field, field + " must be an https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw ProblemException.badField(field, field + " must not carry user info");
        }
        if (uri.getRawFragment() != null) {
            throw ProblemException.badField(field, field + " must not carry a fragment");
        }
        String host = uri.getHost();
        if (isLiteral(host) && !insecureAllowed) {
            try {
                if (refused(InetAddress.getByName(stripBrackets(host)))) {
                    throw ProblemException.badField(field, field + " is a loopback, private or link-local address");
                }
            } catch (UnknownHostException e) {
                throw ProblemException.badField(field, field + " has an unusable address");
            }
        }
        if (!insecureAllowed && "localhost".equalsIgnoreCase(host)) {
            throw ProblemException.badField(field, field + " is a loopback address");
        }
        return uri;
    }

    /**
     * Before a push: resolves the host and checks every address (blocking DNS; call off the event loop).
     *
     * @return null when the push may go, else why not
     */
    public String deliveryRefusal(URI uri) {
        if (insecureAllowed) {
            return null;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(stripBrackets(uri.getHost()))) {
                if (refused(address)) {
                    return "receiver host " + uri.getHost() + " resolves to refused address " + address.getHostAddress();
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return "receiver host " + uri.getHost() + " does not resolve";
        }
    }

    /** Loopback, any-local, link-local, site-local (RFC 1918), IPv6 ULA fc00::/7, multicast, 100.64.0.0/10. */
    static boolean refused(InetAddress address) {
        byte[] b = address.getAddress();
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        boolean cgnat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        boolean zero = b.length == 4 && b[0] == 0;
        return address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress() || uniqueLocal || cgnat || zero;
    }

    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
