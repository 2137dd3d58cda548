package org.crosstenant.policy.model;

/**
 * Who may file an invitation request for a resource tenant's application ({@code invitations.whoMayInvite},
 * docs/api.md): the resource tenant's admins only, also the home (partner) tenant's partner systems, or no one.
 */
public enum WhoMayInvite {
    ADMINS_ONLY("adminsOnly"), ADMINS_AND_PARTNER_SYSTEMS("adminsAndPartnerSystems"), NONE("none");

    private final String wire;

    WhoMayInvite(String wire) {
        this.wire = wire;
    }

    /** @return the JSON value */
    public String wire() {
        return wire;
    }

    /**
     * @param wire a JSON value
     * @return the matching value, or null when {@code wire} is none of them (exact, case-sensitive)
     */
    public static WhoMayInvite of(String wire) {
        for (WhoMayInvite value : values()) {
            if (value.wire.equals(wire)) {
                return value;
            }
        }
        return null;
    }
}
