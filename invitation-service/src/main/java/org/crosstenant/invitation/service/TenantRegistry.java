package org.crosstenant.invitation.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.config.TenantRegistryConfig;
import org.crosstenant.invitation.model.Identifiers;

import io.quarkus.runtime.Startup;

/**
 * Which email domains belong to which tenant ({@code crosstenant.tenants.<tenant>.domains}), so that a request filed
 * for a tenant's person names one of that tenant's addresses (issue #7: a partner system of one tenant can never
 * file for another tenant's person). Domains are held in canonical form ({@link Identifiers#canonicalDomain}) and
 * compared exactly: no subdomain wildcard, no Unicode folding. A configured domain that is not canonical-acceptable
 * stops the start-up.
 */
@ApplicationScoped
@Startup
public class TenantRegistry {

    private final Map<String, Set<String>> domains = new HashMap<>();
    /** Fixed with the configuration: made once here, read by every domain sweep. */
    private final List<String> registrationKeys;
    private final String fingerprint;

    public TenantRegistry(TenantRegistryConfig config) {
        config.tenants().forEach((tenant, registration) -> {
            if (!Identifiers.isId(tenant)) {
                throw new IllegalStateException("crosstenant.tenants." + tenant + ": not a tenant id");
            }
            Set<String> set = new HashSet<>();
            for (String raw : registration.domains().orElse(List.of())) {
                String domain = Identifiers.canonicalDomain(raw);
                if (domain == null) {
                    throw new IllegalStateException("crosstenant.tenants." + tenant + ".domains: '" + raw
                            + "' is not a domain of ASCII letters, digits and hyphens (an IDN in its xn-- form)");
                }
                set.add(domain);
            }
            domains.put(tenant, Set.copyOf(set));
        });
        List<String> keys = new ArrayList<>();
        domains.forEach((tenant, own) -> own.forEach(domain -> keys.add(tenant + " " + domain)));
        if (keys.isEmpty()) {
            keys.add(" ");
        }
        java.util.Collections.sort(keys);
        registrationKeys = List.copyOf(keys);
        fingerprint = sha256Hex(registrationKeys);
    }

    /**
     * Whether {@code tenant} is in the registry ({@code crosstenant.tenants.<tenant>.*} configured), i.e. a tenant
     * this deployment knows and may file requests into.
     *
     * @param tenant a canonical tenant id
     * @return true when registered
     */
    public boolean isRegistered(String tenant) {
        return domains.containsKey(tenant);
    }

    /**
     * The registry's fingerprint: SHA-256 (hex) of its sorted {@link #registrationKeys()}, one per line. Two instances
     * with the same registrations have the same fingerprint whatever the order or letter case of their configuration.
     *
     * @return 64 lower-case hex digits
     */
    public String fingerprint() {
        return fingerprint;
    }

    private static String sha256Hex(List<String> sortedKeys) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            sortedKeys.forEach(key -> digest.update((key + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Every (tenant, domain) registration as one key, {@code "<tenant> <domain>"} (neither part can hold a space), for
     * the database to narrow live invitations to those outside the registry ({@link InvitationService#
     * endOutsideRegisteredDomains}); never empty: without any registration it holds one key that no row matches.
     *
     * @return the keys, sorted, unmodifiable
     */
    public List<String> registrationKeys() {
        return registrationKeys;
    }

    /**
     * Why an invitee's canonical address does not belong to its tenant, or null when it does.
     *
     * @param tenant         the invitee's tenant id (canonical)
     * @param canonicalEmail the invitee's address, canonical and acceptable ({@link Identifiers#emailViolation})
     * @return the refusal reason (completes "/invitee/email ..."), or null
     */
    public String violation(String tenant, String canonicalEmail) {
        Set<String> own = domains.getOrDefault(tenant, Set.of());
        if (own.isEmpty()) {
            return "cannot be checked: tenant " + tenant + " has no registered email domain, so nobody of it can be"
                    + " invited";
        }
        String domain = Identifiers.domainOf(canonicalEmail);
        return own.contains(domain) ? null : "is not a domain of tenant " + tenant + " (" + domain + ")";
    }
}
