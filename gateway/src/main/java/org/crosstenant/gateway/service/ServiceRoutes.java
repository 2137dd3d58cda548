package org.crosstenant.gateway.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.config.GatewayConfig;

/**
 * Which platform service owns an /api/v1 path (docs/api.md); empty = no such API. invitation-service: everything
 * under {@code /api/v1/invitations} (filing, redeem, revoke, approve, decline) and the tenant lists
 * {@code /api/v1/tenants/{t}/invitations|grants}; policy-service: {@code /api/v1/tenants/{t}/applications/**} and
 * {@code /api/v1/tenants/{t}/access-settings/**}; audit-service: {@code /api/v1/audit/**}; invitation-service also
 * a tenant's Shared Signals streams {@code /api/v1/tenants/{t}/ssf/streams[/{id}]} (issue #8 bullet 7) and, public,
 * the transmitter documents {@link #PUBLIC_SSF_PATHS}; audit-service, public, {@link #AUDIT_CHECKPOINT_KEY}.
 */
@ApplicationScoped
public class ServiceRoutes {

    private final GatewayConfig.Services services;

    public ServiceRoutes(GatewayConfig config) {
        this.services = config.services();
    }

    /**
     * Paths served without authentication by invitation-service: the SSF 1.0 transmitter metadata and the JWKS that
     * verifies its Security Event Tokens.
     */
    public static final java.util.Set<String> PUBLIC_SSF_PATHS = java.util.Set.of("/.well-known/ssf-configuration",
            "/.well-known/ssf/jwks.json");

    /**
     * Served without authentication by audit-service: the key (signed-note vkey) that verifies the audit log's signed
     * checkpoints, public like the gateway's own keys so that anyone may verify a checkpoint (docs/audit.md).
     */
    public static final String AUDIT_CHECKPOINT_KEY = "/api/v1/audit/checkpoint/key";

    /**
     * The base URL of the service that serves a public (unauthenticated) path, or empty.
     *
     * @param path the raw request path
     */
    public Optional<String> publicBaseUrlFor(String path) {
        if (AUDIT_CHECKPOINT_KEY.equals(path)) {
            return Optional.of(services.auditUrl());
        }
        return PUBLIC_SSF_PATHS.contains(path) ? Optional.of(services.invitationUrl()) : Optional.empty();
    }

    /**
     * The base URL of the service that owns an authenticated /api/v1 path, or empty.
     *
     * @param path the raw request path
     */
    public Optional<String> baseUrlFor(String path) {
        if (under(path, "/api/v1/invitations")) {
            return Optional.of(services.invitationUrl());
        }
        if (under(path, "/api/v1/audit")) {
            return Optional.of(services.auditUrl());
        }
        String[] s = path.split("/", -1); // "", api, v1, tenants, {tenant}, collection, ...
        if (s.length < 6 || !"api".equals(s[1]) || !"v1".equals(s[2]) || !"tenants".equals(s[3]) || s[4].isEmpty()) {
            return Optional.empty();
        }
        return switch (s[5]) {
            // applications; access-settings/default[/history], partners/{p}[/effective|/history]
            case "applications", "access-settings" -> Optional.of(services.policyUrl());
            // a resource tenant's invitations and grants lists (exactly these collections, no sub-paths)
            case "invitations", "grants" -> s.length == 6 ? Optional.of(services.invitationUrl()) : Optional.empty();
            // a tenant's Shared Signals streams: the collection and one stream (no deeper paths, no empty id)
            case "ssf" -> s.length >= 7 && s.length <= 8 && "streams".equals(s[6]) && (s.length == 7 || !s[7].isEmpty())
                    ? Optional.of(services.invitationUrl()) : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
