package org.crosstenant.invitation.rest;

import java.net.URI;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.crosstenant.invitation.model.Caller;
import org.crosstenant.invitation.model.Invitation;
import org.crosstenant.invitation.model.InvitationStatus;
import org.crosstenant.invitation.service.InvitationService;
import org.crosstenant.invitation.service.NewInvitation;
import org.crosstenant.invitation.service.ProblemException;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** Collaboration requests: file, read, redeem, revoke, approve, decline. Authorisation is per invitation, in the service. */
@Path(InvitationResource.PATH)
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class InvitationResource {

    static final String PATH = "/api/v1/invitations";

    private final InvitationService invitations;
    private final CallerFactory callers;

    public InvitationResource(InvitationService invitations, CallerFactory callers) {
        this.invitations = invitations;
        this.callers = callers;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> file(FileInvitationRequest body, @HeaderParam("Idempotency-Key") String idempotencyKey,
            @Context UriInfo uri) {
        Caller caller = callers.caller();
        String missing = body == null ? "" : blank(body.resourceTenant()) ? InvitationService.RESOURCE_TENANT
                : blank(body.application()) ? InvitationService.APPLICATION : body.invitee() == null ? "/invitee"
                : blank(body.invitee().tenant()) ? InvitationService.INVITEE_TENANT
                : blank(body.invitee().email()) ? InvitationService.INVITEE_EMAIL : null;
        if (missing != null) {
            throw ProblemException.badField(missing, (missing.isEmpty() ? "the body" : missing) + " is required: the "
                    + "body must be {\"resourceTenant\", \"application\", \"invitee\": {\"tenant\", \"email\"}}");
        }
        NewInvitation request = InvitationService.validate(body.resourceTenant(), body.application(),
                body.invitee().tenant(), body.invitee().email());
        return invitations.file(caller, request, idempotencyKey).map(filed -> {
            URI self = self(uri, filed.invitation().id);
            return Response.accepted(view(caller, filed.invitation(), self)).location(self).build();
        });
    }

    @GET
    @Path("{id}")
    public Uni<InvitationView> get(@PathParam("id") String id, @Context UriInfo uri) {
        Caller caller = callers.caller();
        return invitations.view(caller, parseId(id)).map(inv -> view(caller, inv, self(uri, inv.id)));
    }

    @POST
    @Path("{id}/redeem")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<GrantView> redeem(@PathParam("id") String id, RedeemRequest body) {
        Caller caller = callers.caller();
        if (body == null || blank(body.code())) {
            throw ProblemException.badField(body == null ? "" : "/code", "Body must be {\"code\": \"...\"}");
        }
        return invitations.redeem(caller, parseId(id), body.code()).map(GrantView::of);
    }

    @POST
    @Path("{id}/revoke")
    public Uni<InvitationView> revoke(@PathParam("id") String id, @Context UriInfo uri) {
        Caller caller = callers.caller();
        return invitations.revoke(caller, parseId(id)).map(inv -> view(caller, inv, self(uri, inv.id)));
    }

    /**
     * A collab-admin of the resource tenant approves a {@code pending_approval} invitation (optional body
     * {@code {"reason"}}): 200 with the invitation, now {@code pending_acceptance}.
     */
    @POST
    @Path("{id}/approve")
    public Uni<InvitationView> approve(@PathParam("id") String id, ReviewRequest body, @Context UriInfo uri) {
        Caller caller = callers.caller();
        return invitations.approve(caller, parseId(id), body == null ? null : body.reason())
                .map(inv -> view(caller, inv, self(uri, inv.id)));
    }

    /** As {@link #approve}, declining: the invitation becomes {@code declined}. */
    @POST
    @Path("{id}/decline")
    public Uni<InvitationView> decline(@PathParam("id") String id, ReviewRequest body, @Context UriInfo uri) {
        Caller caller = callers.caller();
        return invitations.decline(caller, parseId(id), body == null ? null : body.reason())
                .map(inv -> view(caller, inv, self(uri, inv.id)));
    }

    /** The code is shown to the filing party only, and only while it can be used. */
    private InvitationView view(Caller caller, Invitation inv, URI self) {
        return view(invitations, caller, inv, self);
    }

    static InvitationView view(InvitationService invitations, Caller caller, Invitation inv, URI self) {
        boolean showCode = inv.status == InvitationStatus.PENDING_ACCEPTANCE && InvitationService.isFiler(caller, inv);
        return InvitationView.of(inv, invitations.reasons(caller, inv), showCode, self);
    }

    /**
     * The invitation's absolute URL as the caller addressed this service: scheme and host come from the request,
     * which Vert.x rewrites from X-Forwarded-Proto/Host only for connections from {@code quarkus.http.proxy.trusted-proxies}
     * (the gateway), so links name the gateway's public URL and never a spoofed host.
     */
    static URI self(UriInfo uri, UUID id) {
        return uri.getBaseUriBuilder().path(PATH).path(id.toString()).build();
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            // not even a well-formed id: nothing can exist under it
            throw ProblemException.notFound("No invitation " + id);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
