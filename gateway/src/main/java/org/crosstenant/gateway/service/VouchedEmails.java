package org.crosstenant.gateway.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.crosstenant.gateway.config.GatewayConfig;
import org.crosstenant.gateway.config.IdentityConfig;
import org.crosstenant.gateway.config.TenantsConfig;
import org.crosstenant.platform.model.EmailAddresses;
import org.jboss.logging.Logger;

/**
 * Decides which email address a home tenant may vouch for in a federated identity: only one its token marks verified
 * ({@code email_verified: true}, OIDC Core 1.0 §5.1), whose domain is one of the tenant's own
 * ({@code crosstenant.tenants.<tenant>.domains}, or the older {@code crosstenant.gateway.email-domains}).
 * Fabrikam's identity provider asserting {@code alice@contoso.example}
 * is dropped, not passed on marked: an application that keys users by email would otherwise still take Fabrikam's
 * user for Contoso's Alice.
 * <p>
 * The address is returned in the one canonical form of {@link EmailAddresses} and only if acceptable under its
 * rule (printable ASCII, at most 64 bytes before the one {@code @} and 254 in all, LDH domain labels): the same rule
 * by which invitation-service accepts invitees and policy-service targets, so that every invitee it accepts can be
 * vouched for here and nothing is vouched for that the services would treat differently. Anything else is dropped.
 */
@ApplicationScoped
public class VouchedEmails {

    private static final Logger LOG = Logger.getLogger(VouchedEmails.class);
    /** RFC 5321 path limit; invitation-service accepts no longer invitee address. */
    static final int MAX_LENGTH = EmailAddresses.MAX_BYTES;
    private static final Pattern DOMAIN = Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

    /** Domain (lower case) → the one tenant that owns it. */
    private final Map<String, String> owners;

    @Inject
    public VouchedEmails(IdentityConfig identity, GatewayConfig gateway, TenantsConfig registry) {
        this(entries(identity, registry), Set.copyOf(gateway.tenants()));
    }

    /**
     * The registry's {@code crosstenant.tenants.<t>.domains} as {@code tenant=domain} entries, then the older
     * {@code crosstenant.gateway.email-domains} entries (still read; the same domain under both is fine for its one
     * owner, a conflict stops the start as before).
     */
    static List<String> entries(IdentityConfig identity, TenantsConfig registry) {
        List<String> entries = new ArrayList<>();
        registry.tenants().forEach((tenant, t) -> t.domains().orElse(List.of())
                .forEach(domain -> entries.add(tenant + "=" + domain)));
        entries.addAll(identity.emailDomains().orElse(List.of()));
        return entries;
    }

    /**
     * @param entries {@code tenant=domain} entries
     * @param tenants the federated tenants
     * @throws IllegalArgumentException (the gateway does not start) for an entry that is not {@code tenant=domain}
     *         with an ASCII host name of two labels or more (any case), or a domain already given to another tenant;
     *         an entry of a tenant that is not federated is ignored with a WARN
     */
    public VouchedEmails(List<String> entries, Set<String> tenants) {
        Map<String, String> byDomain = new HashMap<>();
        for (String entry : entries) {
            String[] parts = entry.trim().split("=", -1);
            String tenant = parts.length == 2 ? parts[0].trim() : "";
            String domain = parts.length == 2 ? parts[1].trim().toLowerCase(Locale.ROOT) : "";
            if (tenant.isEmpty() || !DOMAIN.matcher(domain).matches()) {
                throw new IllegalArgumentException("tenant email domains: '" + entry
                        + "' is not <tenant>=<ASCII domain of two labels or more>");
            }
            if (!tenants.contains(tenant)) {
                LOG.warnf("tenant email domains: %s is not a federated tenant; %s ignored", tenant, entry);
                continue;
            }
            String previous = byDomain.putIfAbsent(domain, tenant);
            if (previous != null && !previous.equals(tenant)) {
                throw new IllegalArgumentException("tenant email domains: " + domain
                        + " is given to both " + previous + " and " + tenant + "; a domain has one owner");
            }
        }
        this.owners = Map.copyOf(byDomain);
        tenants.stream().filter(t -> !owners.containsValue(t)).sorted().forEach(t -> LOG.warnf(
                "tenant %s has no crosstenant.tenants.%<s.domains: its users' federated tokens carry no email",
                t));
    }

    /**
     * @param tenant the home tenant that verified the token
     * @param email the token's {@code email} claim (any JSON value)
     * @param verified the token's {@code email_verified} claim (any JSON value; only boolean {@code true} counts)
     * @return the canonical address if {@code tenant} vouches for it, else null
     */
    public String vouched(String tenant, Object email, Object verified) {
        if (!isTrue(verified) || !(text(email) instanceof String raw)) {
            return null;
        }
        String canonical = EmailAddresses.canonicalOrNull(raw);
        if (canonical == null) {
            return null;
        }
        String domain = canonical.substring(canonical.indexOf('@') + 1);
        return tenant != null && tenant.equals(owners.get(domain)) ? canonical : null;
    }

    private static Object text(Object claim) {
        return claim instanceof jakarta.json.JsonString s ? s.getString() : claim;
    }

    private static boolean isTrue(Object claim) {
        return claim == jakarta.json.JsonValue.TRUE || Boolean.TRUE.equals(claim);
    }
}
