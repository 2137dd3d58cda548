package org.crosstenant.gateway.service;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import org.crosstenant.gateway.model.AccessSettings;
import org.crosstenant.gateway.model.AccessSettings.AppRule;
import org.crosstenant.gateway.model.AccessSettings.DomainRule;
import org.crosstenant.gateway.model.AccessSettings.PeopleRule;
import org.crosstenant.gateway.model.AccessSettings.Side;
import org.crosstenant.platform.model.EmailAddresses;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Compiles a settings configuration as policy-service publishes it (docs/api.md, "Cross-tenant access settings") into
 * {@link AccessSettings}. A member that is absent or JSON null takes the built-in default (blocked for all, trust
 * off): for a v2 {@code effective} every member is present anyway, and a v1 configuration's missing members were
 * blocked. A member that is present but not of the documented shape is refused with
 * {@link IllegalArgumentException} naming it by JSON pointer (the consumer dead-letters the event): an access rule
 * the gateway cannot read must never be read as something else. Targets are compared in canonical form: emails by
 * {@link EmailAddresses}, subjects, groups, application ids and {@code invitations.domains} exactly.
 */
public final class AccessSettingsReader {

    /** Most entries of one target list (contract: each list ≤ 500). */
    static final int MAX_TARGETS = 500;
    /** Longest subject or group name, in characters. */
    static final int MAX_NAME = 255;
    private static final Pattern APPLICATION = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");

    private AccessSettingsReader() {
    }

    /**
     * @param configuration a configuration object (v2 members {@code usersAndGroups}); null or JSON null = built-in
     * @return the compiled settings
     * @throws IllegalArgumentException for a member of the wrong shape
     */
    public static AccessSettings read(JsonNode configuration) {
        return read(configuration, false);
    }

    /**
     * @param configuration a v1 configuration ({@code users} with email targets instead of {@code usersAndGroups})
     * @return the compiled settings, missing members blocked
     */
    public static AccessSettings readV1(JsonNode configuration) {
        return read(configuration, true);
    }

    private static AccessSettings read(JsonNode root, boolean v1) {
        if (absent(root)) {
            return AccessSettings.BUILT_IN;
        }
        object(root, "");
        JsonNode inbound = member(root, "inbound", "");
        JsonNode outbound = member(root, "outbound", "");
        JsonNode trust = absent(inbound) ? null : member(inbound, "trust", "/inbound");
        JsonNode invitations = member(root, "invitations", "");
        return new AccessSettings(
                side(inbound, "collaboration", "/inbound", v1), side(inbound, "directConnect", "/inbound", v1),
                side(outbound, "collaboration", "/outbound", v1), side(outbound, "directConnect", "/outbound", v1),
                flag(trust, "mfaAccepted", "/inbound/trust"), flag(trust, "compliantDeviceAccepted", "/inbound/trust"),
                absent(invitations) ? null : domains(invitations.get("domains"), "/invitations/domains"));
    }

