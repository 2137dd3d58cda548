package org.crosstenant.invitation.rest;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.crosstenant.invitation.config.SsfConfig;
import org.crosstenant.invitation.model.Caller;
import org.crosstenant.invitation.model.SsfStream;
import org.crosstenant.invitation.service.ProblemException;
import org.crosstenant.invitation.service.SecurityEvents;
import org.crosstenant.invitation.service.SsfStreams;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * A tenant's Shared Signals receivers (SSF 1.0 §8.1.1 stream management, adapted to tenancy: streams live under
 * the tenant): {@code POST /api/v1/tenants/{tenant}/ssf/streams} (201 with the stream configuration,
 * {@link StreamView}), {@code GET} the list ({@code {"streams": [...]}}) or one ({@code .../{streamId}}),
 * {@code DELETE .../{streamId}} (204). Collab-admins of the tenant only. Errors as RFC 9457 problem+json
 * ({@link SsfStreams}).
 */
@Path("/api/v1/tenants/{tenant}/ssf/streams")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SsfStreamResource {

    private final SsfStreams streams;
    private final CallerFactory callers;
    private final SecurityEvents securityEvents;
    private final String issuer;

    public SsfStreamResource(SsfStreams streams, CallerFactory callers, SecurityEvents securityEvents,
            SsfConfig config) {
        this.streams = streams;
        this.callers = callers;
        this.securityEvents = securityEvents;
        this.issuer = config.issuer();
    }

    /**
     * Registers a push receiver.
     *
     * @return 201, {@code Location} the stream, body {@link StreamView}
     * @throws ProblemException 400 naming a missing or refused member, 422 over a limit, 403/404 (caller, tenant)
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@PathParam("tenant") String tenant, StreamRequest body, @Context UriInfo uri) {
        Caller caller = callers.caller();
        // who is calling first: a caller who may not register learns nothing of what a valid body is
        SsfStreams.authorizeRegistration(caller, tenant);
        if (body == null || body.delivery() == null) {
            throw ProblemException.badField(body == null ? "" : "/delivery", "the body must be {\"delivery\": "
                    + "{\"method\", \"endpoint_url\", \"authorization_header\"}, \"events_requested\", \"description\"}");
        }
        SsfStreams.Registration registration = streams.validate(body.delivery().method(),
                body.delivery().endpointUrl(), body.delivery().authorizationHeader(), body.eventsRequested(),
                body.description());
        return streams.create(caller, tenant, registration).map(stream -> {
            URI self = uri.getAbsolutePathBuilder().path(stream.id.toString()).build();
            return Response.created(self).entity(view(stream)).build();
        });
    }

    /** The tenant's streams, {@code {"streams": [StreamView...]}}. */
    @GET
    public Uni<Map<String, List<StreamView>>> list(@PathParam("tenant") String tenant) {
        return streams.list(callers.caller(), tenant)
                .map(all -> Map.of("streams", all.stream().map(this::view).toList()));
    }

    /** One stream; 404 for an unknown id or another tenant's. */
    @GET
    @Path("{streamId}")
    public Uni<StreamView> get(@PathParam("tenant") String tenant, @PathParam("streamId") String id) {
        return streams.get(callers.caller(), tenant, id).map(this::view);
    }

    /** Deletes a stream and stops its pending deliveries: 204; 404 for an unknown id or another tenant's. */
    @DELETE
    @Path("{streamId}")
    public Uni<Response> delete(@PathParam("tenant") String tenant, @PathParam("streamId") String id) {
        return streams.delete(callers.caller(), tenant, id).map(ignored -> Response.noContent().build());
    }

    private StreamView view(SsfStream stream) {
        List<String> requested = securityEvents.requested(stream);
        return new StreamView(stream.id.toString(), issuer, stream.aud,
                new StreamView.Delivery(SsfStreams.PUSH, stream.endpointUrl), SecurityEvents.SUPPORTED, requested,
                SsfStreams.delivered(requested), stream.description);
    }
}
