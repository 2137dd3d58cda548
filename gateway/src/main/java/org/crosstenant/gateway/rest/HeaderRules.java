package org.crosstenant.gateway.rest;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;

/**
 * Header rules a proxy follows in both directions: hop-by-hop headers and every header NAMED in a {@code Connection}
 * header are the sender's business with the gateway, never passed on (RFC 9110 §7.6.1), and what a proxy says about
 * the request's origin ({@code X-Forwarded-*}) is the gateway's own.
 */
public final class HeaderRules {

    /** Rewrites one header on its way to the caller: returns the value to send, or null to drop the header. */
    @FunctionalInterface
    public interface Rewrite {
        String apply(String name, String value);
    }

    private HeaderRules() {
    }

    /**
     * @param headers a request's or a response's headers
     * @return the lower-case names listed in its {@code Connection} header(s) (comma-separated tokens, RFC 9110
     *         §7.6.1), each of which is dropped along with the hop-by-hop headers
     */
    static Set<String> connectionNamed(MultiMap headers) {
        Set<String> named = new HashSet<>();
        for (String value : headers.getAll("Connection")) {
            for (String option : value.split(",")) {
                String name = option.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    named.add(name);
                }
            }
        }
        return named;
    }

    /** Whether a header must not cross the gateway: hop-by-hop or named in Connection ({@code named} is lower case). */
    static boolean dropped(String name, Set<String> named) {
        return HttpProxy.isHopByHop(name) || !named.isEmpty() && named.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Headers only the gateway may say (read-your-writes, docs/api.md), removed in both directions: a service's list
     * of view events is for the gateway alone, no upstream — service or shared application — may claim what the
     * gateway enforces, and no caller may make an application believe the gateway said either.
     */
    static final Set<String> GATEWAY_OWNED = Set.of("crosstenant-view-events", "crosstenant-enforced");

    /**
     * Copies an upstream's response headers to the caller's response, without hop-by-hop headers, those the
     * upstream's {@code Connection} names and those only the gateway may say ({@link #GATEWAY_OWNED}), each
     * value passed through {@code rewrite}.
     *
     * @param upstream the upstream response's headers
     * @param out the caller's response headers
     * @param rewrite per header: the value to send, or null to drop it
     */
    static void copyResponse(MultiMap upstream, MultiMap out, Rewrite rewrite) {
        Set<String> named = connectionNamed(upstream);
        for (Map.Entry<String, String> h : upstream) {
            if (!dropped(h.getKey(), named) && !gatewayOwned(h.getKey())) {
                String value = rewrite.apply(h.getKey(), h.getValue());
                if (value != null) {
                    out.add(h.getKey(), value);
                }
            }
        }
    }

    /**
     * Sets the gateway's own forwarding headers (the caller's were dropped before): {@code X-Forwarded-Proto} and
     * {@code X-Forwarded-Host} from the gateway's public base URL, and {@code X-Forwarded-For} = the peer address the
     * gateway's connection comes from (the caller, or the load balancer in front of the gateway), as a proxy adds it.
     *
     * @param headers the upstream request's headers
     * @param publicBase the gateway's public base URL
     * @param peer the remote address of the caller's connection, or null when unknown (then no X-Forwarded-For)
     */
    static void forwarded(MultiMap headers, String publicBase, SocketAddress peer) {
        java.net.URI uri = java.net.URI.create(publicBase);
        headers.set("X-Forwarded-Proto", uri.getScheme());
        if (uri.getRawAuthority() != null) {
            headers.set("X-Forwarded-Host", uri.getRawAuthority());
        }
        if (peer != null && peer.hostAddress() != null) {
            headers.set("X-Forwarded-For", peer.hostAddress());
        }
    }

    /** Also a look-alike with {@code _} for {@code -}: CGI-style clients map both to one variable. */
    private static boolean gatewayOwned(String name) {
        return GATEWAY_OWNED.contains(name.toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    static boolean is(String name, String expected) {
        return expected.equalsIgnoreCase(name);
    }
}
