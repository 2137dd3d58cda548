package org.crosstenant.policy.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.crosstenant.policy.service.WhatIfService;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code POST /api/v1/tenants/{tenant}/access-settings/what-if} (issue #8, docs/api.md "What-if"): how a hypothetical
 * collaboration or direct-connect request between {tenant} and a partner would be decided, against the current
 * settings or with one of {tenant}'s configurations as proposed. {@code collab-admin} of {tenant} only (the settings
 * API's guard). Changes nothing: no row, no event, no cache entry.
 */
@Path("/api/v1/tenants/{tenant}/access-settings/what-if")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class WhatIfResource {

    private final WhatIfService whatIf;
    private final TenantAdminGuard guard;

    public WhatIfResource(WhatIfService whatIf, TenantAdminGuard guard) {
        this.whatIf = whatIf;
        this.guard = guard;
    }

    /**
     * @param tenant the asking tenant
     * @param body   {@code {"direction", "partner", "mode", "stage", "user", "application", "filedBy", "mfa",
     *               "compliantDevice", "proposed"}} ({@link WhatIfRequestReader})
     * @return 200 with the {@link WhatIfService.Answer}, {@code Cache-Control: no-store} (it is only true until a
     *         setting changes); 401/403 as the settings API; 400/422 problem+json for an unacceptable body, a proposed
     *         configuration refused as its PUT would refuse it
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<WhatIfService.Answer>> whatIf(@PathParam("tenant") String tenant, ObjectNode body) {
        guard.requireAdminOf(tenant);
        WhatIfService.Request request = WhatIfRequestReader.read(tenant, body);
        return whatIf.evaluate(request).map(answer -> RestResponse.ResponseBuilder.ok(answer)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build());
    }
}
