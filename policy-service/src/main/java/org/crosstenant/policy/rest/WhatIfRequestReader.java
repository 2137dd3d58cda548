package org.crosstenant.policy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.service.AccessEvaluator.Mode;
import org.crosstenant.policy.service.AccessSettingsParser;
import org.crosstenant.policy.service.InvalidInputException;
import org.crosstenant.policy.service.Violations;
import org.crosstenant.policy.service.WhatIfService;
import org.crosstenant.policy.service.WhatIfService.Direction;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict reader of a what-if body (docs/api.md, "What-if"): unknown members, wrong types, unknown values and members
 * that do not apply to the asked stage are refused, never ignored (a silently ignored member would answer another
 * question than the one asked). Identifiers, emails, subjects and groups follow the rules of the settings they are
 * compared with ({@link Identifiers}, {@link AccessSettingsParser#nameViolation}). A proposed configuration is read
 * by {@link AccessSettingsParser#parse}, as its PUT reads it, refused with the same status; its JSON pointers are
 * then those of the what-if body ({@code /proposed/settings/...}).
 */
final class WhatIfRequestReader {

    static final String PROPOSED_SETTINGS = "/proposed/settings";

    private static final Set<String> MEMBERS = Set.of("direction", "partner", "mode", "stage", "user", "application",
            "filedBy", "mfa", "compliantDevice", "proposed");
    private static final Set<String> USER_MEMBERS = Set.of("email", "subject", "groups");
    private static final Set<String> PROPOSED_MEMBERS = Set.of("partner", "settings");
    private static final Map<String, Direction> DIRECTIONS = Map.of("inbound", Direction.INBOUND,
            "outbound", Direction.OUTBOUND);
    private static final Map<String, Mode> MODES = Map.of("collaboration", Mode.COLLABORATION,
            "directConnect", Mode.DIRECT_CONNECT);
    private static final Map<String, Boolean> STAGES = Map.of("invitation", true, "access", false);
    private static final Map<String, Boolean> FILERS = Map.of("resourceAdmin", true, "partnerSystem", false);

    private final String tenant;
    private final Violations violations = new Violations();

    private WhatIfRequestReader(String tenant) {
        this.tenant = tenant;
    }

    /**
     * @param tenant the asking tenant ({tenant}, already authorised)
     * @param body   the request body as the strict JSON reader gave it
     * @return the validated request
     * @throws ProblemException      400 when there is no body, or the proposed settings are not a JSON object (as
     *                               the PUT's body reader refuses one)
     * @throws InvalidInputException 422 listing every violation ({@code field} the first one's JSON pointer,
     *                               {@code limit} for an exceeded limit), 400 {@code not-canonical} for an email or
     *                               domain not in canonical form
     */
    static WhatIfService.Request read(String tenant, JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ProblemException.badRequest("a JSON body {\"direction\", \"partner\", \"mode\", \"user\", "
                    + "\"application\", …} is required");
        }
        return new WhatIfRequestReader(tenant).request(body);
    }

    private WhatIfService.Request request(JsonNode body) {
        unknownMembers(body, "", MEMBERS);
        Direction direction = oneOf(body, "direction", DIRECTIONS, true);
        String partner = id(body.get("partner"), "/partner", true);
        if (tenant.equals(partner)) {
            violations.at("/partner", "a tenant cannot be its own partner: " + partner);
        }
        Mode mode = oneOf(body, "mode", MODES, true);
        Boolean invitationStage = oneOf(body, "stage", STAGES, false);
        boolean invitation = Boolean.TRUE.equals(invitationStage);
        if (invitation && mode == Mode.DIRECT_CONNECT) {
            violations.at("/stage", "\"invitation\" is for mode collaboration only: direct connect is decided at "
                    + "access, without an invitation");
        }
        WhatIfService.Person user = person(body.get("user"), invitation);
        String application = id(body.get("application"), "/application", true);
        boolean filedByResourceAdmin = false;
        if (invitation) {
            Boolean filer = oneOf(body, "filedBy", FILERS, true);
            filedByResourceAdmin = Boolean.TRUE.equals(filer);
        } else {
            onlyAtInvitation(body, "filedBy");
        }
        boolean mfa = flag(body, "mfa", invitation);
        boolean compliantDevice = flag(body, "compliantDevice", invitation);
        JsonNode proposedNode = body.get("proposed");
        String proposedPartner = null;
        if (present(proposedNode)) {
            proposedPartner = proposedPartner(proposedNode, partner);
        }
        violations.throwIfAny();
        WhatIfService.Proposal proposal = present(proposedNode)
                ? new WhatIfService.Proposal(proposedPartner, settings(proposedNode.get("settings"))) : null;
        return new WhatIfService.Request(tenant, direction, partner, mode, invitation, user, application,
                filedByResourceAdmin, mfa, compliantDevice, proposal);
    }

    private WhatIfService.Person person(JsonNode user, boolean invitation) {
        if (!present(user)) {
            violations.at("/user", "is required: an object {\"email\", \"subject\", \"groups\"}");
            return null;
        }
        if (!user.isObject()) {
            violations.at("/user", "must be an object {\"email\", \"subject\", \"groups\"}");
            return null;
        }
        unknownMembers(user, "/user", USER_MEMBERS);
        String email = email(user.get("email"), invitation);
        String subject = null;
        List<String> groups = List.of();
        JsonNode subjectNode = user.get("subject");
        JsonNode groupsNode = user.get("groups");
        if (invitation) {
            // an invitation request names the invitee by email only: subject and groups would be ignored
            for (String member : List.of("subject", "groups")) {
                if (present(user.get(member))) {
                    violations.at("/user/" + member, "is not known at stage invitation (an invitation names the "
                            + "invitee by email only; subject and groups are checked at access)");
                }
            }
        } else {
            if (present(subjectNode)) {
                subject = name(subjectNode, "/user/subject");
            }
            if (present(groupsNode)) {
                groups = groups(groupsNode);
            }
        }
        return new WhatIfService.Person(email, subject, groups);
    }

    private String email(JsonNode node, boolean required) {
        if (!present(node)) {
            if (required) {
                violations.at("/user/email", "is required at stage invitation (the invitee's email)");
            }
            return null;
        }
        if (!node.isTextual()) {
            violations.at("/user/email", "must be a string");
            return null;
        }
        String canonical = Identifiers.canonicalEmail(node.asText());
        Identifiers.Refusal refusal = Identifiers.emailViolation(canonical);
        if (refusal == null) {
            return canonical;
        }
        String message = Identifiers.echo(node.asText()) + " " + refusal.reason();
        if (refusal.limit() == null) {
            violations.notCanonical("/user/email", message);
        } else {
            violations.overLimit("/user/email", refusal.limit(), "/user/email: " + message);
        }
        return null;
    }

    private List<String> groups(JsonNode node) {
        if (!node.isArray()) {
            violations.at("/user/groups", "must be an array of group names");
            return List.of();
        }
        if (node.size() > WhatIfService.MAX_GROUPS) {
            violations.overLimit("/user/groups", WhatIfService.MAX_GROUPS, "/user/groups: has " + node.size()
                    + " entries; the limit is " + WhatIfService.MAX_GROUPS + " (the gateway reads at most "
                    + WhatIfService.MAX_GROUPS + " groups of a home token)");
            return List.of();
        }
        List<String> groups = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String group = name(node.get(i), "/user/groups/" + i);
            if (group != null) {
                groups.add(group);
            }
        }
        return List.copyOf(groups);
    }

    /** A subject or group: compared exactly, so held to the rule of {"subject"} and {"group"} targets. */
    private String name(JsonNode node, String pointer) {
        if (!node.isTextual()) {
            violations.at(pointer, "must be a string");
            return null;
        }
        String given = node.asText();
        Identifiers.Refusal refusal = AccessSettingsParser.nameViolation(given);
        if (refusal == null) {
            return given;
        }
        String message = Identifiers.echo(given) + " " + refusal.reason();
        if (refusal.limit() != null) {
            violations.overLimit(pointer, refusal.limit(), pointer + ": " + message);
        } else {
            violations.at(pointer, message);
        }
        return null;
    }

    private String id(JsonNode node, String pointer, boolean required) {
        if (!present(node)) {
            if (required) {
                violations.at(pointer, "is required");
            }
            return null;
        }
        if (!node.isTextual() || !Identifiers.isId(node.asText())) {
            violations.at(pointer, "must be a tenant or application id (" + Identifiers.ID.pattern() + "), not "
                    + (node.isTextual() ? Identifiers.echo(node.asText()) : node.getNodeType()));
            return null;
        }
        return node.asText();
    }

    private <T> T oneOf(JsonNode body, String member, Map<String, T> values, boolean required) {
        JsonNode node = body.get(member);
        if (!present(node)) {
            if (required) {
                violations.at("/" + member, "is required: one of " + quoted(values.keySet()));
            }
            return null;
        }
        T value = node.isTextual() ? values.get(node.asText()) : null;
        if (value == null) {
            violations.at("/" + member, "must be one of " + quoted(values.keySet()) + ", not "
                    + (node.isTextual() ? Identifiers.echo(node.asText()) : node.getNodeType()));
        }
        return value;
    }

    /** {@code mfa} / {@code compliantDevice}: claims of a home token, so for stage access only; absent = false. */
    private boolean flag(JsonNode body, String member, boolean invitation) {
        JsonNode node = body.get(member);
        if (!present(node)) {
            return false;
        }
        if (invitation) {
            violations.at("/" + member, "applies at stage access only (the gateway weighs a home token's claims; "
                    + "an invitation decision does not)");
            return false;
        }
        if (!node.isBoolean()) {
            violations.at("/" + member, "must be true or false");
            return false;
        }
        return node.asBoolean();
    }

    private void onlyAtInvitation(JsonNode body, String member) {
        if (present(body.get(member))) {
            violations.at("/" + member, "applies at stage invitation only");
        }
    }

    /** @return the proposal's partner (null: the default), checked against the request's partner */
    private String proposedPartner(JsonNode proposed, String partner) {
        if (!proposed.isObject()) {
            violations.at("/proposed", "must be an object {\"partner\", \"settings\"}");
            return null;
        }
        unknownMembers(proposed, "/proposed", PROPOSED_MEMBERS);
        for (String member : List.of("partner", "settings")) {
            if (!proposed.has(member)) {
                // both members are required, null included: a missing one must not silently mean "the default"
                violations.at("/proposed/" + member, "is required (JSON null: " + (member.equals("partner")
                        ? "the default configuration" : "the partner configuration deleted") + ")");
            }
        }
        String proposedPartner = id(proposed.get("partner"), "/proposed/partner", false);
        if (proposedPartner != null && partner != null && !proposedPartner.equals(partner)) {
            violations.at("/proposed/partner", "must be the request's partner " + partner + " (or null for the "
                    + "default configuration): another partner's configuration does not take part in this decision");
        }
        if (proposed.has("partner") && !present(proposed.get("partner")) && proposed.has("settings")
                && !present(proposed.get("settings"))) {
            violations.at(PROPOSED_SETTINGS, "the default configuration cannot be deleted (null settings are for a "
                    + "partner configuration)");
        }
        return proposedPartner;
    }

    /**
     * The proposed configuration as its PUT would read it; null (a deleted partner configuration) stays null.
     *
     * @throws InvalidInputException the parser's refusal, with this body's JSON pointers
     */
    private static AccessSettings settings(JsonNode settings) {
        if (!present(settings)) {
            return null;
        }
        if (!settings.isObject()) {
            // the PUT's body reader refuses a document that is not an object with 400 as well
            throw ProblemException.badRequest(PROPOSED_SETTINGS + " must be a JSON object (a configuration), not "
                    + settings.getNodeType());
        }
        try {
            return AccessSettingsParser.parse(settings);
        } catch (InvalidInputException e) {
            List<String> violations = new ArrayList<>();
            for (String message : e.violations()) {
                violations.add(message.startsWith("/") ? PROPOSED_SETTINGS + message
                        : message.startsWith("and ") ? message : PROPOSED_SETTINGS + ": " + message);
            }
            String field = e.field() == null ? null : PROPOSED_SETTINGS + e.field();
            throw e.status() == 400 ? InvalidInputException.notCanonical(violations, field)
                    : new InvalidInputException(violations, field, e.limit());
        }
    }

    private void unknownMembers(JsonNode node, String pointer, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                violations.at(pointer + "/" + Violations.segment(name), "unknown member (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** Absent and JSON null are the same: not given. */
    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private static String quoted(Set<String> values) {
        List<String> sorted = new ArrayList<>(new TreeSet<>(values));
        return "\"" + String.join("\", \"", sorted) + "\"";
    }
}
