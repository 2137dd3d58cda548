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
    private String notCanonical;

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
     * Adds a violation of a value that is not in the one canonical form every side compares (an email or domain with
     * a non-ASCII look-alike, white space or controls): the request is then refused with 400 (issue #7: "anything
     * ambiguous refused with a 400 that names the field"), and the first such field is the problem's {@code field}.
     *
     * @param pointer the field, by JSON pointer
     * @param message what is wrong with it
     */
    public void notCanonical(String pointer, String message) {
        if (notCanonical == null) {
            notCanonical = pointer;
        }
        at(pointer, message);
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

    /**
     * A member name as one JSON pointer segment (RFC 6901 section 3: {@code ~} as {@code ~0}, {@code /} as
     * {@code ~1}), safe to repeat in a message: controls escaped, cut to 64 characters plus an ellipsis.
     *
     * @param name a member name as the caller sent it
     * @return the segment, without the leading {@code /}
     */
    public static String segment(String name) {
        String segment = name.replace("~", "~0").replace("/", "~1");
        return Identifiers.escaped(segment.length() > 64 ? segment.substring(0, 64) + "…" : segment);
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

    /**
     * @throws InvalidInputException listing every violation, when there is any: 400 naming the first value not in
     *                               canonical form when there is one (and no limit was exceeded), else 422
     */
    public void throwIfAny() {
        if (!messages.isEmpty()) {
            if (limit == null && notCanonical != null) {
                throw InvalidInputException.notCanonical(messages(), notCanonical);
            }
            throw new InvalidInputException(messages(), field, limit);
        }
    }
}
