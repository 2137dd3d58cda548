package org.crosstenant.gateway.rest;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem+json responses, the one error shape of the gateway (its own 401s included). */
public final class Problems {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "urn:crosstenant:problem:";

    private Problems() {
    }

    public static void send(RoutingContext ctx, int status, String slug, String title, String detail) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // a streamed response already started: the only honest signal left is to cut it
            ctx.request().connection().close();
            return;
        }
        String body = body(status, slug, title, detail, ctx.normalizedPath()).encode();
        response.setStatusCode(status)
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("Cache-Control", "no-store")
                .end(body);
    }

    public static JsonObject body(int status, String slug, String title, String detail, String instance) {
        return new JsonObject()
                .put("type", TYPE_BASE + slug)
                .put("title", title)
                .put("status", status)
                .put("detail", detail)
                .put("instance", instance);
    }

    public static void unauthorized(RoutingContext ctx, String detail) {
        if (!ctx.response().headWritten() && ctx.response().headers().get("WWW-Authenticate") == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        send(ctx, 401, "unauthorized", "Unauthorized", detail);
    }

    public static void forbidden(RoutingContext ctx, String detail) {
        send(ctx, 403, "forbidden", "Forbidden", detail);
    }

    public static void notFound(RoutingContext ctx, String detail) {
        send(ctx, 404, "not-found", "Not Found", detail);
    }

    public static void badGateway(RoutingContext ctx, String detail) {
        send(ctx, 502, "bad-gateway", "Bad Gateway", detail);
    }
}
