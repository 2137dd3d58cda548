package org.crosstenant.invitation.service;

import java.util.UUID;

/**
 * A client-visible failure; the REST layer renders it as RFC 9457 problem+json. A refusal for an exceeded size limit
 * also names the field and the limit (problem members {@code field} and {@code limit}).
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final String field;
    private final Long limit;
    private UUID existingInvitation;

    public ProblemException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, null, null);
    }

    private ProblemException(int status, String slug, String title, String detail, String field, Long limit) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.field = field;
        this.limit = limit;
    }

    /**
     * 422 {@code limit-exceeded}: a field (or a token claim, {@code token.<claim>}) is over its size limit.
     *
     * @param field  the field's JSON path or header name
     * @param limit  the limit, in the unit the detail names
     * @param detail the message, naming field and limit
     */
    public static ProblemException overLimit(String field, long limit, String detail) {
        return unprocessable("limit-exceeded", "Limit exceeded", detail, field, limit);
    }

    /** 422 with its own type, naming an exceeded limit when {@code field} is not null. */
    public static ProblemException unprocessable(String slug, String title, String detail, String field, Long limit) {
        return new ProblemException(422, slug, title, detail, field, limit);
    }

    /**
     * 409 {@code invitation-exists}: a live request for the same (resource tenant, application, invitee) exists.
     *
     * @param existing the live invitation's id (problem member {@code existingInvitation})
     */
    public static ProblemException invitationExists(UUID existing, String detail) {
        ProblemException e = new ProblemException(409, "invitation-exists", "Invitation exists", detail);
        e.existingInvitation = existing;
        return e;
    }

    /** 400 {@code bad-request} naming the offending field (its JSON path or header name). */
    public static ProblemException badField(String field, String detail) {
        return new ProblemException(400, "bad-request", "Malformed request", detail, field, null);
    }

    /**
     * 400 {@code not-canonical}: an email is not in the one canonical form every service compares (a non-ASCII
     * look-alike, a control, inner white space), so it is ambiguous and refused (issue #7).
     *
     * @param field  the first such field, by JSON pointer (RFC 6901), e.g. {@code /invitee/email}
     * @param detail every fault, each naming its field
     */
    public static ProblemException notCanonical(String field, String detail) {
        return new ProblemException(400, "not-canonical", "Not in canonical form", detail, field, null);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "bad-request", "Malformed request", detail);
    }

    public static ProblemException unprocessable(String slug, String title, String detail) {
        return new ProblemException(422, slug, title, detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Not allowed", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail);
    }

    public static ProblemException conflict(String slug, String title, String detail) {
        return new ProblemException(409, slug, title, detail);
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** @return the field whose limit was exceeded, or null */
    public String field() {
        return field;
    }

    /** @return the live invitation a new request collides with, or null */
    public UUID existingInvitation() {
        return existingInvitation;
    }

    /** @return that field's limit, or null */
    public Long limit() {
        return limit;
    }
}
