package org.crosstenant.policy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestResponse;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.service.ApplicationService;
import org.crosstenant.policy.service.InvalidInputException;
import org.crosstenant.policy.service.Violations;

import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The registry of shared applications, administered by each resource tenant's admins (docs/api.md): register or
 * update ({@code PUT}), read ({@code GET}), remove ({@code DELETE}, issue #8). {@code collab-admin} of {tenant} only.
 */
@Path("/api/v1/tenants/{tenant}/applications/{app}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ApplicationResource {

    private static final Set<String> FIELDS = Set.of("upstreamUrl", "displayName", "requireMfa");

    private final ApplicationService applications;
    private final TenantAdminGuard guard;

    public ApplicationResource(ApplicationService applications, TenantAdminGuard guard) {
        this.applications = applications;
        this.guard = guard;
    }

    /**
     * Registers or updates the application: 200 with it, its {@code ETag} ({@code "<version>"}) and
     * {@code Content-Location}; when it changed, also {@value ViewEvents#HEADER} with the id of its
     * application-registered.v1 event. 400/422 for a bad body; an optional {@code If-Match} is honoured (412 when it
     * does not hold, RFC 9110 section 13.1.1; 400 when malformed).
     */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<ApplicationView>> register(@PathParam("tenant") String tenant,
            @PathParam("app") String app, ObjectNode body, @Context HttpServerRequest request, @Context UriInfo uri) {
        Party caller = guard.requireAdminOf(tenant);
        TenantAdminGuard.requireId(app, "application id");
        String ifMatch = AccessSettingsResource.ifMatch(request);
        return applications.register(tenant, app, input(body), ifMatch, caller).map(registration -> ViewEvents.add(
                RestResponse.ResponseBuilder.ok(ApplicationView.of(registration.application()))
                        .header(HttpHeaders.ETAG, "\"" + registration.application().version + "\"")
                        .header(HttpHeaders.CONTENT_LOCATION, uri.getAbsolutePath().toString()),
                registration.event() == null ? List.of() : List.of(registration.event())).build());
    }

    /**
     * Removes the application (issue #8): the registration is deleted, {@code application-removed.v1} published and
     * every live invitation of the application ended (grants revoked, pending ones denied), in one transaction. An
     * optional {@code If-Match} is honoured (412 when it does not hold). {@code ?dryRun=true}: the same checks, nothing removed, 200 with the impact (the invitations
     * it would end, as {@code POST …/access-settings/impact} answers).
     *
     * @return 204 with {@value ViewEvents#HEADER} naming the application-removed.v1 event (the only one the gateway's
     *         view reads; the withdrawals go to policy.decisions); 404 problem+json when the application is not
     *         registered (a repeated DELETE too, which writes nothing); 400 for a malformed id or {@code dryRun}
     */
    @DELETE
    public Uni<RestResponse<Object>> remove(@PathParam("tenant") String tenant, @PathParam("app") String app,
            @QueryParam("dryRun") String dryRun, @Context HttpServerRequest request, @Context UriInfo uri) {
        Party caller = guard.requireAdminOf(tenant);
        TenantAdminGuard.requireId(app, "application id");
        String ifMatch = AccessSettingsResource.ifMatch(request);
        if (AccessSettingsResource.dryRun(dryRun, uri)) {
            return applications.previewRemove(tenant, app, ifMatch)
                    .map(outcome -> AccessSettingsResource.impact(tenant, outcome));
        }
        return applications.remove(tenant, app, ifMatch, caller).map(removal -> ViewEvents.add(
                RestResponse.ResponseBuilder.noContent(), List.of(removal.event())).build());
    }

    /**
     * @return 200 with the application, its {@code ETag} and {@code Content-Location}; 404 problem+json when it is
     *         not registered
     */
    @GET
    public Uni<RestResponse<ApplicationView>> get(@PathParam("tenant") String tenant,
            @PathParam("app") String app, @Context UriInfo uri) {
        guard.requireAdminOf(tenant);
        TenantAdminGuard.requireId(app, "application id");
        return applications.get(tenant, app).map(application -> RestResponse.ResponseBuilder
                .ok(ApplicationView.of(application))
                .header(HttpHeaders.CONTENT_LOCATION, uri.getAbsolutePath().toString())
                .header(HttpHeaders.ETAG, "\"" + application.version + "\"").build());
    }

    /** Strict reading: unknown fields and non-string values are refused, not ignored. */
    private static ApplicationService.ApplicationInput input(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ProblemException.badRequest("a JSON body {\"upstreamUrl\", \"displayName\"} is required");
        }
        if (!body.isObject()) {
            throw new InvalidInputException("the body must be a JSON object");
        }
        Violations violations = new Violations();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                violations.at("/" + Violations.segment(name),
                        "unknown field (known: displayName, requireMfa, upstreamUrl)");
            }
        }
        String upstreamUrl = text(body, "upstreamUrl", violations);
        String displayName = text(body, "displayName", violations);
        JsonNode requireMfa = body.get("requireMfa");
        if (requireMfa != null && !requireMfa.isNull() && !requireMfa.isBoolean()) {
            violations.at("/requireMfa", "must be true or false");
        }
        ApplicationService.ApplicationInput input = new ApplicationService.ApplicationInput(upstreamUrl, displayName,
                requireMfa != null && requireMfa.asBoolean(false));
        if (!violations.isEmpty()) {
            ApplicationService.check(input, violations);
            violations.throwIfAny();
        }
        return input;
    }

    private static String text(JsonNode body, String field, Violations violations) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            violations.at("/" + field, "must be a string");
            return null;
        }
        return node.asText();
    }
}
