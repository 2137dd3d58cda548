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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.LiveInvitation;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.service.AccessSettingsService;
import org.crosstenant.policy.service.WhatIfService;
import org.crosstenant.policy.service.InvalidInputException;
import org.crosstenant.policy.service.Reevaluation;
import org.crosstenant.policy.service.Violations;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Cross-tenant access settings of {tenant} (docs/api.md): its default configuration, its partner configurations,
 * the effective configuration per partner with per-leaf sources, and the history of each. {@code collab-admin} of
 * {tenant} only. Every read carries {@code ETag: "<version>"}; PUT and DELETE honour {@code If-Match} (412 when
 * stale; absent = last write wins), answer {@value ViewEvents#HEADER} with the access-settings-changed.v2 events they
 * wrote, and with {@code ?dryRun=true} only say which live invitations they would end ({@link ImpactView}), saving
 * nothing. {@code POST …/impact} says the same for a change given in the body (issue #8).
 */
@Path("/api/v1/tenants/{tenant}/access-settings")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AccessSettingsResource {

    /** Most items of an impact answer (the counts are always complete). */
    public static final int MAX_IMPACT_ITEMS = 1000;
    /** Most history entries per page. */
    public static final int MAX_PAGE = 200;
    /** History entries per page when {@code limit} is not given. */
    public static final int DEFAULT_PAGE = 50;

    private final AccessSettingsService settings;
    private final WhatIfService whatIf;
    private final TenantAdminGuard guard;

    public AccessSettingsResource(AccessSettingsService settings, WhatIfService whatIf, TenantAdminGuard guard) {
        this.settings = settings;
        this.whatIf = whatIf;
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

    /**
     * What a change would end: counts of grants and pending invitations, and at most {@value #MAX_IMPACT_ITEMS} of
     * them ({@code truncated} when there are more).
     */
    public record ImpactView(boolean dryRun, ImpactCounts counts, List<ImpactItem> items, boolean truncated) {
    }

    /** Active grants (ending as revoked) and pending invitations (ending as denied) a change would end. */
    public record ImpactCounts(int grants, int pending) {
    }

    /**
     * One invitation a change would end, with the reasons as the caller's tenant may read them (its own deciding
     * rule; of the other side only that it blocked).
     */
    public record ImpactItem(UUID invitationId, String status, String resourceTenant, String homeTenant,
                             String application, String invitee, String ends, List<String> reasons) {
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
     * {@code If-Match}; {@code ?dryRun=true}: the same checks, nothing saved, 200 with the {@link ImpactView}.
     *
     * @return 200 with the stored configuration, ETag its new version, {@value ViewEvents#HEADER} its events
     */
    @PUT
    @Path("default")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Object>> putDefault(@PathParam("tenant") String tenant, ObjectNode body,
            @QueryParam("dryRun") String dryRun, @Context HttpServerRequest request, @Context UriInfo uri) {
        Party caller = guard.requireAdminOf(tenant);
        return put(tenant, PartnerConfiguration.DEFAULT, body, dryRun(dryRun, uri), request, uri, caller);
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
     * Sets the partner configuration (members left out inherit the default). 422 / 412 / dryRun as for the default.
     *
     * @return 200 with the stored configuration, ETag its new version, {@value ViewEvents#HEADER} its event
     */
    @PUT
    @Path("partners/{partner}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Object>> putPartner(@PathParam("tenant") String tenant,
            @PathParam("partner") String partner, ObjectNode body, @QueryParam("dryRun") String dryRun,
            @Context HttpServerRequest request, @Context UriInfo uri) {
        Party caller = adminFor(tenant, partner);
        return put(tenant, partner, body, dryRun(dryRun, uri), request, uri, caller);
    }

    /**
     * Deletes the partner configuration: 204 with {@value ViewEvents#HEADER}; 404 when none; 412 for a stale
     * {@code If-Match}; {@code ?dryRun=true}: the same checks, nothing deleted, 200 with the {@link ImpactView}.
     */
    @DELETE
    @Path("partners/{partner}")
    public Uni<RestResponse<Object>> deletePartner(@PathParam("tenant") String tenant,
            @PathParam("partner") String partner, @QueryParam("dryRun") String dryRunParameter,
            @Context HttpServerRequest request, @Context UriInfo uri) {
        Party caller = adminFor(tenant, partner);
        boolean dryRun = dryRun(dryRunParameter, uri);
        String ifMatch = ifMatch(request);
        if (dryRun) {
            return settings.previewDelete(tenant, partner, ifMatch).map(outcome -> impact(tenant, outcome));
        }
        return settings.delete(tenant, partner, ifMatch, caller)
                .map(change -> ViewEvents.add(RestResponse.ResponseBuilder.noContent(), change.events()).build());
    }

    /**
     * {@code POST …/what-if} (issue #8, docs/api.md "What-if"): how a hypothetical collaboration or direct-connect
     * request between {tenant} and a partner would be decided, against the current settings or with one of {tenant}'s
     * configurations as proposed. Changes nothing: no row, no event, no cache entry. (In this resource, not one of its
     * own, so that every path under {@code access-settings} is matched here and a wrong method is 405, not 404.)
     *
     * @param tenant the asking tenant
     * @param body   {@code {"direction", "partner", "mode", "stage", "user", "application", "filedBy", "mfa",
     *               "compliantDevice", "proposed"}} ({@link WhatIfRequestReader})
     * @return 200 with the {@link WhatIfService.Answer}, {@code Cache-Control: no-store} (it is only true until a
     *         setting changes); 401/403 as the settings API; 400/422 problem+json for an unacceptable body, a proposed
     *         configuration refused as its PUT would refuse it
     */
    @POST
    @Path("what-if")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<WhatIfService.Answer>> whatIf(@PathParam("tenant") String tenant, ObjectNode body) {
        guard.requireAdminOf(tenant);
        WhatIfService.Request request = WhatIfRequestReader.read(tenant, body);
        return whatIf.evaluate(request).map(answer -> RestResponse.ResponseBuilder.ok(answer)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build());
    }

    /**
     * Which live invitations a proposed change would end, before anything is saved (issue #8): body
     * {@code {"partner": "<id>" | null, "settings": {…} | null}} — partner null = the default; settings null with a
     * partner = deleting that partner configuration. The same checks as the real change (422 naming the field under
     * {@code /settings}, 404 for deleting a partner configuration that does not exist); nothing saved or published.
     *
     * @return 200 with the {@link ImpactView}
     */
    @POST
    @Path("impact")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Object>> impact(@PathParam("tenant") String tenant, ObjectNode body) {
        guard.requireAdminOf(tenant);
        ProposedChange change = ProposedChange.of(body);
        if (tenant.equals(change.partner())) {
            throw new InvalidInputException(List.of("/partner: a tenant cannot be its own partner: " + tenant),
                    "/partner", null);
        }
        Uni<Reevaluation.Outcome> outcome;
        if (change.settings() == null) {
            outcome = settings.previewDelete(tenant, change.partner(), null);
        } else {
            outcome = previewPut(tenant, change.partner(), change.settings(), null, "/settings");
        }
        return outcome.map(o -> impact(tenant, o));
    }

    /** The impact body, strictly read: both members required, nothing else. */
    private record ProposedChange(String partner, JsonNode settings) {
        private static final Set<String> MEMBERS = Set.of("partner", "settings");

        static ProposedChange of(JsonNode body) {
            if (body == null || body.isNull() || body.isMissingNode()) {
                throw ProblemException.badRequest("a JSON body {\"partner\", \"settings\"} is required");
            }
            Violations violations = new Violations();
            for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!MEMBERS.contains(name)) {
                    violations.at("/" + Violations.segment(name), "unknown member (known: partner, settings)");
                }
            }
            JsonNode partner = body.get("partner");
            JsonNode proposed = body.get("settings");
            String partnerId = null;
            if (partner == null) {
                violations.at("/partner", "is required (a partner tenant id, or null for the default)");
            } else if (partner.isTextual()) {
                partnerId = partner.asText();
                if (!Identifiers.isId(partnerId)) {
                    violations.at("/partner", "is not a tenant id: " + Identifiers.echo(partnerId)
                            + " does not match " + Identifiers.ID.pattern());
                }
            } else if (!partner.isNull()) {
                violations.at("/partner", "must be a tenant id (a string) or null for the default");
            }
            if (proposed == null) {
                violations.at("/settings", "is required (a configuration, or null to delete the partner "
                        + "configuration)");
            } else if (!proposed.isObject() && !proposed.isNull()) {
                violations.at("/settings", "must be a configuration (a JSON object) or null");
            } else if (proposed.isNull() && partner != null && partner.isNull()) {
                violations.at("/settings", "the default configuration cannot be deleted: give one");
            }
            violations.throwIfAny();
            return new ProposedChange(partnerId == null ? PartnerConfiguration.DEFAULT : partnerId,
                    proposed.isNull() ? null : proposed);
        }
    }

    private Uni<RestResponse<Object>> put(String tenant, String partner, ObjectNode body, boolean dryRun,
                                          HttpServerRequest request, UriInfo uri, Party caller) {
        JsonNode configuration = required(body);
        String ifMatch = ifMatch(request);
        if (dryRun) {
            return previewPut(tenant, partner, configuration, ifMatch, null).map(outcome -> impact(tenant, outcome));
        }
        return settings.put(tenant, partner, configuration, ifMatch, caller)
                .map(change -> ViewEvents.add(RestResponse.ResponseBuilder.ok((Object) View.of(change.stored()))
                                .header(HttpHeaders.ETAG, "\"" + change.stored().version() + "\"")
                                .header(HttpHeaders.CONTENT_LOCATION, uri.getAbsolutePath().toString()),
                        change.events()).build());
    }

    /** A dry-run PUT; {@code pointer} prefixes the fields of a refusal when the configuration is nested in a body. */
    private Uni<Reevaluation.Outcome> previewPut(String tenant, String partner, JsonNode configuration,
                                                 String ifMatch, String pointer) {
        try {
            return settings.previewPut(tenant, partner, configuration, ifMatch);
        } catch (InvalidInputException e) {
            throw pointer == null ? e : e.under(pointer);
        }
    }

    /**
     * {@code dryRun}: absent or {@code false} = a real change, {@code true} = a dry run. Its name is matched exactly
     * and given at most once ({@link OnlyDeclaredQueryParameters}): {@code ?DryRun=true} is refused, never carried out.
     *
     * @param value the parameter's one value as the framework read it (null for {@code ?dryRun=} too)
     * @param uri   the request, to tell {@code ?dryRun=} and {@code ?dryRun} (400) from no dryRun at all
     * @throws ProblemException 400 when empty or anything but true or false
     */
    static boolean dryRun(String value, UriInfo uri) {
        String given = value != null ? value : uri.getQueryParameters().getFirst("dryRun");
        if (given == null) {
            return false;
        }
        return switch (given) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProblemException.badRequest("query parameter dryRun must be true or false, not "
                    + Identifiers.echo(given));
        };
    }

    /**
     * The impact as {@code tenant}'s admin may read it: its own rule when resource tenant, else its home rule. Also the
     * answer of an application removal's dry run ({@link ApplicationResource#remove}).
     *
     * @param tenant  the caller's tenant
     * @param outcome what the change would end
     * @return 200 with the {@link ImpactView}
     */
    static RestResponse<Object> impact(String tenant, Reevaluation.Outcome outcome) {
        int grants = 0;
        List<ImpactItem> items = new ArrayList<>();
        for (Reevaluation.Failure failure : outcome.failures()) {
            LiveInvitation invitation = failure.invitation();
            boolean grant = invitation.status().grant();
            if (grant) {
                grants++;
            }
            if (items.size() < MAX_IMPACT_ITEMS) {
                boolean asResource = tenant.equals(invitation.resourceTenant());
                items.add(new ImpactItem(invitation.invitationId(), invitation.status().wire(),
                        invitation.resourceTenant(), invitation.homeTenant(), invitation.application(),
                        invitation.inviteeEmail(), grant ? "revoked" : "denied",
                        asResource ? failure.evaluation().reasons() : failure.evaluation().homeReasons()));
            }
        }
        int total = outcome.failures().size();
        // names guests and is only true until the next change: no cache may keep it (as what-if)
        return RestResponse.ResponseBuilder.ok((Object) new ImpactView(true, new ImpactCounts(grants, total - grants),
                items, total > items.size())).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
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
