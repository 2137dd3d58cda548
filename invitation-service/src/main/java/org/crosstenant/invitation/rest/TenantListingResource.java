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

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * A tenant's invitations and grants, for its collab-admins, as the resource tenant (its guests, {@code side=resource},
 * the default) or as the home tenant (its people invited elsewhere, {@code side=home}):
 * {@code GET /api/v1/tenants/{tenant}/invitations?side=&partner=&status=&application=&invitee=&after=&limit=} and
 * {@code GET /api/v1/tenants/{tenant}/grants?side=&partner=&application=&invitee=&after=&limit=}, each answering
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

    /**
     * One page of the tenant's invitations, each as {@link InvitationView} (reasons as the caller may read them).
     *
     * @throws ProblemException 404 for a path tenant that is no tenant id, 403 unless the caller is a collab-admin of
     *                          it, 400 naming a malformed parameter ({@link InvitationListing#list}), a repeated or unknown one
     *                          ({@link OnlyDeclaredQueryParameters})
     */
    @GET
    @Path("invitations")
    public Uni<PageView<InvitationView>> invitations(@PathParam("tenant") String tenant,
            @QueryParam("side") String side, @QueryParam("partner") String partner,
            @QueryParam("status") String status, @QueryParam("application") String application,
            @QueryParam("invitee") String invitee, @QueryParam("after") String after,
            @QueryParam("limit") String limit, @Context UriInfo uri) {
        Caller caller = callers.caller();
        return listing.list(caller, tenant, side, partner, false, status, application, invitee, after, limit)
                .map(page -> new PageView<>(page.items().stream()
                        .map(inv -> InvitationResource.view(invitations, caller, inv,
                                InvitationResource.self(uri, inv.id))).toList(),
                        page.next()));
    }

    /**
     * One page of the tenant's active grants ({@code accepted}), each as {@link GrantView}: resource admins their
     * guests ({@code side=resource}, the default), home admins their people who are guests elsewhere
     * ({@code side=home}), optionally of one {@code partner} tenant. Errors as {@link #invitations}.
     */
    @GET
    @Path("grants")
    public Uni<PageView<GrantView>> grants(@PathParam("tenant") String tenant,
            @QueryParam("side") String side, @QueryParam("partner") String partner,
            @QueryParam("application") String application, @QueryParam("invitee") String invitee,
            @QueryParam("after") String after, @QueryParam("limit") String limit) {
        Caller caller = callers.caller();
        return listing.list(caller, tenant, side, partner, true, null, application, invitee, after, limit)
                .map(page -> new PageView<>(page.items().stream().map(GrantView::of).toList(), page.next()));
    }
}
