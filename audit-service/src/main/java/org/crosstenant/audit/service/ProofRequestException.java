package org.crosstenant.audit.service;

/** Why a proof cannot be given; the REST layer turns it into problem+json. */
public class ProofRequestException extends RuntimeException {

    /** What kind of refusal. */
    public enum Kind {
        /** A query parameter names no usable tree size: 400, {@link #field()} names it. */
        BAD_PARAMETER,
        /** No such record, or not one the caller may see: 404 (the two are not told apart). */
        NOT_FOUND,
        /** The record or no checkpoint at all is signed yet: 409, ask again after the next checkpoint. */
        NOT_YET
    }

    private final Kind kind;
    private final String field;

    public ProofRequestException(Kind kind, String field, String detail) {
        super(detail);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /** @return the query parameter a {@link Kind#BAD_PARAMETER} is about, else null */
    public String field() {
        return field;
    }
}
