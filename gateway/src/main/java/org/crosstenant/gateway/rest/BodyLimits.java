package org.crosstenant.gateway.rest;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.crosstenant.gateway.config.LimitsConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request whose declared body ({@code Content-Length}) is over its limit with 413 problem+json (members
 * {@code field: "body"} and {@code limit} in bytes) before authentication, routing or proxying: on {@code /api/**}
 * {@code crosstenant.gateway.limits.api-max-body-size}, elsewhere {@code quarkus.http.limits.max-body-size}. It runs
 * ahead of Quarkus' own check, whose 413 has no body. A chunked body is streamed, not counted here: on {@code /api}
 * the service refuses one over its own limit with the same 413 problem, which the gateway passes on.
 */
@ApplicationScoped
public class BodyLimits {

    /** Before Quarkus' upload-limit route, so its bare 413 is never the answer. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

    private final long apiLimit;
    private final long limit;

    public BodyLimits(LimitsConfig limits,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> maxBodySize) {
        this.limit = maxBodySize.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
        this.apiLimit = Math.min(limit, limits.apiMaxBodySize().asLongValue());
    }

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
    }

    void check(RoutingContext ctx) {
        if (admit(ctx)) {
            ctx.next();
        }
    }

    /**
     * The check itself, for a route that handles the request on its own (the {@code /apps} hot path,
     * {@code GatewayRoutes#appsFromCache}, which runs before this route).
     *
     * @return true when the request may go on; false when it was answered with 413
     */
    boolean admit(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        String path = ctx.request().path();
        long max = path != null && path.startsWith("/api/") ? apiLimit : limit;
        if (length != null && declaredLength(length) > max) {
            ctx.response().putHeader("Connection", "close");
            ctx.response().endHandler(v -> ctx.request().connection().close());
            ctx.response().setStatusCode(413)
                    .putHeader("Content-Type", Problems.CONTENT_TYPE)
                    .putHeader("Cache-Control", "no-store")
                    .end(Problems.body(413, "body-too-large", "Content Too Large",
                            "The request body exceeds the limit of " + max + " bytes", path)
                            .put("field", "body").put("limit", max).encode());
            return false;
        }
        return true;
    }

    /** A Content-Length that is not a number counts as unlimited: such a request is not read. */
    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
