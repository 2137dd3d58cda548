package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One RULE ({@code {"access", "targets"}}) compiled for allocation-free matching: hash sets of canonical users,
 * subjects, groups and application ids. Semantics (docs/api.md): allowed+all admits everyone, allowed+list only the
 * listed, blocked+list everyone but the listed, blocked+all no one. Immutable, thread-safe.
 */
public final class CompiledRule {

    private final boolean allowed;
    private final boolean all;
    private final Set<String> users;
    private final Set<String> subjects;
    private final Set<String> groups;
    private final Set<String> values;
    private final boolean namesIdentity;

    private CompiledRule(JsonNode rule) {
        allowed = "allowed".equals(rule.path("access").asText());
        Set<String> users = new HashSet<>();
        Set<String> subjects = new HashSet<>();
        Set<String> groups = new HashSet<>();
        Set<String> values = new HashSet<>();
        boolean all = false;
        for (JsonNode target : rule.path("targets")) {
            if (target.isTextual()) {
                if ("all".equals(target.asText())) {
                    all = true;
                } else {
                    values.add(target.asText());
                }
            } else if (target.has("user")) {
                users.add(target.get("user").asText());
            } else if (target.has("subject")) {
                subjects.add(target.get("subject").asText());
            } else if (target.has("group")) {
                groups.add(target.get("group").asText());
            }
        }
        this.all = all;
        this.users = Set.copyOf(users);
        this.subjects = Set.copyOf(subjects);
        this.groups = Set.copyOf(groups);
        this.values = Set.copyOf(values);
        this.namesIdentity = !subjects.isEmpty() || !groups.isEmpty();
    }

    /**
     * @param rule a canonical RULE as {@link AccessSettingsParser} returns it
     * @return its compiled form
     */
    public static CompiledRule of(JsonNode rule) {
        return new CompiledRule(rule);
    }

    /**
     * Whether a person is admitted (contract: at the decision stage the person is known by email only — an allowed
     * list naming a subject or group MAY admit and counts as admitting, a blocked list's subject/group entries cannot
     * exclude; at the access stage everything is checked).
     *
     * @param email         canonical email, or null when the person has none vouched (then no user target matches)
     * @param subject       home subject, or null (unknown)
     * @param groups        home token's groups, or null (unknown)
     * @param identityKnown false at the decision stage (subject and groups ignored), true at access
     * @return whether the rule admits the person; allocates nothing
     */
    public boolean admitsPerson(String email, String subject, List<String> groups, boolean identityKnown) {
        if (all) {
            return allowed;
        }
        boolean listed = email != null && users.contains(email);
        if (!listed && identityKnown) {
            listed = subject != null && subjects.contains(subject) || anyGroup(groups);
        }
        if (allowed) {
            return listed || !identityKnown && namesIdentity;
        }
        return !listed;
    }

    /**
     * Whether a guest with an active grant is still admitted, known by email and home subject but not by groups
     * (policy-service's re-evaluation: groups are only in the home token, which the gateway checks per request). A
     * rule that only a group could decide never refuses: an allowed list naming any group may admit, a blocked list's
     * groups cannot exclude.
     *
     * @param email   canonical email, or null
     * @param subject home subject, or null
     * @return whether the rule admits the guest (allocates nothing)
     */
    public boolean admitsGuest(String email, String subject) {
        if (all) {
            return allowed;
        }
        boolean listed = email != null && users.contains(email) || subject != null && subjects.contains(subject);
        if (allowed) {
            return listed || !groups.isEmpty();
        }
        return !listed;
    }

    /**
     * @param value an application id or a canonical domain
     * @return whether the rule admits it (allocates nothing)
     */
    public boolean admits(String value) {
        boolean listed = all || values.contains(value);
        return allowed == listed;
    }

    /** e.g. "allowed all", "blocked list": the rule's kind, never its targets. */
    public String describe() {
        return (allowed ? "allowed" : "blocked") + (all ? " all" : " list");
    }

    private boolean anyGroup(List<String> person) {
        if (person == null || groups.isEmpty()) {
            return false;
        }
        for (int i = 0, n = person.size(); i < n; i++) {
            if (groups.contains(person.get(i))) {
                return true;
            }
        }
        return false;
    }
}