    /**
     * {@code invitations.domains}: absent or null = no restriction; {@code {"access", "targets"}} with targets
     * {@code ["all"]} (allowed: no restriction, how policy-service's effective form says it too; blocked: no domain)
     * or canonical domains. Only the domain list is read here: {@code whoMayInvite} and {@code approvalRequired}
     * concern filing and approval, not access.
     */
    private static DomainRule domains(JsonNode rule, String at) {
        if (absent(rule)) {
            return null;
        }
        boolean allowed = access(rule, at);
        JsonNode targets = targets(rule, at);
        if (isAll(targets)) {
            return allowed ? null : new DomainRule(false, true, Set.of());
        }
        Set<String> domains = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            domains.add(domain(targets.get(i), at + "/targets/" + i));
        }
        return new DomainRule(allowed, false, Set.copyOf(domains));
    }

    /**
     * A domain in its canonical form, as invitation rules compare it with an address's domain: the one rule of
     * {@link EmailAddresses#canonicalDomain} (a configuration stored before that rule may still carry capitals: they
     * are folded; nothing else is); anything else is refused.
     */
    private static String domain(JsonNode value, String at) {
        String domain = value != null && value.isTextual() ? EmailAddresses.canonicalDomain(value.textValue()) : null;
        if (domain == null) {
            throw new IllegalArgumentException(at + " is not a domain (ASCII letters, digits and inner hyphens, two or "
                    + "more labels of 1 to 63 characters, at most " + EmailAddresses.MAX_DOMAIN_CHARS + " characters)");
        }
        return domain;
    }

    private static Side side(JsonNode direction, String mode, String at, boolean v1) {
        JsonNode node = absent(direction) ? null : member(direction, mode, at);
        if (absent(node)) {
            return Side.BLOCKED;
        }
        String here = at + "/" + mode;
        String peopleKey = v1 ? "users" : "usersAndGroups";
        JsonNode people = member(node, peopleKey, here);
        JsonNode apps = member(node, "applications", here);
        return new Side(absent(people) ? PeopleRule.BLOCKED_ALL : people(people, here + "/" + peopleKey, v1),
                absent(apps) ? AppRule.BLOCKED_ALL : apps(apps, here + "/applications"));
    }

    private static PeopleRule people(JsonNode rule, String at, boolean v1) {
        boolean allowed = access(rule, at);
        JsonNode targets = targets(rule, at);
        if (isAll(targets)) {
            return new PeopleRule(allowed, true, Set.of(), Set.of(), Set.of());
        }
        Set<String> users = new HashSet<>();
        Set<String> subjects = new HashSet<>();
        Set<String> groups = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            JsonNode target = targets.get(i);
            String here = at + "/targets/" + i;
            if (v1) {
                users.add(email(target, here));
                continue;
            }
            if (!target.isObject() || target.size() != 1) {
                throw new IllegalArgumentException(here + " is not an object with exactly one of user, subject, group");
            }
            String kind = target.fieldNames().next();
            JsonNode value = target.get(kind);
            switch (kind) {
                case "user" -> users.add(email(value, here + "/user"));
                case "subject" -> subjects.add(name(value, here + "/subject"));
                case "group" -> groups.add(name(value, here + "/group"));
                default -> throw new IllegalArgumentException(here + " has unknown member " + kind);
            }
        }
        return new PeopleRule(allowed, false, Set.copyOf(users), Set.copyOf(subjects), Set.copyOf(groups));
    }

    private static AppRule apps(JsonNode rule, String at) {
        boolean allowed = access(rule, at);
        JsonNode targets = targets(rule, at);
        if (isAll(targets)) {
            return new AppRule(allowed, true, Set.of());
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            JsonNode id = targets.get(i);
            if (!id.isTextual() || !APPLICATION.matcher(id.textValue()).matches()) {
                throw new IllegalArgumentException(at + "/targets/" + i + " is not an application id");
            }
            ids.add(id.textValue());
        }
        return new AppRule(allowed, false, Set.copyOf(ids));
    }

    private static boolean access(JsonNode rule, String at) {
        object(rule, at);
        JsonNode access = rule.get("access");
        if (access != null && "allowed".equals(access.textValue())) {
            return true;
        }
        if (access != null && "blocked".equals(access.textValue())) {
            return false;
        }
        throw new IllegalArgumentException(at + "/access is not \"allowed\" or \"blocked\"");
    }

    private static JsonNode targets(JsonNode rule, String at) {
        JsonNode targets = rule.get("targets");
        if (targets == null || !targets.isArray() || targets.isEmpty()) {
            throw new IllegalArgumentException(at + "/targets is not a non-empty array");
        }
        if (targets.size() > MAX_TARGETS) {
            throw new IllegalArgumentException(at + "/targets has more than " + MAX_TARGETS + " entries");
        }
        return targets;
    }

    /** {@code ["all"]}; "all" beside other targets is refused (it would be read one way here, another elsewhere). */
    private static boolean isAll(JsonNode targets) {
        boolean all = false;
        for (JsonNode t : targets) {
            all |= "all".equals(t.textValue());
        }
        if (all && targets.size() != 1) {
            throw new IllegalArgumentException("\"all\" must be the only target");
        }
        return all;
    }

    private static String email(JsonNode value, String at) {
        String canonical = value != null && value.isTextual() ? EmailAddresses.canonicalOrNull(value.textValue())
                : null;
        if (canonical == null || !canonical.equals(value.textValue())) {
            // a non-canonical target is refused rather than folded: policy-service stores canonical forms only
            throw new IllegalArgumentException(at + " is not a canonical email address");
        }
        return canonical;
    }

    private static String name(JsonNode value, String at) {
        if (value == null || !value.isTextual() || value.textValue().isEmpty()
                || value.textValue().length() > MAX_NAME || value.textValue().indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException(at + " is not a string of 1 to " + MAX_NAME + " characters");
        }
        return value.textValue();
    }

    private static boolean flag(JsonNode trust, String name, String at) {
        JsonNode value = absent(trust) ? null : trust.get(name);
        if (absent(value)) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(at + "/" + name + " is not a boolean");
        }
        return value.booleanValue();
    }

    private static JsonNode member(JsonNode parent, String name, String at) {
        JsonNode value = parent.get(name);
        if (!absent(value)) {
            object(value, at + "/" + name);
        }
        return value;
    }

    private static void object(JsonNode node, String at) {
        if (!node.isObject()) {
            throw new IllegalArgumentException((at.isEmpty() ? "the configuration" : at) + " is not an object");
        }
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }
}
