package org.crosstenant.gateway.rest;

import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.config.GatewayConfig;
import org.jboss.logging.Logger;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;

/**
 * Streams a request to an upstream and its response back, with Vert.x pipes: nothing is buffered, so Server-Sent
 * Events and large bodies pass through as they come. The caller's headers are filtered by the given function (the
 * caller's own token never leaves the gateway).
 */
@ApplicationScoped
public class HttpProxy {

    private static final Logger LOG = Logger.getLogger(HttpProxy.class);
    /** RFC 9110 hop-by-hop headers, never forwarded either way. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host");

    private final HttpClient client;
    private final GatewayConfig.Proxy config;

    public HttpProxy(Vertx vertx, GatewayConfig config) {
        this.config = config.proxy();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) this.config.connectTimeout().toMillis())
                .setMaxPoolSize(this.config.maxPoolSize())
                .setKeepAlive(true)
                .setDecompressionSupported(false));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * @param targetUri absolute URI of the upstream resource, query included
     * @param headers the request headers to send (already filtered, Authorization set)
     * @param rewriteLocation maps an upstream Location header to what the caller should see
     */
    public void forward(RoutingContext ctx, String targetUri, MultiMap headers, Function<String, String> rewriteLocation) {
        HttpServerRequest in = ctx.request();
        boolean stream = acceptsEventStream(in);
        RequestOptions options = new RequestOptions()
                .setMethod(in.method())
                .setAbsoluteURI(targetUri)
                .setHeaders(headers)
                // an SSE stream may legitimately stay silent for long; anything else gets an idle limit
                .setIdleTimeout(stream ? 0 : config.idleTimeout().toMillis());
        boolean hasBody = in.headers().contains("Content-Length") && !"0".equals(in.getHeader("Content-Length"))
                || in.headers().contains("Transfer-Encoding");
        client.request(options)
                .compose(out -> {
                    ctx.response().closeHandler(v -> out.reset()); // caller went away: stop the upstream call
                    return hasBody ? sendBody(out, in) : out.send();
                })
                .onSuccess(upstream -> relay(ctx, upstream, rewriteLocation))
                .onFailure(failure -> {
                    LOG.debugf("upstream %s failed: %s", targetUri, failure.toString());
                    if (!in.isEnded()) {
                        in.resume();
                    }
                    Problems.badGateway(ctx, "The upstream service did not answer");
                });
    }

    private static io.vertx.core.Future<HttpClientResponse> sendBody(HttpClientRequest out, HttpServerRequest in) {
        if (!in.headers().contains("Content-Length")) {
            out.setChunked(true);
        }
        return out.send(in);
    }

    private static void relay(RoutingContext ctx, HttpClientResponse upstream,
            Function<String, String> rewriteLocation) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            upstream.request().reset();
            return;
        }
        response.setStatusCode(upstream.statusCode());
        response.setStatusMessage(upstream.statusMessage());
        upstream.headers().forEach(h -> {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name)) {
                return;
            }
            String value = "location".equals(name) || "content-location".equals(name)
                    ? rewriteLocation.apply(h.getValue()) : h.getValue();
            response.headers().add(h.getKey(), value);
        });
        if (!upstream.headers().contains("Content-Length")) {
            response.setChunked(true);
        }
        upstream.pipeTo(response).onFailure(f -> LOG.debugf("relay interrupted: %s", f.toString()));
    }

    static boolean acceptsEventStream(HttpServerRequest in) {
        String accept = in.getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/event-stream");
    }
}
