package org.crosstenant.gateway.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.config.GatewayConfig;

/**
 * Which platform service owns an /api/v1 path (docs/api.md); empty = no such API. invitation-service: everything
 * under {@code /api/v1/invitations} (filing, redeem, revoke, approve, decline) and the tenant lists
 * {@code /api/v1/tenants/{t}/invitations|grants}; policy-service: {@code /api/v1/tenants/{t}/applications/**} and
 * {@code /api/v1/tenants/{t}/access-settings/**}; audit-service: {@code /api/v1/audit/**}.
 */
@ApplicationScoped
public class ServiceRoutes {

    private final GatewayConfig.Services services;

    public ServiceRoutes(GatewayConfig config) {
        this.services = config.services();
    }

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
            default -> Optional.empty();
        };
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
