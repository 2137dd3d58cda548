package org.crosstenant.audit.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import org.crosstenant.platform.rest.QueryParameterException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

import org.crosstenant.audit.service.ProofRequestException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as application/problem+json; bad input is a 4xx, never a 500. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e.status(), e.title(), e.getMessage(), uri, e.field());
    }

    /** 429 with {@code Retry-After} (whole seconds, at least 1) when a caller asks for a verification too often. */
    @ServerExceptionMapper
    public Response tooOften(VerifyTooOftenException e, UriInfo uri) {
        Response problem = respond(429, "Too Many Requests", e.getMessage(), uri);
        return Response.fromResponse(problem).header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds()).build();
    }

    @ServerExceptionMapper
    public Response proofRefused(ProofRequestException e, UriInfo uri) {
        return switch (e.kind()) {
            case BAD_PARAMETER -> respond(400, "Bad Request", e.getMessage(), uri, e.field());
            case NOT_FOUND -> respond(404, "Not Found", e.getMessage(), uri);
            case NOT_YET -> respond(409, "Conflict", e.getMessage(), uri);
        };
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        return Response.fromResponse(respond(401, "Unauthorized",
                "a valid federated identity token (Authorization: Bearer) is required", uri))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(403, "Forbidden", "reading audit records needs the auditor role of your tenant", uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
            return respond(status, Response.Status.fromStatusCode(status).getReasonPhrase(), "internal error", uri);
        }
        Response.StatusType type = e.getResponse().getStatusInfo();
        if (e instanceof QueryParameterException query) {
            return Response.status(400).type(Problem.MEDIA_TYPE).entity(new Problem("about:blank",
                    type.getReasonPhrase(), 400, e.getMessage(), uri == null ? null : uri.getPath(), query.parameter()))
                    .build();
        }
        return respond(status, type.getReasonPhrase(), e.getMessage(), uri);
    }

    @ServerExceptionMapper(priority = Integer.MAX_VALUE)
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.error("request failed", e);
        return respond(500, "Internal Server Error", "internal error", uri);
    }

    static Response respond(int status, String title, String detail, UriInfo uri) {
        return respond(status, title, detail, uri, null);
    }

    static Response respond(int status, String title, String detail, UriInfo uri, String field) {
        Problem problem = new Problem("about:blank", title, status, detail, uri == null ? null : uri.getPath(),
                field);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
