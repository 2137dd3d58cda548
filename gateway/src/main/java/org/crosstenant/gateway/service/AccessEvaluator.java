package org.crosstenant.gateway.service;

import org.crosstenant.gateway.model.AccessSettings.AppRule;
import org.crosstenant.gateway.model.AccessSettings.PeopleRule;
import org.crosstenant.gateway.model.AccessSettings.Side;
import org.crosstenant.gateway.model.Person;

/**
 * The access-time evaluator (stage "access" of docs/conformance/access-evaluation.json, the table policy-service's
 * evaluator passes too): a pure function of precompiled rules, no allocation, no I/O.
 */
public final class AccessEvaluator {

    private AccessEvaluator() {
    }

    /**
     * @param resourceInbound the resource tenant's effective inbound side of the mode, for the home tenant
     * @param homeOutbound the home tenant's effective outbound side of the mode, for the resource tenant
     * @param person the caller as known from its home token
     * @param application the resource tenant's application id
     * @return whether both sides admit the person and the application
     */
    public static boolean admits(Side resourceInbound, Side homeOutbound, Person person, String application) {
        return admits(resourceInbound, person, application) && admits(homeOutbound, person, application);
    }

    /** Whether one side admits the person (users, subjects, groups) and the application. */
    public static boolean admits(Side side, Person person, String application) {
        return admits(side.usersAndGroups(), person) && admits(side.applications(), application);
    }

    static boolean admits(PeopleRule rule, Person person) {
        if (rule.all()) {
            return rule.allowed();
        }
        return rule.allowed() == listed(rule, person);
    }

    static boolean admits(AppRule rule, String application) {
        if (rule.all()) {
            return rule.allowed();
        }
        return rule.allowed() == rule.applications().contains(application);
    }

    private static boolean listed(PeopleRule rule, Person person) {
        if (person.email() != null && rule.users().contains(person.email())) {
            return true;
        }
        if (person.subject() != null && rule.subjects().contains(person.subject())) {
            return true;
        }
        if (!rule.groups().isEmpty()) {
            for (String group : person.groups()) {
                if (rule.groups().contains(group)) {
                    return true;
                }
            }
        }
        return false;
    }
}
