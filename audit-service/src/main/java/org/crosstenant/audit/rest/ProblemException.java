package org.crosstenant.audit.rest;

/** A 4xx the resources throw on purpose; mapped to problem+json. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, null);
    }

    /** @param field the query parameter the refusal is about (the problem's {@code field}), null for none */
    public ProblemException(int status, String title, String detail, String field) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }

    /** A 400 about one query parameter, named in the problem's {@code field}. */
    public static ProblemException badParameter(String field, String detail) {
        return new ProblemException(400, "Bad Request", detail, field);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** @return the query parameter the refusal is about, null when none */
    public String field() {
        return field;
    }
}
