package org.crosstenant.policy.service;

import java.util.List;

/**
 * A request whose content is not acceptable; every violation is listed. {@link #status()} is 422 (well-formed, not
 * acceptable) or 400 when a value is not in the canonical form every side compares ({@link #notCanonical}). When a
 * size or count limit was exceeded, {@link #field()} and {@link #limit()} name the first such limit (the problem's
 * {@code field} and {@code limit} members); otherwise {@code field} names the first field refused, or is null.
 */
public class InvalidInputException extends RuntimeException {
    private final List<String> violations;
    private final String field;
    private final Long limit;
    private final int status;

    public InvalidInputException(List<String> violations, String field, Long limit) {
        this(violations, field, limit, 422);
    }

    private InvalidInputException(List<String> violations, String field, Long limit, int status) {
        super(String.join("; ", violations));
        this.violations = List.copyOf(violations);
        this.field = field;
        this.limit = limit;
        this.status = status;
    }

    /**
     * @param violations every violation
     * @param field      the first field (JSON pointer) whose value is not in canonical form
     * @return a 400 refusal naming it
     */
    public static InvalidInputException notCanonical(List<String> violations, String field) {
        return new InvalidInputException(violations, field, null, 400);
    }

    /** @return the HTTP status: 400 (a value not in canonical form) or 422 */
    public int status() {
        return status;
    }

    public InvalidInputException(List<String> violations) {
        this(violations, null, null);
    }

    public InvalidInputException(String violation) {
        this(List.of(violation));
    }

    /**
     * The same refusal for a document nested in a larger body: every JSON pointer (in {@link #field()} and at the
     * start of a violation) is prefixed with {@code pointer}.
     *
     * @param pointer where the nested document is, e.g. {@code /settings}
     * @return the refusal with the same status and limit
     */
    public InvalidInputException under(String pointer) {
        List<String> nested = violations.stream().map(v -> v.startsWith("/") ? pointer + v : v).toList();
        String nestedField = field != null && (field.isEmpty() || field.startsWith("/")) ? pointer + field : field;
        return status == 400 ? notCanonical(nested, nestedField) : new InvalidInputException(nested, nestedField, limit);
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
