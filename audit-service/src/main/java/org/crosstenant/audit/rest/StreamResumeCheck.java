package org.crosstenant.audit.rest;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;

import io.smallrye.mutiny.Uni;

import org.crosstenant.audit.service.AuditStream;
import org.crosstenant.audit.service.ResumeBeyondHeadException;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Checks where {@code GET /api/v1/audit/stream} is asked to resume before the stream answers: once an SSE response
 * has started its status is 200 whatever follows, so a refusal must come from here. A resume point
 * ({@code Last-Event-ID} or {@code after}, see {@link AuditResource#resumePoint}) past the log's last record is 400
 * problem+json naming the parameter ({@link ResumeBeyondHeadException}); a malformed one is the resource's own 400.
 */
public class StreamResumeCheck {

    private final AuditStream stream;

    public StreamResumeCheck(AuditStream stream) {
        this.stream = stream;
    }

    /**
     * @return completes when the request is not a stream, or resumes within the log; fails with a 400
     *         {@link ProblemException} otherwise
     */
    // after the cheap refusals (undeclared or repeated query parameters, Priorities.USER): this one reads the database
    @ServerRequestFilter(priority = Priorities.USER + 100)
    public Uni<Void> resumeWithinTheLog(ContainerRequestContext request, SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() != AuditResource.class
                || !"stream".equals(resource.getMethodName())) {
            return Uni.createFrom().voidItem();
        }
        AuditResource.ResumePoint point = AuditResource.resumePoint(request.getHeaders().get(AuditResource.LAST_EVENT_ID),
                request.getUriInfo().getQueryParameters().getFirst("after"));
        if (point.after() == null) {
            return Uni.createFrom().voidItem();
        }
        return stream.start(point.after()).replaceWithVoid().onFailure(ResumeBeyondHeadException.class)
                .transform(beyond -> ProblemException.badParameter(point.field(), beyond.getMessage()));
    }
}
