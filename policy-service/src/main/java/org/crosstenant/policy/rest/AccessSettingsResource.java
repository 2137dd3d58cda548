package org.crosstenant.policy.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import org.crosstenant.platform.rest.QueryParameters;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.service.AccessSettingsService;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cross-tenant access settings of {tenant} (docs/api.md): its default configuration, its partner configurations,
 * the effective configuration per partner with per-leaf sources, and the history of each. {@code collab-admin} of
 * {tenant} only. Every read carries {@code ETag: "<version>"}; PUT and DELETE honour {@code If-Match} (412 when
 * stale; absent = last write wins).
 */
@Path("/api/v1/tenants/{tenant}/access-settings")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AccessSettingsResource {

    /** Most history entries per page. */
    public static final int MAX_PAGE = 200;
    /** History entries per page when {@code limit} is not given. */
    public static final int DEFAULT_PAGE = 50;

    private final AccessSettingsService settings;
    private final TenantAdminGuard guard;

    public AccessSettingsResource(AccessSettingsService settings, TenantAdminGuard guard) {
        this.settings = settings;
        this.guard = guard;
    }

    /** A stored configuration as the API shows it ({@code partner} absent for the default). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(String tenant, String partner, long version, JsonNode settings, Instant updatedAt,
                       String updatedBy) {
        static View of(AccessSettingsService.Stored stored) {
            return new View(stored.tenant(), stored.isDefault() ? null : stored.partner(), stored.version(),
                    stored.settings().toTree(), stored.updatedAt(), stored.updatedBy());
        }
    }

    /** The effective configuration of (tenant, partner): complete settings, per-leaf sources, versions. */
    public record EffectiveView(String tenant, String partner, JsonNode settings, Map<String, String> sources,
                                long defaultVersion, long partnerVersion) {
    }

    /** One history entry as the API shows it. */
    public record EntryView(long version, Party changedBy, Instant changedAt, boolean deleted,
                            List<AccessSettings.Change> changes) {
    }

    /** A page of history; {@code next} is the {@code after} of the next page, or null. */
    public record HistoryView(List<EntryView> entries, Long next) {
    }

    /** @return the default configuration ({@link View}; built-in with version 0 when never set), ETag its version */
    @GET
    @Path("default")
    public Uni<RestResponse<View>> getDefault(@PathParam("tenant") String tenant, @Context UriInfo uri) {
        guard.requireAdminOf(tenant);
        return settings.get(tenant, PartnerConfiguration.DEFAULT).map(s -> respond(View.of(s), s.version(), uri));
    }

    /**
     * Sets the default configuration. 422 naming the field (JSON pointer) for an unacceptable body, 412 for a stale
     * {@code If-Match}.
     *
     * @return 200 with the stored configuration, ETag its new version
     */
    @PUT
    @Path("default")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<View>> putDefault(@PathParam("tenant") String tenant, ObjectNode body,
            @Context HttpServerRequest request, @Context UriInfo uri) {
        Party caller = guard.requireAdminOf(tenant);
        return settings.put(tenant, PartnerConfiguration.DEFAULT, required(body), ifMatch(request), caller)
                .map(s -> respond(View.of(s), s.version(), uri));
    }

    /** @return the default's versions after {@code after} (≥ 0), at most {@code limit} (1 to 200); 400 otherwise */
    @GET
    @Path("default/history")
    public Uni<RestResponse<HistoryView>> defaultHistory(@PathParam("tenant") String tenant,
            @QueryParam("after") String after, @QueryParam("limit") String limit, @Context UriInfo uri) {
        guard.requireAdminOf(tenant);
        return history(tenant, PartnerConfiguration.DEFAULT, after, limit, uri);
    }

    /** @return the partner configuration, ETag its version; 404 when none */
    @GET
    @Path("partners/{partner}")
    public Uni<RestResponse<View>> getPartner(@PathParam("tenant") String tenant,
            @PathParam("partner") String partner, @Context UriInfo uri) {
        adminFor(tenant, partner);
        return settings.get(tenant, partner).map(s -> respond(View.of(s), s.version(), uri));
    }

    /**
     * Sets the partner configuration (members left out inherit the default). 422 / 412 as for the default.
     *
     * @return 200 with the stored configuration, ETag its new version
     */
    @PUT
    @Path("partners/{partner}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<View>> putPartner(@PathParam("tenant") String tenant,
            @PathParam("partner") String partner, ObjectNode body, @Context HttpServerRequest request,
            @Context UriInfo uri) {
        Party caller = adminFor(tenant, partner);
        return settings.put(tenant, partner, required(body), ifMatch(request), caller)
                .map(s -> respond(View.of(s), s.version(), uri));
    }

    /** Deletes the partner configuration: 204; 404 when none; 412 for a stale {@code If-Match}. */
    @DELETE
    @Path("partners/{partner}")
    public Uni<RestResponse<Void>> deletePartner(@PathParam("tenant") String tenant,
            @PathParam("partner") String partner, @Context HttpServerRequest request) {
        Party caller = adminFor(tenant, partner);
        return settings.delete(tenant, partner, ifMatch(request), caller).map(nothing -> RestResponse.noContent());
    }

    /** @return the effective configuration for the partner with per-leaf sources, ETag {@code "<default>.<partner>"} */
    @GET
    @Path("partners/{partner}/effective")
    public Uni<RestResponse<EffectiveView>> effective(@PathParam("tenant") String tenant,
            @PathParam("partner") String partner, @Context UriInfo uri) {
        adminFor(tenant, partner);
        return settings.effective(tenant, partner).map(e -> {
            Map<String, String> sources = new LinkedHashMap<>();
            e.sources().forEach((leaf, source) -> sources.put(leaf, source.wire()));
            EffectiveView view = new EffectiveView(tenant, partner, e.settings().toTree(), sources,
                    e.defaultVersion(), e.partnerVersion());
            return RestResponse.ResponseBuilder.ok(view)
                    .header(HttpHeaders.ETAG, "\"" + e.defaultVersion() + "." + e.partnerVersion() + "\"")
                    .header(HttpHeaders.CONTENT_LOCATION, uri.getAbsolutePath().toString()).build();
        });
    }

    /** @return the partner configuration's versions (deletions too), paged as the default's; 404 when it never existed */
    @GET
    @Path("partners/{partner}/history")
    public Uni<RestResponse<HistoryView>> partnerHistory(@PathParam("tenant") String tenant,
            @PathParam("partner") String partner, @QueryParam("after") String after,
            @QueryParam("limit") String limit, @Context UriInfo uri) {
        adminFor(tenant, partner);
        return history(tenant, partner, after, limit, uri);
    }

    private Uni<RestResponse<HistoryView>> history(String tenant, String partner, String after, String limit,
                                                    UriInfo uri) {
        String repeated = QueryParameters.repeated(uri.getQueryParameters(), "after", "limit");
        if (repeated != null) {
            throw ProblemException.badRequest(QueryParameters.repeatedDetail(repeated));
        }
        long from = number(after, "after", 0, Long.MAX_VALUE, 0);
        int count = (int) number(limit, "limit", 1, MAX_PAGE, DEFAULT_PAGE);
        return settings.history(tenant, partner, from, count).map(page -> {
            List<EntryView> entries = page.entries().stream().map(e -> new EntryView(e.version(), e.changedBy(),
                    e.changedAt(), e.deleted(), e.changes())).toList();
            long latest = entries.isEmpty() ? from : entries.get(entries.size() - 1).version();
            return RestResponse.ResponseBuilder.ok(new HistoryView(entries, page.next()))
                    .header(HttpHeaders.ETAG, "\"" + latest + "\"")
                    .header(HttpHeaders.CONTENT_LOCATION, uri.getAbsolutePath().toString()).build();
        });
    }

    private static long number(String value, String name, long min, long max, long absent) {
        if (value == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("query parameter " + name + " must be an integer from " + min + " to "
                + max + ", not " + org.crosstenant.policy.model.Identifiers.echo(value));
    }

    /** One entity tag of RFC 9110 section 8.8.3: optional {@code W/}, then a quoted run of etagc characters. */
    private static final java.util.regex.Pattern ENTITY_TAG =
            java.util.regex.Pattern.compile("(W/)?\"[\\x21\\x23-\\x7E\\x80-\\xFF]*\"");

    /**
     * The {@code If-Match} header checked against its grammar (RFC 9110 section 13.1.1: {@code "*"} alone, or a
     * comma-separated list of entity tags), so that a malformed precondition is never taken for "no precondition"
     * (last write wins) nor silently for a mismatch.
     *
     * @param request the request: every {@code If-Match} field line counts, combined as one list (RFC 9110
     *                section 5.3), and a present but empty one is not taken for an absent one
     * @return the combined header without surrounding white space, or null when absent
     * @throws ProblemException 400 when present but blank or not of that grammar
     */
    static String ifMatch(HttpServerRequest request) {
        List<String> lines = request.headers().getAll(HttpHeaders.IF_MATCH);
        if (lines.isEmpty()) {
            return null;
        }
        String header = String.join(", ", lines);
        String value = header.strip();
        boolean valid = value.equals("*");
        if (!valid) {
            int tags = 0;
            boolean wellFormed = true;
            for (String element : value.split(",", -1)) {
                String tag = element.strip();
                // RFC 9110 section 5.6.1.2: empty list elements are ignored
                if (!tag.isEmpty()) {
                    tags++;
                    wellFormed &= ENTITY_TAG.matcher(tag).matches();
                }
            }
            valid = wellFormed && tags > 0;
        }
        if (!valid) {
            throw ProblemException.badRequest("If-Match must be * or a comma-separated list of entity tags such as "
                    + "\"3\" (RFC 9110 section 13.1.1), not " + org.crosstenant.policy.model.Identifiers.echo(header));
        }
        return value;
    }

    private static JsonNode required(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ProblemException.badRequest("a JSON body with the configuration is required");
        }
        return body;
    }

    private static <T> RestResponse<T> respond(T entity, long version, UriInfo uri) {
        return RestResponse.ResponseBuilder.ok(entity)
                .header(HttpHeaders.ETAG, "\"" + version + "\"")
                .header(HttpHeaders.CONTENT_LOCATION, uri.getAbsolutePath().toString())
                .build();
    }

    /**
     * Every partner endpoint's checks, in this order: the caller administers {@code tenant} (401/403), then
     * {@code partner} is a tenant id (400).
     *
     * @return the caller
     */
    private Party adminFor(String tenant, String partner) {
        Party caller = guard.requireAdminOf(tenant);
        TenantAdminGuard.requireId(partner, "partner tenant id");
        return caller;
    }
}
