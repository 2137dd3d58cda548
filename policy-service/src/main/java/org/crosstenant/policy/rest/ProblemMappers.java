package org.crosstenant.policy.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import org.crosstenant.platform.rest.QueryParameterException;
import jakarta.ws.rs.core.Response;
import org.crosstenant.policy.service.AccessSettingsService;
import org.crosstenant.platform.model.MalformedJsonException;
import org.crosstenant.policy.service.InvalidInputException;
import org.crosstenant.policy.service.UnknownResourceException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** Every error leaves as application/problem+json; bad input is always a 4xx, never a 500. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String TYPE_PREFIX = "urn:crosstenant:problem:";

    @ServerExceptionMapper
    public Response problem(ProblemException e, HttpServerRequest request) {
        return respond(e.status(), e.slug(), e.title(), e.getMessage(), request, null);
    }

    @ServerExceptionMapper
    public Response invalid(InvalidInputException e, HttpServerRequest request) {
        boolean notCanonical = e.status() == 400;
        Problem problem = new Problem(TYPE_PREFIX + (notCanonical ? "not-canonical" : "invalid-input"),
                notCanonical ? "Not in canonical form" : "Unacceptable content", e.status(), e.getMessage(),
                request.path(), e.violations(), e.field(), e.limit());
        return Response.status(e.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    @ServerExceptionMapper
    public Response precondition(AccessSettingsService.PreconditionFailedException e, HttpServerRequest request) {
        return respond(412, "precondition-failed", "Precondition failed", e.getMessage(), request, null);
    }

    @ServerExceptionMapper
    public Response unknown(UnknownResourceException e, HttpServerRequest request) {
        return respond(404, "not-found", "Not found", e.getMessage(), request, null);
    }

    @ServerExceptionMapper
    public Response beanValidation(ConstraintViolationException e, HttpServerRequest request) {
        List<String> errors = e.getConstraintViolations().stream()
                .map(v -> v.getPropertyPath() + ": " + v.getMessage()).sorted().toList();
        return respond(422, "invalid-input", "Unacceptable content", String.join("; ", errors), request, errors);
    }

    /**
     * JSON the body reader refused — hostile text (platform {@code StrictJsonInput}: duplicate members, NUL, unpaired
     * surrogates, invalid UTF-8, nesting, number or string limits, trailing content) or a body of the wrong shape —
     * as 400 {@code malformed-json} with {@code field}, the JSON pointer of the offending value when known.
     */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class,
            com.fasterxml.jackson.core.JsonParseException.class, MalformedJsonException.class})
    public Response unreadableJson(Exception e, HttpServerRequest request) {
        String detail = e instanceof JsonProcessingException json ? MalformedJsonException.describe(json)
                : MalformedJsonException.printable(e.getMessage());
        Problem problem = new Problem(TYPE_PREFIX + "malformed-json", "Malformed JSON", 400,
                "the body is not acceptable JSON: " + detail, request.path(), null, MalformedJsonException.pointerOf(e),
                null);
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(Exception e, HttpServerRequest request) {
        Response.ResponseBuilder builder = problemResponse(401, "unauthenticated", "Unauthenticated",
                "a valid federated identity token (Authorization: Bearer) is required", request, null);
        return builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return respond(403, "forbidden", "Forbidden", "the caller may not do this", request, null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (status == 400 && cause instanceof JsonProcessingException json) {
            return unreadableJson(json, request);
        }
        Response.StatusType info = Response.Status.fromStatusCode(status);
        String title = info != null ? info.getReasonPhrase() : "HTTP " + status;
        String detail = e.getMessage();
        // the framework's own words name annotations (@Consumes/@Produces); say what the client can send or accept
        if (status == 415 && (detail == null || detail.contains("@Consumes"))) {
            detail = "the body must be " + org.crosstenant.platform.rest.Utf8JsonBodies.ACCEPTED;
        } else if (status == 406 && (detail == null || detail.contains("@Produces"))) {
            detail = "this resource answers application/json (errors application/problem+json); send an Accept "
                    + "header that allows it";
        }
        if (e instanceof QueryParameterException query) {
            return Response.status(400).type(Problem.MEDIA_TYPE).entity(new Problem(TYPE_PREFIX + "bad-request", title,
                    400, detail, request.path(), null, query.parameter(), null)).build();
        }
        return respond(status, title.toLowerCase().replace(' ', '-'), title, detail, request, null);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, HttpServerRequest request) {
        if (isUniqueViolation(e)) {
            return respond(409, "conflict", "Conflict",
                    "a concurrent request changed the same resource; retry", request, null);
        }
        LOG.error("unexpected failure on " + request.path(), e);
        return respond(500, "internal-error", "Internal error", "the request could not be completed", request, null);
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException) {
                return true;
            }
            if (t instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static Response respond(int status, String slug, String title, String detail, HttpServerRequest request,
                                    List<String> errors) {
        return problemResponse(status, slug, title, detail, request, errors).build();
    }

    private static Response.ResponseBuilder problemResponse(int status, String slug, String title, String detail,
                                                            HttpServerRequest request, List<String> errors) {
        Problem problem = new Problem(TYPE_PREFIX + slug, title, status, detail, request.path(), errors, null, null);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem);
    }
}
