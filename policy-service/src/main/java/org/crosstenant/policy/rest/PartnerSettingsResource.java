package org.crosstenant.policy.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestResponse;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.service.PartnerSettingsService;

/** Cross-tenant access settings: one partner configuration per (tenant, partner). */
@Path("/api/v1/tenants/{tenant}/access-settings/partners/{partner}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PartnerSettingsResource {

    private final PartnerSettingsService settings;
    private final TenantAdminGuard guard;

    public PartnerSettingsResource(PartnerSettingsService settings, TenantAdminGuard guard) {
        this.settings = settings;
        this.guard = guard;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<PartnerConfigurationView>> put(@PathParam("tenant") String tenant,
            @PathParam("partner") String partner, ObjectNode body, @Context UriInfo uri) {
        Party caller = guard.requireAdminOf(tenant);
        TenantAdminGuard.requireId(partner, "partner tenant id");
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ProblemException.badRequest("a JSON body with the partner configuration is required");
        }
        return settings.put(tenant, partner, body, caller).map(PartnerConfigurationView::of)
                .map(view -> Links.self(view, uri));
    }

    @GET
    public Uni<RestResponse<PartnerConfigurationView>> get(@PathParam("tenant") String tenant,
            @PathParam("partner") String partner, @Context UriInfo uri) {
        guard.requireAdminOf(tenant);
        TenantAdminGuard.requireId(partner, "partner tenant id");
        return settings.get(tenant, partner).map(PartnerConfigurationView::of)
                .map(view -> Links.self(view, uri));
    }
}
