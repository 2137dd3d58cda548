package org.crosstenant.platform.rest;

import jakarta.ws.rs.BadRequestException;

/**
 * 400: a query parameter an endpoint does not read, one given more than once, or a query that is not
 * percent-encoded correctly ({@link DeclaredQueryParameters}). A service's exception mapper may name
 * {@link #parameter()} in its problem's {@code field} member; the message is the problem's detail.
 */
public class QueryParameterException extends BadRequestException {

    private final String parameter;

    /**
     * @param parameter the parameter's name as a problem's {@code field} may show it (printable, clipped), or null
     *                  when the query as a whole is malformed
     * @param detail    the refusal in words, printable ASCII
     */
    public QueryParameterException(String parameter, String detail) {
        super(detail);
        this.parameter = parameter;
    }

    /** @return the parameter's name as a problem's {@code field} may show it, or null for the query as a whole */
    public String parameter() {
        return parameter;
    }
}
