package org.crosstenant.invitation.messaging;

import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.model.Identifiers;
import org.crosstenant.invitation.model.InvitationRules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the part of policy-service's {@code org.crosstenant.policy.access-settings-changed.v2} (docs/topics.md) this
 * service enforces: {@code tenant}, {@code partner} (null = the tenant's default), {@code deleted}, and
 * {@code effective.invitations} ({@code whoMayInvite}, {@code domains}). A tolerant reader (unknown members ignored);
 * anything it needs that is missing, malformed or over the contract's limits is a {@link PoisonMessageException}.
 */
@ApplicationScoped
public class AccessSettingsParser {

    public static final String TYPE = "org.crosstenant.policy.access-settings-changed.v2";
    /** Most domains of one allow or deny list (contract: each list at most 500 entries). */
    public static final int MAX_DOMAINS = 500;

    /**
     * One change of a (tenant, partner) pair's invitation rules.
     *
     * @param partner null for the tenant's default configuration
     * @param rules   null when {@code deleted}
     */
    public record Change(String tenant, String partner, boolean deleted, long version, long defaultVersion,
            InvitationRules rules) {

        /** The record key policy-service uses for this pair. */
        public String key() {
            return partner == null ? tenant + "/default" : tenant + "/partners/" + partner;
        }
    }

    private final ObjectMapper json;

    public AccessSettingsParser(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @param key     the record key ({@code <tenant>/default} or {@code <tenant>/partners/<partner>})
     * @param payload the record value (JSON text)
     * @return the change
     * @throws PoisonMessageException when the payload cannot be read or does not match its key
     */
    public Change parse(String key, String payload) {
        if (payload == null || payload.isBlank()) {
            throw new PoisonMessageException("empty access-settings-changed.v2 payload");
        }
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new PoisonMessageException("access-settings-changed.v2 payload is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new PoisonMessageException("access-settings-changed.v2 payload is not a JSON object");
        }
        String tenant = id(root.get("tenant"), "tenant", false);
        String partner = id(root.get("partner"), "partner", true);
        JsonNode deleted = root.get("deleted");
        if (deleted != null && !deleted.isNull() && !deleted.isBoolean()) {
            throw new PoisonMessageException("access-settings-changed.v2 deleted must be a boolean");
        }
        Change change = new Change(tenant, partner, deleted != null && deleted.asBoolean(),
                version(root, "version"), version(root, "defaultVersion"), null);
        if (!change.key().equals(key)) {
            throw new PoisonMessageException("record key " + Echo.of(key) + " does not name the payload's pair "
                    + change.key());
        }
        if (change.deleted()) {
            return change;
        }
        JsonNode invitations = root.path("effective").path("invitations");
        if (!invitations.isObject()) {
            throw new PoisonMessageException("access-settings-changed.v2 lacks effective.invitations");
        }
        JsonNode who = invitations.get("whoMayInvite");
        if (who == null || !who.isTextual() || !InvitationRules.WHO_MAY_INVITE.contains(who.asText())) {
            throw new PoisonMessageException("effective.invitations.whoMayInvite must be one of "
                    + InvitationRules.WHO_MAY_INVITE + ", got " + Echo.of(String.valueOf(who)));
        }
        JsonNode domains = invitations.get("domains");
        InvitationRules rules = domains == null || domains.isNull()
                ? new InvitationRules(who.asText(), null, Set.of())
                : domainRules(who.asText(), domains);
        return new Change(tenant, partner, false, change.version(), change.defaultVersion(), rules);
    }

    private static InvitationRules domainRules(String who, JsonNode domains) {
        JsonNode access = domains.get("access");
        JsonNode targets = domains.get("targets");
        if (access == null || !(InvitationRules.ALLOWED.equals(access.asText(null))
                || InvitationRules.BLOCKED.equals(access.asText(null))) || !access.isTextual()) {
            throw new PoisonMessageException("effective.invitations.domains.access must be allowed or blocked");
        }
        if (targets == null || !targets.isArray()) {
            throw new PoisonMessageException("effective.invitations.domains.targets must be an array");
        }
        if (targets.size() > MAX_DOMAINS) {
            throw new PoisonMessageException("effective.invitations.domains.targets has " + targets.size()
                    + " entries; the limit is " + MAX_DOMAINS);
        }
        Set<String> set = new LinkedHashSet<>();
        for (JsonNode target : targets) {
            String domain = target.isTextual() ? Identifiers.canonicalDomain(target.asText()) : null;
            if (domain == null) {
                throw new PoisonMessageException("effective.invitations.domains.targets holds "
                        + Echo.of(target.toString()) + ", not a domain in canonical form");
            }
            set.add(domain);
        }
        return new InvitationRules(who, access.asText(), set);
    }

    private static String id(JsonNode node, String field, boolean nullable) {
        if (nullable && (node == null || node.isNull())) {
            return null;
        }
        if (node == null || !node.isTextual() || !Identifiers.isId(node.asText())) {
            throw new PoisonMessageException("access-settings-changed.v2 " + field + " must be a tenant id, got "
                    + Echo.of(String.valueOf(node)));
        }
        return node.asText();
    }

    private static long version(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new PoisonMessageException("access-settings-changed.v2 " + field
                    + " must be a non-negative integer, got " + Echo.of(String.valueOf(n)));
        }
        return n.asLong();
    }
}
