package org.crosstenant.invitation.rest;

import java.net.ConnectException;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.crosstenant.invitation.service.ProblemException;
import org.crosstenant.platform.model.MalformedJsonException;
import org.crosstenant.platform.rest.QueryParameterException;
import org.crosstenant.platform.rest.Utf8JsonBodies;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/** Every error leaves as RFC 9457 problem+json; bad input is never a 500. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(new Problem("urn:crosstenant:problem:" + e.slug(), e.title(), e.status(), e.getMessage(),
                path(uri), e.field(), e.limit(), e.existingInvitation()));
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        return Response.fromResponse(respond(Problem.of(401, "unauthorized", "Unauthorized",
                "A valid federated identity token is required", path(uri))))
                .header("WWW-Authenticate", "Bearer")
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(Problem.of(403, "forbidden", "Not allowed", e.getMessage(), path(uri)));
    }

    /**
     * JSON the body reader refused — hostile text (platform {@code StrictJsonInput}: duplicate members, NUL, unpaired
     * surrogates, invalid UTF-8, nesting, number or string limits, trailing content) or a body of the wrong shape —
     * as 400 {@code malformed-json} with {@code field}, the JSON pointer of the offending value when known. Listed
     * explicitly: Quarkus ships its own (plain JSON) mapper for MismatchedInputException.
     */
    @ServerExceptionMapper({ JsonProcessingException.class, MismatchedInputException.class,
            MalformedJsonException.class })
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        return respond(new Problem("urn:crosstenant:problem:malformed-json", "Malformed JSON", 400,
                "Body is not acceptable JSON of the expected shape: " + MalformedJsonException.describe(e), path(uri),
                MalformedJsonException.pointerOf(e), null, null));
    }

    /**
     * 404 for unknown paths, 405, 415 (platform {@code Utf8JsonBodies}: a body declared in another charset than UTF-8,
     * its message naming the accepted type; another media type: {@code the body must be} {@value
     * Utf8JsonBodies#ACCEPTED}, both of type {@code http-415}), 406 (in plain words what the resource answers, not the
     * framework's words about {@code @Produces}) and the framework's own 400s keep their status. A 400 that wraps a
     * Jackson failure is answered as {@link #unreadable}, so that no Jackson message (which names Java types) reaches
     * the detail.
     */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e instanceof QueryParameterException query) {
            // as a malformed parameter of a listing: the parameter in field
            return problem(ProblemException.badField(query.parameter(), query.getMessage()), uri);
        }
        int status = e.getResponse().getStatus();
        if (status == 400 && e.getCause() instanceof JsonProcessingException json) {
            return unreadable(json, uri);
        }
        String title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = e.getMessage();
        // the framework's own words name annotations (@Consumes/@Produces): say what the client can send or accept
        if (status == 415 && (detail == null || detail.contains("@Consumes"))) {
            detail = "the body must be " + Utf8JsonBodies.ACCEPTED;
        } else if (status == 406 && (detail == null || detail.contains("@Produces"))) {
            detail = "this resource answers application/json (errors application/problem+json); send an Accept "
                    + "header that allows it";
        }
        return respond(Problem.of(status, "http-" + status, title, detail, path(uri)));
    }

    /** Seconds a client is asked to wait after a 503 (RFC 9110 section 10.2.3, {@code Retry-After}). */
    static final int RETRY_AFTER_SECONDS = 1;

    /**
     * Anything no other mapper took. The database being out of reach (overload or outage) is not the request's
     * fault: 503 problem+json with {@code Retry-After}, so that clients and the gateway back off and retry; everything
     * else is a 500.
     *
     * @param e   the failure, possibly wrapped (Hibernate Reactive, CompletionException)
     * @param uri the request, for {@code instance} (may be null)
     * @return 503 when {@link #databaseUnavailable(Throwable)} holds, otherwise 500
     */
    @ServerExceptionMapper(priority = 10000)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (databaseUnavailable(e)) {
            LOG.warnf("Database unavailable, answering 503: %s", e.toString());
            return Response.fromResponse(respond(Problem.of(503, "service-unavailable", "Service unavailable",
                    "The service is overloaded or its database is unreachable; retry later", path(uri))))
                    .header("Retry-After", RETRY_AFTER_SECONDS)
                    .build();
        }
        LOG.error("Unexpected failure", e);
        return respond(Problem.of(500, "internal", "Internal error", "The request could not be processed",
                path(uri)));
    }

    /**
     * Whether a failure (or any of its causes) means the database cannot be reached right now: the reactive pool's
     * acquire timeout ("Timeout waiting for connection") or full wait queue, a closed or refused connection, or a
     * PostgreSQL error of class 08 (connection exception), 53 (insufficient resources) or 57P (server shutting down).
     *
     * @param failure any throwable (may be null)
     * @return true when retrying later may succeed
     */
    static boolean databaseUnavailable(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof ConnectionPoolTooBusyException || t instanceof ClosedConnectionException
                    || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null && (pg.getSqlState().startsWith("08")
                    || pg.getSqlState().startsWith("53") || pg.getSqlState().startsWith("57P"))) {
                return true;
            }
            if (t instanceof VertxException && t.getMessage() != null
                    && t.getMessage().startsWith("Timeout waiting for connection")) {
                return true;
            }
        }
        return false;
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }
}
