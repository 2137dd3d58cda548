package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.WhoMayInvite;
import org.crosstenant.platform.model.EmailAddresses;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict reader of one cross-tenant access configuration (docs/api.md, "Cross-tenant access settings"): every member
 * optional (absent or JSON null = not set, inherited), unknown members, wrong types, unknown values, mixed or empty
 * target lists refused rather than guessed — a lenient reading of an access rule could let someone in. Every
 * violation names its field by JSON pointer (RFC 6901), e.g. {@code /inbound/collaboration/usersAndGroups/targets/3}.
 * <p>
 * Canonical form of what it returns: emails by {@link Identifiers#canonicalEmail} (platform {@code EmailAddresses}),
 * domains lower-case ASCII LDH (an internationalised domain only in its {@code xn--} form: anything else is
 * refused, never mapped), subjects and groups exactly as given (1 to 255 characters, no controls, no unpaired
 * surrogates, no surrounding white space), duplicates removed, first occurrence's order kept.
 * <p>
 * v1 alias: a {@code users} member (v1 bodies) is read as {@code usersAndGroups} whose string targets are emails;
 * giving both is refused.
 */
public final class AccessSettingsParser {

    /** Most distinct entries of one target list. */
    public static final int MAX_TARGETS = 500;
    /** Most bytes of one configuration's canonical JSON (UTF-8). */
    public static final int MAX_CONFIGURATION_BYTES = 256 * 1024;
    /** Most characters of a subject or group target. */
    public static final int MAX_NAME_CHARS = 255;
    /** Most characters of a domain (RFC 1035 section 2.3.4). */
    public static final int MAX_DOMAIN_CHARS = EmailAddresses.MAX_DOMAIN_CHARS;

    private static final Set<String> RULE_MEMBERS = Set.of("access", "targets");
    private static final Set<String> TARGET_KINDS = Set.of("user", "subject", "group");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private enum Kind { USERS, APPLICATIONS, DOMAINS, BOOLEAN, WHO }

    private final boolean stored;
    private final Violations violations = new Violations();
    private final Map<String, JsonNode> leaves = new LinkedHashMap<>();

    private AccessSettingsParser(boolean stored) {
        this.stored = stored;
    }

    /**
     * Validates a request body completely, limits included.
     *
     * @param body the JSON body (a configuration document)
     * @return its canonical leaves
     * @throws InvalidInputException (422) listing every violation; {@code field} names the first violation's JSON
     *                               pointer ({@code limit} set when that is a size or count limit)
     */
    public static AccessSettings parse(JsonNode body) {
        return new AccessSettingsParser(false).read(body);
    }

    /**
     * Reads a stored configuration back: the same structure and canonical forms as {@link #parse}, no size limits,
     * so whatever was stored (also by an older, looser writer) can always be read.
     *
     * @param stored the stored JSON
     * @throws InvalidInputException when it does not have the configuration's structure
     */
    public static AccessSettings readStored(JsonNode stored) {
        return new AccessSettingsParser(true).read(stored);
    }

    private AccessSettings read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("the configuration must be a JSON object");
        }
        object(body, "");
        violations.throwIfAny();
        AccessSettings settings = new AccessSettings(leaves);
        if (!stored) {
            int bytes = settings.toTree().toString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_CONFIGURATION_BYTES) {
                violations.overLimit("", MAX_CONFIGURATION_BYTES, "the configuration is " + bytes
                        + " bytes of canonical JSON; the limit is " + MAX_CONFIGURATION_BYTES + " bytes");
                violations.throwIfAny();
            }
        }
        return settings;
    }

    /** Walks an object at {@code pointer}: its known members are the next segments of the leaves below it. */
    private void object(JsonNode node, String pointer) {
        Set<String> known = new TreeSet<>();
        for (String leaf : AccessSettings.LEAVES) {
            if (leaf.startsWith(pointer + "/")) {
                known.add(leaf.substring(pointer.length() + 1).split("/")[0]);
            }
        }
        boolean alias = known.contains("usersAndGroups") && node.has("users");
        if (alias && node.has("usersAndGroups")) {
            violations.at(pointer + "/users", "give usersAndGroups or its v1 alias users, not both");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> members = node.fields(); members.hasNext(); ) {
            Map.Entry<String, JsonNode> member = members.next();
            String name = member.getKey();
            String path = pointer + "/" + escape(name);
            if (alias && name.equals("users")) {
                path = pointer + "/usersAndGroups";
            } else if (!known.contains(name)) {
                violations.at(path, "unknown member (known: " + String.join(", ", known) + ")");
                continue;
            }
            JsonNode value = member.getValue();
            if (value == null || value.isNull()) {
                continue;
            }
            if (AccessSettings.LEAVES.contains(path)) {
                JsonNode canonical = leaf(kind(path), value, pointer + "/" + name, alias && name.equals("users"));
                if (canonical != null) {
                    leaves.put(path, canonical);
                }
            } else if (value.isObject()) {
                object(value, path);
            } else {
                violations.at(path, "must be an object");
            }
        }
    }

    private static Kind kind(String leaf) {
        if (leaf.endsWith("/usersAndGroups")) {
            return Kind.USERS;
        }
        if (leaf.endsWith("/applications")) {
            return Kind.APPLICATIONS;
        }
        return switch (leaf) {
            case AccessSettings.DOMAINS -> Kind.DOMAINS;
            case AccessSettings.WHO_MAY_INVITE -> Kind.WHO;
            default -> Kind.BOOLEAN;
        };
    }

    private JsonNode leaf(Kind kind, JsonNode value, String pointer, boolean v1Users) {
        switch (kind) {
            case BOOLEAN:
                if (!value.isBoolean()) {
                    violations.at(pointer, "must be true or false");
                    return null;
                }
                return value;
            case WHO:
                if (!value.isTextual() || WhoMayInvite.of(value.asText()) == null) {
                    violations.at(pointer, "must be \"adminsOnly\", \"adminsAndPartnerSystems\" or \"none\"");
                    return null;
                }
                return value;
            default:
                return rule(kind, value, pointer, v1Users);
        }
    }

    private JsonNode rule(Kind kind, JsonNode node, String pointer, boolean v1Users) {
        if (!node.isObject()) {
            violations.at(pointer, "must be an object {\"access\", \"targets\"}");
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!RULE_MEMBERS.contains(name)) {
                violations.at(pointer + "/" + escape(name), "unknown member (known: access, targets)");
            }
        }
        JsonNode access = node.get("access");
        boolean accessOk = access != null && access.isTextual()
                && ("allowed".equals(access.asText()) || "blocked".equals(access.asText()));
        if (!accessOk) {
            violations.at(pointer + "/access", "is required and must be \"allowed\" or \"blocked\"");
        }
        String targetsPointer = pointer + "/targets";
        JsonNode targets = node.get("targets");
        if (targets == null || !targets.isArray() || targets.isEmpty()) {
            violations.at(targetsPointer, "must be a non-empty array: " + (kind == Kind.DOMAINS
                    ? "[\"all\"] (with access allowed) or a list of domains"
                    : "[\"all\"] or a list of " + (kind == Kind.USERS ? "{\"user\"|\"subject\"|\"group\": …} objects"
                    : "application ids")));
            return null;
        }
        Set<JsonNode> canonical = new LinkedHashSet<>();
        boolean all = false;
        for (int i = 0; i < targets.size(); i++) {
            JsonNode target = targets.get(i);
            String itemPointer = targetsPointer + "/" + i;
            if (target.isTextual() && "all".equals(target.asText())) {
                all = true;
                continue;
            }
            JsonNode value = switch (kind) {
                case USERS -> v1Users ? v1User(target, itemPointer) : userOrGroup(target, itemPointer);
                case APPLICATIONS -> application(target, itemPointer);
                default -> domain(target, itemPointer);
            };
            if (value != null) {
                canonical.add(value);
            }
        }
        if (all && !canonical.isEmpty()) {
            violations.at(targetsPointer, "\"all\" cannot be combined with a list");
            return null;
        }
        if (!stored && canonical.size() > MAX_TARGETS) {
            violations.overLimit(targetsPointer, MAX_TARGETS, targetsPointer + ": has " + canonical.size()
                    + " distinct entries; the limit is " + MAX_TARGETS);
            return null;
        }
        if (!accessOk) {
            return null;
        }
        if (kind == Kind.DOMAINS && all && !"allowed".equals(access.asText())) {
            // every domain blocked is no invitation at all: that is whoMayInvite "none", one way to say it
            violations.at(targetsPointer, "[\"all\"] is only for \"access\": \"allowed\" (no domain restriction, "
                    + "e.g. to lift the default's); to refuse every invitation set invitations.whoMayInvite \"none\"");
            return null;
        }
        ObjectNode rule = JSON.objectNode().put("access", access.asText());
        ArrayNode list = rule.putArray("targets");
        if (all) {
            list.add("all");
        } else {
            canonical.forEach(list::add);
        }
        return rule;
    }

    private JsonNode userOrGroup(JsonNode target, String pointer) {
        if (!target.isObject() || target.size() != 1) {
            violations.at(pointer, "must be \"all\" or an object with exactly one of user, subject, group");
            return null;
        }
        String kind = target.fieldNames().next();
        JsonNode value = target.get(kind);
        String memberPointer = pointer + "/" + escape(kind);
        if (!TARGET_KINDS.contains(kind)) {
            violations.at(memberPointer, "unknown member (known: group, subject, user)");
            return null;
        }
        if (!value.isTextual()) {
            violations.at(memberPointer, "must be a string");
            return null;
        }
        String text = "user".equals(kind) ? email(value.asText(), memberPointer) : name(value.asText(), memberPointer);
        return text == null ? null : JSON.objectNode().put(kind, text);
    }

    private JsonNode v1User(JsonNode target, String pointer) {
        if (!target.isTextual() && stored) {
            return userOrGroup(target, pointer);
        }
        if (!target.isTextual()) {
            // v1 listed emails only; an object here is a v2 target under the v1 name: say which name takes it
            violations.at(pointer, "must be \"all\" or an email address (the v1 alias users lists emails; "
                    + "subject and group targets go in usersAndGroups)");
            return null;
        }
        String email = email(target.asText(), pointer);
        return email == null ? null : JSON.objectNode().put("user", email);
    }

    private String email(String given, String pointer) {
        String canonical = Identifiers.canonicalEmail(given);
        if (stored) {
            return canonical;
        }
        Identifiers.Refusal refusal = Identifiers.emailViolation(canonical);
        if (refusal != null && refusal.limit() == null) {
            violations.notCanonical(pointer, Identifiers.echo(given) + " " + refusal.reason());
            return null;
        }
        if (refusal != null) {
            refuse(pointer, given, refusal);
            return null;
        }
        return canonical;
    }

    private String name(String given, String pointer) {
        if (stored) {
            return given;
        }
        Identifiers.Refusal refusal = nameViolation(given);
        if (refusal != null) {
            refuse(pointer, given, refusal);
            return null;
        }
        return given;
    }

    /**
     * Why a subject or group name is not acceptable where a {@code {"subject"}} or {@code {"group"}} target would
     * hold it (compared exactly, so nothing is normalised): 1 to {@value #MAX_NAME_CHARS} characters, not blank, no
     * control, format or separator characters nor unpaired surrogates ({@link Identifiers#textViolation}), no
     * surrounding white space.
     *
     * @param given the name as given (not null)
     * @return the refusal (with its limit when too long), or null when acceptable
     */
    public static Identifiers.Refusal nameViolation(String given) {
        Identifiers.Refusal refusal = Identifiers.textViolation(given, MAX_NAME_CHARS);
        if (refusal == null && !given.strip().equals(given)) {
            return new Identifiers.Refusal("has surrounding white space (ambiguous)", null);
        }
        return refusal;
    }

    /** Records a refusal of a value: as a limit violation when it exceeds a limit (problem's field and limit). */
    private void refuse(String pointer, String given, Identifiers.Refusal refusal) {
        String message = Identifiers.echo(given) + " " + refusal.reason();
        if (refusal.limit() != null) {
            violations.overLimit(pointer, refusal.limit(), pointer + ": " + message);
        } else {
            violations.at(pointer, message);
        }
    }

    private JsonNode application(JsonNode target, String pointer) {
        if (target.isTextual() && (stored || Identifiers.isId(target.asText()))) {
            return target;
        }
        violations.at(pointer, "must be \"all\" or an application id (" + Identifiers.ID.pattern() + "), not "
                + (target.isTextual() ? Identifiers.echo(target.asText()) : target.getNodeType()));
        return null;
    }

    private JsonNode domain(JsonNode target, String pointer) {
        if (!target.isTextual()) {
            violations.at(pointer, "must be a domain string");
            return null;
        }
        String domain = canonicalDomain(target.asText());
        if (domain == null && !stored) {
            violations.notCanonical(pointer, Identifiers.echo(target.asText()) + " is not a domain in canonical form "
                    + "(ASCII letters, digits, inner hyphens, two or more labels of 1 to 63 characters, at most "
                    + MAX_DOMAIN_CHARS + " characters; write an internationalised domain as xn--)");
            return null;
        }
        return JSON.textNode(domain == null ? target.asText() : domain);
    }

    /**
     * The canonical form of a domain, as invitation rules compare it with an invitee email's domain: the one rule of
     * {@link EmailAddresses#canonicalDomain}, shared with invitation-service and the gateway.
     *
     * @param given a domain as given
     * @return its canonical form, or null when it is not acceptable
     */
    public static String canonicalDomain(String given) {
        return EmailAddresses.canonicalDomain(given);
    }

    /** A member name as a JSON pointer segment (RFC 6901 section 3), repeated safely in a message. */
    private static String escape(String name) {
        return Violations.segment(name);
    }
}
