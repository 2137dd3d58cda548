package org.crosstenant.gateway.rest;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.crosstenant.gateway.config.LimitsConfig;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request whose head is over its limits with RFC 9457 problem+json, as the first filter (before rate
 * limits and authentication): a request line (method, target, version) over
 * {@code crosstenant.gateway.limits.max-request-line-length} bytes with 414 (RFC 9110 §15.5.15), all header lines
 * together over {@code crosstenant.gateway.limits.max-header-size} bytes with 431 (RFC 6585 §5); members
 * {@code field} ({@code request-line}, {@code headers}) and {@code limit} (bytes); the connection is closed after the
 * answer. Sizes are counted as sent (each header line as {@code name: value} plus CRLF; the HTTP/1.x parser reads
 * one character per byte).
 * <p>
 * The HTTP layer (Vert.x' request decoder, {@code quarkus.http.limits.max-header-size} and
 * {@code max-initial-line-length}) keeps a larger backstop, because what it refuses never reaches a route and is
 * answered without a body (Quarkus 3.33 gives no access to Vert.x' {@code invalidRequestHandler}).
 */
@ApplicationScoped
public class HeadLimits {

    /**
     * Filter priority (higher runs first): before CORS (300), the per-address limit ({@link Admission}, 250) and
     * authentication (200), whose answers would otherwise come first.
     */
    static final int PRIORITY = 400;

    private final long maxHeaders;
    private final long maxRequestLine;

    public HeadLimits(LimitsConfig limits) {
        this.maxHeaders = limits.maxHeaderSize().asLongValue();
        this.maxRequestLine = limits.maxRequestLineLength();
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        long line = requestLineLength(request);
        if (line > maxRequestLine) {
            refuse(ctx, 414, "uri-too-long", "URI Too Long", "request-line", maxRequestLine,
                    "The request line (method, target, version) is " + line + " bytes; the limit is "
                            + maxRequestLine + " bytes");
            return;
        }
        long headers = headersLength(request);
        if (headers > maxHeaders) {
            refuse(ctx, 431, "headers-too-large", "Request Header Fields Too Large", "headers", maxHeaders,
                    "The request headers are " + headers + " bytes together; the limit is " + maxHeaders + " bytes");
            return;
        }
        ctx.next();
    }

    /** {@code METHOD SP target SP HTTP/x.y}, in bytes as sent. */
    static long requestLineLength(HttpServerRequest request) {
        return request.method().name().length() + 1L + request.uri().length() + 1L + "HTTP/1.1".length();
    }

    /** Every header line {@code name: value} with its CRLF, in bytes as sent. */
    static long headersLength(HttpServerRequest request) {
        long total = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            total += header.getKey().length() + 2L + header.getValue().length() + 2L;
        }
        return total;
    }

    private static void refuse(RoutingContext ctx, int status, String slug, String title, String field, long limit,
            String detail) {
        // the instance is not echoed: it may be the very target that is too long
        ctx.response().putHeader("Connection", "close");
        ctx.response().endHandler(v -> ctx.request().connection().close());
        JsonObject problem = Problems.body(status, slug, title, detail, null).put("field", field).put("limit", limit);
        problem.remove("instance");
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", Problems.CONTENT_TYPE)
                .putHeader("Cache-Control", "no-store")
                .end(problem.encode());
    }
}
