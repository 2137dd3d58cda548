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

    /**
     * 401 problem+json {@code unauthorized} with the RFC 6750 §3 challenge for this request ({@link #bearerChallenge}),
     * replacing any challenge set before (Quarkus' own is a bare {@code Bearer} whatever the cause).
     *
     * @param detail why (also the error_description when a token was sent)
     */
    public static void unauthorized(RoutingContext ctx, String detail) {
        if (!ctx.response().headWritten()) {
            ctx.response().headers().set("WWW-Authenticate",
                    bearerChallenge(ctx.request().getHeader("Authorization"), detail));
        }
        send(ctx, 401, "unauthorized", "Unauthorized", detail);
    }

    /**
     * The {@code WWW-Authenticate} value of a 401 (RFC 6750 §3.1): a request that carried a bearer token — which
     * therefore failed verification (signature, expiry, issuer, audience, or not a JWT at all) or belongs to no
     * federated tenant — gets {@code Bearer error="invalid_token", error_description="…"}; a request without one (no
     * Authorization header, another scheme, or {@code Bearer} with nothing after it) gets {@code Bearer} without error
     * code, as RFC 6750 §3.1 asks when the request lacks authentication information. No realm: the gateway uses none.
     *
     * @param authorization the request's Authorization header, or null
     * @param detail why, for error_description (characters RFC 6750 does not allow there become '?')
     */
    public static String bearerChallenge(String authorization, String detail) {
        return GatewayRoutes.bearerToken(authorization) == null ? "Bearer"
                : "Bearer error=\"invalid_token\", error_description=\"" + quotable(detail) + "\"";
    }

    /**
     * 401 problem+json {@code insufficient-user-authentication} with the RFC 9470 §3 challenge:
     * {@code WWW-Authenticate: Bearer error="insufficient_user_authentication", error_description="…",
     * acr_values="…"} ({@code acr_values} left out when none is configured for the caller's home tenant).
     *
     * @param detail why (also the error_description, with characters RFC 6750 §3 does not allow there replaced)
     * @param acrValues space-separated acr values the caller's next token should carry, or empty
     */
    public static void insufficientUserAuthentication(RoutingContext ctx, String detail, String acrValues) {
        if (!ctx.response().headWritten()) {
            String challenge = "Bearer error=\"insufficient_user_authentication\", error_description=\""
                    + quotable(detail) + "\"" + (acrValues.isEmpty() ? "" : ", acr_values=\"" + quotable(acrValues)
                    + "\"");
            ctx.response().putHeader("WWW-Authenticate", challenge);
        }
        send(ctx, 401, "insufficient-user-authentication", "Unauthorized", detail);
    }

    /** RFC 6750 §3: error_description and acr_values are %x20-21 / %x23-5B / %x5D-7E; anything else becomes '?'. */
    static String quotable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '?');
        }
        return out.toString();
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
