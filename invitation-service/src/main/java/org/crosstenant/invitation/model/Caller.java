package org.crosstenant.invitation.model;

import java.util.Set;

/** The authenticated caller, as the gateway's federated token describes it. */
public record Caller(String tenant, String subject, String email, String issuer, Set<String> groups) {

    public static final String ADMIN = "collab-admin";
    public static final String PARTNER = "collab-partner";

    public boolean isAdminOf(String tenantId) {
        return groups.contains(ADMIN) && tenant.equals(tenantId);
    }

    public boolean isPartnerOf(String tenantId) {
        return groups.contains(PARTNER) && tenant.equals(tenantId);
    }

    public Party asParty() {
        return new Party(tenant, subject, email);
    }
}
