package org.crosstenant.policy.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One cross-tenant access configuration (a tenant's default, or one partner configuration) in canonical form, held
 * as its LEAVES (docs/api.md, "Cross-tenant access settings"): each RULE, each trust flag, {@code invitations.domains},
 * {@code whoMayInvite} and {@code approvalRequired}, keyed by JSON pointer (RFC 6901). A leaf that is absent is not
 * set here: in a partner configuration it inherits the default, in the default it takes the {@link #BUILT_IN} value.
 * Values are canonical JSON (what {@code AccessSettingsParser} returns), so two configurations are equal exactly when
 * their leaves are. Immutable.
 *
 * @param leaves set leaves, pointer to canonical value (never a JSON null; absent = not set)
 */
public record AccessSettings(Map<String, JsonNode> leaves) {

    /** Where an effective leaf came from ({@code sources} of the effective view). */
    public enum Source {
        PARTNER, DEFAULT, BUILT_IN;

        /** @return {@code partner}, {@code default} or {@code built-in} */
        public String wire() {
            return this == BUILT_IN ? "built-in" : name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A leaf that differs between two versions: JSON pointer, old value, new value (JSON null when not set). */
    public record Change(String path, JsonNode from, JsonNode to) {
    }

    public static final String IN_COLLAB_USERS = "/inbound/collaboration/usersAndGroups";
    public static final String IN_COLLAB_APPS = "/inbound/collaboration/applications";
    public static final String IN_DC_USERS = "/inbound/directConnect/usersAndGroups";
    public static final String IN_DC_APPS = "/inbound/directConnect/applications";
    public static final String TRUST_MFA = "/inbound/trust/mfaAccepted";
    public static final String TRUST_DEVICE = "/inbound/trust/compliantDeviceAccepted";
    public static final String OUT_COLLAB_USERS = "/outbound/collaboration/usersAndGroups";
    public static final String OUT_COLLAB_APPS = "/outbound/collaboration/applications";
    public static final String OUT_DC_USERS = "/outbound/directConnect/usersAndGroups";
    public static final String OUT_DC_APPS = "/outbound/directConnect/applications";
    public static final String DOMAINS = "/invitations/domains";
    public static final String WHO_MAY_INVITE = "/invitations/whoMayInvite";
    public static final String APPROVAL_REQUIRED = "/invitations/approvalRequired";

    /** Every leaf, in document order. */
    public static final List<String> LEAVES = List.of(IN_COLLAB_USERS, IN_COLLAB_APPS, IN_DC_USERS, IN_DC_APPS,
            TRUST_MFA, TRUST_DEVICE, OUT_COLLAB_USERS, OUT_COLLAB_APPS, OUT_DC_USERS, OUT_DC_APPS, DOMAINS,
            WHO_MAY_INVITE, APPROVAL_REQUIRED);

    /** Nothing set: every leaf inherits. */
    public static final AccessSettings EMPTY = new AccessSettings(Map.of());

    /**
     * The shipped default ("secure by default", docs/api.md): every RULE blocked for all, both directions, both
     * modes; neither MFA nor device compliance trusted; no invitation domain restriction (JSON null); partner systems
     * and admins may invite; no approval.
     */
    public static final AccessSettings BUILT_IN = builtIn();

    public AccessSettings {
        Map<String, JsonNode> ordered = new LinkedHashMap<>();
        for (String leaf : LEAVES) {
            JsonNode value = leaves.get(leaf);
            if (value != null) {
                ordered.put(leaf, value);
            }
        }
        if (ordered.size() != leaves.size()) {
            throw new IllegalArgumentException("unknown leaves in " + leaves.keySet());
        }
        leaves = Collections.unmodifiableMap(ordered);
    }

    /**
     * @param leaf one of {@link #LEAVES}
     * @return its value, or null when not set
     */
    public JsonNode get(String leaf) {
        return leaves.get(leaf);
    }

    /**
     * The effective configuration of (tenant, partner): per leaf the partner's value, else the default's, else the
     * built-in one. Consumers never merge: this is published as {@code effective}.
     *
     * @param partner the partner configuration ({@link #EMPTY} when none, or for the default's own effective form)
     * @param tenantDefault the tenant's default ({@link #EMPTY} when never set)
     * @return a configuration with every leaf set
     */
    public static AccessSettings effective(AccessSettings partner, AccessSettings tenantDefault) {
        Map<String, JsonNode> merged = new LinkedHashMap<>();
        for (String leaf : LEAVES) {
            merged.put(leaf, Objects.requireNonNullElse(partner.get(leaf),
                    Objects.requireNonNullElse(tenantDefault.get(leaf), BUILT_IN.get(leaf))));
        }
        if (isEveryDomain(merged.get(DOMAINS))) {
            // a stored {"access": "allowed", "targets": ["all"]} (how a partner configuration lifts its default's
            // restriction) is effective as "no restriction": JSON null, the one form consumers read
            merged.put(DOMAINS, JsonNodeFactory.instance.nullNode());
        }
        return new AccessSettings(merged);
    }

    /** @return whether an {@code invitations.domains} value is the explicit "every domain" rule */
    private static boolean isEveryDomain(JsonNode rule) {
        JsonNode targets = rule.path("targets");
        return "allowed".equals(rule.path("access").asText()) && targets.size() == 1
                && "all".equals(targets.get(0).asText());
    }

    /**
     * @return per leaf pointer where {@link #effective} took it from, in document order
     */
    public static Map<String, Source> sources(AccessSettings partner, AccessSettings tenantDefault) {
        Map<String, Source> sources = new LinkedHashMap<>();
        for (String leaf : LEAVES) {
            sources.put(leaf, partner.get(leaf) != null ? Source.PARTNER
                    : tenantDefault.get(leaf) != null ? Source.DEFAULT : Source.BUILT_IN);
        }
        return sources;
    }

    /**
     * The leaves that differ from {@code before} to {@code after} (a not-set leaf compares as JSON null).
     *
     * @return the changes in document order (empty when equal)
     */
    public static List<Change> diff(AccessSettings before, AccessSettings after) {
        List<Change> changes = new ArrayList<>();
        for (String leaf : LEAVES) {
            JsonNode from = before.get(leaf);
            JsonNode to = after.get(leaf);
            if (!Objects.equals(from, to)) {
                changes.add(new Change(leaf, nullToJson(from), nullToJson(to)));
            }
        }
        return changes;
    }

    /**
     * The nested JSON document ({@code inbound}/{@code outbound}/{@code invitations}) of the set leaves; a leaf
     * whose value is JSON null (an effective {@code invitations.domains} without restriction) is written as null.
     *
     * @return a new tree
     */
    public ObjectNode toTree() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> leaf : leaves.entrySet()) {
            String[] segments = leaf.getKey().substring(1).split("/");
            ObjectNode parent = root;
            for (int i = 0; i < segments.length - 1; i++) {
                JsonNode child = parent.get(segments[i]);
                parent = child instanceof ObjectNode object ? object : parent.putObject(segments[i]);
            }
            parent.set(segments[segments.length - 1], leaf.getValue().deepCopy());
        }
        return root;
    }

    private static JsonNode nullToJson(JsonNode value) {
        return value == null ? JsonNodeFactory.instance.nullNode() : value;
    }

    private static AccessSettings builtIn() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        Map<String, JsonNode> leaves = new LinkedHashMap<>();
        for (String leaf : LEAVES) {
            if (leaf.endsWith("/usersAndGroups") || leaf.endsWith("/applications")) {
                ObjectNode rule = json.objectNode().put("access", "blocked");
                rule.putArray("targets").add("all");
                leaves.put(leaf, rule);
            }
        }
        leaves.put(TRUST_MFA, json.booleanNode(false));
        leaves.put(TRUST_DEVICE, json.booleanNode(false));
        leaves.put(DOMAINS, json.nullNode());
        leaves.put(WHO_MAY_INVITE, json.textNode(WhoMayInvite.ADMINS_AND_PARTNER_SYSTEMS.wire()));
        leaves.put(APPROVAL_REQUIRED, json.booleanNode(false));
        return new AccessSettings(leaves);
    }
}
