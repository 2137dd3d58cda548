package org.crosstenant.invitation.rest;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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
import org.crosstenant.platform.model.MalformedJsonException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** Collaboration requests: file, read, redeem, revoke, approve, decline. Authorisation is per invitation, in the service. */
@Path(InvitationResource.PATH)
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class InvitationResource {

    static final String PATH = "/api/v1/invitations";
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final InvitationService invitations;
    private final CallerFactory callers;
    private final ObjectMapper json;

    public InvitationResource(InvitationService invitations, CallerFactory callers, ObjectMapper json) {
        this.invitations = invitations;
        this.callers = callers;
        this.json = json;
    }

    /**
     * Files a collaboration request (docs/api.md, "Invitations"): 202 with the invitation and its {@code Location}.
     * The {@code Idempotency-Key} header is read from the raw request, so that an empty value and a header given more
     * than once are seen (and refused, 400 naming the header) instead of being dropped or reduced to the first.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> file(FileInvitationRequest body, @Context HttpServerRequest http, @Context UriInfo uri) {
        Caller caller = callers.caller();
        String idempotencyKey = idempotencyKey(http);
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

    /**
     * The invitee redeems with the code: 200 with the grant ({@link GrantView}) and
     * {@code Crosstenant-View-Events: <the redeemed.v1 event's id>} (issue #8: the gateway answers once its view has
     * the grant). Errors: {@link InvitationService#redeem}.
     */
    @POST
    @Path("{id}/redeem")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> redeem(@PathParam("id") String id, RedeemRequest body) {
        Caller caller = callers.caller();
        if (body == null || blank(body.code())) {
            throw ProblemException.badField(body == null ? "" : "/code", "Body must be {\"code\": \"...\"}");
        }
        return invitations.redeem(caller, parseId(id), body.code())
                .map(changed -> ViewEvents.ok(GrantView.of(changed.invitation()), changed.eventId()));
    }

    /**
     * A collab-admin of the resource tenant revokes: 200 with the invitation, now {@code revoked}, and
     * {@code Crosstenant-View-Events: <the revoked.v1 event's id>} (issue #8, read-your-writes: the gateway answers
     * only once its own view has dropped the grant). Errors: {@link InvitationService#revoke}.
     */
    @POST
    @Path("{id}/revoke")
    public Uni<Response> revoke(@PathParam("id") String id, @Context UriInfo uri) {
        Caller caller = callers.caller();
        return invitations.revoke(caller, parseId(id)).map(changed -> changedView(caller, changed, uri));
    }

    /**
     * A collab-admin of the resource tenant approves a {@code pending_approval} invitation (optional body
     * {@code {"reason"}}): 200 with the invitation, now {@code pending_acceptance}. The body is JSON only, read by the
     * same strict reader as every other body (a body of another media type is 415 problem+json, one in another
     * charset than UTF-8 too, RFC 8259 §8.1); an empty body (zero bytes), with {@code Content-Type: application/json}
     * or none at all, means no reason. A body that is present but not a JSON object ({@code null}, only white space,
     * only a byte order mark, an array) is 400 {@code malformed-json} and changes nothing. The answer carries
     * {@code Crosstenant-View-Events: <the approved.v1 event's id>} (issue #8).
     */
    @POST
    @Path("{id}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> approve(@PathParam("id") String id, byte[] raw, @Context UriInfo uri)
            throws JsonProcessingException {
        Caller caller = callers.caller();
        ReviewRequest body = review(raw);
        return invitations.approve(caller, parseId(id), body == null ? null : body.reason())
                .map(changed -> changedView(caller, changed, uri));
    }

    /**
     * As {@link #approve}, declining: the invitation becomes {@code declined}; the header names the declined.v1
     * event.
     */
    @POST
    @Path("{id}/decline")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> decline(@PathParam("id") String id, byte[] raw, @Context UriInfo uri)
            throws JsonProcessingException {
        Caller caller = callers.caller();
        ReviewRequest body = review(raw);
        return invitations.decline(caller, parseId(id), body == null ? null : body.reason())
                .map(changed -> changedView(caller, changed, uri));
    }

    /** 200 with the changed invitation as the caller may see it, naming the change's event (issue #8). */
    private Response changedView(Caller caller, InvitationService.Changed changed, UriInfo uri) {
        Invitation inv = changed.invitation();
        return ViewEvents.ok(view(caller, inv, self(uri, inv.id)), changed.eventId());
    }

    /**
     * Reads an approve/decline body with the application's strict mapper (platform {@code StrictJsonInput}). Read as
     * bytes, because the framework hands the resource {@code null} alike for no body, the JSON literal {@code null}
     * and a body of white space, and only the first means "no reason".
     *
     * @param raw the body as sent (null or zero bytes: none)
     * @return the review, or null when there is no body
     * @throws JsonProcessingException 400 {@code malformed-json} (field {@code ""}) when a body is present but is not
     *                                 one JSON object; the strict reader's own refusals otherwise
     */
    private ReviewRequest review(byte[] raw) throws JsonProcessingException {
        if (raw == null || raw.length == 0) {
            return null;
        }
        JsonNode tree;
        try {
            // a UTF-8 byte order mark may be ignored (RFC 8259 §8.1); Jackson's own skipping fails on a body that
            // is only the mark, with words about UTF-8 start bytes instead of saying the body is no JSON object
            int bom = raw.length >= 3 && raw[0] == (byte) 0xEF && raw[1] == (byte) 0xBB && raw[2] == (byte) 0xBF
                    ? 3 : 0;
            tree = json.readTree(raw, bom, raw.length - bom);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (java.io.IOException e) {
            // bytes in memory: nothing to fail on but the text itself
            throw new MalformedJsonException("not acceptable JSON text", "", null, e);
        }
        if (tree == null || !tree.isObject()) {
            // the same words as a body of the wrong JSON type anywhere else (MalformedJsonException.describe)
            throw new MalformedJsonException("the body: expected an object", "", null, null);
        }
        return json.treeToValue(tree, ReviewRequest.class);
    }

    /**
     * The {@code Idempotency-Key} header (draft-ietf-httpapi-idempotency-key-header: one key per request), or null
     * when absent.
     *
     * @throws ProblemException 400 {@code field} {@code Idempotency-Key} when it is given more than once; its value is
     *                          checked by the service (an empty one is 400 there)
     */
    private static String idempotencyKey(HttpServerRequest http) {
        List<String> keys = http.headers().getAll(IDEMPOTENCY_KEY);
        if (keys.size() > 1) {
            // which of two keys was meant cannot be known: replaying under either could answer the wrong request
            throw ProblemException.badField(IDEMPOTENCY_KEY, IDEMPOTENCY_KEY + " is given more than once");
        }
        return keys.isEmpty() ? null : keys.get(0);
    }

    /** The code is shown to the filing party only, and only while it can be used. */
    private InvitationView view(Caller caller, Invitation inv, URI self) {
        return view(invitations, caller, inv, self);
    }

    static InvitationView view(InvitationService invitations, Caller caller, Invitation inv, URI self) {
        boolean showCode = inv.status == InvitationStatus.PENDING_ACCEPTANCE && InvitationService.isFiler(caller, inv);
        return InvitationView.of(inv, invitations.reasons(caller, inv), invitations.withdrawalReasons(caller, inv),
                showCode, self);
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
