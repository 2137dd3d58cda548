package org.crosstenant.gateway.rest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.crosstenant.gateway.messaging.AccessEventPublisher;
import org.crosstenant.gateway.messaging.ReadYourWrites;
import org.crosstenant.gateway.messaging.ViewProgress;
import org.crosstenant.gateway.messaging.ViewReadinessCheck;
import org.crosstenant.gateway.model.AccessDecision;
import org.crosstenant.gateway.model.AppRoute;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.crosstenant.gateway.repository.LocalView;
import org.crosstenant.gateway.service.AccessPolicy;
import org.crosstenant.gateway.service.FederatedTokenService;
import org.crosstenant.gateway.service.IdentityMapper;
import org.crosstenant.gateway.service.RateLimits.Surface;
import org.crosstenant.gateway.service.ServiceRoutes;
import org.crosstenant.gateway.service.VerifiedTokenCache;
import org.jboss.logging.Logger;

import io.quarkus.security.AuthenticationException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's HTTP surface as plain Vert.x routes (no JAX-RS in the way of streaming). Authentication is enforced
 * before these run, by {@code quarkus.http.auth.permission.*}; handlers read the verified identity from the routing
 * context. One exception, the hot path: an {@code /apps/**} request whose bearer token is in the
 * {@link VerifiedTokenCache} is answered by {@link #appsFromCache} ahead of Quarkus' security chain (see there).
 */
@ApplicationScoped
public class GatewayRoutes {

    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);
    /** The only caller headers a platform service receives (besides the federated Authorization). */
    static final List<String> SERVICE_HEADERS = List.of("Content-Type", "Content-Length", "Idempotency-Key", "If-Match",
            "Last-Event-ID", "Accept");
    /** Headers that may carry a caller credential besides Authorization; never sent upstream. */
    static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "x-forwarded-access-token", "x-auth-request-access-token", "x-amzn-oidc-accesstoken");
    /**
     * Caller headers that claim what a proxy in front of the upstream saw, or that rewrite the target path on some
     * servers (IIS/Symfony X-Original-URL, X-Rewrite-URL); only the gateway may say these, so the caller's own are
     * never sent upstream (every {@code x-forwarded-*} header as well).
     */
    static final Set<String> PROXY_CLAIM_HEADERS = Set.of("forwarded", "x-real-ip", "x-client-ip", "true-client-ip",
            "x-original-url", "x-rewrite-url", "x-original-forwarded-for", "client-ip", "x-cluster-client-ip",
            "cf-connecting-ip", "fastly-client-ip",
            // identity a proxy in front of an application asserts (oauth2-proxy, AWS ALB, Azure App Service)
            "x-remote-user", "x-auth-request-user", "x-auth-request-email", "x-auth-request-preferred-username",
            "x-auth-request-groups", "x-forwarded-user", "x-forwarded-email", "x-amzn-oidc-identity",
            "x-amzn-oidc-data", "x-ms-client-principal", "x-ms-client-principal-id", "x-ms-client-principal-name",
            "x-ms-client-principal-idp");

    private final IdentityMapper identities;
    private final FederatedTokenService tokens;
    private final ServiceRoutes serviceRoutes;
    private final LocalView view;
    private final AccessPolicy policy;
    private final AccessEventPublisher accessEvents;
    private final HttpProxy proxy;
    private final ViewProgress viewProgress;
    private final PublicLocations locations;
    /** Fair sharing: rate limits and upstream quotas (field-injected so the constructor stays as it is). */
    @Inject
    Admission admission;
    /** The hot path's authentication (field-injected, as above). */
    @Inject
    VerifiedTokenCache verified;
    @Inject
    BodyLimits bodyLimits;
    /** Holds /api answers until the view passed the events they list (field-injected, as above). */
    @Inject
    ReadYourWrites readYourWrites;

    /**
     * Route order of {@link #appsFromCache}: after {@link Admission}'s per-address limit (filter priority
     * {@link Admission#BEFORE_AUTHENTICATION}, i.e. order -250), before Quarkus' authentication (filter priority
     * {@link SecurityHandlerPriorities#AUTHENTICATION}, order -200).
     */
    static final int APPS_FROM_CACHE_ORDER = -(Admission.BEFORE_AUTHENTICATION + SecurityHandlerPriorities.AUTHENTICATION)
            / 2;

    public GatewayRoutes(IdentityMapper identities, FederatedTokenService tokens, ServiceRoutes serviceRoutes,
            LocalView view, AccessPolicy policy, AccessEventPublisher accessEvents, HttpProxy proxy,
            ViewProgress viewProgress, PublicLocations locations) {
        this.identities = identities;
        this.tokens = tokens;
        this.serviceRoutes = serviceRoutes;
        this.view = view;
        this.policy = policy;
        this.accessEvents = accessEvents;
        this.proxy = proxy;
        this.viewProgress = viewProgress;
        this.locations = locations;
    }

    void register(@Observes Router router) {
        router.get("/.well-known/jwks.json").handler(this::jwks);
        for (String path : ServiceRoutes.PUBLIC_SSF_PATHS) {
            router.get(path).handler(this::publicDocument);
        }
        router.get(ServiceRoutes.AUDIT_CHECKPOINT_KEY).handler(this::publicDocument);
        router.route("/api/*").handler(this::api);
        router.route("/apps/*").order(APPS_FROM_CACHE_ORDER).handler(this::appsFromCache);
        router.route("/apps/*").handler(this::apps);
        router.route().failureHandler(this::failure);
        // anything no other route took: a problem+json 404 rather than the default plain page
        router.route().last().handler(ctx -> Problems.notFound(ctx, "Nothing at " + ctx.normalizedPath()));
    }

    void jwks(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "public, max-age=300")
                .end(new JsonObject(tokens.jwks()).encode());
    }

    /**
     * The public documents of the services: the Shared Signals transmitter documents (SSF 1.0 §7 metadata, the SET
     * JWKS) and the audit log's checkpoint key (docs/audit.md); proxied to their service without any caller identity
     * (no federated token, no Authorization), like the gateway's own JWKS open to all.
     */
    void publicDocument(RoutingContext ctx) {
        String path = ctx.request().path();
        var base = serviceRoutes.publicBaseUrlFor(path);
        if (base.isEmpty()) {
            Problems.notFound(ctx, "Nothing at " + path);
            return;
        }
        String publicBase = locations.publicBase(ctx);
        proxy.forward(ctx, join(base.get(), path, null), serviceHeaders(ctx, publicBase),
                (name, value) -> HeaderRules.is(name, "Set-Cookie") ? null : value);
    }

    void api(RoutingContext ctx) {
        FederatedIdentity caller = caller(ctx);
        if (caller == null) {
            Problems.unauthorized(ctx, "A bearer token from a federated tenant is required");
            return;
        }
        if (!admission.admitRate(ctx, caller, Surface.API)) {
            return;
        }
        // the raw path is checked, routed and forwarded: the service sees exactly what was decided on
        String path = ctx.request().path();
        if (smuggled(ctx, path)) {
            return;
        }
        if (path.indexOf(';') >= 0) {
            // the services' framework drops ";name=value" path parameters, so ".../partners/fabrikam;dryRun=true"
            // would be a real change: the API has none, and refuses them rather than letting them vanish
            Problems.send(ctx, 400, "path-not-canonical", "Bad Request", "The request path is refused: the API has "
                    + "no path parameters (';'); put parameters in the query.");
            return;
        }
        var base = serviceRoutes.baseUrlFor(path);
        if (base.isEmpty()) {
            Problems.notFound(ctx, "No API at " + path);
            return;
        }
        if (!admission.admitUpstream(ctx, caller, Surface.API, base.get())) {
            return;
        }
        String publicBase = locations.publicBase(ctx);
        MultiMap headers = serviceHeaders(ctx, publicBase);
        headers.set("Authorization", "Bearer " + tokens.forServices(caller));
        proxy.forward(ctx, join(base.get(), path, ctx.request().query()), headers,
                (name, value) -> isLocation(name) ? locations.forService(value, publicBase)
                        : HeaderRules.is(name, "Set-Cookie") ? null : value, // services set no cookies on the origin
                this::readYourWrites);
    }

    /**
     * Read-your-writes (docs/api.md): a 2xx service answer listing view events waits until this gateway's view has
     * passed them, at most {@code read-your-writes.timeout}, and gets {@code Crosstenant-Enforced}; the list itself
     * never reaches the caller ({@link HeaderRules#copyResponse}).
     */
    private Future<MultiMap> readYourWrites(HttpClientResponse upstream) {
        Future<String> enforced = readYourWrites.enforcement(upstream.statusCode(),
                upstream.headers().getAll(ReadYourWrites.VIEW_EVENTS));
        return enforced == null ? null
                : enforced.map(value -> MultiMap.caseInsensitiveMultiMap().add(ReadYourWrites.ENFORCED, value));
    }

    /**
     * The only caller headers a service receives ({@link #SERVICE_HEADERS}, unless the caller's Connection names
     * them) plus the gateway's forwarding headers.
     */
    static MultiMap serviceHeaders(RoutingContext ctx, String publicBase) {
        MultiMap in = ctx.request().headers();
        Set<String> named = HeaderRules.connectionNamed(in);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (String name : SERVICE_HEADERS) {
            List<String> values = in.getAll(name);
            if (!values.isEmpty() && !HeaderRules.dropped(name, named)) {
                headers.add(name, values);
            }
        }
        HeaderRules.forwarded(headers, publicBase, ctx.request().remoteAddress());
        return headers;
    }

    /**
     * Answers 400 problem+json if the raw path could be read differently by a decoding upstream (see
     * {@link ProxiedPaths}).
     *
     * @return whether the request was refused
     */
    private static boolean smuggled(RoutingContext ctx, String rawPath) {
        var refusal = ProxiedPaths.refusal(rawPath, ctx.request().query());
        if (refusal.isPresent()) {
            LOG.debugf("refused path %s: %s", rawPath, refusal.get());
            Problems.send(ctx, 400, "path-not-canonical", "Bad Request", "The request path is refused: "
                    + refusal.get() + ". Send each segment percent-encoded once, without dot segments.");
            return true;
        }
        return false;
    }

    /**
     * The hot path (issue #5): an {@code /apps/**} request whose bearer token is exactly a token Quarkus OIDC verified
     * before (issuer of its tenant, signature, audience, {@code exp}/{@code nbf}) and that has not expired since
     * ({@link VerifiedTokenCache}: keyed by the full raw token, never past {@code exp}) is handled here, without
     * Quarkus' authentication and permission chain (a Mutiny pipeline per request, 15 % of the gateway's CPU under
     * load). Everything else the chain leads to still happens, in the same order: the per-address limit ran before
     * (its filter is ordered ahead of this route), then the body limit ({@link BodyLimits}), then {@link #apps}
     * (caller and tenant rate limits, path checks, the view, grants and revocations, the access audit, 403/404
     * problems). Any other request — no token, or one not verified before — goes on to Quarkus' chain unchanged:
     * OIDC verifies it (and caches it, {@code IdentityMapper}) or answers 401.
     *
     * @param ctx an {@code /apps/**} request, before authentication
     */
    void appsFromCache(RoutingContext ctx) {
        FederatedIdentity caller = verified.federated(bearerToken(ctx.request().getHeader("Authorization")));
        if (caller == null) {
            ctx.next();
        } else if (bodyLimits.admit(ctx)) {
            apps(ctx, caller);
        }
    }

    void apps(RoutingContext ctx) {
        apps(ctx, caller(ctx));
    }

    /**
     * Decides, audits and proxies one {@code /apps/{tenant}/{application}/...} request.
     *
     * @param caller the verified caller, or null (answered 401 problem+json)
     */
    private void apps(RoutingContext ctx, FederatedIdentity caller) {
        if (caller == null) {
            Problems.unauthorized(ctx, "A bearer token from a federated tenant is required");
            return;
        }
        if (!admission.admitRate(ctx, caller, Surface.APPS)) {
            return;
        }
        // the raw path is checked, decided on, audited and forwarded: the application serves exactly that path
        String path = ctx.request().path();
        if (smuggled(ctx, path)) {
            return;
        }
        String[] s = path.split("/", 5); // "", apps, tenant, app, rest
        if (s.length < 4 || !"apps".equals(s[1]) || s[2].isEmpty() || s[3].isEmpty()) {
            Problems.notFound(ctx, "Use /apps/{tenant}/{application}/...");
            return;
        }
        String tenant = s[2];
        String application = s[3];
        String rest = s.length == 5 ? "/" + s[4] : "/";
        if (!viewProgress.caughtUp(ViewReadinessCheck.CHANNELS)) {
            // before the replay caught up a registration or a revocation may still be missing: decide nothing
            ctx.response().putHeader("Retry-After", "1");
            Problems.send(ctx, 503, "view-not-ready", "Service Unavailable",
                    "The gateway is still loading applications and grants; retry shortly");
            return;
        }
        if (!viewProgress.stoppedChannels().isEmpty()) {
            // a stopped consumer froze the view: a revocation may be missing, so decide nothing
            ctx.response().putHeader("Retry-After", "5");
            Problems.send(ctx, 503, "view-stale", "Service Unavailable",
                    "The gateway's view of applications and grants is not being updated; retry later");
            return;
        }
        // an outsider gets the same 403 whether or not the application exists (an unknown one requires no MFA)
        AppRoute route = view.route(tenant, application).orElse(null);
        AccessDecision decision = policy.decide(caller, tenant, application, route != null && route.requireMfa());
        if (!decision.allowed()) {
            accessEvents.publish(caller, tenant, application, decision, ctx.request().method().name(), path);
            if (decision.isStepUp()) {
                Problems.insufficientUserAuthentication(ctx, decision.reason(), decision.stepUpAcr());
            } else {
                Problems.forbidden(ctx, "You have no access to " + tenant + "/" + application);
            }
            return;
        }
        if (route == null) {
            if (caller.tenant().equals(tenant)) {
                Problems.notFound(ctx, "No application " + application + " is registered by tenant " + tenant);
            } else {
                // direct connect may admit an outsider to applications by a rule ("all", a block list): a 404 here
                // would tell them which names the tenant has registered, so they read the refusal's 403
                Problems.forbidden(ctx, "You have no access to " + tenant + "/" + application);
            }
            return;
        }
        if (!admission.admitUpstream(ctx, caller, Surface.APPS, route.upstreamUrl())) {
            return;
        }
        accessEvents.publish(caller, tenant, application, decision, ctx.request().method().name(), path);
        String prefix = "/apps/" + tenant + "/" + application;
        String publicBase = locations.publicBase(ctx);
        AppCookies cookies = AppCookies.of(tenant, application);
        MultiMap headers = applicationHeaders(ctx, prefix, publicBase, cookies);
        headers.set("Authorization", "Bearer " + tokens.forApplication(caller, tenant, application, decision));
        String upstreamBase = stripSlash(route.upstreamUrl());
        proxy.forward(ctx, join(upstreamBase, rest, ctx.request().query()), headers,
                (name, value) -> isLocation(name) ? locations.forApplication(value, upstreamBase, publicBase + prefix)
                        : HeaderRules.is(name, "Set-Cookie") ? (cookies == null ? null : cookies.response(value))
                        : value);
    }

    private static boolean isLocation(String name) {
        return HeaderRules.is(name, "Location") || HeaderRules.is(name, "Content-Location");
    }

    /**
     * Everything the caller sent except hop-by-hop headers, headers its Connection names, its own forwarding claims,
     * the headers only the gateway may say ({@link HeaderRules#GATEWAY_OWNED}),
     * and anything that carries the caller's own token (Authorization, token-forwarding headers, any header whose
     * value contains the token); of its cookies only the application's own ({@link AppCookies}); plus the gateway's
     * forwarding headers ({@link HeaderRules#forwarded}) and X-Forwarded-Prefix.
     *
     * @param cookies the application's cookie jar, or null to forward no cookie
     */
    static MultiMap applicationHeaders(RoutingContext ctx, String prefix, String publicBase, AppCookies cookies) {
        MultiMap in = ctx.request().headers();
        String token = bearerToken(in.get("Authorization"));
        Set<String> named = HeaderRules.connectionNamed(in);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        in.forEach(h -> {
            // "_" read as "-": CGI-style applications map both to one variable (HTTP_X_FORWARDED_FOR), so a look-alike
            // such as X_Forwarded_For or Crosstenant_Enforced would pass for the header itself
            String name = h.getKey().toLowerCase(Locale.ROOT).replace('_', '-');
            if (HeaderRules.dropped(name, named) || CREDENTIAL_HEADERS.contains(name)
                    || PROXY_CLAIM_HEADERS.contains(name) || name.startsWith("x-forwarded-")
                    || HeaderRules.GATEWAY_OWNED.contains(name)) {
                return;
            }
            if (token != null && h.getValue().contains(token)) {
                return;
            }
            headers.add(h.getKey(), h.getValue());
        });
        String own = cookies == null || named.contains("cookie") ? null : cookies.request(in.getAll("Cookie"), token);
        if (own != null) {
            headers.set("Cookie", own);
        }
        HeaderRules.forwarded(headers, publicBase, ctx.request().remoteAddress());
        headers.set("X-Forwarded-Prefix", prefix);
        return headers;
    }

    void failure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof AuthenticationException || failure instanceof UnauthorizedException
                || ctx.statusCode() == 401) {
            Problems.unauthorized(ctx, "The bearer token is missing, invalid, expired or not from a federated tenant");
        } else if (failure instanceof ForbiddenException || ctx.statusCode() == 403) {
            Problems.forbidden(ctx, "Access denied");
        } else if (ctx.statusCode() == 404) {
            Problems.notFound(ctx, "Nothing at " + ctx.normalizedPath());
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            Problems.send(ctx, ctx.statusCode(), "bad-request", "Bad Request", "The request was not acceptable");
        } else {
            LOG.errorf(failure, "unexpected failure on %s", ctx.normalizedPath());
            Problems.send(ctx, 500, "internal", "Internal Server Error", "The gateway failed to handle the request");
        }
    }

    private FederatedIdentity caller(RoutingContext ctx) {
        return ctx.user() instanceof QuarkusHttpUser user ? identities.map(user.getSecurityIdentity()) : null;
    }

    static String bearerToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    static String join(String base, String path, String query) {
        String b = stripSlash(base);
        String p = path.startsWith("/") ? path : "/" + path;
        return b + p + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
