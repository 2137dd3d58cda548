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
 * fragment, whose address is global unicast (not loopback, private, link-local, reserved, documentation, multicast,
 * carrier-grade NAT or an IPv6 form embedding IPv4: {@link #refused}) and whose name is no {@code localhost} and no
 * non-canonical number — checked on the literal at registration and on every resolved address before each push (a name
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
        if (!insecureAllowed && !host.startsWith("[") && numericButNotCanonical(host)) {
            throw ProblemException.badField(field, field + " has a numeric host that is not a dotted-quad address");
        }
        if (isLiteral(host) && !insecureAllowed) {
            try {
                if (refused(InetAddress.getByName(stripBrackets(host)))) {
                    throw ProblemException.badField(field, field + " is a loopback, private or link-local address");
                }
            } catch (UnknownHostException e) {
                throw ProblemException.badField(field, field + " has an unusable address");
            }
        }
        if (!insecureAllowed && localhostName(host)) {
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

    /**
     * Whether an address is anything but global unicast, after the IANA special-purpose address registries (RFC 6890
     * and updates): IPv4 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24, 192.88.99/24,
     * 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4 and 240/4 (broadcast included); IPv6 everything
     * outside 2000::/3 (loopback, unspecified, IPv4-mapped/-compatible/-translated, NAT64 64:ff9b::/96, discard
     * 100::/64, unique local, link-local, multicast) and inside it 2001::/23 (Teredo and other protocol assignments),
     * 2001:db8::/32 and 3fff::/20 (documentation) and 2002::/16 (6to4, which embeds an IPv4 address).
     */
    static boolean refused(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            int a0 = b[0] & 0xff;
            int a1 = b[1] & 0xff;
            int a2 = b[2] & 0xff;
            return a0 == 0 || a0 == 10 || a0 == 127 || a0 >= 224
                    || a0 == 100 && (a1 & 0xc0) == 64
                    || a0 == 169 && a1 == 254
                    || a0 == 172 && (a1 & 0xf0) == 16
                    || a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)
                    || a0 == 192 && a1 == 88 && a2 == 99
                    || a0 == 192 && a1 == 168
                    || a0 == 198 && (a1 & 0xfe) == 18
                    || a0 == 198 && a1 == 51 && a2 == 100
                    || a0 == 203 && a1 == 0 && a2 == 113;
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        int b2 = b[2] & 0xff;
        int b3 = b[3] & 0xff;
        boolean globalUnicastBlock = (b0 & 0xe0) == 0x20;
        return !globalUnicastBlock
                || b0 == 0x20 && b1 == 0x01 && (b2 & 0xfe) == 0x00
                || b0 == 0x20 && b1 == 0x01 && b2 == 0x0d && b3 == 0xb8
                || b0 == 0x20 && b1 == 0x02
                || b0 == 0x3f && b1 == 0xff && (b2 & 0xf0) == 0x00;
    }

    /**
     * A host that is a name a resolver may read as a number (all-numeric or hexadecimal labels, e.g. {@code 2130706433}
     * or {@code 0x7f.1}) but is not the canonical dotted quad: refused, since resolvers disagree on such forms.
     */
    private static boolean numericButNotCanonical(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        boolean numericLooking = last.matches("[0-9]+|0x[0-9a-f]*");
        return numericLooking && !name.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
                + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    }

    /** {@code localhost}, {@code localhost.} and any name under it (RFC 6761 6.3). */
    private static boolean localhostName(String host) {
        String name = (host.endsWith(".") ? host.substring(0, host.length() - 1) : host).toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.endsWith(".localhost");
    }

    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
