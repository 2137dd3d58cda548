package org.crosstenant.policy.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Answers a request body over {@code quarkus.http.limits.max-body-size} with 413 problem+json (RFC 9457, members
 * {@code field: "body"} and {@code limit} in bytes) before anything reads it. Runs ahead of Quarkus' own check (which
 * answers a bare 413): a declared {@code Content-Length} over the limit is refused at once; a body without one
 * (chunked) is read up to the limit by Vert.x' {@link BodyHandler}, which fails with 413 as soon as it grows beyond it,
 * and the endpoint then reads the buffered body. The connection is closed after a 413, so the rest of the body is
 * never read.
 */
@ApplicationScoped
public class BodyLimit {

    /** Before Quarkus' upload-limit route, so its bare 413 is never the answer. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

    private final Optional<MemorySize> maxBodySize;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    void register(@Observes Router router) {
        if (maxBodySize.isEmpty()) {
            return;
        }
        long limit = maxBodySize.get().asLongValue();
        BodyHandler reader = BodyHandler.create(false).setBodyLimit(limit);
        router.route().order(ORDER).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            String length = request.getHeader("Content-Length");
            if (length != null) {
                if (declaredLength(length) > limit) {
                    tooLarge(ctx, limit);
                } else {
                    ctx.next();
                }
            } else if (request.headers().contains("Transfer-Encoding")) {
                reader.handle(ctx);
            } else {
                ctx.next();
            }
        });
        router.route().order(ORDER).failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                tooLarge(ctx, limit);
            } else {
                ctx.next();
            }
        });
    }

    /** A Content-Length that is not a number is Long.MAX_VALUE here: never a reason to read the body. */
    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void tooLarge(RoutingContext ctx, long limit) {
        if (ctx.response().headWritten()) {
            ctx.request().connection().close();
            return;
        }
        JsonObject problem = new JsonObject()
                .put("type", "urn:crosstenant:problem:body-too-large")
                .put("title", "Content too large")
                .put("status", 413)
                .put("detail", "the request body exceeds the limit of " + limit + " bytes")
                .put("instance", ctx.request().path())
                .put("field", "body")
                .put("limit", limit);
        ctx.response().setStatusCode(413)
                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Connection", "close")
                .endHandler(v -> ctx.request().connection().close())
                .end(problem.encode());
    }
}
