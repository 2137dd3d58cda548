package org.crosstenant.invitation.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.crosstenant.invitation.service.ProblemException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Every error leaves as RFC 9457 problem+json; bad input is never a 500. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(Problem.of(e.status(), e.slug(), e.title(), e.getMessage(), path(uri)));
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

    /** Listed explicitly: Quarkus ships its own (plain JSON) mapper for MismatchedInputException. */
    @ServerExceptionMapper({ JsonProcessingException.class, MismatchedInputException.class })
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        return respond(Problem.of(400, "bad-request", "Malformed request",
                "Body is not valid JSON of the expected shape: " + e.getOriginalMessage(), path(uri)));
    }

    /** 404 for unknown paths, 405, 415, 406 and the framework's own 400s keep their status. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        String title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        return respond(Problem.of(status, "http-" + status, title, e.getMessage(), path(uri)));
    }

    @ServerExceptionMapper(priority = 10000)
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.error("Unexpected failure", e);
        return respond(Problem.of(500, "internal", "Internal error", "The request could not be processed",
                path(uri)));
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }
}
