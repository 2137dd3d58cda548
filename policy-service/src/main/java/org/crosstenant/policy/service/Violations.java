package org.crosstenant.policy.service;

import org.crosstenant.policy.model.Identifiers;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the reasons an input is refused (the first {@value #MAX_LISTED}, then a count, so that a body of many bad
 * values gets a small answer), remembering the first exceeded limit for the problem's members.
 */
public final class Violations {

    /** Most violations listed one by one. */
    public static final int MAX_LISTED = 20;

    private final List<String> messages = new ArrayList<>();
    private int unlisted;
    private String field;
    private Long limit;

    /** Adds a violation that is not about a size or count. */
    public void add(String message) {
        if (messages.size() < MAX_LISTED) {
            messages.add(message);
        } else {
            unlisted++;
        }
    }

    /**
     * Adds a violation of a size or count limit.
     *
     * @param field   the field (JSON path) that exceeds it
     * @param limit   the limit (unit as the message says)
     * @param message the full message, naming field and limit
     */
    public void overLimit(String field, long limit, String message) {
        if (this.limit == null) {
            this.field = field;
            this.limit = limit;
        }
        add(message);
    }

    /**
     * Adds a violation about one field, named by JSON pointer (RFC 6901): the message is prefixed with it, and the
     * first such field becomes the problem's {@code field} unless a limit violation names another.
     *
     * @param pointer the field, e.g. {@code /inbound/collaboration/usersAndGroups/targets/3}
     * @param message what is wrong with it
     */
    public void at(String pointer, String message) {
        if (field == null) {
            field = pointer;
        }
        add(pointer + ": " + message);
    }

    /**
     * Adds a refusal, if any, as a limit violation when it carries a limit; the first field refused becomes the
     * problem's {@code field} unless a limit violation names another.
     *
     * @param field   the field it is about (JSON path, or {@code token.<claim>})
     * @param subject how the message names the value, e.g. the field and an echo of the value
     * @param refusal the refusal, or null for nothing to add
     */
    public void add(String field, String subject, Identifiers.Refusal refusal) {
        if (refusal == null) {
            return;
        }
        String message = subject + " " + refusal.reason();
        if (refusal.limit() != null) {
            overLimit(field, refusal.limit(), message);
        } else {
            if (this.field == null) {
                this.field = field;
            }
            add(message);
        }
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public List<String> messages() {
        List<String> all = new ArrayList<>(messages);
        if (unlisted > 0) {
            all.add("and " + unlisted + " more");
        }
        return List.copyOf(all);
    }

    /** @throws InvalidInputException (422) listing every violation, when there is any */
    public void throwIfAny() {
        if (!messages.isEmpty()) {
            throw new InvalidInputException(messages(), field, limit);
        }
    }
}
