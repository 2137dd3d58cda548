package org.crosstenant.invitation.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.crosstenant.invitation.model.Caller;
import org.crosstenant.invitation.service.InvitationListing;
import org.crosstenant.invitation.service.InvitationService;
import org.crosstenant.invitation.service.ProblemException;
import org.crosstenant.platform.rest.QueryParameters;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * A resource tenant's invitations and grants, for its collab-admins:
 * {@code GET /api/v1/tenants/{tenant}/invitations?status=&application=&invitee=&after=&limit=} and
 * {@code GET /api/v1/tenants/{tenant}/grants?application=&invitee=&after=&limit=}, each answering
 * {@code {"items": [...], "next": "<opaque cursor>" | null}} ({@link InvitationListing}). A parameter the listing
 * reads that is given more than once is 400; any other parameter is ignored.
 */
@Path("/api/v1/tenants/{tenant}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TenantListingResource {

    /** One page: invitations ({@link InvitationView}) or grants ({@link GrantView}). */
    public record PageView<T>(List<T> items, String next) {
    }

    private final InvitationListing listing;
    private final CallerFactory callers;
    private final InvitationService invitations;

    public TenantListingResource(InvitationListing listing, CallerFactory callers, InvitationService invitations) {
        this.listing = listing;
        this.callers = callers;
        this.invitations = invitations;
    }

    @GET
    @Path("invitations")
    public Uni<PageView<InvitationView>> invitations(@PathParam("tenant") String tenant,
            @QueryParam("status") String status, @QueryParam("application") String application,
            @QueryParam("invitee") String invitee, @QueryParam("after") String after,
            @QueryParam("limit") String limit, @Context UriInfo uri) {
        once(uri, "status", "application", "invitee", "after", "limit");
        Caller caller = callers.caller();
        return listing.list(caller, tenant, false, status, application, invitee, after, limit)
                .map(page -> new PageView<>(page.items().stream()
                        .map(inv -> InvitationResource.view(invitations, caller, inv,
                                InvitationResource.self(uri, inv.id))).toList(),
                        page.next()));
    }

    @GET
    @Path("grants")
    public Uni<PageView<GrantView>> grants(@PathParam("tenant") String tenant,
            @QueryParam("application") String application, @QueryParam("invitee") String invitee,
            @QueryParam("after") String after, @QueryParam("limit") String limit, @Context UriInfo uri) {
        once(uri, "application", "invitee", "after", "limit");
        Caller caller = callers.caller();
        return listing.list(caller, tenant, true, null, application, invitee, after, limit)
                .map(page -> new PageView<>(page.items().stream().map(GrantView::of).toList(), page.next()));
    }

    /**
     * Refuses a query parameter this listing reads that is given more than once ({@code ?status=a&status=b}): which
     * one was meant cannot be known, and taking the first silently would answer another question than asked.
     * Parameters the listing does not read are ignored, repeated or not.
     *
     * @throws ProblemException 400 with {@code field} the parameter's name
     */
    private static void once(UriInfo uri, String... names) {
        String repeated = QueryParameters.repeated(uri.getQueryParameters(), names);
        if (repeated != null) {
            throw ProblemException.badField(repeated, QueryParameters.repeatedDetail(repeated));
        }
    }
}
