package org.crosstenant.gateway.rest;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.crosstenant.gateway.config.LimitsConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request whose declared body ({@code Content-Length}) is over its limit with 413 problem+json (members
 * {@code field: "body"} and {@code limit} in bytes) before authentication, routing or proxying: on {@code /api/**}
 * {@code crosstenant.gateway.limits.api-max-body-size}, elsewhere {@code quarkus.http.limits.max-body-size}. It runs
 * ahead of Quarkus' own check, whose 413 has no body. A body without a declared length (chunked) is counted while
 * the proxy streams it ({@link #limitFor}, {@link #tooLarge}): over the same limit the caller gets the same 413 and
 * the upstream call is reset, so no more of it is forwarded.
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
        long max = limitFor(ctx.request().path());
        if (length != null && declaredLength(length) > max) {
            tooLarge(ctx, max);
            return false;
        }
        return true;
    }

    /**
     * @param path the request path
     * @return the most bytes of a request body to it: the {@code /api/**} limit or the general one
     */
    public long limitFor(String path) {
        return path != null && path.startsWith("/api/") ? apiLimit : limit;
    }

    /**
     * Answers 413 problem+json {@code body-too-large} with {@code field: "body"} and {@code limit} (bytes), and closes
     * the connection once answered (the rest of the body is not read); nothing if the answer already started.
     *
     * @param ctx the request
     * @param max the limit it exceeded, in bytes
     */
    public static void tooLarge(RoutingContext ctx, long max) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten() || response.closed()) {
            ctx.request().connection().close();
            return;
        }
        response.putHeader("Connection", "close");
        response.endHandler(v -> ctx.request().connection().close());
        response.setStatusCode(413)
                .putHeader("Content-Type", Problems.CONTENT_TYPE)
                .putHeader("Cache-Control", "no-store")
                .end(Problems.body(413, "body-too-large", "Content Too Large",
                        "The request body exceeds the limit of " + max + " bytes", ctx.request().path())
                        .put("field", "body").put("limit", max).encode());
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
