package org.crosstenant.policy.service;

import java.util.List;

/** A well-formed request whose content is not acceptable (422); every violation is listed. */
public class InvalidInputException extends RuntimeException {
    private final List<String> violations;

    public InvalidInputException(List<String> violations) {
        super(String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    public InvalidInputException(String violation) {
        this(List.of(violation));
    }

    public List<String> violations() {
        return violations;
    }
}
