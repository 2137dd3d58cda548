package org.crosstenant.gateway.rest;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.crosstenant.gateway.config.FairShareConfig;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.crosstenant.gateway.service.RateLimits;
import org.crosstenant.gateway.service.RateLimits.Surface;
import org.crosstenant.gateway.service.RateLimits.Verdict;
import org.crosstenant.gateway.service.UpstreamQuotas;
import org.crosstenant.gateway.service.VerifiedTokenCache;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * Admission control of the gateway (fair sharing between tenants, docs/architecture.md): decides whether a request
 * may use the gateway and an upstream connection, and answers 429 problem+json with {@code Retry-After} (whole
 * seconds, RFC 9110 §10.2.3) naming the limit when not. Three checks:
 * <ol>
 * <li>before authentication (a Vert.x filter ranked above Quarkus' authentication): per client address, for requests
 * on {@code /api} and {@code /apps} whose bearer token the gateway has not verified already — the ones that cost a
 * signature check — so a flood of made-up tokens costs one hash look-up each;</li>
 * <li>after authentication ({@link #admitRate}): per caller and per home tenant, each surface on its own;</li>
 * <li>before proxying ({@link #admitUpstream}): the tenant's share of concurrent requests to that upstream and, for
 * streams, of open streams per tenant and per caller; the share is given back when the exchange ends (answered,
 * reset or abandoned by the caller).</li>
 * </ol>
 * Every refusal is counted in {@code crosstenant_gateway_requests_limited_total{surface, limit}}.
 */
@ApplicationScoped
public class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class);
    /** Above Quarkus' authentication filter (200), below CORS (300): runs before any token is verified. */
    static final int BEFORE_AUTHENTICATION = 250;
    private static final String PREFIX = "crosstenant.gateway.fair-share.";

    private final FairShareConfig config;
    private final RateLimits rates;
    private final UpstreamQuotas quotas;
    private final VerifiedTokenCache verified;
    private final MeterRegistry registry;
    private final Clock clock = Clock.systemUTC();

    public Admission(FairShareConfig config, VerifiedTokenCache verified, MeterRegistry registry) {
        this.config = config;
        this.verified = verified;
        this.registry = registry;
        this.rates = new RateLimits(Map.of(Surface.API, limits(config.api()), Surface.APPS, limits(config.apps())),
                config.maxTrackedCallersPerTenant(), config.clientAddress().perSecond(),
                config.clientAddress().burst(), config.clientAddress().maxTracked());
        this.quotas = new UpstreamQuotas(config.upstream().concurrentPerTenant(), config.streams().perTenant(),
                config.streams().perCaller());
    }

    private static RateLimits.Limits limits(FairShareConfig.RateLimit l) {
        return new RateLimits.Limits(l.tenantPerSecond(), l.tenantBurst(), l.callerPerSecond(), l.callerBurst());
    }

    void register(@Observes Filters filters) {
        filters.register(this::beforeAuthentication, BEFORE_AUTHENTICATION);
    }

    /**
     * The per-address limit, before authentication, for every request whose Authorization is not in the
     * verified-token cache (proactive authentication verifies a bearer token on any path, so a forged-token flood is
     * limited whatever the path) and for token-less requests to the proxied paths.
     */
    void beforeAuthentication(RoutingContext ctx) {
        String path = ctx.request().path();
        String authorization = ctx.request().getHeader("Authorization");
        boolean proxied = path != null && (path.startsWith("/api/") || path.startsWith("/apps/"));
        if (authorization == null ? !proxied : verified.holds(GatewayRoutes.bearerToken(authorization))) {
            ctx.next();
            return;
        }
        var peer = ctx.request().remoteAddress();
        Verdict verdict = rates.tryAcquireUnverified(peer == null ? "" : peer.hostAddress());
        if (verdict.allowed()) {
            ctx.next();
            return;
        }
        FairShareConfig.ClientAddress l = config.clientAddress();
        refuse(ctx, "unverified", verdict.limit(), verdict.retryAfterSeconds(), "rate-limited",
                "Too many requests with a token the gateway has not verified yet from this client address ("
                        + PREFIX + "client-address.per-second=" + l.perSecond() + ", burst=" + l.burst()
                        + switch (verdict.limit()) {
                            case "client-address-prefix" -> "; shared by the addresses of this network (IPv4 /24, "
                                    + "IPv6 /48) beyond " + PREFIX + "client-address.max-tracked=" + l.maxTracked();
                            case "client-address-overflow" -> "; shared by all addresses beyond "
                                    + PREFIX + "client-address.max-tracked=" + l.maxTracked() + " and as many networks";
                            default -> "";
                        }
                        + ").");
    }

    /**
     * Takes one request of {@code caller} from its own and its tenant's bucket of {@code surface}; answers 429 when
     * either is empty.
     *
     * @param ctx the request (answered when refused)
     * @param caller the verified caller
     * @param surface {@code /api} or {@code /apps}
     * @return true when the request may go on; false when it was answered with 429
     */
    public boolean admitRate(RoutingContext ctx, FederatedIdentity caller, Surface surface) {
        Verdict verdict = rates.tryAcquire(surface, caller.tenant(), caller.subject());
        if (verdict.allowed()) {
            return true;
        }
        FairShareConfig.RateLimit l = surface == Surface.API ? config.api() : config.apps();
        String setting = PREFIX + surface.label + (verdict.limit().equals("tenant")
                ? ".tenant-per-second=" + l.tenantPerSecond() + ", burst=" + l.tenantBurst()
                : ".caller-per-second=" + l.callerPerSecond() + ", burst=" + l.callerBurst());
        String who = switch (verdict.limit()) {
            case "tenant" -> "all callers of tenant " + caller.tenant() + " together";
            case "caller-overflow" -> "callers of tenant " + caller.tenant() + " beyond " + PREFIX
                    + "max-tracked-callers-per-tenant=" + config.maxTrackedCallersPerTenant() + ", who share one limit";
            default -> "this caller";
        };
        refuse(ctx, surface.label, verdict.limit(), verdict.retryAfterSeconds(), "rate-limited",
                "Too many requests on /" + surface.label + " by " + who + " (" + setting + ").");
        return false;
    }

    /**
     * Takes the caller's tenant's share of the upstream at {@code upstreamUrl} (and of streams, when the caller asks
     * for {@code text/event-stream}); answers 429 when the share is used up. On success the share is released when
     * the exchange ends, and a stream gets its deadline (the earlier of {@code streams.max-lifetime} and the expiry of
     * the caller's home token) for {@link HttpProxy}.
     *
     * @param ctx the request (answered when refused)
     * @param caller the verified caller
     * @param surface the surface, for the metric
     * @param upstreamUrl the upstream's base URL (its origin is the key: one connection pool per host:port)
     * @return true when the request may be proxied; false when it was answered with 429
     */
    public boolean admitUpstream(RoutingContext ctx, FederatedIdentity caller, Surface surface, String upstreamUrl) {
        boolean stream = HttpProxy.acceptsEventStream(ctx.request());
        UpstreamQuotas.Grant grant = quotas.tryAcquire(caller.tenant(), caller.subject(), origin(upstreamUrl), stream);
        if (!grant.granted()) {
            String setting = switch (grant.refusedBy()) {
                case "streams-per-caller" -> "streams.per-caller=" + config.streams().perCaller()
                        + " open streams of this caller";
                case "streams-per-tenant" -> "streams.per-tenant=" + config.streams().perTenant()
                        + " open streams of tenant " + caller.tenant();
                default -> "upstream.concurrent-per-tenant=" + config.upstream().concurrentPerTenant()
                        + " requests of tenant " + caller.tenant() + " in flight to this upstream";
            };
            refuse(ctx, surface.label, grant.refusedBy(), 1, grant.refusedBy().startsWith("streams")
                    ? "stream-quota" : "concurrency-quota", "Quota reached: " + PREFIX + setting
                            + ". Retry when one of them has ended.");
            return false;
        }
        ctx.addEndHandler(done -> grant.permit().release());
        if (stream) {
            Instant deadline = clock.instant().plus(config.streams().maxLifetime());
            if (caller.expiresAt() != null && caller.expiresAt().isBefore(deadline)) {
                deadline = caller.expiresAt();
            }
            ctx.put(HttpProxy.STREAM_DEADLINE, deadline);
        }
        return true;
    }

    /** Requests of {@code tenant}'s callers in flight to any upstream now (tests, diagnostics). */
    public int inFlight(String tenant) {
        return quotas.inFlight(tenant);
    }

    /** Streams of {@code tenant}'s callers open now (tests, diagnostics). */
    public int openStreams(String tenant) {
        return quotas.openStreams(tenant);
    }

    /**
     * {@code scheme://host:port} of a URL, as the connection pool keys connections, never the path: two URLs of one
     * upstream share one quota however they are spelled. A host {@link URI} does not parse as a server name (e.g. with
     * {@code _}) is taken from the raw authority (user info dropped); the URL itself only if even that is missing.
     */
    static String origin(String url) {
        try {
            URI uri = URI.create(url);
            String authority = uri.getRawAuthority();
            if (uri.getScheme() == null || authority == null) {
                return url;
            }
            String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            String host = uri.getHost();
            int port = uri.getPort();
            if (host == null) {
                String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
                int colon = hostPort.lastIndexOf(':');
                boolean hasPort = colon > hostPort.lastIndexOf(']') && colon >= 0;
                host = hasPort ? hostPort.substring(0, colon) : hostPort;
                port = hasPort ? parsePort(hostPort.substring(colon + 1)) : -1;
            }
            port = port >= 0 ? port : "https".equals(scheme) ? 443 : 80;
            return scheme + "://" + host.toLowerCase(java.util.Locale.ROOT) + ":" + port;
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    private static int parsePort(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void refuse(RoutingContext ctx, String surface, String limit, long retryAfterSeconds, String slug,
            String detail) {
        Counter.builder("crosstenant.gateway.requests.limited").description("requests refused by a fair-share limit")
                .tag("surface", surface).tag("limit", limit).register(registry).increment();
        LOG.debugf("429 %s on %s: %s", limit, ctx.request().path(), detail);
        if (!ctx.response().headWritten()) {
            ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
        Problems.send(ctx, 429, slug, "Too Many Requests", detail);
    }
}
