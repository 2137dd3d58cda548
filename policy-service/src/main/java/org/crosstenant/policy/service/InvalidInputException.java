package org.crosstenant.policy.service;

import java.util.List;

/**
 * A well-formed request whose content is not acceptable (422); every violation is listed. When a size or count limit
 * was exceeded, {@link #field()} and {@link #limit()} name the first such limit (the problem's {@code field} and
 * {@code limit} members), otherwise both are null.
 */
public class InvalidInputException extends RuntimeException {
    private final List<String> violations;
    private final String field;
    private final Long limit;

    public InvalidInputException(List<String> violations, String field, Long limit) {
        super(String.join("; ", violations));
        this.violations = List.copyOf(violations);
        this.field = field;
        this.limit = limit;
    }

    public InvalidInputException(List<String> violations) {
        this(violations, null, null);
    }

    public InvalidInputException(String violation) {
        this(List.of(violation));
    }

    public List<String> violations() {
        return violations;
    }

    /** @return the field whose limit was exceeded first (e.g. {@code outbound.collaboration.users.targets}), or null */
    public String field() {
        return field;
    }

    /** @return that field's limit (characters, bytes or entries, as the violation says), or null */
    public Long limit() {
        return limit;
    }
}
