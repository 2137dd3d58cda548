package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.JsonNode;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.model.WhoMayInvite;

import java.util.Map;

/**
 * The effective configuration of (tenant, partner) compiled once per settings change for the evaluator
 * ({@link AccessEvaluator}): every RULE as a {@link CompiledRule}, the trust flags, the invitation rules, where each
 * leaf came from, and the versions it was built from. Immutable, thread-safe.
 */
public final class CompiledSettings {

    final CompiledRule inboundCollaborationUsers;
    final CompiledRule inboundCollaborationApplications;
    final CompiledRule inboundDirectConnectUsers;
    final CompiledRule inboundDirectConnectApplications;
    final CompiledRule outboundCollaborationUsers;
    final CompiledRule outboundCollaborationApplications;
    final CompiledRule outboundDirectConnectUsers;
    final CompiledRule outboundDirectConnectApplications;
    /** Invitee domain rule, or null when invitations are not restricted by domain. */
    final CompiledRule domains;
    final WhoMayInvite whoMayInvite;
    private final boolean mfaAccepted;
    private final boolean compliantDeviceAccepted;
    private final boolean approvalRequired;
    private final Map<String, AccessSettings.Source> sources;
    private final long defaultVersion;
    private final long partnerVersion;

    private CompiledSettings(AccessSettings effective, Map<String, AccessSettings.Source> sources,
                             long defaultVersion, long partnerVersion) {
        inboundCollaborationUsers = CompiledRule.of(effective.get(AccessSettings.IN_COLLAB_USERS));
        inboundCollaborationApplications = CompiledRule.of(effective.get(AccessSettings.IN_COLLAB_APPS));
        inboundDirectConnectUsers = CompiledRule.of(effective.get(AccessSettings.IN_DC_USERS));
        inboundDirectConnectApplications = CompiledRule.of(effective.get(AccessSettings.IN_DC_APPS));
        outboundCollaborationUsers = CompiledRule.of(effective.get(AccessSettings.OUT_COLLAB_USERS));
        outboundCollaborationApplications = CompiledRule.of(effective.get(AccessSettings.OUT_COLLAB_APPS));
        outboundDirectConnectUsers = CompiledRule.of(effective.get(AccessSettings.OUT_DC_USERS));
        outboundDirectConnectApplications = CompiledRule.of(effective.get(AccessSettings.OUT_DC_APPS));
        JsonNode domainRule = effective.get(AccessSettings.DOMAINS);
        domains = domainRule.isNull() ? null : CompiledRule.of(domainRule);
        whoMayInvite = WhoMayInvite.of(effective.get(AccessSettings.WHO_MAY_INVITE).asText());
        mfaAccepted = effective.get(AccessSettings.TRUST_MFA).asBoolean();
        compliantDeviceAccepted = effective.get(AccessSettings.TRUST_DEVICE).asBoolean();
        approvalRequired = effective.get(AccessSettings.APPROVAL_REQUIRED).asBoolean();
        this.sources = Map.copyOf(sources);
        this.defaultVersion = defaultVersion;
        this.partnerVersion = partnerVersion;
    }

    /**
     * Compiles the effective configuration of a partner configuration over a tenant's default.
     *
     * @param partner        the partner configuration ({@link AccessSettings#EMPTY} when none)
     * @param tenantDefault  the tenant's default ({@link AccessSettings#EMPTY} when never set)
     * @param defaultVersion the default's version (0 when never set)
     * @param partnerVersion the partner configuration's version (0 when none)
     * @return the compiled effective settings
     */
    public static CompiledSettings compile(AccessSettings partner, AccessSettings tenantDefault,
                                           long defaultVersion, long partnerVersion) {
        return new CompiledSettings(AccessSettings.effective(partner, tenantDefault),
                AccessSettings.sources(partner, tenantDefault), defaultVersion, partnerVersion);
    }

    /** @return whether the resource tenant accepts the home tenant's MFA claim */
    public boolean mfaAccepted() {
        return mfaAccepted;
    }

    /** @return whether the resource tenant accepts the home tenant's device-compliance claim */
    public boolean compliantDeviceAccepted() {
        return compliantDeviceAccepted;
    }

    /** @return whether an allowed invitation must wait for an admin's approval */
    public boolean approvalRequired() {
        return approvalRequired;
    }

    /** @return the source of a leaf ({@link AccessSettings#LEAVES}) */
    public AccessSettings.Source source(String leaf) {
        return sources.get(leaf);
    }

    /** @return the version of the tenant's default it was compiled from (0 when never set) */
    public long defaultVersion() {
        return defaultVersion;
    }

    /** @return the version of the partner configuration it was compiled from (0 when none) */
    public long partnerVersion() {
        return partnerVersion;
    }
}
