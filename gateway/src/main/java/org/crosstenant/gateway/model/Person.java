package org.crosstenant.gateway.model;

import java.util.List;

/**
 * A person as the access-time evaluator sees them (docs/api.md, "Direct connect and MFA").
 *
 * @param email the address the home tenant vouches for, canonical ({@code VouchedEmails}), or null
 * @param subject the home token's {@code sub}
 * @param groups the home token's {@code groups} claim (group names), empty when it has none
 */
public record Person(String email, String subject, List<String> groups) {

    public Person {
        groups = groups == null ? List.of() : List.copyOf(groups); // no copy of an already immutable list
    }
}
