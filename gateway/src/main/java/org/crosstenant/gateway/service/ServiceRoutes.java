package org.crosstenant.gateway.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.config.GatewayConfig;

/** Which platform service owns an /api/v1 path (docs/api.md); empty = no such API. */
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
        String[] s = path.split("/", -1); // "", api, v1, tenants, {tenant}, applications|access-settings, ...
        if (s.length >= 6 && "api".equals(s[1]) && "v1".equals(s[2]) && "tenants".equals(s[3]) && !s[4].isEmpty()
                && ("applications".equals(s[5]) || "access-settings".equals(s[5]))) {
            return Optional.of(services.policyUrl());
        }
        return Optional.empty();
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
